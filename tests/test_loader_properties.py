"""Property tests: the parsers raise nothing but SourceError, the loaders raise nothing at all."""

from __future__ import annotations

import json
import os
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from s3lint.loaders.cloudformation import is_cloudformation, load_cloudformation
from s3lint.loaders.json_source import parse_json
from s3lint.loaders.policy_json import is_policy_document, load_policy_file
from s3lint.loaders.yaml_source import parse_yaml
from s3lint.model import Fragment
from s3lint.source import LDict, LList, LStr, SourceError

# S3LINT_HYPOTHESIS_EXAMPLES=5000 for a longer hunt.
SETTINGS = settings(
    max_examples=int(os.environ.get("S3LINT_HYPOTHESIS_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5),
    max_leaves=40,
)


def _strict_loads(text: str) -> Any:
    def refuse(name: str) -> Any:
        raise ValueError(name)

    return json.loads(text, parse_constant=refuse)


@SETTINGS
@given(json_values, st.sampled_from([None, 0, 2]), st.booleans())
def test_json_round_trip_equals_json_loads(value: Any, indent: int | None, ascii_only: bool) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=ascii_only)
    assert parse_json(text, "t.json") == _strict_loads(text)


@SETTINGS
@given(json_values, st.sampled_from([None, 1]))
def test_json_string_positions_point_at_the_string(value: Any, indent: int | None) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    lines = text.split("\n")
    stack = [parse_json(text, "t.json")]
    while stack:
        node = stack.pop()
        if isinstance(node, LStr):
            written = json.dumps(str(node), ensure_ascii=False)
            assert lines[node.line - 1][node.column - 1 :].startswith(written)
        elif isinstance(node, LDict):
            for key, child in node.items():
                line, column = node.key_pos(key)
                assert lines[line - 1][column - 1 :].startswith(json.dumps(key, ensure_ascii=False))
                stack.append(child)
        elif isinstance(node, LList):
            stack.extend(node)


json_like_text = st.one_of(
    st.text(),
    st.text(alphabet='{}[]":,0123456789.eE+-tfnrulasx\\ \n\t'),
    json_values.map(json.dumps).flatmap(
        lambda text: st.integers(0, max(len(text), 1)).map(lambda cut: text[:cut] + text[cut + 1 :])
    ),
)


def _without_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text


@SETTINGS
@given(json_like_text)
def test_json_parser_raises_only_source_errors(text: str) -> None:
    try:
        result = parse_json(text, "t.json")
    except SourceError as error:
        assert error.line >= 1 and error.column >= 1
        assert "\n" not in error.message
        try:
            _strict_loads(_without_bom(text))
        except (ValueError, RecursionError):
            return
        raise AssertionError(f"json accepts what parse_json refused: {error.message}")
    assert result == _strict_loads(_without_bom(text))


yaml_like_text = st.one_of(
    st.text(),
    st.text(alphabet="abc:-?[]{},&*!|>'\"#%@` \n\t0123.~<=\\"),
    st.text(alphabet="ab: -\n&*![]{}").map(lambda t: "a: &x [1, 2]\nb: *x\n" + t),
    st.lists(st.sampled_from(["!Ref ", "!Sub ", "!GetAtt ", "!If ", "- ", "  ", "x", ".", ":", "\n", "[", "]", "{", "}", ",", "<<", "*", "&", "!!int "])).map("".join),
)


@SETTINGS
@given(yaml_like_text)
def test_yaml_parser_raises_only_source_errors(text: str) -> None:
    try:
        documents = parse_yaml(text, "t.yaml")
    except SourceError as error:
        assert "\n" not in error.message
        return
    assert isinstance(documents, list)


yaml_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**12), max_value=10**12)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")))
)
yaml_values = st.recursive(
    yaml_scalars,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(alphabet="abcXYZ:-_ 1", min_size=1, max_size=6), children, max_size=4),
    max_leaves=30,
)


@SETTINGS
@given(yaml_values, st.booleans())
def test_yaml_round_trip_equals_safe_load(value: Any, flow: bool) -> None:
    text = yaml.safe_dump({"root": value}, default_flow_style=flow, allow_unicode=True)
    assert parse_yaml(text, "t.yaml") == [yaml.safe_load(text)]


