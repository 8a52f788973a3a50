"""The policy rules S3012, S3013, S3020, S3021, S3050, S3051, S3060, S3061, S3070, S3071
over hand-built models."""

from __future__ import annotations

from typing import Any

from s3lint.checks import Context, load_check
from s3lint.model import Finding, IdentityPolicy, ScanModel
from s3lint.source import Location
from s3lint.symbols import Unknown
from tests.test_policy_transport import ARN, BUCKET_LOC, PUBLIC_READ, line_of, located, make_bucket, policy, read, tls_deny

SSE_C = "s3:x-amz-server-side-encryption-customer-algorithm"


def run(rule_id: str, model: ScanModel, strict: bool = False, accounts: frozenset[str] = frozenset()) -> list[Finding]:
    return list(load_check(rule_id)(model, Context(account_ids=accounts, strict=strict)))


def bucket_model(*statements: dict[str, Any], declared: bool = True) -> tuple[ScanModel, str]:
    tree, text = located(policy(*statements))
    return ScanModel(buckets=[make_bucket(read(tree), declared=declared)]), text


def identity_model(*statements: dict[str, Any]) -> tuple[ScanModel, str]:
    tree, text = located(policy(*statements))
    doc = read(tree, kind="identity")
    return ScanModel(identity_policies=[IdentityPolicy("aws_iam_policy.admin", Location("policy.json", 1, 1), doc)]), text


# ---------------------------------------------------------------------------------------
# S3020 insecure-transport-allowed
# ---------------------------------------------------------------------------------------


def test_s3020_quiet_with_the_canonical_deny() -> None:
    model, _ = bucket_model(PUBLIC_READ, tls_deny())
    assert run("S3020", model) == []


def test_s3020_bucket_without_policy_is_reported_at_its_header() -> None:
    (finding,) = run("S3020", ScanModel(buckets=[make_bucket()]))
    assert finding.loc == BUCKET_LOC and finding.certainty == "definite"
    assert finding.message == (
        "bucket 'aws_s3_bucket.data' (data) has no bucket policy, so nothing denies plain-HTTP requests "
        "(aws:SecureTransport = false)"
    )


def test_s3020_undeclared_bucket_without_policy_is_not_judged() -> None:
    assert run("S3020", ScanModel(buckets=[make_bucket(declared=False)])) == []


def test_s3020_undeclared_bucket_with_a_policy_is_judged() -> None:
    model, text = bucket_model(tls_deny(Principal={"AWS": "111122223333"}), declared=False)
    (finding,) = run("S3020", model)
    assert finding.loc.line == line_of(text, '"Principal"')
    assert 'statement "DenyHttp" comes close, but its Principal (AWS: 111122223333) is not everyone ("*")' in finding.message


def test_s3020_tls_version_only_is_possible_and_needs_strict() -> None:
    model, _ = bucket_model(tls_deny(Condition={"NumericLessThan": {"s3:TlsVersion": 1.2}}))
    assert run("S3020", model) == []
    (finding,) = run("S3020", model, strict=True)
    assert finding.certainty == "possible" and "may not have" in finding.message


# ---------------------------------------------------------------------------------------
# S3021 old-tls-allowed
# ---------------------------------------------------------------------------------------


def test_s3021() -> None:
    good, _ = bucket_model(tls_deny(Condition={"NumericLessThan": {"s3:TlsVersion": "1.2"}}))
    assert run("S3021", good) == []
    bad, text = bucket_model(tls_deny())
    (finding,) = run("S3021", bad)
    assert "denies TLS versions below 1.2" in finding.message
    assert finding.loc.line == 1  # no attempt at a TLS-version deny: the document


# ---------------------------------------------------------------------------------------
# S3012 upload-encryption-not-enforced and S3013 sse-c-without-tls
# ---------------------------------------------------------------------------------------


