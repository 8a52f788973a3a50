"""S3's public/non-public decision for bucket and access point policies."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from s3lint.model import Bucket, Value
from s3lint.policy import actions
from s3lint.policy.document import read_policy
from s3lint.policy.public import public_policy_verdict
from s3lint.source import Location
from s3lint.symbols import NO_VALUE, Unknown, symbol

HERE = Location("t.json", 1)
BUCKET = Bucket("B", HERE, "policy-json", Value("b", HERE), "b")
OBJECTS = "arn:aws:s3:::b/*"


def verdict(*statements: dict[str, Any], bucket: Bucket | None = BUCKET, access_point: bool = False):
    doc = read_policy({"Version": "2012-10-17", "Statement": list(statements)}, kind="bucket", owner="P", path="t.json")
    return public_policy_verdict(doc, bucket, access_point=access_point)


def allow(**element: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": OBJECTS}
    body.update(element)
    return body


def deny(**element: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::b", OBJECTS]}
    body.update(element)
    return body


def state(*statements: dict[str, Any], **kwargs: Any) -> str:
    return verdict(*statements, **kwargs).state


# -- principals ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("principal", "expected"),
    [
        ("*", "public"),
        ({"AWS": "*"}, "public"),
        ({"AWS": ["arn:aws:iam::111122223333:root", "*"]}, "public"),
        ({"AWS": "arn:aws:iam::*:root"}, "public"),
        ({"Federated": "graph.facebook.com"}, "public"),
        ({"AWS": "arn:aws:iam::111122223333:root"}, "not_public"),
        ({"AWS": "111122223333"}, "not_public"),
        ({"Service": "cloudtrail.amazonaws.com"}, "not_public"),
        ({"CanonicalUser": "79a59df900b949e55d96a1e698fbaced"}, "not_public"),
        ({"AWS": symbol("AWS::AccountId")}, "not_public"),
        (Unknown("parameter"), "unknown"),
        ({"AWS": Unknown("parameter")}, "unknown"),
    ],
)
def test_principals(principal: Any, expected: str) -> None:
    assert state(allow(Principal=principal)) == expected


def test_not_principal_with_allow_is_public() -> None:
    body = allow()
    del body["Principal"]
    body["NotPrincipal"] = {"AWS": "arn:aws:iam::111122223333:root"}
    assert state(body) == "public"


# -- conditions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c"}}, "not_public"),
        ({"StringEquals": {"AWS:SOURCEVPCE": "vpce-1a2b3c"}}, "not_public"),
        ({"StringEquals": {"aws:SourceVpc": "vpc-91237329"}}, "not_public"),
        ({"StringLike": {"aws:SourceVpc": "vpc-*"}}, "public"),
        ({"StringLike": {"aws:SourceVpce": "vpce-1a2b3c"}}, "not_public"),
        ({"StringLike": {"aws:SourceVpce": "vpce-*"}}, "public"),
        ({"StringEquals": {"aws:SourceVpce": ["vpce-1", "vpce-*"]}}, "not_public"),
        ({"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}, "not_public"),
        ({"StringEquals": {"aws:PrincipalOrgID": "${aws:PrincipalTag/org}"}}, "public"),
        ({"StringEquals": {"aws:PrincipalAccount": "111122223333"}}, "not_public"),
        ({"StringEquals": {"aws:SourceAccount": "111122223333"}}, "not_public"),
        ({"ArnEquals": {"aws:SourceArn": "arn:aws:cloudfront::111122223333:distribution/E1"}}, "not_public"),
        ({"ArnLike": {"aws:SourceArn": "arn:aws:cloudfront::111122223333:distribution/*"}}, "public"),
        ({"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::*"}}, "public"),  # ArnEquals matches wildcards too
        ({"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:user/u"}}, "not_public"),
        ({"ArnNotEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:user/u"}}, "public"),
        ({"StringEquals": {"aws:VpceAccount": "111122223333"}}, "not_public"),
        ({"StringEquals": {"aws:SourceOwner": "111122223333"}}, "not_public"),
        ({"StringEquals": {"s3:x-amz-server-side-encryption-aws-kms-key-id": "arn:aws:kms:us-east-1:1:key/k"}}, "not_public"),
        ({"StringEquals": {"aws:userid": "AIDAEXAMPLE"}}, "not_public"),
        ({"StringLike": {"aws:userid": "AROAEXAMPLE:*"}}, "public"),
        ({"StringEquals": {"s3:DataAccessPointAccount": "111122223333"}}, "not_public"),
        ({"StringNotEquals": {"aws:SourceVpce": "vpce-1"}}, "public"),
        ({"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1"}}, "public"),
        ({"ForAllValues:StringEquals": {"aws:SourceVpce": "vpce-1"}}, "public"),
        ({"ForAnyValue:StringEquals": {"aws:SourceVpce": "vpce-1"}}, "not_public"),
        ({"Bool": {"aws:SecureTransport": "true"}}, "public"),
        ({"NumericGreaterThan": {"s3:TlsVersion": "1.2"}}, "public"),
        ({"Null": {"aws:SourceVpce": "false"}}, "public"),
        ({"StringEquals": {"aws:ResourceAccount": "111122223333"}}, "public"),
        ({"StringEquals": {"aws:SourceVpce": Unknown("parameter")}}, "unknown"),
        ({"StringEquals": {"aws:SourceVpce": symbol("param:Endpoint")}}, "not_public"),
        (Unknown("Fn::If"), "unknown"),
    ],
)
def test_conditions(condition: Any, expected: str) -> None:
    assert state(allow(Condition=condition)) == expected


@pytest.mark.parametrize(
    ("cidr", "expected"),
    [
        ("203.0.113.0/24", "not_public"),
        ("203.0.113.7", "not_public"),
        ("11.0.0.0/8", "not_public"),
        ("0.0.0.0/1", "public"),
        ("0.0.0.0/0", "public"),
        ("10.0.0.0/8", "not_public"),
        ("2001:db8::/32", "not_public"),
        ("2001:db8::/64", "not_public"),
        ("2000::/3", "public"),
        ("::/0", "public"),
    ],
)
def test_source_ip_thresholds(cidr: str, expected: str) -> None:
    assert state(allow(Condition={"IpAddress": {"aws:SourceIp": cidr}})) == expected


def test_source_ip_list_is_public_if_one_range_is_too_broad() -> None:
    assert state(allow(Condition={"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "0.0.0.0/1"]}})) == "public"
    assert state(allow(Condition={"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}})) == "public"


def test_data_access_point_arn_wildcards_differ_for_access_points() -> None:
    fixed_account = {"StringLike": {"s3:DataAccessPointArn": "arn:aws:s3:us-west-2:123456789012:accesspoint/*"}}
    any_account = {"StringLike": {"s3:DataAccessPointArn": "arn:aws:s3:us-west-2:*:accesspoint/*"}}
    assert state(allow(Condition=fixed_account)) == "not_public"
    assert state(allow(Condition=any_account)) == "public"
    assert state(allow(Condition=fixed_account), access_point=True) == "public"
    exact = {"StringEquals": {"s3:DataAccessPointArn": "arn:aws:s3:us-west-2:123456789012:accesspoint/ap"}}
    assert state(allow(Condition=exact), access_point=True) == "not_public"


# -- the whole policy ----------------------------------------------------------------------


def test_one_public_statement_makes_the_policy_public() -> None:
    result = verdict(
        allow(Principal={"Service": "cloudtrail.amazonaws.com"}, Action="s3:PutObject"),
        allow(Principal={"AWS": "arn:aws:iam::111122223333:root"}),
        allow(Sid="Everyone"),
    )
    assert result.state == "public"
    assert [item.statement.sid for item in result.statements] == ["Everyone"]
    assert 'statement "Everyone" allows s3:GetObject (read) to everyone (Principal "*") with no Condition' in result.reason


def test_a_deny_pinning_a_fixed_vpce_makes_the_allow_non_public() -> None:
    pinned = deny(Condition={"StringNotEquals": {"aws:SourceVpce": "vpce-1"}})
    assert state(allow(Action="s3:*"), pinned) == "not_public"
    assert state(allow(), deny(Condition={"StringNotEqualsIfExists": {"aws:SourceVpce": "vpce-1"}})) == "not_public"
    assert state(allow(), deny(Condition={"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}})) == "not_public"
    assert state(allow(), deny(Condition={"StringNotLike": {"aws:SourceVpce": "vpce-*"}})) == "public"
    assert state(allow(), deny(Condition={"Bool": {"aws:SecureTransport": "false"}})) == "public"


def test_a_deny_needs_every_condition_to_pin() -> None:
    both = {"StringNotEquals": {"aws:SourceVpce": "vpce-1", "aws:PrincipalOrgID": "o-1"}}
    assert state(allow(), deny(Condition=both)) == "not_public"
    mixed = {"StringNotEquals": {"aws:SourceVpce": "vpce-1"}, "Bool": {"aws:SecureTransport": "false"}}
    assert state(allow(), deny(Condition=mixed)) == "public"


def test_deny_with_not_principal_leaves_only_named_principals() -> None:
    body = deny()
    del body["Principal"]
    body["NotPrincipal"] = {"AWS": "arn:aws:iam::111122223333:role/reader"}
    assert state(allow(), body) == "not_public"


def test_deny_for_a_specific_principal_does_not_help() -> None:
    assert state(allow(), deny(Principal={"AWS": "111122223333"})) == "public"


def test_unconditional_deny_removes_the_actions_it_covers() -> None:
    result = verdict(allow(Action="s3:*"), deny(Action=["s3:Put*", "s3:Delete*"], Resource=OBJECTS))
    assert result.state == "public"
    left = result.statements[0].actions
    assert "s3:GetObject" in left and "s3:PutObject" not in left and "s3:DeleteObject" not in left
    assert "a Deny takes away" in result.reason
    assert state(allow(Action=["s3:GetObject", "s3:PutObject"]), deny(Action="s3:*")) == "not_public"


def test_a_deny_on_fewer_resources_does_not_remove_access() -> None:
    assert state(allow(), deny(Resource="arn:aws:s3:::b/private/*")) == "public"
    assert state(allow(Resource=["arn:aws:s3:::b/*"]), deny(Resource="*")) == "not_public"


def test_deny_without_bucket_compares_patterns() -> None:
    assert state(allow(), deny(Resource="arn:aws:s3:::b/*"), bucket=None) == "not_public"
    assert state(allow(), deny(Resource="arn:aws:s3:::b/private/*"), bucket=None) == "public"


def test_a_resource_naming_another_bucket_is_still_judged() -> None:
    # S3 accepts only its own bucket's ARNs in a bucket policy: a mismatch is a linking or
    # naming issue, and the grant is what the author meant
    assert state(allow(Resource="arn:aws:s3:::other/*")) == "public"
    assert state(allow(Resource="arn:aws:s3:::other/*"), deny(Resource="arn:aws:s3:::other/*")) == "not_public"


def test_actions_of_other_services_only_are_not_public() -> None:
    assert state(allow(Action="sqs:SendMessage")) == "not_public"


def test_severity_follows_the_access_level() -> None:
    assert verdict(allow(Action="s3:GetObject")).severity == "high"
    assert verdict(allow(Action="s3:ListBucket", Resource="arn:aws:s3:::b")).severity == "high"
    assert verdict(allow(Action="s3:PutObject")).severity == "critical"
    assert verdict(allow(Action="s3:PutBucketPolicy", Resource="arn:aws:s3:::b")).severity == "critical"
    levels = verdict(allow(Action=["s3:GetObject", "s3:PutObject"])).statements[0].levels
    assert levels == {"Read": ["s3:GetObject"], "Write": ["s3:PutObject"]}


def test_unknowns_are_never_silently_safe_or_public() -> None:
    assert state(allow(Action=Unknown("parameter"))) == "unknown"
    assert state(allow(Effect=Unknown("parameter"))) == "unknown"
    doc = read_policy(Unknown("whole"), kind="bucket", owner="P", path="t.json")
    assert public_policy_verdict(doc, BUCKET).state == "unknown"
    # a Deny that may or may not remove the access
    assert state(allow(), deny(Action=Unknown("parameter"))) == "unknown"
    assert state(allow(), deny(Condition={"StringNotEquals": {"aws:SourceVpce": Unknown("p")}})) == "unknown"


def test_statements_under_an_undecidable_condition_are_possible() -> None:
    doc = read_policy({"Statement": [Unknown("Fn::If", alternatives=(allow(), NO_VALUE))]}, kind="bucket", owner="P", path="t.json")
    result = public_policy_verdict(doc, BUCKET)
    assert result.state == "unknown" and "template condition" in result.reason
    doc = read_policy({"Statement": [allow(), Unknown("Fn::If", alternatives=(deny(), NO_VALUE))]}, kind="bucket", owner="P", path="t.json")
    assert public_policy_verdict(doc, BUCKET).state == "unknown"


# -- properties ------------------------------------------------------------------------------

PRINCIPALS = st.sampled_from(
    ["*", {"AWS": "*"}, {"AWS": "111122223333"}, {"Service": "logging.s3.amazonaws.com"}, {"Federated": "graph.facebook.com"}]
)
ACTIONS = st.lists(st.sampled_from(["s3:GetObject", "s3:Put*", "s3:*", "*", "s3:ListBucket", "s3:DeleteObject", "sqs:*"]), min_size=1, max_size=3)
RESOURCES = st.lists(st.sampled_from(["arn:aws:s3:::b", OBJECTS, "*", "arn:aws:s3:::b/pub/*"]), min_size=1, max_size=3)
CONDITIONS = st.sampled_from(
    [
        None,
        {"StringEquals": {"aws:SourceVpce": "vpce-1"}},
        {"StringNotEquals": {"aws:SourceVpce": "vpce-1"}},
        {"Bool": {"aws:SecureTransport": "false"}},
        {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
        {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}},
        {"StringLike": {"aws:SourceVpc": "vpc-*"}},
    ]
)


@st.composite
def statements(draw: Any, effect: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "Effect": effect or draw(st.sampled_from(["Allow", "Deny"])),
        "Action": draw(ACTIONS),
        "Resource": draw(RESOURCES),
    }
    principal = draw(PRINCIPALS)
    body["NotPrincipal" if draw(st.booleans()) and principal != "*" else "Principal"] = principal
    condition = draw(CONDITIONS)
    if condition:
        body["Condition"] = condition
    return body


RANK = {"not_public": 0, "unknown": 1, "public": 2}


@settings(max_examples=150, deadline=None)
@given(st.lists(statements(), min_size=1, max_size=4), statements(effect="Deny"))
def test_adding_a_deny_never_makes_a_policy_more_public(policy: list[dict[str, Any]], extra: dict[str, Any]) -> None:
    before = verdict(*policy)
    after = verdict(*policy, extra)
    assert RANK[after.state] <= RANK[before.state]
    assert after.actions <= before.actions


@settings(max_examples=150, deadline=None)
@given(statements(effect="Allow"))
def test_a_fixed_source_vpce_condition_makes_an_allow_non_public(statement: dict[str, Any]) -> None:
    statement = dict(statement)
    condition = dict(statement.get("Condition") or {})
    condition["StringEquals"] = {**condition.get("StringEquals", {}), "aws:SourceVpce": "vpce-0a1b2c3d"}
    statement["Condition"] = condition
    assert verdict(statement).state == "not_public"


@settings(max_examples=150, deadline=None)
@given(st.lists(statements(), min_size=1, max_size=4), st.randoms(use_true_random=False))
def test_order_of_statements_and_list_elements_does_not_matter(policy: list[dict[str, Any]], rng: Any) -> None:
    shuffled = []
    for body in policy:
        copy = {key: (rng.sample(value, len(value)) if isinstance(value, list) else value) for key, value in body.items()}
        shuffled.append(copy)
    rng.shuffle(shuffled)
    before, after = verdict(*policy), verdict(*shuffled)
    assert before.state == after.state
    assert before.actions == after.actions


def test_the_verdict_reports_every_s3_action_for_s3_star() -> None:
    result = verdict(allow(Action="s3:*", Resource=["arn:aws:s3:::b", OBJECTS]))
    assert result.actions == actions.ALL_S3_ACTIONS
    assert "every S3 action (s3:*)" in result.reason
