"""Static resolution of CloudFormation intrinsics, parameters and conditions."""

from __future__ import annotations

from typing import Any

import pytest

from s3lint.loaders.cfn_intrinsics import Resolver, SymbolicUnknown
from s3lint.loaders.yaml_source import parse_yaml
from s3lint.source import LStr
from s3lint.symbols import NO_VALUE, Unknown, is_unknown, render, symbol

TEMPLATE = """
Parameters:
  Env: {Type: String, Default: dev, AllowedValues: [dev, prod]}
  Name: {Type: String}
  Acl: {Type: String, AllowedValues: [Private, PublicRead]}
  Subnets: {Type: CommaDelimitedList, Default: "a, b,c"}
  Ids: {Type: "List<AWS::EC2::Subnet::Id>"}
  Latest: {Type: "AWS::SSM::Parameter::Value<String>", Default: /app/bucket}
  Count: {Type: Number, Default: 3}
Mappings:
  Regions:
    us-east-1: {Suffix: use1, Tier: gold}
    eu-west-1: {Suffix: euw1, Tier: gold}
  ByEnv:
    dev: {Status: Suspended}
    prod: {Status: Enabled}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
  InUsEast1: !Equals [!Ref AWS::Region, us-east-1]
  ProdAndEast: !And [!Condition IsProd, !Condition InUsEast1]
  DevOrEast: !Or [!Condition IsDev, !Condition InUsEast1]
  NamedSame: !Equals [!Ref Name, !Ref Name]
  LoopA: !Condition LoopB
  LoopB: !Not [!Condition LoopA]
  PublicAcl: !Equals [!Ref Acl, PublicRead]
Resources:
  Named:
    Type: AWS::S3::Bucket
    Properties: {BucketName: !Sub "${Env}-named"}
  Unnamed:
    Type: AWS::S3::Bucket
  FromParam:
    Type: AWS::S3::Bucket
    Properties: {BucketName: !Ref Name}
  SelfNamed:
    Type: AWS::S3::Bucket
    Properties: {BucketName: !Sub "${SelfNamed}-x"}
  Topic:
    Type: AWS::SNS::Topic
"""


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver(parse_yaml(TEMPLATE, "t.yaml")[0])


def resolve(resolver: Resolver, expression: str) -> Any:
    node = parse_yaml(f"value: {expression}\n", "e.yaml")[0]["value"]
    return resolver.resolve(node)


S = symbol
PARTITION = S("AWS::Partition")