def put_deny(condition: dict[str, Any], **changes: Any) -> dict[str, Any]:
    stmt = {"Sid": "Encrypt", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": f"{ARN}/*", "Condition": condition}
    stmt.update(changes)
    return stmt


def test_s3012() -> None:
    good, _ = bucket_model(put_deny({"Null": {"s3:x-amz-server-side-encryption": "true"}}))
    assert run("S3012", good) == []
    bad, text = bucket_model(put_deny({"StringEquals": {"s3:x-amz-server-side-encryption": "AES256"}}))
    (finding,) = run("S3012", bad)
    assert "does not match uploads that request no server-side encryption" in finding.message
    assert finding.loc.line == line_of(text, '"s3:x-amz-server-side-encryption"')


def test_s3013_sse_c_without_tls_deny() -> None:
    model, text = bucket_model(put_deny({"Null": {SSE_C: "true"}}, Sid="RequireSseC"))
    (finding,) = run("S3013", model)
    assert finding.certainty == "definite"
    assert finding.loc.line == line_of(text, SSE_C)
    assert finding.message.startswith("bucket 'aws_s3_bucket.data' (data) requires SSE-C uploads (statement \"RequireSseC\"), but no bucket policy")


def test_s3013_quiet_with_tls_deny_or_without_sse_c() -> None:
    with_tls, _ = bucket_model(put_deny({"Null": {SSE_C: "true"}}), tls_deny())
    assert run("S3013", with_tls) == []
    no_sse_c, _ = bucket_model(put_deny({"Null": {"s3:x-amz-server-side-encryption": "true"}}))
    assert run("S3013", no_sse_c) == []
    assert run("S3013", ScanModel(buckets=[make_bucket()])) == []


# ---------------------------------------------------------------------------------------
# S3050 / S3051 identity policies
# ---------------------------------------------------------------------------------------


def test_s3050_full_access_points_at_the_action_value() -> None:
    model, text = identity_model({"Sid": "Admin", "Effect": "Allow", "Action": ["s3:*"], "Resource": "*"})
    (finding,) = run("S3050", model)
    assert finding.resource == "aws_iam_policy.admin" and finding.certainty == "definite"
    assert finding.loc.line == line_of(text, '"s3:*"')
    assert "statement \"Admin\" allows every S3 action (Action \"s3:*\") on Resource \"*\"" in finding.message


def test_s3050_quiet_for_scoped_grants() -> None:
    model, _ = identity_model({"Effect": "Allow", "Action": "s3:*", "Resource": [ARN, f"{ARN}/*"]})
    assert run("S3050", model) == []
    model, _ = identity_model({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
    assert run("S3050", model) == []


def test_s3050_unknown_resource_is_possible() -> None:
    model, _ = identity_model({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
    model.identity_policies[0].document.statements[0].resources[0].value = Unknown("variable")
    assert run("S3050", model) == []
    assert [f.certainty for f in run("S3050", model, strict=True)] == ["possible"]


def test_s3051_names_the_actions_and_points_at_the_granting_value() -> None:
    model, text = identity_model({"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutBucketPolicy", "s3:PutBucketAcl"], "Resource": "arn:aws:s3:::*"})
    (finding,) = run("S3051", model)
    assert finding.loc.line == line_of(text, '"s3:PutBucketPolicy"')
    assert "allows s3:PutBucketAcl, s3:PutBucketPolicy on Resource \"arn:aws:s3:::*\"" in finding.message
    assert "grant everyone access with a bucket policy or ACL" in finding.message


def test_s3051_quiet_for_one_bucket() -> None:
    model, _ = identity_model({"Effect": "Allow", "Action": "s3:PutBucketPolicy", "Resource": ARN})
    assert run("S3051", model) == []


# ---------------------------------------------------------------------------------------
# S3060 invalid-policy
# ---------------------------------------------------------------------------------------


def test_s3060_one_finding_per_problem_at_the_element() -> None:
    model, text = bucket_model(
        {"Sid": "Bad", "Effect": "Allow", "Principal": "*", "Action": ["s3:GetObjekt"], "Resource": "arn:aws:s3:::elsewhere/*"}
    )
    findings = run("S3060", model)
    assert sorted(f.loc.line for f in findings) == sorted([line_of(text, '"s3:GetObjekt"'), line_of(text, '"Resource"')])
    assert all(f.message.startswith("bucket policy 'DataPolicy' of bucket 'aws_s3_bucket.data' (data): ") for f in findings)
    assert len({f.key for f in findings}) == 2


def test_s3060_identity_policy_with_principal() -> None:
    model, text = identity_model({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"})
    (finding,) = run("S3060", model)
    assert finding.loc.line == line_of(text, '"Principal"')
    assert finding.message.startswith("identity policy 'aws_iam_policy.admin': ")


def test_s3060_shared_document_is_reported_once() -> None:
    doc = read(policy({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObjekt", "Resource": "arn:aws:s3:::*"}))
    model = ScanModel(buckets=[make_bucket(doc), make_bucket(doc, name="other")])
    assert len(run("S3060", model)) == 1


def test_s3060_quiet_for_a_valid_policy() -> None:
    model, _ = bucket_model(PUBLIC_READ, tls_deny())
    assert run("S3060", model) == []


# ---------------------------------------------------------------------------------------
# S3061 policy-lockout
# ---------------------------------------------------------------------------------------


def test_s3061_points_at_the_deny() -> None:
    model, text = bucket_model({"Sid": "Freeze", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [ARN, f"{ARN}/*"]})
    (finding,) = run("S3061", model)
    assert finding.loc.line == line_of(text, '"Effect"')
    assert 'statement "Freeze" denies every S3 action to every principal, with no condition' in finding.message
    assert "only the account root user can delete it" in finding.message


def test_s3061_not_principal_and_accounts_from_the_context() -> None:
    stmt = {"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::999988887777:root"}, "Action": "s3:*", "Resource": ARN}
    model, text = bucket_model(stmt)
    assert run("S3061", model) == []
    (finding,) = run("S3061", model, accounts=frozenset({"111122223333"}))
    assert "exempts no principal of this account" in finding.message
    assert finding.loc.line == line_of(text, '"NotPrincipal"')


def test_s3061_quiet_for_conditional_deny() -> None:
    model, _ = bucket_model(tls_deny())
    assert run("S3061", model) == []


# ---------------------------------------------------------------------------------------
# S3070 vpc-endpoint-not-enforced
# ---------------------------------------------------------------------------------------


def vpce_deny(**changes: Any) -> dict[str, Any]:
    stmt = {"Sid": "OnlyVpce", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [ARN, f"{ARN}/*"], "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}}
    stmt.update(changes)
    return stmt


def test_s3070_deny_forms() -> None:
    for condition in (
        {"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}},
        {"StringNotEqualsIfExists": {"aws:SourceVpc": ["vpc-111", "vpc-222"]}},
        {"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}, "ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/Admin"}},
    ):
        model, _ = bucket_model(vpce_deny(Condition=condition))
        assert run("S3070", model) == [], condition


def test_s3070_near_miss_and_missing() -> None:
    model, text = bucket_model(vpce_deny(Condition={"Null": {"aws:SourceVpce": "true"}}))
    (finding,) = run("S3070", model)
    assert 'its condition Null aws:SourceVpce = "true" matches only some requests from outside the VPC endpoint' in finding.message
    (finding,) = run("S3070", ScanModel(buckets=[make_bucket()]))
    assert finding.loc == BUCKET_LOC


def test_s3070_allow_form_is_only_possible() -> None:
    allow = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"{ARN}/*", "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}}}
    model, _ = bucket_model(allow)
    assert run("S3070", model) == []
    (finding,) = run("S3070", model, strict=True)
    assert finding.certainty == "possible" and "an Allow does not bind principals of the account" in finding.message
    model, _ = bucket_model(allow, PUBLIC_READ)  # another Allow without the endpoint
    assert [f.certainty for f in run("S3070", model)] == ["definite"]


# ---------------------------------------------------------------------------------------
# S3071 presigned-url-age-unbounded
# ---------------------------------------------------------------------------------------


def age_deny(limit: Any, **changes: Any) -> dict[str, Any]:
    stmt = {"Sid": "MaxAge", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "s3:*", "Resource": f"{ARN}/*", "Condition": {"NumericGreaterThan": {"s3:signatureAge": limit}}}
    stmt.update(changes)
    return stmt


def test_s3071() -> None:
    model, _ = bucket_model(age_deny(600000))
    assert run("S3071", model) == []
    model, text = bucket_model(age_deny(7 * 24 * 3600 * 1000))
    (finding,) = run("S3071", model)
    assert "does not match presigned requests made 7 days (the SigV4 maximum) after signing" in finding.message
    assert finding.loc.line == line_of(text, '"s3:signatureAge"')
    model, _ = bucket_model(age_deny(600000, Action="s3:GetObject"))
    (finding,) = run("S3071", model)
    assert 'its Action ("s3:GetObject") covers only 1 of the' in finding.message
    assert [f.resource for f in run("S3071", ScanModel(buckets=[make_bucket()]))] == ["aws_s3_bucket.data"]


def test_s3020_website_bucket_gets_the_cloudfront_hint() -> None:
    from s3lint.model import Value

    bucket = make_bucket()
    bucket.website = Value(True, BUCKET_LOC)
    (finding,) = run("S3020", ScanModel(buckets=[bucket]))
    assert finding.message.endswith("serve the site through CloudFront over HTTPS and deny HTTP here)")
