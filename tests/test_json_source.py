"""parse_json: exact positions, strict errors, depth, speed."""

from __future__ import annotations

import json
import os
import time

import pytest

from s3lint.loaders.json_source import MAX_DEPTH, parse_json
from s3lint.source import LDict, LList, LStr, SourceError


def test_values_equal_json_loads_and_are_located() -> None:
    text = '{\n  "a": [1, 2.5, -3e2, true, false, null],\n  "b": {"c": "d"},\n  "e": ""\n}'
    tree = parse_json(text, "t.json")
    assert tree == json.loads(text)
    assert isinstance(tree, LDict) and (tree.line, tree.column) == (1, 1)
    assert tree.key_pos("a") == (2, 3)
    assert tree.value_pos("a") == (2, 8)
    numbers = tree["a"]
    assert isinstance(numbers, LList)
    assert numbers.item_positions == [(2, 9), (2, 12), (2, 17), (2, 23), (2, 29), (2, 36)]
    assert isinstance(numbers[0], int) and isinstance(numbers[1], float) and numbers[2] == -300.0
    inner = tree["b"]
    assert (inner.line, inner.column) == (3, 8)
    assert isinstance(inner["c"], LStr) and (inner["c"].line, inner["c"].column) == (3, 14)


def test_positions_after_escapes_and_unicode() -> None:
    text = '{"k\\u00e9y": "a\\"b\\\\c\\n", "€": "😀", "x": "after"}'
    tree = parse_json(text, "t.json")
    assert tree == {"kéy": 'a"b\\c\n', "€": "😀", "x": "after"}
    # columns count characters, not bytes; escapes take the room they take in the file
    assert tree.key_pos("€") == (1, 27)
    assert tree.value_pos("€") == (1, 32)
    assert tree.key_pos("x") == (1, 37)
    assert (tree["x"].line, tree["x"].column) == (1, 42)


def test_crlf_line_endings_and_bom() -> None:
    text = '\ufeff{\r\n  "a": 1,\r\n  "b": "x"\r\n}\r\n'
    tree = parse_json(text, "t.json")
    assert tree == {"a": 1, "b": "x"}
    assert tree.key_pos("b") == (3, 3)
    assert tree.key_pos("a") == (2, 3)


def test_duplicate_keys_last_wins_and_are_recorded() -> None:
    tree = parse_json('{"Effect": "Allow",\n "Effect": "Deny"}', "t.json")
    assert tree["Effect"] == "Deny"
    assert tree.duplicate_keys == [("Effect", (2, 2))]
    assert tree.value_pos("Effect") == (2, 12)


def test_top_level_scalars_and_empty_containers() -> None:
    for text in ('"x"', "1", "null", "[]", "{}", " [ [ ] , { } ] "):
        assert parse_json(text, "t.json") == json.loads(text)


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ('{"a": 1 "b": 2}', 1, 9, "expected ',' or '}' after object member"),
        ("[1 2]", 1, 4, "expected ',' or ']' after array element"),
        ('{"a": 1,}', 1, 9, "trailing comma before '}'"),
        ("[1,]", 1, 4, "trailing comma before ']'"),
        ('{"a" 1}', 1, 6, "expected ':' after object key"),
        ("{1: 2}", 1, 2, "expected a string as object key"),
        ('{"a": }', 1, 7, "expected a value"),
        ("", 1, 1, "unexpected end of file"),
        ('{\n  "a": [1,\n', 3, 1, "unexpected end of file"),
        ('{"a": 1}\n{"b": 2}', 2, 1, "extra data"),
        ('"a\\x"', 1, 3, "invalid \\escape"),
        ('"tab\there"', 1, 5, "invalid control character"),
        ("NaN", 1, 1, "unexpected character"),
        ("[01]", 1, 3, "expected ',' or ']'"),
        ("{'a': 1}", 1, 2, "unexpected character"),
        ("truex", 1, 1, "unexpected character"),
    ],
)
def test_strict_errors_with_position(text: str, line: int, column: int, words: str) -> None:
    with pytest.raises(SourceError) as raised:
        parse_json(text, "bad.json")
    error = raised.value
    assert words in error.message, error.message
    assert (error.line, error.column) == (line, column)
    with pytest.raises(ValueError):
        json.loads(text, parse_constant=lambda name: (_ for _ in ()).throw(ValueError(name)))


def test_too_long_number_is_a_source_error() -> None:
    with pytest.raises(SourceError, match="number too long"):
        parse_json("1" * 5000, "t.json")


@pytest.mark.parametrize("opener", ["[", '{"a":'])
def test_deep_nesting_is_a_source_error_not_a_recursion_error(opener: str) -> None:
    closer = "]" if opener == "[" else "}"
    with pytest.raises(SourceError, match="nesting deeper than"):
        parse_json(opener * 50_000 + "1" + closer * 50_000, "deep.json")


def test_nesting_within_the_limit_is_parsed() -> None:
    depth = MAX_DEPTH - 1
    tree = parse_json("[" * depth + "]" * depth, "t.json")
    for _ in range(depth - 1):
        tree = tree[0]
    assert tree == []


def test_speed_on_a_cdk_style_template() -> None:
    """Far above the 5 MB/s goal on a quiet machine; the bound here leaves room for CI noise."""
    resources = {}
    for index in range(1500):
        resources[f"Bucket{index:04d}ABCDEF"] = {
            "Type": "AWS::S3::Bucket",
            "Properties": {
                "BucketEncryption": {
                    "ServerSideEncryptionConfiguration": [
                        {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": {"Fn::GetAtt": ["Key", "Arn"]}}}
                    ]
                },
                "Tags": [{"Key": "aws-cdk:path", "Value": f"Stack/Bucket{index}/Resource"}],
                "VersioningConfiguration": {"Status": "Enabled"},
            },
            "Metadata": {"aws:cdk:path": f"Stack/Bucket{index}/Resource", "note": "quote \" and é"},
        }
    text = json.dumps({"Resources": resources}, indent=1)
    start = time.perf_counter()
    tree = parse_json(text, "big.template.json")
    elapsed = time.perf_counter() - start
    assert tree == json.loads(text)
    assert len(text) / elapsed > 1_000_000, f"{len(text) / elapsed / 1e6:.2f} MB/s"


def test_policy_fixture_positions_match_the_file() -> None:
    path = os.path.join(os.path.dirname(__file__), "fixtures", "loaders", "policy_bucket.json")
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    tree = parse_json(text, path)
    lines = text.splitlines()
    statement = tree["Statement"][1]
    line, column = statement.key_pos("Condition")
    assert lines[line - 1][column - 1 :].startswith('"Condition"')
    resource = statement["Resource"][1]
    assert lines[resource.line - 1][resource.column - 1 :].startswith('"arn:aws:s3:::example-reports/*"')
