"""The document loaders' fast paths against the general ones they stand beside.

- `duplicate_keys` skips its walk over a tree whose parser marked the root as having no
  duplicate key anywhere (`LDict.no_duplicates_below`): it must give what the walk gives
  (`walk_duplicate_keys`), for any YAML or JSON text, including YAML merges whose inline
  source mapping repeats a key (counted by the parser, unreachable by the walk).
- `yaml_source._after_tag` finds where a short-form tag's value starts without the regular
  expression in the usual case (`!Ref Name`): it must give what `_after_properties` gives.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from s3lint.loaders import yaml_source
from s3lint.loaders.json_source import parse_json
from s3lint.loaders.yaml_source import parse_yaml
from s3lint.source import LDict, SourceError, duplicate_keys, walk_duplicate_keys
from tests.test_located_parsers_fast import (
    PROPERTY,
    _yaml_soup,
    json_documents,
    shape,
    yaml_documents,
)


def parsed(parse: Any, text: str) -> list[Any]:
    try:
        result = parse(text, "t")
    except SourceError:
        return []
    return result if parse is parse_yaml else [result]


def assert_duplicates_as_walked(parse: Any, text: str) -> None:
    for tree in parsed(parse, text):
        walked = walk_duplicate_keys(tree)
        assert duplicate_keys(tree) == walked
        if getattr(tree, "no_duplicates_below", False):
            assert walked == []
        elif type(tree) is LDict and not any(_every_mapping_duplicates(tree)):
            # A root left unmarked without a duplicate in the tree: only a YAML merge source
            # that the tree does not hold may have had one.
            assert parse is parse_yaml and "<<" in text


def _every_mapping_duplicates(tree: Any) -> list[Any]:
    found: list[Any] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            found.extend(getattr(node, "duplicate_keys", []))
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


# -- duplicate keys --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("a: 1\nb: 2\n", []),
        ("a: 1\na: 2\n", [("a", (2, 1))]),
        ("x:\n  a: 1\n  a: 2\ny: [1, {b: 1, b: 2}]\n", [("a", (3, 3)), ("b", (4, 15))]),
        ("base: &b {k: 1, k: 2}\nuse: *b\nagain: *b\n", [("k", (1, 17))]),  # a shared node counts once
        ("m:\n  <<: {k: 1, k: 2}\n  z: 3\n", []),  # the merge source is not in the tree
        ("m:\n  <<: &s {k: 1, k: 2}\nn: *s\n", [("k", (2, 17))]),  # ... unless an alias puts it there
        ("--- {a: 1}\n--- {a: 1, a: 2}\n--- {a: 1}\n", None),  # each document on its own
        ("!Ref x\n", []),  # not a mapping: walked
        ("[{a: 1, a: 2}]\n", [("a", (1, 9))]),
    ],
)
def test_yaml_duplicate_keys(text: str, expected: list[Any] | None) -> None:
    trees = parse_yaml(text, "t")
    assert_duplicates_as_walked(parse_yaml, text)
    if expected is not None:
        assert [(str(key), pos) for key, pos in duplicate_keys(trees[0])] == expected
    else:
        assert [bool(duplicate_keys(tree)) for tree in trees] == [False, True, False]
        assert [getattr(tree, "no_duplicates_below") for tree in trees] == [True, False, True]


@pytest.mark.parametrize(
    "text, expected",
    [
        ('{"a": 1, "b": 2}', []),
        ('{"a": 1, "a": 2}', [("a", (1, 10))]),
        ('{"x": [{"a": 1}, {"a": 1, "a": 2}]}', [("a", (1, 27))]),
        ('[{"a": 1, "a": 2}]', [("a", (1, 11))]),
        ('{"a": 1, "a": 2, "a": NaN}', None),  # not strict JSON: the exact parser's error
        ('{"a": 1,\n "a": 2 }  ', [("a", (2, 2))]),
    ],
)
def test_json_duplicate_keys(text: str, expected: list[Any] | None) -> None:
    assert_duplicates_as_walked(parse_json, text)
    if expected is None:
        with pytest.raises(SourceError):
            parse_json(text, "t")
    else:
        assert [(str(key), pos) for key, pos in duplicate_keys(parse_json(text, "t"))] == expected


def test_both_json_readers_mark_the_root() -> None:
    from s3lint.loaders import json_source

    for text in ('{"a": {"b": 1}}', '{"a": "\\u00e9", "b": [1, 2]}'):
        fast = json_source._read_valid(text)
        exact = json_source._parse(text)
        assert fast.no_duplicates_below and exact.no_duplicates_below
    assert not json_source._parse('{"a": 1, "a": 2}').no_duplicates_below


def test_a_hand_built_or_copied_mapping_is_always_walked() -> None:
    node = LDict(line=1, column=1)
    node.set_located("a", 1, (1, 1), (1, 4))
    node.set_located("a", 2, (2, 1), (2, 4))
    assert node.no_duplicates_below is False
    assert duplicate_keys(node) == [("a", (2, 1))]
    assert duplicate_keys({"x": node}) == [("a", (2, 1))]


@PROPERTY
@given(yaml_documents())
def test_generated_yaml_duplicates_match_the_walk(text: str) -> None:
    assert_duplicates_as_walked(parse_yaml, text)


_duplicated_yaml = st.lists(
    st.sampled_from(["a: 1\n", "a: 2\n", "b:\n", "  a: 1\n", "  a: [1]\n", "  <<: {a: 1, a: 2}\n", "  <<: *s\n", "s: &s {q: 1, q: 2}\n", "- {a: 1, a: 1}\n", "--- \n", "c: !Ref x\n"]),
    max_size=12,
).map("".join)


@PROPERTY
@given(_duplicated_yaml)
def test_yaml_with_repeated_keys_matches_the_walk(text: str) -> None:
    assert_duplicates_as_walked(parse_yaml, text)


@PROPERTY
@given(_yaml_soup)
def test_yaml_soup_duplicates_match_the_walk(text: str) -> None:
    assert_duplicates_as_walked(parse_yaml, text)


@PROPERTY
@given(json_documents())
def test_generated_json_duplicates_match_the_walk(text: str) -> None:
    assert_duplicates_as_walked(parse_json, text)


# -- where a short-form tag's value starts ---------------------------------------------------


def _general_after_tag(event: Any, text: str, line: int, column: int) -> tuple[int, int]:
    return yaml_source._after_properties(text, event.start_mark)


_TAGS = sorted(yaml_source._SHORT_FORMS)
_short_forms = st.tuples(
    st.sampled_from(["k: ", "- ", "k: [", "k: {a: ", "? ", ""]),
    st.sampled_from(_TAGS + ["!<!Ref>", "!!str", "!Unknown"]),
    st.sampled_from([" ", "  ", "\t", " \t ", "\n  ", " \n   ", "", " &a ", " &a\n  ", " !x "]),
    st.sampled_from(["Name", "a.b", "'q x'", '"d\\"q"', "", "!", "&", "x y", "${A}-b", "[1]", "é", "\n"]),
    st.sampled_from(["", "]", "}", "\nnext: 1\n"]),
).map("".join)


@PROPERTY
@given(st.lists(_short_forms, min_size=1, max_size=4).map("\n".join))
def test_the_value_after_a_tag_starts_where_the_expression_says(text: str) -> None:
    def outcome() -> Any:
        try:
            return [shape(tree) for tree in parse_yaml(text, "t")]
        except SourceError as error:
            return (error.message, error.line, error.column)

    fast = outcome()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(yaml_source, "_after_tag", _general_after_tag)
        general = outcome()
    assert fast == general


def test_the_usual_short_forms_take_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Any] = []
    original = yaml_source._after_properties
    monkeypatch.setattr(yaml_source, "_after_properties", lambda *args: calls.append(args) or original(*args))
    tree = parse_yaml("a: !Ref Name\nb: !GetAtt A.Arn\nc: !Sub 'x-${A}'\n", "t")[0]
    assert calls == []
    assert tree["a"].value_positions["Ref"] == (1, 9)
    assert tree["b"].value_positions["Fn::GetAtt"] == (2, 12)
    assert tree["c"].value_positions["Fn::Sub"] == (3, 9)
    parse_yaml("a: !Ref  Name\nb: !Ref &x N\nc: !Ref\n  N\n", "t")
    assert len(calls) == 3
