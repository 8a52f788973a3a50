"""parse_yaml: located trees, CloudFormation short forms, and hostile input."""

from __future__ import annotations

import os

import pytest

from s3lint.loaders.yaml_source import MAX_DEPTH, parse_yaml
from s3lint.source import LDict, LList, LStr, SourceError


def one(text: str) -> LDict:
    documents = parse_yaml(text, "t.yaml")
    assert len(documents) == 1
    return documents[0]


def test_positions_of_keys_values_and_items() -> None:
    tree = one("Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Tags: [a, 'b']\n")
    bucket = tree["Resources"]["Bucket"]
    assert isinstance(bucket, LDict)
    assert (bucket.line, bucket.column) == (3, 5)
    assert bucket.key_pos("Type") == (3, 5)
    assert bucket.value_pos("Type") == (3, 11)
    assert isinstance(bucket["Type"], LStr)
    assert (bucket["Type"].line, bucket["Type"].column) == (3, 11)
    tags = bucket["Tags"]
    assert isinstance(tags, LList)
    assert tags.item_positions == [(4, 12), (4, 15)]


def test_scalars_resolve_by_yaml_tag() -> None:
    tree = one(
        "a: true\nb: 12\nc: 1.5\nd: ~\ne: '12'\nf: 2012-10-17\ng: 0x1f\nh: !!str 7\ni: yes\nj: !Custom 3\n"
    )
    assert tree["a"] is True
    assert tree["b"] == 12 and isinstance(tree["b"], int)
    assert tree["c"] == 1.5
    assert tree["d"] is None
    assert tree["e"] == "12" and isinstance(tree["e"], LStr)
    assert tree["f"] == "2012-10-17" and isinstance(tree["f"], str)  # a timestamp stays text
    assert tree["g"] == 31
    assert tree["h"] == "7"
    assert tree["i"] is True  # YAML 1.1, as PyYAML and CloudFormation read it
    assert tree["j"] == "3"  # unknown tags keep the text
    assert tree.value_pos("b") == (2, 4)


def test_keys_are_strings_even_when_they_look_like_other_types() -> None:
    tree = one("on: 1\n12: 2\n")
    assert set(tree) == {"on", "12"}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("!Ref Bucket", {"Ref": "Bucket"}),
        ("!Condition IsProd", {"Condition": "IsProd"}),
        ("!GetAtt Bucket.Arn", {"Fn::GetAtt": ["Bucket", "Arn"]}),
        ("!GetAtt Bucket.Outputs.Name", {"Fn::GetAtt": ["Bucket", "Outputs.Name"]}),
        ("!GetAtt [Bucket, Arn]", {"Fn::GetAtt": ["Bucket", "Arn"]}),
        ("!Sub '${AWS::StackName}-x'", {"Fn::Sub": "${AWS::StackName}-x"}),
        ("!Sub ['${A}', {A: 1}]", {"Fn::Sub": ["${A}", {"A": 1}]}),
        ("!If [C, a, b]", {"Fn::If": ["C", "a", "b"]}),
        ("!Join ['', [a, b]]", {"Fn::Join": ["", ["a", "b"]]}),
        ("!Select [0, [a]]", {"Fn::Select": [0, ["a"]]}),
        ("!Split [',', 'a,b']", {"Fn::Split": [",", "a,b"]}),
        ("!Equals [a, b]", {"Fn::Equals": ["a", "b"]}),
        ("!Not [!Condition C]", {"Fn::Not": [{"Condition": "C"}]}),
        ("!And [!Condition A, !Condition B]", {"Fn::And": [{"Condition": "A"}, {"Condition": "B"}]}),
        ("!Or [!Condition A, !Condition B]", {"Fn::Or": [{"Condition": "A"}, {"Condition": "B"}]}),
        ("!FindInMap [M, a, b]", {"Fn::FindInMap": ["M", "a", "b"]}),
        ("!ImportValue shared-bucket", {"Fn::ImportValue": "shared-bucket"}),
        ("!Base64 text", {"Fn::Base64": "text"}),
        ("!Cidr [10.0.0.0/16, 4, 8]", {"Fn::Cidr": ["10.0.0.0/16", 4, 8]}),
        ("!GetAZs ''", {"Fn::GetAZs": ""}),
        ("!Transform {Name: AWS::Include}", {"Fn::Transform": {"Name": "AWS::Include"}}),
        ("!Length [a, b]", {"Fn::Length": ["a", "b"]}),
        ("!ToJsonString {a: 1}", {"Fn::ToJsonString": {"a": 1}}),
    ],
)
def test_every_short_form_becomes_the_long_form(source: str, expected: dict) -> None:
    tree = one(f"value: {source}\n")
    assert tree["value"] == expected
    assert isinstance(tree["value"], LDict)
    assert (tree["value"].line, tree["value"].column) == (1, 8)  # where the tag is written


def test_short_form_scalar_is_positioned_after_its_tag() -> None:
    tree = one("Bucket: !Ref   Logs\nArn: !GetAtt Logs.Arn\n")
    assert (tree["Bucket"]["Ref"].line, tree["Bucket"]["Ref"].column) == (1, 16)
    attribute = tree["Arn"]["Fn::GetAtt"]
    assert attribute.item_positions == [(2, 14), (2, 19)]


