"""encryption: upload-encryption denies and SSE-C requirements."""

from __future__ import annotations

from typing import Any

from s3lint.policy.encryption import requires_sse_c, upload_encryption_enforced
from s3lint.policy.transport import describe_verdict
from s3lint.symbols import Unknown
from tests.test_policy_transport import ARN, bucket_with, line_of, located, make_bucket, policy, read

SSE = "s3:x-amz-server-side-encryption"
KMS_KEY = "s3:x-amz-server-side-encryption-aws-kms-key-id"
SSE_C = "s3:x-amz-server-side-encryption-customer-algorithm"


def put_deny(condition: dict[str, Any] | None, **changes: Any) -> dict[str, Any]:
    stmt: dict[str, Any] = {
        "Sid": "DenyUnencrypted",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:PutObject",
        "Resource": f"{ARN}/*",
        "Condition": condition,
    }
    stmt.update(changes)
    return {key: value for key, value in stmt.items() if value is not None}


def test_the_documented_deny_patterns_enforce_encryption() -> None:
    patterns = [
        {"StringNotEquals": {SSE: "AES256"}},
        {"StringNotEquals": {SSE: ["aws:kms", "aws:kms:dsse"]}},
        {"Null": {SSE: "true"}},
        {"Null": {SSE: True}},
        {"Null": {KMS_KEY: "true"}},
        {"StringNotEquals": {KMS_KEY: "arn:aws:kms:eu-west-1:111122223333:key/abc"}},
        {"StringNotEqualsIfExists": {SSE: "aws:kms"}},
        {"Null": {SSE_C: "true"}},
    ]
    for condition in patterns:
        assert upload_encryption_enforced(bucket_with(put_deny(condition))).enforced is True, condition


def test_wider_actions_and_resources_also_count() -> None:
    stmt = put_deny({"Null": {SSE: "true"}}, Action="s3:Put*", Resource=["arn:aws:s3:::data*"])
    assert upload_encryption_enforced(bucket_with(stmt)).enforced is True


def test_no_policy_or_no_deny_is_not_enforced() -> None:
    assert upload_encryption_enforced(make_bucket()).enforced is False
    allow = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"{ARN}/*"}
    assert upload_encryption_enforced(bucket_with(allow)).enforced is False


def test_a_deny_that_needs_the_header_present_does_not_deny_headerless_uploads() -> None:
    condition = {"StringNotEquals": {SSE: "aws:kms"}, "Null": {SSE: "false"}}
    tree, text = located(policy(put_deny(condition)))
    bucket = make_bucket(read(tree))
    verdict = upload_encryption_enforced(bucket)
    message, loc = describe_verdict(verdict, bucket, "denies uploads without encryption")
    assert verdict.enforced is False
    assert f'its condition Null {SSE} = "false" does not match uploads that request no server-side encryption' in message
    assert loc.line == line_of(text, f'"{SSE}"', 2)


def test_a_deny_for_one_principal_is_a_near_miss() -> None:
    stmt = put_deny({"Null": {SSE: "true"}}, Principal={"AWS": "arn:aws:iam::111122223333:role/App"})
    bucket = bucket_with(stmt)
    verdict = upload_encryption_enforced(bucket)
    message, _ = describe_verdict(verdict, bucket, "denies uploads without encryption")
    assert verdict.enforced is False
    assert 'statement "DenyUnencrypted" comes close, but its Principal' in message


def test_a_deny_of_other_actions_misses_put_object() -> None:
    bucket = bucket_with(put_deny({"Null": {SSE: "true"}}, Action="s3:GetObject"))
    verdict = upload_encryption_enforced(bucket)
    message, _ = describe_verdict(verdict, bucket, "denies uploads without encryption")
    assert verdict.enforced is False
    assert 'its Action ("s3:GetObject") does not cover s3:PutObject' in message


def test_unknown_condition_value_is_unknown() -> None:
    doc = read(policy(put_deny({"StringNotEquals": {SSE: "AES256"}})))
    doc.statements[0].conditions[0].values[0].value = Unknown("parameter")
    # StringNotEquals with an unknown value: still true for a missing header
    assert upload_encryption_enforced(make_bucket(doc)).enforced is True
    doc = read(policy(put_deny({"Null": {SSE: "true"}})))
    doc.statements[0].conditions[0].values[0].value = Unknown("parameter")
    assert upload_encryption_enforced(make_bucket(doc)).enforced is None


def test_requires_sse_c_finds_the_documented_patterns() -> None:
    for condition in ({"Null": {SSE_C: "true"}}, {"StringNotEquals": {SSE_C: "AES256"}}):
        tree, text = located(policy(put_deny(condition, Sid="RequireSseC")))
        found = requires_sse_c(make_bucket(read(tree)))
        assert [(r.statement.sid, r.certain) for r in found] == [("RequireSseC", True)]
        assert found[0].condition.loc.line == line_of(text, SSE_C)


def test_requires_sse_c_for_some_principals_or_a_prefix_still_counts() -> None:
    stmt = put_deny({"Null": {SSE_C: "true"}}, Principal={"AWS": "111122223333"}, Resource=f"{ARN}/secret/*")
    assert [r.certain for r in requires_sse_c(bucket_with(stmt))] == [True]


def test_forbidding_sse_c_or_other_encryption_is_not_requiring_it() -> None:
    forbid = put_deny({"Null": {SSE_C: "false"}})
    kms = put_deny({"Null": {KMS_KEY: "true"}})
    allow = put_deny({"Null": {SSE_C: "true"}}, Effect="Allow")
    assert requires_sse_c(bucket_with(forbid, kms, allow)) == []
