"""The fast located parsers against references that are slow but plainly right.

- YAML: `parse_yaml` builds its trees in one tight loop with a table for implicit types and a
  cache of typed plain scalars.  The reference below is the builder it replaced, one method
  per event and PyYAML's own `Resolver.resolve` for every scalar; both must give the same
  trees (values, types, every position, shared aliases, duplicate keys) or the same error.
- JSON: `parse_json` reads strict JSON with `json.loads` and a walk that finds where each
  value starts (`_read_valid`), and leaves everything else to the token-by-token parser
  (`_parse`), which is the reference: on valid JSON both must give the same tree, and on
  anything else `parse_json` must raise exactly what `_parse` raises.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from s3lint.loaders import json_source, yaml_source
from s3lint.loaders.json_source import parse_json
from s3lint.loaders.yaml_source import MAX_DEPTH, parse_yaml
from s3lint.source import LDict, LList, LStr, SourceError, duplicate_keys, empty_ldict, empty_llist

PROPERTY = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
    database=None,
)


# -- comparing trees -------------------------------------------------------------------------


def shape(tree: Any) -> list[Any]:
    """Everything a located tree says, in document order: each node's type, value and
    position, each mapping's key and value positions and duplicate keys, each list's item
    positions; a node met again (a YAML alias) is written as a reference to its first visit."""
    out: list[Any] = []
    seen: dict[int, int] = {}
    stack: list[tuple[str, Any]] = [("node", tree)]
    while stack:
        what, node = stack.pop()
        if what == "key":
            out.append(("key", type(node).__name__, node, getattr(node, "line", None), getattr(node, "column", None)))
            continue
        if isinstance(node, (dict, list, str)):
            if id(node) in seen:
                out.append(("same as", seen[id(node)]))
                continue
            seen[id(node)] = len(seen)
        name = type(node).__name__
        if isinstance(node, dict):
            out.append((name, *(getattr(node, slot, None) for slot in ("line", "column", "key_positions", "value_positions", "duplicate_keys"))))
            for key, value in reversed(list(node.items())):
                stack.append(("node", value))
                stack.append(("key", key))
        elif isinstance(node, list):
            out.append((name, *(getattr(node, slot, None) for slot in ("line", "column", "item_positions"))))
            stack.extend(("node", item) for item in reversed(node))
        else:
            out.append((name, repr(node), getattr(node, "line", None), getattr(node, "column", None)))
    return out


def outcome(parse: Any, text: str) -> tuple[Any, ...]:
    try:
        result = parse(text, "t")
    except SourceError as error:
        return ("error", error.message, error.line, error.column)
    return ("tree", shape(result), duplicate_keys(result))


# -- the YAML reference: the event-by-event builder that `parse_yaml` replaced ---------------

_TAG = "tag:yaml.org,2002:"
_REFERENCE_RESOLVER = Resolver()
_REFERENCE_CONSTRUCTOR = SafeConstructor()
_REFERENCE_CONVERTERS = {
    _TAG + "bool": _REFERENCE_CONSTRUCTOR.construct_yaml_bool,
    _TAG + "int": _REFERENCE_CONSTRUCTOR.construct_yaml_int,
    _TAG + "float": _REFERENCE_CONSTRUCTOR.construct_yaml_float,
}
_NO_KEY = object()
_MERGE = object()


class _Frame:
    def __init__(self, is_mapping: bool, container: Any, result: Any, anchor: str | None, start_count: int, pos: tuple[int, int]) -> None:
        self.is_mapping = is_mapping
        self.container = container
        self.result = result
        self.anchor = anchor
        self.key: Any = _NO_KEY
        self.key_pos = (0, 0)
        self.merges: list[Any] = []
        self.start_count = start_count
        self.pos = pos


class _ReferenceBuilder:
    def __init__(self, text: str) -> None:
        self.text = text
        self.documents: list[Any] = []
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.open_anchors: set[str] = set()
        self.root: Any = None
        self.count = 0
        self.budget = max(100_000, 20 * len(text))

    def feed(self, event: Any) -> None:
        kind = type(event)
        if kind is ScalarEvent:
            self.scalar(event)
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            self.start(event, kind is MappingStartEvent)
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            self.end()
        elif kind is AliasEvent:
            self.alias(event)
        elif kind is DocumentStartEvent:
            self.anchors = {}
            self.open_anchors = set()
            self.root = None
        elif kind is DocumentEndEvent:
            self.documents.append(self.root)

    def scalar(self, event: Any) -> None:
        self.count_nodes(1, event)
        line, column = event.start_mark.line + 1, event.start_mark.column + 1
        frame = self.stack[-1] if self.stack else None
        if frame is not None and frame.is_mapping and frame.key is _NO_KEY:
            resolved = _REFERENCE_RESOLVER.resolve(ScalarNode, event.value, event.implicit)
            if event.tag is None and event.implicit[0] and resolved == _TAG + "merge":
                frame.key = _MERGE
            else:
                frame.key = LStr(event.value, line, column)
            frame.key_pos = (line, column)
            if event.anchor:
                self.anchors[event.anchor] = (frame.key, 1)
            return
        value = self.scalar_value(event, line, column)
        if event.anchor:
            self.anchors[event.anchor] = (value, 1)
        self.add(value, (line, column))

    def scalar_value(self, event: Any, line: int, column: int) -> Any:
        tag, raw = event.tag, event.value
        if tag is None or tag == "!":
            tag = _REFERENCE_RESOLVER.resolve(ScalarNode, raw, event.implicit) if event.implicit[0] else _TAG + "str"
        if tag == _TAG + "str":
            return LStr(raw, line, column)
        short = yaml_source._SHORT_FORMS.get(tag)
        if short is not None:
            inner_line, inner_column = self.after_properties(event.start_mark)
            inner: Any = LStr(raw, inner_line, inner_column)
            if short == "Fn::GetAtt":
                resource, dot, attribute = raw.partition(".")
                inner = LList(line=inner_line, column=inner_column)
                inner.append_located(LStr(resource, inner_line, inner_column), (inner_line, inner_column))
                if dot:
                    attribute_column = inner_column + len(resource) + 1
                    inner.append_located(LStr(attribute, inner_line, attribute_column), (inner_line, attribute_column))
            wrapper = LDict(line=line, column=column)
            wrapper.set_located(short, inner, (line, column), (inner_line, inner_column))
            return wrapper
        if tag == _TAG + "null":
            return None
        converter = _REFERENCE_CONVERTERS.get(tag)
        if converter is None:
            return LStr(raw, line, column)
        try:
            return converter(ScalarNode(tag, raw))
        except (ValueError, KeyError, IndexError, TypeError, ConstructorError, OverflowError):
            raise SourceError(f"YAML error: {raw[:40]!r} is not a valid {tag.rsplit(':', 1)[-1]}", line, column) from None

    def after_properties(self, mark: Any) -> tuple[int, int]:
        text, index = self.text, mark.index
        line, column = mark.line + 1, mark.column + 1
        while index < len(text) and text[index] in "!&":
            while index < len(text) and text[index] not in " \t\r\n":
                index += 1
                column += 1
            while index < len(text) and text[index] in " \t\r\n":
                if text[index] == "\n":
                    line, column = line + 1, 1
                else:
                    column += 1
                index += 1
        return line, column

    def start(self, event: Any, is_mapping: bool) -> None:
        self.count_nodes(1, event)
        line, column = event.start_mark.line + 1, event.start_mark.column + 1
        if len(self.stack) >= MAX_DEPTH:
            raise SourceError(f"YAML nesting deeper than {MAX_DEPTH} levels", line, column)
        parent = self.stack[-1] if self.stack else None
        if parent is not None and parent.is_mapping and parent.key is _NO_KEY:
            raise SourceError("YAML mapping keys must be plain values, not lists or mappings", line, column)
        container: Any = LDict(line=line, column=column) if is_mapping else LList(line=line, column=column)
        result = container
        short = yaml_source._SHORT_FORMS.get(event.tag) if event.tag else None
        if short is not None:
            result = LDict(line=line, column=column)
            result.set_located(short, container, (line, column), (line, column))
        if event.anchor:
            self.open_anchors.add(event.anchor)
        self.stack.append(_Frame(is_mapping, container, result, event.anchor, self.count, (line, column)))

    def end(self) -> None:
        frame = self.stack.pop()
        if frame.merges:
            yaml_source._apply_merges(frame.container, frame.merges)
        if frame.anchor:
            self.open_anchors.discard(frame.anchor)
            self.anchors[frame.anchor] = (frame.result, self.count - frame.start_count + 1)
        self.add(frame.result, frame.pos)

    def alias(self, event: Any) -> None:
        line, column = event.start_mark.line + 1, event.start_mark.column + 1
        name = event.anchor
        if name in self.open_anchors:
            raise SourceError(f"recursive YAML alias *{name} refers to a node that contains it", line, column)
        if name not in self.anchors:
            raise SourceError(f"YAML alias *{name} refers to no anchor", line, column)
        value, size = self.anchors[name]
        self.count_nodes(size, event)
        frame = self.stack[-1] if self.stack else None
        if frame is not None and frame.is_mapping and frame.key is _NO_KEY:
            if isinstance(value, (dict, list)):
                raise SourceError("YAML mapping keys must be plain values, not lists or mappings", line, column)
            frame.key = LStr("null" if value is None else str(value), line, column)
            frame.key_pos = (line, column)
            return
        self.add(value, (line, column))

    def add(self, value: Any, pos: tuple[int, int]) -> None:
        if not self.stack:
            self.root = value
            return
        frame = self.stack[-1]
        if not frame.is_mapping:
            frame.container.append_located(value, pos)
            return
        key, frame.key = frame.key, _NO_KEY
        if key is _MERGE:
            frame.merges.append(value)
            return
        frame.container.set_located(key, value, frame.key_pos, pos)

    def count_nodes(self, nodes: int, event: Any) -> None:
        self.count += nodes
        if self.count > self.budget:
            mark = event.start_mark
            raise SourceError(f"YAML alias expansion exceeds {self.budget} nodes (possible alias bomb)", mark.line + 1, mark.column + 1)


def reference_parse_yaml(text: str, path: str) -> list[Any]:
    builder = _ReferenceBuilder(text)
    try:
        for event in yaml.parse(text, Loader=yaml_source._LOADER):
            builder.feed(event)
    except SourceError:
        raise
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = " ".join(part for part in (error.context, error.problem) if part) or "invalid YAML"
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        if "maximum nesting depth" in message:
            raise SourceError(f"YAML nesting deeper than {MAX_DEPTH} levels", line, column) from None
        raise SourceError(f"YAML syntax error: {yaml_source._one_line(message)}", line, column) from None
    except yaml.YAMLError as error:
        position = getattr(error, "position", None)
        line, column = yaml_source._line_column(text, position) if isinstance(position, int) else (0, 0)
        reason = getattr(error, "reason", None) or str(error)
        raise SourceError(f"YAML error: {yaml_source._one_line(str(reason))}", line, column) from None
    except (UnicodeError, ValueError) as error:
        raise SourceError(f"YAML error: {yaml_source._one_line(str(error))}") from None
    return builder.documents


def assert_same_yaml(text: str) -> None:
    assert outcome(parse_yaml, text) == outcome(reference_parse_yaml, text), text


# -- YAML: cases -----------------------------------------------------------------------------

YAML_CASES = [
    "",
    "# nothing\n",
    "a: 1\n---\nb: [2, '3']\n...\n--- !Ref x\n",
    # implicit types as PyYAML's resolver reads them, as values and as keys
    "a: yes\nb: No\nc: on\nd: OFF\ne: ~\nf: null\ng:\nh: 0x1F\ni: 0o17\nj: 017\nk: 1_000\nl: 12:30:45\n"
    "m: -0\nn: +12\no: 1e3\np: 1.5e-3\nq: .inf\nr: -.Inf\ns: .NaN\nt: 2012-10-17\n"
    "u: 2001-12-14t21:59:43.10-05:00\nv: '=' \nw: =\nx: 3.\ny: ._\nz: '<<'\n",
    "yes: 1\n12: 2\n~: 3\n'': 4\n1.5: 5\n",
    "- true\n- True\n- TRUE\n- tRUE\n- 0b101\n- 0xZ\n- 1__0\n- .5\n- -.5\n- +.5\n- 1e\n",
    # quoted, explicit and unknown tags, and the non-specific `!`
    "a: '12'\nb: \"true\"\nc: !!str 7\nd: !!int '7'\ne: !!float 1\nf: !!bool yes\ng: !!null x\nh: ! 12\n"
    "i: !Custom 3\nj: !!timestamp 2001-01-01\nk: !!binary aGk=\n",
    "a: !!int xyz\n",
    "a: !!float nope\n",
    "a: !!bool maybe\n",
    "a: " + "9" * 5000 + "\n",
    # CloudFormation short forms, scalar and collection, with anchors and line breaks
    "a: !Ref   Logs\nb: !GetAtt Logs.Arn\nc: !GetAtt Logs\nd: !GetAtt a.b.c\ne: !Sub '${X}'\n",
    "a: &x !Ref\n  Logs\nb: !Ref &y\r\n   Other\nc: *x\nd: *y\n",
    "a: !If [C, !Ref A, !Ref 'AWS::NoValue']\nb: !Sub\n  - '${A}'\n  - A: !GetAtt [R, Arn]\n",
    "a: !Join\n- ''\n- - a\n  - !Ref B\n",
    "Conditions:\n  C: !And [!Condition A, !Not [!Equals [!Ref P, '']]]\n",
    # anchors, aliases, merges
    "base: &b {x: 1, y: 2}\ncopy: *b\nmerged:\n  <<: *b\n  y: 3\n",
    "a: &a {x: 1}\nb: &b {y: 2}\nc:\n  <<: [*a, *b]\n  z: 3\nd:\n  <<: *a\n  <<: *b\n",
    "a: &s text\n*s : value\nb: *s\n",
    "a: &n ~\n*n : 1\n",
    "a: &i 12\n*i : 1\n",
    "a: &l [1]\n*l : 1\n",
    "&k key: 1\nother: *k\n",
    "a: &a [1, *a]\n",
    "a: &a {b: *a}\n",
    "a: *missing\n",
    "<<: {a: 1}\nb: 2\n",
    "a:\n  <<: 5\n  b: 1\n",
    "! <<: 1\n'<<': 2\n",
    # duplicate keys
    "Type: A\nProps: 1\nType: B\n",
    "a: {x: 1, x: 2, x: 3}\n",
    # keys that are collections
    "? [a, b]\n: c\n",
    "? {a: 1}\n: c\n",
    "{[a]: 1}\n",
    # errors from the parser
    "a: [1,\nb: 2\n",
    "a:\n\tb: 1\n",
    "a: 'unterminated\n",
    "a: \x00\n",
    "a: b: c\n",
    "- a\nb: c\n",
    "a: \ud800\n",
    "\ufeffa: 1\n",
    "a: |\n  text\n  more\nb: >-\n  folded\n  text\n",
    "[a, b]: c\n",
    "a: [" * 30 + "]" * 30 + "\n",
]


@pytest.mark.parametrize("text", YAML_CASES)
def test_yaml_cases_match_the_reference(text: str) -> None:
    assert_same_yaml(text)


@pytest.mark.parametrize(
    "text",
    [
        "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1),
        "[" * MAX_DEPTH + "]" * MAX_DEPTH,
        "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1),
        "".join("  " * i + "k:\n" for i in range(MAX_DEPTH + 2)),
        "- " * 50_000 + "x\n",
    ],
    ids=["below", "at", "above", "block", "very deep"],
)
def test_yaml_depth_limit_matches_the_reference(text: str) -> None:
    assert_same_yaml(text)


def test_yaml_alias_bomb_matches_the_reference() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    text = "\n".join(lines) + "\n"
    assert outcome(parse_yaml, text)[0] == "error"
    assert_same_yaml(text)
    # just under the budget, then plain nodes push it over: the error is where they do
    assert_same_yaml("a: &a [" + ",".join(["x"] * 999) + "]\n" + "b: [" + ",".join(["*a"] * 99) + "]\nc: [1, 2, 3]\n")


def test_typed_plain_scalars_are_cached_without_changing_results() -> None:
    text = "a: [true, 80, 1.5, ~, 2012-10-17, tcp, 0x10]\n"
    first = outcome(parse_yaml, text)
    assert "true" in yaml_source._PLAIN_VALUES and yaml_source._PLAIN_VALUES["tcp"] is yaml_source._TEXT
    assert outcome(parse_yaml, text) == first == outcome(reference_parse_yaml, text)
    tree = parse_yaml(text, "t")[0]["a"]
    assert [type(item).__name__ for item in tree] == ["bool", "int", "float", "NoneType", "LStr", "LStr", "int"]
    assert (tree[4].line, tree[4].column) == (1, 23)  # text the cache knows still gets its own position


def test_the_plain_value_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yaml_source, "_PLAIN_VALUES", {})
    monkeypatch.setattr(yaml_source, "_PLAIN_VALUES_MAX", 3)
    text = "".join(f"k{n}: {n}\n" for n in range(10))
    assert outcome(parse_yaml, text) == outcome(reference_parse_yaml, text)
    assert len(yaml_source._PLAIN_VALUES) == 3


def test_pure_python_pyyaml_gives_the_same_trees(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yaml_source, "_LOADER", yaml.SafeLoader)
    for text in YAML_CASES[:25]:
        assert_same_yaml(text)


# -- YAML: generated documents ---------------------------------------------------------------

_TRICKY = [
    "yes", "No", "on", "~", "null", "", "0x1F", "017", "1_000", "12:30", "-0", "+1", "1e3", ".inf",
    ".NaN", "2012-10-17", "<<", "=", "3.", "true", "False", "Type", "AWS::S3::Bucket", "${A}",
    "a b", "- x", ": y", "#z", "é", "'q'", '"d"', "x\ny", " lead", "trail ",
]
_yaml_scalars = (
    st.none() | st.booleans() | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=False, width=32) | st.sampled_from(_TRICKY) | st.text(max_size=6)
)
_yaml_data = st.recursive(
    _yaml_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.sampled_from(_TRICKY) | st.text(max_size=4), children, max_size=4),
    max_leaves=25,
)
_INSERTS = [
    "!Ref ", "!Sub ", "!GetAtt ", "!If ", "!!str ", "!!int ", "!!float ", "!!bool ", "!!null ", "! ",
    "!Custom ", "&a ", "&b ", "*a", "*b", "*a ", "&a !Ref ", "!Ref &b ", "<<: *a\n", "? ", "[", "{",
]


@st.composite
def yaml_documents(draw: st.DrawFn) -> str:
    """A document PyYAML writes in some style, then a few tags, anchors, aliases and merge keys
    put where values start (most stay valid; the rest test the errors)."""
    text = yaml.safe_dump(
        draw(_yaml_data),
        default_flow_style=draw(st.sampled_from([None, False, True])),
        default_style=draw(st.sampled_from([None, None, "'", '"'])),
        indent=draw(st.sampled_from([2, 4])),
        width=draw(st.sampled_from([20, 80])),
        allow_unicode=draw(st.booleans()),
        explicit_start=draw(st.booleans()),
    )
    lines = text.split("\n")
    for _ in range(draw(st.integers(0, 4))):
        index = draw(st.integers(0, max(0, len(lines) - 1)))
        insert = draw(st.sampled_from(_INSERTS))
        line = lines[index]
        at = line.find(": ") + 2 if ": " in line else line.find("- ") + 2 if "- " in line else len(line) - len(line.lstrip())
        lines[index] = line[:at] + insert + line[at:]
    return "\n".join(lines)


@PROPERTY
@given(yaml_documents())
def test_generated_yaml_matches_the_reference(text: str) -> None:
    assert_same_yaml(text)


_yaml_soup = st.lists(
    st.sampled_from(list("{}[]:,-&*!|>?#'\" \n\t") + ["!Ref ", "!GetAtt a.b", "<<: ", "&a ", "*a", "--- ", "yes", "12", "~", "k: v\n", "- x\n"])
    | st.text(max_size=4),
    max_size=40,
).map("".join)


@PROPERTY
@given(_yaml_soup)
def test_yaml_soup_matches_the_reference(text: str) -> None:
    assert_same_yaml(text)


# -- JSON ------------------------------------------------------------------------------------


def assert_same_json(text: str) -> None:
    expected = outcome(lambda text, path: json_source._parse(text), text[1:] if text.startswith("\ufeff") else text)
    assert outcome(parse_json, text) == expected, text
    fast = json_source._read_valid(text[1:] if text.startswith("\ufeff") else text)
    if expected[0] == "error":
        assert fast is json_source._NOT_READ
    elif fast is not json_source._NOT_READ:  # the fast reader gives up only where it must
        assert ("tree", shape(fast), duplicate_keys(fast)) == expected


JSON_CASES = [
    "{}", "[]", " [ [ ] , { } ] ", '""', '"x"', "0", "-0", "1", "-1.5e+3", "1E2", "1e-0", "true", "null",
    '{"a": 1, "a": 2, "b": {"a": [1, {"a": 3, "a": 4}]}, "a": 5}',
    '{"k\\u00e9y": "a\\"b\\\\c\\n", "€": "😀", "x": "after", "\\"": "\\\\", "s": "\\/"}',
    '{"a":"\\\\"}',
    '["\\\\", "\\"", "x\\\\\\"y", "\\ud800", "\\u0041"]',
    '\ufeff{\r\n  "a": 1,\r\n  "b": "x"\r\n}\r\n',
    '{\n\t"a" :\n\n  [\n1\n,\n2\n]\n}\n',
    '[1, 2.5, -3e2, true, false, null, "", 0.0, 12345678901234567890123]',
    "[" + "1" * 5000 + "]",
    "[" + "1" * 5000 + ".5]",
    "[1e999, -1e999]",
    "[NaN]", "[Infinity]", "[-Infinity]", "NaN",
    '{"a": 1 "b": 2}', "[1 2]", '{"a": 1,}', "[1,]", '{"a" 1}', "{1: 2}", '{"a": }', "", '{\n  "a": [1,\n',
    '{"a": 1}\n{"b": 2}', '"a\\x"', '"tab\there"', "{'a': 1}", "truex", "[01]", "[1.]", "[.5]", "[-]", "[+1]",
    '{"a": 1}}', "[1]]", '{"a": [1}', "[{]", "\ufeff\ufeff{}", '{"a": 1, "b": 2', "[\"\x00\"]",
    '{"a": "\ud800"}', " \n ", "[1,\n 2,\n 3\n]\n\n",
]


@pytest.mark.parametrize("text", JSON_CASES)
def test_json_cases_match_the_token_parser(text: str) -> None:
    assert_same_json(text)


@pytest.mark.parametrize("depth", [json_source.MAX_DEPTH - 1, json_source.MAX_DEPTH, json_source.MAX_DEPTH + 1, 5_000, 50_000])
@pytest.mark.parametrize("opener", ["[", '{"a":'])
def test_json_depth_matches_the_token_parser(depth: int, opener: str) -> None:
    closer = "]" if opener == "[" else "}"
    assert_same_json(opener * depth + "1" + closer * depth)


def test_json_fast_reader_handles_valid_documents_and_gives_up_on_the_rest() -> None:
    assert json_source._read_valid('{"a": [1, "x"]}') is not json_source._NOT_READ
    for text in ("[NaN]", "[1,]", "[" + "1" * 5000 + "]", "[" * (json_source.MAX_DEPTH + 1) + "]" * (json_source.MAX_DEPTH + 1)):
        assert json_source._read_valid(text) is json_source._NOT_READ


class _Members(list):
    """An object's members, duplicates kept."""