# -- loaders over arbitrary trees -------------------------------------------------------------------

WORDS = [
    "Resources", "Type", "Properties", "Parameters", "Conditions", "Mappings", "Condition", "Default",
    "AllowedValues", "Metadata", "s3lint", "ignore", "id",
    "AWS::S3::Bucket", "AWS::S3::BucketPolicy", "AWS::S3::AccessPoint", "AWS::IAM::Role", "AWS::IAM::Policy",
    "AWS::CloudTrail::Trail", "AWS::S3::AccountPublicAccessBlock", "AWS::NoValue", "AWS::Region",
    "Ref", "Fn::If", "Fn::Sub", "Fn::Join", "Fn::GetAtt", "Fn::Select", "Fn::Split", "Fn::FindInMap",
    "Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or", "Fn::ImportValue", "Fn::ToJsonString", "Fn::Length",
    "BucketName", "Bucket", "PolicyDocument", "Policy", "Policies", "Statement", "Effect", "Principal",
    "Action", "Resource", "Allow", "Deny", "*", "AccessControl", "PublicRead", "VersioningConfiguration",
    "Status", "Enabled", "BucketEncryption", "ServerSideEncryptionConfiguration",
    "ServerSideEncryptionByDefault", "SSEAlgorithm", "LoggingConfiguration", "DestinationBucketName",
    "PublicAccessBlockConfiguration", "BlockPublicAcls", "OwnershipControls", "Rules", "ObjectOwnership",
    "WebsiteConfiguration", "ObjectLockEnabled", "Tags", "Key", "Value", "EventSelectors", "DataResources",
    "Values", "AdvancedEventSelectors", "FieldSelectors", "Field", "Equals", "StartsWith", "IsLogging",
    "VpcConfiguration", "A", "B", "C", "${A}", "${B.Arn}", "${!x}", "${AWS::Region}", "A.Arn", "0", "1",
]
words = st.sampled_from(WORDS)
tree_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | words | st.text(max_size=5),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(words, children, max_size=4),
    max_leaves=60,
)
resource = st.fixed_dictionaries(
    {"Type": st.sampled_from(WORDS[13:21])},
    optional={"Properties": st.dictionaries(words, tree_values, max_size=6), "Condition": words, "Metadata": tree_values},
)
templates = st.fixed_dictionaries(
    {"Resources": st.dictionaries(st.sampled_from(["A", "B", "C", "D"]), resource | tree_values, max_size=4)},
    optional={
        "Parameters": st.dictionaries(st.sampled_from(["A", "B", "P"]), tree_values, max_size=3),
        "Conditions": st.dictionaries(st.sampled_from(["A", "B", "C"]), tree_values, max_size=3),
        "Mappings": st.dictionaries(words, tree_values, max_size=2),
        "AWSTemplateFormatVersion": st.just("2010-09-09"),
    },
)


@SETTINGS
@given(templates)
def test_cloudformation_loader_never_raises(template: dict) -> None:
    assert isinstance(is_cloudformation(template), bool)
    fragment = load_cloudformation(template, "t.yaml")
    assert isinstance(fragment, Fragment)


@SETTINGS
@given(tree_values)
def test_cloudformation_loader_never_raises_on_any_tree(tree: Any) -> None:
    is_cloudformation(tree)
    assert isinstance(load_cloudformation(tree, "t.yaml"), Fragment)


@SETTINGS
@given(st.dictionaries(words, tree_values, max_size=4), st.text(max_size=20))
def test_policy_loader_never_raises(tree: dict, text: str) -> None:
    tree = dict(tree)
    tree.setdefault("Statement", [])
    assert is_policy_document(tree)
    assert isinstance(load_policy_file(tree, "p.json", text), Fragment)


@SETTINGS
@given(json_values)
def test_policy_cli_wrapper_never_raises(inner: Any) -> None:
    policy = json.dumps({"Statement": inner})
    text = json.dumps({"Policy": policy}, indent=2)
    tree = parse_json(text, "p.json")
    assert is_policy_document(tree)
    assert isinstance(load_policy_file(tree, "p.json", text), Fragment)