CASES = [
    # Ref: parameters, pseudo parameters, resources
    ("!Ref Env", "dev"),
    ("!Ref Name", S("param:Name")),
    ("!Ref Latest", S("param:Latest")),  # an SSM parameter's Default is a path, not the value
    ("!Ref Count", 3),
    ("!Ref Subnets", ["a", "b", "c"]),
    ("!Ref AWS::AccountId", S("AWS::AccountId")),
    ("!Ref AWS::Region", S("AWS::Region")),
    ("!Ref AWS::StackName", S("AWS::StackName")),
    ("!Ref AWS::Partition", PARTITION),
    ("!Ref Named", "dev-named"),
    ("!Ref Unnamed", S("bucket:Unnamed")),
    ("!Ref FromParam", S("param:Name")),
    ("!Ref SelfNamed", S("bucket:SelfNamed") + "-x"),  # a name built from itself: the inner Ref is opaque
    ("!Ref Topic", S("Ref:Topic")),
    # Fn::GetAtt
    ("!GetAtt Named.Arn", f"arn:{PARTITION}:s3:::dev-named"),
    ("!GetAtt [Unnamed, Arn]", f"arn:{PARTITION}:s3:::{S('bucket:Unnamed')}"),
    ("!GetAtt Named.DomainName", f"dev-named.s3.{S('AWS::URLSuffix')}"),
    ("!GetAtt Named.RegionalDomainName", f"dev-named.s3.{S('AWS::Region')}.{S('AWS::URLSuffix')}"),
    ("!GetAtt Topic.TopicName", S("Topic.TopicName")),
    # Fn::Sub, both forms, with the ${!Literal} escape
    ('!Sub "arn:${AWS::Partition}:s3:::${Unnamed}/*"', f"arn:{PARTITION}:s3:::{S('bucket:Unnamed')}/*"),
    ('!Sub "${Named.Arn}/logs/*"', f"arn:{PARTITION}:s3:::dev-named/logs/*"),
    ('!Sub ["${Prefix}-${Env}", {Prefix: !Ref Named}]', "dev-named-dev"),
    ('!Sub "${!Literal}-${Env}"', "${Literal}-dev"),
    ('!Sub "arn:aws:s3:::${Name}"', f"arn:aws:s3:::{S('param:Name')}"),
    # Fn::Join / Fn::Select / Fn::Split
    ('!Join ["", ["arn:aws:s3:::", !Ref Named, "/*"]]', "arn:aws:s3:::dev-named/*"),
    ('!Join [":", [a, 1, true]]', "a:1:true"),
    ("!Select [1, [a, b, c]]", "b"),
    ('!Select ["0", !Ref Subnets]', "a"),
    ('!Split [",", "x,y"]', ["x", "y"]),
    ('!Select [1, !Split ["-", !Ref Named]]', "named"),
    ("!Join ['-', [!Ref Env, !Ref AWS::NoValue, x]]", "dev-x"),
    # Fn::FindInMap
    ("!FindInMap [ByEnv, !Ref Env, Status]", "Suspended"),
    ("!FindInMap [Regions, us-east-1, Suffix]", "use1"),
    # Fn::If with decidable conditions
    ("!If [IsProd, yes-prod, not-prod]", "not-prod"),
    ("!If [IsDev, yes-dev, not-dev]", "yes-dev"),
    ("!If [ProdAndEast, a, b]", "b"),
    ("!If [DevOrEast, a, b]", "a"),
    ("!If [NamedSame, same, different]", "same"),
    # Other functions
    ("!ImportValue shared-logs", S("import:shared-logs")),
    ("!Length [a, b, c]", 3),
    ("!ToJsonString {a: [1, x]}", '{"a":[1,"x"]}'),
]


@pytest.mark.parametrize(("expression", "expected"), CASES, ids=[c[0] for c in CASES])
def test_resolution_table(resolver: Resolver, expression: str, expected: Any) -> None:
    value = resolve(resolver, expression)
    assert not is_unknown(value), value
    assert value == expected, render(value) if isinstance(value, str) else value


def test_resolved_strings_keep_the_position_of_the_expression(resolver: Resolver) -> None:
    node = parse_yaml("a:\n  b: !Sub '${Named.Arn}/*'\n", "e.yaml")[0]
    resolved = resolver.resolve(node)
    value = resolved["a"]["b"]
    assert isinstance(value, LStr)
    assert (value.line, value.column) == (2, 6)
    assert resolved["a"].value_pos("b") == (2, 6)


def test_no_value_removes_keys_and_items(resolver: Resolver) -> None:
    node = parse_yaml("a: !Ref AWS::NoValue\nb: [1, !Ref AWS::NoValue, 2]\nc: !If [IsProd, x, !Ref AWS::NoValue]\n", "e.yaml")[0]
    resolved = resolver.resolve(node)
    assert resolved == {"b": [1, 2]}
    assert resolved["b"].item_positions == [(2, 5), (2, 27)]
    assert resolver.resolve(parse_yaml("!Ref AWS::NoValue\n", "e.yaml")[0]) is NO_VALUE


def test_undecidable_if_gives_both_branches(resolver: Resolver) -> None:
    value = resolve(resolver, "!If [InUsEast1, {Status: Enabled}, !Ref AWS::NoValue]")
    assert isinstance(value, Unknown)
    assert value.alternatives[0] == {"Status": "Enabled"}
    assert value.alternatives[1] is NO_VALUE
    assert "InUsEast1" in value.reason


def test_undecidable_values_inside_strings_give_alternatives(resolver: Resolver) -> None:
    value = resolve(resolver, '!Sub ["arn:aws:s3:::${B}/*", {B: !If [InUsEast1, east, west]}]')
    assert isinstance(value, Unknown)
    assert set(value.alternatives) == {"arn:aws:s3:::east/*", "arn:aws:s3:::west/*"}


