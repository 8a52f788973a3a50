"""The HCL reader's fast paths against the general ones they stand in for.

`hcl.quicker_to_parse` hands tree-sitter escapes instead of the text of plain strings: the
syntax tree must be the same, node for node.  The converter builds simple leaves, attributes
and object elements from the source text: each must give exactly what the
general path (which walks the syntax tree) gives, positions included."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from s3lint.loaders.terraform import hcl

FIXTURES = Path(__file__).parent / "fixtures" / "terraform"


def parser() -> Any:
    return hcl._parser()


def tree_shape(tree: Any) -> list[tuple[Any, ...]]:
    """Every node of a syntax tree, anonymous ones included, with its range."""
    out = []
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        out.append((node.type, node.start_byte, node.end_byte, tuple(node.start_point), tuple(node.end_point), node.is_named, node.child_count))
        stack.extend(reversed(node.children))
    return out


def dump(value: Any) -> list[str]:
    """A converted node (or attribute, block, list of them) as text, positions included."""
    out: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, hcl.Node):
            out.append(f"{type(item).__name__}@{item.line},{item.column},{item.end_line},{item.end_column}")
            for cls in type(item).__mro__:
                for slot in getattr(cls, "__slots__", ()):
                    if slot in ("line", "column", "end_line", "end_column"):
                        continue
                    field = getattr(item, slot)
                    if isinstance(field, (hcl.Node, list, tuple)):
                        out.append(f"{slot}:")
                        stack.append(field)
                    else:
                        out.append(f"{slot}={field!r}")
        elif isinstance(item, (list, tuple)):
            out.append(f"[{len(item)}")
            stack.extend(reversed(item))
        elif isinstance(item, hcl.Attribute):
            out.append(f"attribute {item.name} {item.line},{item.column},{item.end_line},{item.end_column}")
            stack.append(item.expr)
        elif isinstance(item, hcl.Block):
            out.append(f"block {item.type} {item.labels} {item.line},{item.column},{item.end_line},{item.end_column} {item.header_end}")
            stack.append(list(item.body.attributes.values()) + item.body.blocks)
        else:
            out.append(repr(item))
    return out


def nodes_of(tree: Any, kind: str) -> Iterator[Any]:
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.type == kind:
            yield node
        stack.extend(node.children)


def check_fast_paths(data: bytes) -> int:
    """Compare every fast path with the general one on every node of `data` where it
    applies; the number of comparisons made (0 for text with syntax errors)."""
    tree = parser().parse(data)
    if tree.root_node.has_error:
        return 0
    converter = hcl._Converter(data, "t.tf")
    compared = 0
    for node in nodes_of(tree, "expression"):
        for depth in (0, hcl.MAX_DEPTH - 1, hcl.MAX_DEPTH):
            assert dump(converter._expression(node, depth)) == dump(converter._expression_node(node, depth))
            compared += 1
    for node in nodes_of(tree, "attribute"):
        assert dump(converter.attribute(node)) == dump(converter._attribute(node))
        compared += 1
    for node in nodes_of(tree, "object_elem"):
        for depth in (0, hcl.MAX_DEPTH - 2):
            fast = converter._simple_item(node, depth)
            if fast is not None:
                assert dump(fast) == dump(converter._object_item(node, depth))
                compared += 1
    return compared


def quicker(data: bytes) -> bytes:
    return hcl.quicker_to_parse(data)[0]


def check_quicker_parse(data: bytes) -> bool:
    """True when the quicker text parses without error, with its heredocs in place, and
    then to the very same tree."""
    text, heredocs = hcl.quicker_to_parse(data)
    assert len(text) == len(data)
    assert text.count(b"\n") == data.count(b"\n")
    tree = parser().parse(text)
    if tree.root_node.has_error or not hcl._heredocs_in_place(tree.root_node, heredocs):
        return False  # parse_hcl parses the text as written again
    original = parser().parse(data)
    assert not original.root_node.has_error
    assert tree_shape(tree) == tree_shape(original)
    return True


# ---------------------------------------------------------------------------------------
# Real configurations
# ---------------------------------------------------------------------------------------


def fixture_files() -> list[Path]:
    found = []
    for folder, _, names in os.walk(FIXTURES):
        found.extend(Path(folder) / name for name in names if name.endswith((".tf", ".tfvars")))
    return sorted(found)


def test_the_fixtures_use_every_fast_path() -> None:
    files = fixture_files()
    assert len(files) > 20
    compared = sum(check_fast_paths(path.read_bytes()) for path in files)
    assert compared > 1000


def test_the_fixtures_parse_to_the_same_tree_from_the_quicker_text() -> None:
    results = [check_quicker_parse(path.read_bytes()) for path in fixture_files()]
    assert results.count(True) > 20


def test_a_heredoc_is_blanked_but_its_templates_and_the_ends_of_its_text() -> None:
    data = b'x = <<POLICY\n{\n  "Version": "2012-10-17",\n  "Resource": "${aws_s3_bucket.b.arn}/*"\n}\nPOLICY\ny = 1\n'
    text, heredocs = hcl.quicker_to_parse(data)
    assert text == b'x = <<POLICY\n{\n                          \n              "${aws_s3_bucket.b.arn}/  \n}\nPOLICY\ny = 1\n'
    assert [data[start:end] for start, end in heredocs] == [data[4 : data.index(b"\ny =")]]
    assert check_quicker_parse(data)


@pytest.mark.parametrize(
    "data",
    [
        b"x = <<EOT\n  EOT is inside\nEOT\n",  # a line that could be taken for the end
        b"x = <<EOT\n  ${ {a = 1} }\nEOT\n",  # braces inside a template
        b"x = <<EOT\n  caf\xc3\xa9 au lait\nEOT\n",  # not ASCII
    ],
)
def test_heredocs_that_might_be_misread_are_kept(data: bytes) -> None:
    assert hcl.quicker_to_parse(data) == (data, [])


def test_text_that_only_looks_like_a_heredoc_is_parsed_as_written() -> None:
    # Blanked, the "heredoc" after the comment is still valid code (`[{}, EOT]`): only
    # the check that the parser found a heredoc there tells.
    data = b"y = [ # <<EOT\n  {\n    b = 1\n  },\n  EOT\n]\n"
    text, heredocs = hcl.quicker_to_parse(data)
    assert heredocs and text != data
    assert not parser().parse(text).root_node.has_error
    assert not check_quicker_parse(data)
    parsed = hcl.parse_hcl("t.tf", data)
    assert not parsed.errors
    first, second = parsed.attributes["y"].expr.items  # type: ignore[attr-defined]
    assert [(key.value, value.value) for key, value in first.items] == [("b", 1)]
    assert second.name == "EOT"


def test_a_plain_string_becomes_escapes_of_the_same_length() -> None:
    data = b'a = "arn:aws:s3:::logs/*"\nb = "two words"\n'
    assert quicker(data) == b'a = "\\U0010FFFF\\uFFFF\\nx"\nb = "\\uFFFF\\nx"\n'


@pytest.mark.parametrize(
    "data",
    [
        b'a = "${x}-logs"\n',  # a template
        b'a = "say \\"hi\\""\n',  # escapes
        b'a = " padded "\n',  # blanks at an end are not part of the parser's literal
        b'a = "100%"\n',
        b'a = "x" # "a comment */ here"\n',
        b'a = "${replace(v, ".", "-")}"\n',  # quotes inside an interpolation
        b'a = "tab\there"\n',
        b'a = "x"\n',  # too short to gain anything
    ],
)
def test_strings_that_are_not_plain_are_kept(data: bytes) -> None:
    assert quicker(data) == data
    assert check_quicker_parse(data)


def test_the_end_of_a_comment_is_never_replaced() -> None:
    # Replacing `a*/x=` would make one comment of `/*"a*/x="bb"/*"*/`, hiding `x` without
    # a syntax error.
    data = b'/*"a*/x="bb"/*"*/\ny = 1\n'
    assert quicker(data).startswith(b'/*"a*/x="')
    check_quicker_parse(data)
    parsed = hcl.parse_hcl("t.tf", data)
    assert not parsed.errors
    assert sorted(parsed.attributes) == ["x", "y"]
    assert parsed.attributes["x"].expr.value == "bb"  # type: ignore[attr-defined]


def test_code_between_misread_quotes_is_a_syntax_error_and_the_text_is_parsed_as_written() -> None:
    # Pairing quotes from the left goes wrong after a quote in a comment: the run between
    # two strings is code, which the escapes make invalid, so the text as written is parsed.
    data = b'/* " */ a = ["x",y1,"z"]\n'
    assert quicker(data) == b'/* " */ a = ["x"\\n\\n"z"]\n'
    assert not check_quicker_parse(data)
    parsed = hcl.parse_hcl("t.tf", data)
    assert not parsed.errors
    items = parsed.attributes["a"].expr.items  # type: ignore[attr-defined]
    assert [type(item).__name__ for item in items] == ["Literal", "Variable", "Literal"]
    assert [items[0].value, items[1].name, items[2].value] == ["x", "y1", "z"]


def test_a_broken_file_is_recovered_from_as_written() -> None:
    data = b'resource "aws_s3_bucket" "a" {\n  bucket = "first-bucket"\n  acl = \n}\n\nresource "aws_s3_bucket" "b" {\n  bucket = "second-bucket"\n}\n'
    parsed = hcl.parse_hcl("t.tf", data)
    assert [(e.line, e.column) for e in parsed.errors] == [(4, 1)]
    assert [b.labels for b in parsed.blocks] == [["aws_s3_bucket", "b"]]
    assert parsed.blocks[0].body.attributes["bucket"].expr.value == "second-bucket"  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------------------
# Generated configurations
# ---------------------------------------------------------------------------------------

NAMES = st.sampled_from(["a", "b_2", "x-y", "true", "false", "null", "for", "in", "aws_s3_bucket", "each", "_u", "é"])
# The text of strings: mostly what the quicker text replaces, sometimes anything that may
# end, start or hide something.
STRING_TEXT = st.one_of(
    st.text(alphabet="ab :/*-_.,=@", min_size=2, max_size=24),
    st.text(alphabet="ab :/*-_.,=@", min_size=2, max_size=24),
    st.text(alphabet='ab :/*-_.,=@"\\$%{}~#\t\u00e9', max_size=14),
)


@st.composite
def leafish(draw: Any) -> str:
    """Text that is often, not always, a leaf expression."""
    kind = draw(st.integers(0, 6))
    if kind == 0:
        return '"' + draw(STRING_TEXT) + '"'
    if kind == 1:
        return draw(st.sampled_from(["0", "7", "007", "12", "1.5", "0x1", "-3", "1e3"]))
    if kind == 2:
        return ".".join(draw(st.lists(NAMES, min_size=1, max_size=4)))
    if kind == 3:
        return draw(NAMES) + draw(st.sampled_from(["[0]", "[*].id", ".0", '["k"]', " .x", "(1)"]))
    if kind == 4:
        return "[" + ", ".join(draw(st.lists(st.deferred(leafish), max_size=3))) + "]"
    if kind == 5:
        items = draw(st.lists(st.tuples(st.one_of(NAMES, STRING_TEXT.map(lambda s: '"' + s + '"')), st.deferred(leafish)), max_size=3))
        separator = draw(st.sampled_from([" = ", "=", ": ", " =  "]))
        return "{ " + ", ".join(f"{k}{separator}{v}" for k, v in items) + " }"
    return '"${' + ".".join(draw(st.lists(NAMES, min_size=1, max_size=2))) + '}' + draw(STRING_TEXT) + '"'


HEREDOC_LINES = st.sampled_from(
    [
        '  "Effect": "Allow",',
        '  "Resource": "${aws_s3_bucket.b.arn}/*"',
        "  ${x} and ${ y.z } %{ if c }yes%{ else }no%{ endif }",
        "%{ for k in ks ~}",
        "%{~ endfor }",
        "  $${not_a_template} %%{ nor_this }",
        "  ${ {a = 1} }",
        '  ${ "}" }',
        "  EOTX is not the end",
        "{",
        "}",
        "\t \u00e9 caf\u00e9",
        "",
        "   ",
    ]
)


@st.composite
def heredoc(draw: Any) -> str:
    """A heredoc, or text that looks like one where it is not (in a comment or a string)."""
    body = "\n".join(draw(st.lists(HEREDOC_LINES, max_size=5)))
    closing = draw(st.sampled_from(["EOT", "  EOT", "EOT  ", "\tEOT"]))
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return f"{draw(NAMES)} = <<EOT\n{body}\n{closing}"
    if kind == 1:
        return f"{draw(NAMES)} = <<-EOT\n{body}\n{closing}"
    if kind == 2:  # the text of a comment, then code that ends like a heredoc
        return f"x = [ # <<EOT\n  {{\n    b = {draw(leafish())}\n  }},\n{closing}\n]"
    return f'a = "<<EOT"\nb = [\n{body}\n{closing}\n]'


@st.composite
def configuration(draw: Any) -> bytes:
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.integers(0, 4))
        if kind == 0:
            equals = draw(st.sampled_from([" = ", "=", "   =  "]))
            comment = draw(st.sampled_from(["", " # c", ' // "x', " /* */"]))
            lines.append(f"{draw(NAMES)}{equals}{draw(leafish())}{comment}")
        elif kind == 1:
            labels = " ".join(draw(st.lists(st.one_of(NAMES, STRING_TEXT.map(lambda s: '"' + s + '"')), max_size=2)))
            body = "\n".join(f"  {draw(NAMES)} = {draw(leafish())}" for _ in range(draw(st.integers(0, 2))))
            lines.append(f"{draw(NAMES)} {labels} {{\n{body}\n}}")
        elif kind == 2:
            lines.append(draw(heredoc()))
        elif kind == 3:
            lines.append(f'/* "{draw(STRING_TEXT)}" */ {draw(NAMES)} = {draw(leafish())}')
        else:  # quotes in comments, so that the quotes of strings pair wrongly
            lines.append(f'/*"{draw(STRING_TEXT)}*/{draw(NAMES)}={draw(leafish())}/*"*/')
    return ("\n".join(lines) + "\n").encode("utf-8")


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configuration())
def test_generated_configurations_parse_to_the_same_tree_from_the_quicker_text(data: bytes) -> None:
    check_quicker_parse(data)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configuration())
def test_generated_configurations_convert_alike_on_both_paths(data: bytes) -> None:
    check_fast_paths(data)


def test_the_generator_makes_valid_configurations_with_fast_paths() -> None:
    # The two properties above are only as good as the share of valid, fast-path input.
    examples: list[bytes] = []

    @settings(max_examples=200, deadline=None, database=None)
    @given(configuration())
    def collect(data: bytes) -> None:
        examples.append(data)

    collect()
    valid = [data for data in examples if check_fast_paths(data)]
    assert len(valid) > len(examples) // 4
    quick = [data for data in examples if quicker(data) != data and check_quicker_parse(data)]
    assert len(quick) > len(examples) // 10