def test_block_short_forms_nest() -> None:
    tree = one(
        "Encryption: !If\n"
        "  - UseKms\n"
        "  - !Ref AWS::NoValue\n"
        "  - Status: !Sub\n"
        "      - '${X}'\n"
        "      - X: !Ref Param\n"
    )
    branches = tree["Encryption"]["Fn::If"]
    assert branches[0] == "UseKms"
    assert branches[1] == {"Ref": "AWS::NoValue"}
    assert branches[2]["Status"] == {"Fn::Sub": ["${X}", {"X": {"Ref": "Param"}}]}
    assert branches.item_positions[1] == (3, 5)


def test_several_documents_count_lines_from_the_top_of_the_file() -> None:
    documents = parse_yaml("a: 1\n---\nb: 2\n---\n# note\nc: 3\n", "t.yaml")
    assert documents == [{"a": 1}, {"b": 2}, {"c": 3}]
    assert documents[2].key_pos("c") == (6, 1)


def test_empty_stream_has_no_documents() -> None:
    assert parse_yaml("", "t.yaml") == []
    assert parse_yaml("# only a comment\n", "t.yaml") == []


def test_duplicate_keys_last_wins_and_are_recorded() -> None:
    tree = one("Type: A\nProps: 1\nType: B\n")
    assert tree["Type"] == "B"
    assert tree.duplicate_keys == [("Type", (3, 1))]
    assert tree.value_pos("Type") == (3, 7)


def test_aliases_and_merge_keys() -> None:
    tree = one("base: &b {x: 1, y: 2}\ncopy: *b\nmerged:\n  <<: *b\n  y: 3\n")
    assert tree["copy"] == {"x": 1, "y": 2}
    assert tree["merged"] == {"x": 1, "y": 3}
    assert "<<" not in tree["merged"]


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    with pytest.raises(SourceError) as raised:
        parse_yaml("\n".join(lines) + "\n", "bomb.yaml")
    assert "alias bomb" in raised.value.message
    assert raised.value.line > 1


def test_recursive_alias_is_an_error_not_a_hang() -> None:
    for text in ("a: &a [1, *a]\n", "a: &a {b: *a}\n"):
        with pytest.raises(SourceError) as raised:
            parse_yaml(text, "loop.yaml")
        assert "recursive YAML alias" in raised.value.message
        assert raised.value.line == 1


def test_undefined_alias_is_an_error() -> None:
    with pytest.raises(SourceError, match="refers to no anchor"):
        parse_yaml("a: *missing\n", "t.yaml")


def test_python_tags_are_never_executed(tmp_path: object) -> None:
    marker = os.path.join(str(tmp_path), "pwned")
    text = (
        f"a: !!python/object/apply:os.system ['touch {marker}']\n"
        f"b: !!python/object/new:subprocess.call [['touch', '{marker}']]\n"
        "c: !!python/name:os.system\n"
    )
    tree = one(text)
    assert not os.path.exists(marker)
    assert tree["a"] == [f"touch {marker}"]  # kept as inert data
    assert tree["c"] == ""


@pytest.mark.parametrize(
    "text",
    [
        "[" * 50_000 + "]" * 50_000,
        "- " * 50_000 + "x\n",
        "{a: " * 50_000 + "1" + "}" * 50_000,
        "".join("  " * i + "k:\n" for i in range(MAX_DEPTH + 5)),
    ],
    ids=["flow-sequences", "block-sequences", "flow-mappings", "block-mappings"],
)
def test_deep_nesting_is_a_source_error_not_a_crash(text: str) -> None:
    with pytest.raises(SourceError, match="nesting deeper than"):
        parse_yaml(text, "deep.yaml")


def test_nesting_within_the_limit_is_fine() -> None:
    depth = 200
    tree = one("a: " + "[" * depth + "]" * depth + "\n")
    node = tree["a"]
    for _ in range(depth - 1):
        node = node[0]
    assert node == []


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ("a: [1,\nb: 2\n", 3, 1, "flow sequence"),
        ("a:\n\tb: 1\n", 2, 1, "cannot start any token"),
        ("a: 'unterminated\n", 2, 1, "quoted scalar"),
        ("a: \x00\n", 1, 4, "control characters"),
        ("a: !!int xyz\n", 1, 4, "not a valid int"),
        ("? [a, b]\n: c\n", 1, 3, "keys must be plain"),
    ],
)
def test_errors_are_one_line_with_position(text: str, line: int, column: int, words: str) -> None:
    with pytest.raises(SourceError) as raised:
        parse_yaml(text, "bad.yaml")
    error = raised.value
    assert "\n" not in error.message
    assert words in error.message
    assert (error.line, error.column) == (line, column)


def test_unencodable_text_is_a_source_error() -> None:
    with pytest.raises(SourceError):
        parse_yaml("a: \ud800\n", "t.yaml")


def test_real_template_fixture_parses_with_positions() -> None:
    path = os.path.join(os.path.dirname(__file__), "fixtures", "loaders", "cfn_conditions.yaml")
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    tree = one(text)
    lines = text.splitlines()
    website = tree["Resources"]["Website"]
    assert lines[website.line - 1].strip().startswith("Type: AWS::S3::Bucket")
    acl = website["Properties"]["AccessControl"]
    assert acl == {"Fn::If": ["MakePublic", "PublicRead", "Private"]}
    assert lines[acl.line - 1][acl.column - 1 :].startswith("!If")
