"""identity: broad S3 grants in identity policies."""

from __future__ import annotations

from typing import Any

from s3lint.policy.identity import broad_s3_grants, pattern_scope
from s3lint.symbols import Unknown, symbol
from tests.test_policy_transport import line_of, located, policy, read


def allow(action: Any, resource: Any = "*", **changes: Any) -> dict[str, Any]:
    stmt: dict[str, Any] = {"Sid": "S3", "Effect": "Allow", "Action": action, "Resource": resource}
    stmt.update(changes)
    return {key: value for key, value in stmt.items() if value is not None}


def grants(*statements: dict[str, Any]):  # type: ignore[no-untyped-def]
    return broad_s3_grants(read(policy(*statements), kind="identity"))


def test_resource_scope_of_patterns() -> None:
    assert pattern_scope("*") == (True, True, True)
    assert pattern_scope("arn:aws:s3:::*") == (True, True, False)
    assert pattern_scope("arn:*:s3:::*") == (True, True, False)
    assert pattern_scope(f"arn:{symbol('AWS::Partition')}:s3:::*") == (True, True, False)
    assert pattern_scope("arn:aws:s3:::*/*") == (False, True, False)
    assert pattern_scope("arn:aws:s3:::*/logs/*") == (False, False, False)
    assert pattern_scope("arn:aws:s3:::data") == (False, False, False)
    assert pattern_scope("arn:aws:s3:::data-*") == (False, False, False)
    assert pattern_scope("arn:aws:iam::*:role/*") == (False, False, False)
    assert pattern_scope(Unknown("parameter")) == (None, None, None)
    assert pattern_scope(symbol("param:Resource")) == (None, None, None)


def test_full_access_forms() -> None:
    for stmt in (
        allow("s3:*"),
        allow("*"),
        allow(["s3:*"], "arn:aws:s3:::*"),
        allow("s3:*", "arn:aws:s3:::*/*"),
        allow(None, "*", NotAction="iam:*"),
        allow("s3:*", None, NotResource="arn:aws:s3:::secret/*"),
    ):
        (grant,) = grants(stmt)
        assert grant.full_access is True, stmt


def test_scoped_or_partial_grants_are_not_full_access() -> None:
    assert [g.full_access for g in grants(allow("s3:GetObject"))] == []
    assert grants(allow("s3:*", ["arn:aws:s3:::data", "arn:aws:s3:::data/*"])) == []
    assert grants(allow("s3:*", Effect="Deny")) == []
    (grant,) = grants(allow(None, "*", NotAction="s3:DeleteBucket"))
    assert grant.full_access is False and grant.make_public  # still broad enough for S3051


def test_full_access_points_at_the_granting_action_value() -> None:
    tree, text = located(policy(allow(["s3:GetObject", "s3:*"])))
    (grant,) = broad_s3_grants(read(tree, kind="identity"))
    assert grant.full_access_loc.line == line_of(text, '"s3:*"')
    assert grant.scope.text == 'Resource "*"'


def test_make_public_actions_by_resource_scope() -> None:
    (grant,) = grants(allow(["s3:PutBucketPolicy", "s3:PutObjectAcl", "s3:PutAccountPublicAccessBlock"], "arn:aws:s3:::*"))
    # the account-level action needs Resource "*"
    assert grant.certain_make_public() == ["s3:PutBucketPolicy", "s3:PutObjectAcl"]
    (grant,) = grants(allow(["s3:PutBucketPolicy", "s3:PutObjectAcl"], "arn:aws:s3:::*/*"))
    assert grant.certain_make_public() == ["s3:PutObjectAcl"]
    (grant,) = grants(allow("s3:Put*"))
    assert "s3:PutAccountPublicAccessBlock" in grant.certain_make_public()
    assert "s3:DeleteBucketPolicy" not in grant.certain_make_public()


def test_make_public_location_is_the_first_granting_value() -> None:
    tree, text = located(policy(allow(["s3:GetObject", "s3:PutBucket*"])))
    (grant,) = broad_s3_grants(read(tree, kind="identity"))
    assert grant.make_public_loc is not None and grant.make_public_loc.line == line_of(text, '"s3:PutBucket*"')


def test_unknowns_give_possible_grants() -> None:
    doc = read(policy(allow("s3:*")), kind="identity")
    doc.statements[0].resources[0].value = Unknown("parameter")
    (grant,) = broad_s3_grants(doc)
    assert grant.full_access is None
    doc = read(policy(allow("s3:*")), kind="identity")
    doc.statements[0].actions[0].value = Unknown("parameter")
    (grant,) = broad_s3_grants(doc)
    assert grant.full_access is None and grant.certain_make_public() == []
    assert "s3:PutBucketPolicy" in grant.possible_make_public()


def test_conditions_do_not_hide_the_grant() -> None:
    (grant,) = grants(allow("s3:*", Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}))
    assert grant.full_access is True and grant.conditional