class _Token(str):
    """Punctuation, already written."""


_json_scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8) | st.sampled_from(["\\", '"', "\\\"", "/", "\n", "\x00", "\x1f", "\u2028", "\ud800", "é", "😀", '\\"\\'])
)
_json_trees = st.recursive(
    _json_scalars,
    lambda children: st.lists(children, max_size=4) | st.lists(st.tuples(st.text(max_size=4) | st.sampled_from(['"', "\\", "a"]), children), max_size=4).map(_Members),
    max_leaves=30,
)


@st.composite
def json_documents(draw: st.DrawFn) -> str:
    """A JSON text with whitespace of every allowed kind between tokens, strings escaped or
    not, duplicate keys, numbers written in several ways."""
    ensure_ascii = draw(st.booleans())
    pieces: list[str] = []
    stack: list[Any] = [draw(_json_trees)]
    space = st.sampled_from(["", "", " ", "\n", "\r\n", "\t", "\n    ", " \n\t "])
    while stack:
        node = stack.pop()
        if isinstance(node, _Token):
            pieces.append(str(node) + draw(space))
        elif isinstance(node, _Members):
            pieces.append("{" + draw(space))
            stack.append(_Token("}"))
            for index, (key, value) in reversed(list(enumerate(node))):
                stack.append(value)
                stack.append(_Token(json.dumps(key, ensure_ascii=ensure_ascii) + draw(space) + ":"))
                if index:
                    stack.append(_Token(","))
        elif isinstance(node, list):
            pieces.append("[" + draw(space))
            stack.append(_Token("]"))
            for index, value in reversed(list(enumerate(node))):
                stack.append(value)
                if index:
                    stack.append(_Token(","))
        elif isinstance(node, float) and draw(st.booleans()):
            pieces.append(repr(node).upper() + draw(space))  # 1E+20 as well as 1e+20
        else:
            pieces.append(json.dumps(node, ensure_ascii=ensure_ascii) + draw(space))
    return draw(space) + "".join(pieces)