def test_parameter_without_default_but_allowed_values(resolver: Resolver) -> None:
    value = resolve(resolver, "!Ref Acl")
    assert isinstance(value, SymbolicUnknown)
    assert value.alternatives == ("Private", "PublicRead")
    # inside a string it is the parameter's symbol, so that two strings built from it match
    assert resolve(resolver, '!Sub "acl-${Acl}"') == "acl-" + S("param:Acl")
    assert resolver.condition("PublicAcl") is None  # one allowed value matches, one does not


def test_list_parameter_without_default_is_unknown(resolver: Resolver) -> None:
    assert isinstance(resolve(resolver, "!Ref Ids"), Unknown)
    joined = resolve(resolver, '!Join [",", !Ref Ids]')
    assert joined == S("param:Ids")


def test_find_in_map_with_unknown_key_offers_the_column(resolver: Resolver) -> None:
    value = resolve(resolver, "!FindInMap [Regions, !Ref AWS::Region, Suffix]")
    assert isinstance(value, Unknown)
    assert set(value.alternatives) == {"use1", "euw1"}
    missing = resolve(resolver, "!FindInMap [Regions, ap-south-1, Suffix]")
    assert isinstance(missing, Unknown) and not missing.alternatives


@pytest.mark.parametrize(
    "expression",
    [
        "!GetAZs ''",
        "!Base64 text",
        "!Cidr [10.0.0.0/16, 2, 8]",
        "!Select [9, [a]]",
        "!Select [x, [a]]",
        "!Join [',', not-a-list]",
        "!Sub [1, 2, 3]",
        "{Fn::NoSuchFunction: 1}",
        "!GetAtt [Named, !Ref Name]",
    ],
)
def test_unresolvable_expressions_are_unknown(resolver: Resolver, expression: str) -> None:
    assert is_unknown(resolve(resolver, expression))


def test_undefined_ref_is_a_named_unknown(resolver: Resolver) -> None:
    value = resolve(resolver, "!Ref Missing")
    assert isinstance(value, SymbolicUnknown) and value.token == "Ref:Missing"
    assert resolve(resolver, '!Sub "x-${Missing}"') == "x-" + S("Ref:Missing")


def test_conditions(resolver: Resolver) -> None:
    assert resolver.condition("IsProd") is False
    assert resolver.condition("IsDev") is True
    assert resolver.condition("InUsEast1") is None
    assert resolver.condition("ProdAndEast") is False
    assert resolver.condition("DevOrEast") is True
    assert resolver.condition("NamedSame") is True
    assert resolver.condition("NoSuchCondition") is None


def test_condition_cycles_are_undecidable_not_infinite(resolver: Resolver) -> None:
    assert resolver.condition("LoopA") is None
    assert resolver.condition("LoopB") is None


def test_long_condition_chains_and_deep_expressions_do_not_overflow() -> None:
    lines = ["Conditions:"]
    for index in range(3000):
        lines.append(f"  C{index}: !Not [!Condition C{index + 1}]")
    lines.append("  C3000: !Equals [a, a]")
    resolver = Resolver(parse_yaml("\n".join(lines) + "\n", "chain.yaml")[0])
    assert resolver.condition("C0") in (True, False, None)
    deep: Any = "x"
    for _ in range(400):
        deep = {"Fn::Join": ["", [deep]]}
    assert is_unknown(resolver.resolve(deep))


def test_bucket_names_referring_to_each_other_do_not_loop() -> None:
    template = parse_yaml(
        "Resources:\n"
        "  A: {Type: AWS::S3::Bucket, Properties: {BucketName: !Sub '${B}-a'}}\n"
        "  B: {Type: AWS::S3::Bucket, Properties: {BucketName: !Sub '${A}-b'}}\n",
        "t.yaml",
    )[0]
    resolver = Resolver(template)
    identity = resolver.bucket_identity("A")
    assert isinstance(identity, str) and identity.endswith("-a")
