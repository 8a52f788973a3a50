"""Nested values read line by line (`hcl._nested_value`: `jsonencode({` ... `})`, objects and
tuples over several lines, templates of `${a.b}`) against reading the file whole through
tree-sitter (`hcl.parse_hcl_with_tree_sitter`, the general path).

`parse_by_lines` must give exactly the blocks, arguments and expressions (positions
included) of the general path, whether it reads such a value itself or leaves it to
tree-sitter."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from s3lint.loaders.terraform import hcl
from tests.test_terraform_hcl_fast_paths import HEREDOC_LINES, NAMES, STRING_TEXT, leafish
from tests.test_terraform_speed3 import by_lines_always, examples_of, same_as_general_path

USUAL_NAMES = st.sampled_from(["a", "b_2", "x-y", "Effect", "Sid", "aws_s3_bucket", "_u"])
SOME_NAMES = st.integers(0, 20).flatmap(lambda i: NAMES if i == 0 else USUAL_NAMES)
TRAVERSALS = st.lists(SOME_NAMES, min_size=1, max_size=3).map(".".join)
PLAIN_TEXT = st.text(alphabet="ab :/*-_.,=@#{}\u00e9", max_size=10)
ASCII_TEXT = st.text(alphabet="ab :/*-_.,=@#{}", max_size=10)  # (the line reader reads only ASCII heredocs)
SOME_TEXT = st.integers(0, 16).flatmap(lambda i: STRING_TEXT if i == 0 else PLAIN_TEXT)
# now and then an interpolation the line reader leaves to tree-sitter
ODD_INTERPOLATIONS = st.sampled_from(["${ a.b }", "${a[0]}", "${~a}", "%{if a}x%{endif}", "$${a}", "${a.b", "${a}}", "$", "\\n", "${true.x}", "${for}"])


@st.composite
def template(draw: Any) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        parts.append(draw(SOME_TEXT) if draw(st.booleans()) else "${" + draw(TRAVERSALS) + "}")
    if draw(st.integers(0, 12)) == 0:
        parts.insert(draw(st.integers(0, len(parts))), draw(ODD_INTERPOLATIONS))
    return '"' + "".join(parts) + '"'


@st.composite
def inline_value(draw: Any) -> str:
    """A value on one line: mostly leaves, templates and tuples of them."""
    kind = draw(st.integers(0, 9))
    if kind == 9 and draw(st.integers(0, 3)):
        kind = draw(st.integers(0, 7))  # the odd ones: now and then
    if kind <= 2:
        return '"' + draw(SOME_TEXT) + '"'
    if kind <= 4:
        return draw(template())
    if kind == 5:
        return draw(st.one_of(TRAVERSALS, st.sampled_from(["0", "12", "007", "true", "null"])))
    if kind <= 7:
        items = draw(st.lists(st.one_of(template(), TRAVERSALS, st.just('"x"')), max_size=3))
        separator = draw(st.sampled_from([", ", ",", " , "]))
        return "[" + draw(st.sampled_from(["", " "])) + separator.join(items) + draw(st.sampled_from(["", " ", ","])) + "]"
    if kind == 8:
        return draw(leafish()) if draw(st.integers(0, 2)) == 0 else draw(TRAVERSALS)
    return draw(st.sampled_from(["{}", "[]", "{ a = 1 }", "a ? b : c", "f(x)", "1.5", "-1"]))


@st.composite
def nested(draw: Any, indent: str, depth: int, in_tuple: bool) -> list[str]:
    """An object (or tuple) opened at the end of the line before, its elements, its closing
    line (without the closing bracket: the caller writes it)."""
    lines: list[str] = []
    for _ in range(draw(st.integers(0, 4))):
        if in_tuple:
            head = indent
        else:
            key = draw(st.one_of(SOME_NAMES, PLAIN_TEXT.map(lambda s: '"' + s + '"'))) if draw(st.integers(0, 15)) else draw(template())
            head = indent + key + draw(st.sampled_from([" = ", "=", "  = ", " : ", ": "]))
        comma = draw(st.sampled_from([","] * 6 + ["", " ,", ", "])) if in_tuple else draw(st.sampled_from(["", "", "", ","]))
        kind = draw(st.integers(0, 5))
        if kind >= 4 and depth < 4:
            opened_tuple = kind == 5
            lines.append(head + ("[" if opened_tuple else "{") + draw(st.sampled_from([""] * 12 + [" ", " # c"])))
            lines.extend(draw(nested(indent + "  ", depth + 1, opened_tuple)))
            closer = "]" if opened_tuple else "}"
            if draw(st.integers(0, 5)) == 0:
                closer = "}" if opened_tuple else "]"  # the wrong one: a syntax error
            lines.append(indent + closer + comma)
        else:
            lines.append(head + draw(inline_value()) + comma + draw(st.sampled_from([""] * 20 + [" ", " # c", " // c"])))
        if draw(st.integers(0, 10)) == 0:
            lines.append(draw(st.sampled_from(["", "  ", indent + "# note", indent + "/* x */"])))
    return lines


@st.composite
def heredoc_line(draw: Any) -> str:
    """A line of a heredoc: mostly JSON with `${a.b}`, sometimes anything."""
    if draw(st.integers(0, 15)) == 0:
        return draw(HEREDOC_LINES)
    text = draw(ASCII_TEXT) + "".join("${" + draw(TRAVERSALS) + "}" + draw(ASCII_TEXT) for _ in range(draw(st.integers(0, 2))))
    return draw(st.sampled_from(["", "  ", "\t"])) + '"' + draw(ASCII_TEXT) + '": "' + text + '",'


@st.composite
def heredoc(draw: Any, indent: str, name: str) -> str:
    identifier = draw(st.sampled_from(["POLICY", "EOT", "EOF", "E_1-x"]))
    opening = draw(st.sampled_from(["<<"] * 7 + ["<<-"])) + identifier + draw(st.sampled_from([""] * 6 + [" ", " # c"]))
    lines = draw(st.lists(heredoc_line(), max_size=5))
    if draw(st.integers(0, 8)) == 0:
        lines.insert(draw(st.integers(0, len(lines))), draw(st.sampled_from([identifier + "X", "x " + identifier, "  " + identifier + " x"])))
    closing = draw(st.sampled_from([identifier] * 12 + ["  " + identifier, identifier + "  ", "\t" + identifier, identifier + ")"]))
    return "\n".join([f"{indent}{name} = {opening}"] + lines + [closing]) + draw(st.sampled_from(["\n"] * 4 + [""]))


@st.composite
def nested_argument(draw: Any, indent: str) -> str:
    name = draw(SOME_NAMES)
    kind = draw(st.integers(0, 5))
    if kind == 5:
        return draw(heredoc(indent, name))
    if kind == 0:  # `jsonencode({` ... `})`
        function = draw(st.sampled_from(["jsonencode", "jsonencode", "merge", "for", "f"]))
        close = draw(st.sampled_from(["})"] * 6 + ["}", "}),", "} )", "})  "]))
        body = draw(nested(indent + "  ", 0, False))
        return "\n".join([f"{indent}{name} = {function}({{"] + body + [indent + close])
    if kind <= 2:  # an object or a tuple over several lines
        tuple_ = kind == 2
        body = draw(nested(indent + "  ", 0, tuple_))
        close = ("]" if tuple_ else "}") + draw(st.sampled_from(["", "", " ", ","]))
        return "\n".join([f"{indent}{name} = " + ("[" if tuple_ else "{")] + body + [indent + close])
    return f"{indent}{name} = {draw(inline_value())}"


@st.composite
def configuration(draw: Any) -> bytes:
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 3))):
        block = draw(st.booleans())
        indent = "  " if block else ""
        if block:
            lines.append('resource "aws_s3_bucket_policy" "p" {')
        for _ in range(draw(st.integers(1, 3))):
            lines.append(draw(st.one_of(nested_argument(indent), st.just(f'{indent}bucket = aws_s3_bucket.b.id'))))
        if block:
            lines.append("}")
    return ("\n".join(lines) + draw(st.sampled_from(["\n", ""]))).encode("utf-8")


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(configuration())
def test_nested_values_read_by_lines_as_by_tree_sitter(data: bytes) -> None:
    same_as_general_path(data)


def test_the_generator_makes_nested_values_read_by_lines() -> None:
    # The property above is only as good as the share of values the line reader reads
    # itself, and the share it leaves to tree-sitter.
    examples = examples_of(configuration())
    outcomes: list[bool] = []
    nested_value = hcl._nested_value

    def counting(*args: Any) -> Any:
        result = nested_value(*args)
        outcomes.append(result is not None)
        return result

    heredocs: list[bool] = []
    heredoc_value = hcl._heredoc_value

    def counting_heredocs(*args: Any) -> Any:
        result = heredoc_value(*args)
        heredocs.append(result is not None)
        return result

    hcl._nested_value = counting  # type: ignore[assignment]
    hcl._heredoc_value = counting_heredocs  # type: ignore[assignment]
    try:
        for data in examples:
            by_lines_always("main.tf", data)
    finally:
        hcl._nested_value = nested_value  # type: ignore[assignment]
        hcl._heredoc_value = heredoc_value  # type: ignore[assignment]
    assert outcomes.count(True) > len(examples) // 3
    assert outcomes.count(False) > len(examples) // 5
    assert heredocs.count(True) > len(examples) // 25
    assert heredocs.count(False) > len(examples) // 40


POLICY = b'''resource "aws_s3_bucket_policy" "b" {
  bucket = aws_s3_bucket.b.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.b.arn, "${aws_s3_bucket.b.arn}/*"]
        Condition = {
          Bool = {
            "aws:SecureTransport" = "false"
          }
        }
      },

      {
        Effect = "Allow"
        Principal = {
          AWS = "arn:aws:iam::123456789012:root"
        }
        Action = ["s3:GetObject"]
        Resource = "${aws_s3_bucket.b.arn}/${var.prefix}*"
      },
    ]
  })
  tags = {
    a = "${var.x}-y"
  }
  list = [
    "a",
    b.c
  ]
}
'''


def test_a_policy_is_read_by_lines_as_by_tree_sitter() -> None:
    read: list[bool] = []
    nested_value = hcl._nested_value

    def recording(*args: Any) -> Any:
        result = nested_value(*args)
        read.append(result is not None)
        return result

    hcl._nested_value = recording  # type: ignore[assignment]
    try:
        assert same_as_general_path(POLICY)
    finally:
        hcl._nested_value = nested_value  # type: ignore[assignment]
    assert read == [True, True, True]


def test_a_heredoc_policy_is_read_by_lines_as_by_tree_sitter() -> None:
    data = b'''resource "aws_s3_bucket_policy" "b" {
  bucket = aws_s3_bucket.b.id
  policy = <<POLICY
{
  "Statement": [
    {
      "Resource": "${aws_s3_bucket.b.arn}/*", "Sid": "${var.a}${var.b}"
    }
  ]
}
POLICY
}
'''
    assert hcl._heredoc_value(data, data.index(b"<<"), 3, data.index(b"  policy")) is not None
    assert same_as_general_path(data)


def test_values_nested_deeper_than_the_bound_are_left_to_tree_sitter() -> None:
    depth = hcl.MAX_NESTING + 1
    lines = ["x = {"] + [f"{'  ' * i}a = {{" for i in range(1, depth)] + [f"{'  ' * i}}}" for i in range(depth - 1, 0, -1)] + ["}"]
    data = ("\n".join(lines) + "\n").encode()
    assert hcl._nested_value(data, 4, 1, 0) is None
    assert same_as_general_path(data)


@pytest.mark.parametrize(
    "text",
    [
        "a = <<POLICY\nPOLICY",  # no line break after the closing line: a syntax error
        "a = <<EOT\nx ${a.b}\nEOT",
        "a = <<EOT\nx ${a.b}\nEOT\n",
        "a = <<EOT\n  EOT\n",
        "a = <<EOT\nEOTX\nEOT\n",
        "a = <<EOT\n$${a}\nEOT\n",
        "a = <<EOT\n%{ if a }x%{ endif }\nEOT\n",
        "a = <<-EOT\n  x\n  EOT\n",
        "a = [\n  {\n    b = 1\n  ]\n]\n",  # the wrong closing bracket
        "a = [\n  1\n  2\n]\n",  # no comma between items
        "a = [\n  1\n  {\n  }\n]\n",
        "a = {\n  true = 1\n}\n",
        "a = {\n  b = 1, c = 2\n}\n",
        "a = jsonencode({\n  b = 1\n}),\n",
        "a = jsonencode({\n  b = 1\n}\n)\n",
        "a = f({\n  b = [\"${c.d}/*\", e.f]\n})\n",
        "a = \"${b.c}/${d}\"\n",
        "a = [b.c, \"${d.e}\"]\n",
    ],
)
def test_odd_values_are_read_as_by_tree_sitter(text: str) -> None:
    for data in (text.encode(), ("x {\n" + text.rstrip("\n") + "\n}\n").encode()):
        same_as_general_path(data)