@PROPERTY
@given(json_documents())
def test_generated_json_matches_the_token_parser(text: str) -> None:
    assert_same_json(text)
    assert json_source._read_valid(text) is not json_source._NOT_READ


@PROPERTY
@given(json_documents(), st.integers(0, 10_000), st.sampled_from(["", ",", "]", "}", ":", '"', "\\", "x", "[", "{", "\n", "-", "0"]))
def test_damaged_json_matches_the_token_parser(text: str, at: int, insert: str) -> None:
    at %= len(text) + 1
    assert_same_json(text[:at] + insert + text[at:])
    assert_same_json(text[:at])


# -- the fast constructors -------------------------------------------------------------------


def test_empty_containers_are_what_the_constructors_build() -> None:
    for fast, slow in ((empty_ldict(3, 7), LDict(line=3, column=7)), (empty_llist(3, 7), LList(line=3, column=7))):
        assert type(fast) is type(slow) and fast == slow
        for slot in type(slow).__slots__:
            assert getattr(fast, slot) == getattr(slow, slot), slot
    first, second = empty_ldict(1, 1), empty_ldict(1, 1)
    first.set_located("a", 1, (1, 1), (1, 4))
    assert second.key_positions == {} and second.duplicate_keys == []  # nothing shared


def test_constructors_keep_their_behaviour() -> None:
    mapping = LDict({"a": 1}, b=2, line=4, column=5)
    assert mapping == {"a": 1, "b": 2} and (mapping.line, mapping.column) == (4, 5)
    assert LDict(line=1) == {} and LDict().key_pos("x") == (0, 0)
    items = LList([1, 2], line=2, column=3)
    assert items == [1, 2] and (items.line, items.column) == (2, 3) and items.item_positions == []
    text = LStr("abc", 2, 9)
    assert text == "abc" and type(text) is LStr and (text.line, text.column) == (2, 9)
    assert (LStr("x").line, LStr("x").column) == (0, 0)
