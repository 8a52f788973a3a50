"""Unit tests of the bucket-configuration checks, over hand-built models."""

from __future__ import annotations

from s3lint.checks import Context, load_check
from s3lint.model import DataEventSelector, ScanModel, Trail
from s3lint.symbols import Unknown
from tests.model_builders import bucket, encryption, loc, logging_to, val, versioning


def run(rule_id: str, model: ScanModel, strict: bool = False) -> list[tuple[str, int, str]]:
    findings = list(load_check(rule_id)(model, Context(strict=strict)))
    return [(f.resource, f.loc.line, f.certainty) for f in findings]


def test_acls_enabled_flags_explicit_object_writer_only() -> None:
    writer = bucket("Writer", ownership=val("ObjectWriter", 30))
    enforced = bucket("Enforced", ownership=val("BucketOwnerEnforced", 31))
    unset = bucket("Unset")
    assert run("S3005", ScanModel(buckets=[writer, enforced, unset])) == [("Writer", 30, "definite")]


def test_acls_enabled_unknown_is_only_possible() -> None:
    unknown = bucket("Param", ownership=val(Unknown("parameter without default"), 30))
    assert run("S3005", ScanModel(buckets=[unknown])) == [("Param", 30, "possible")]


def test_default_encryption_missing() -> None:
    model = ScanModel(buckets=[bucket("Plain"), bucket("Kms", encryption=encryption())])
    assert run("S3010", model) == [("Plain", 10, "definite")]


def test_kms_key_not_used_points_at_the_algorithm() -> None:
    model = ScanModel(buckets=[bucket("Sse", encryption=encryption("AES256")), bucket("Kms", encryption=encryption("aws:kms:dsse"))])
    assert run("S3011", model) == [("Sse", 12, "definite")]


def test_kms_key_not_used_when_no_encryption_at_all() -> None:
    assert run("S3011", ScanModel(buckets=[bucket("Plain")])) == [("Plain", 10, "definite")]


def test_bucket_key_disabled_only_for_sse_kms() -> None:
    model = ScanModel(
        buckets=[
            bucket("NoKey", encryption=encryption("aws:kms", False)),
            bucket("Default", encryption=encryption("aws:kms", False, explicit_key=False)),
            bucket("WithKey", encryption=encryption("aws:kms", True)),
            bucket("Dsse", encryption=encryption("aws:kms:dsse", False)),
            bucket("Aes", encryption=encryption("AES256", False)),
        ]
    )
    assert run("S3014", model) == [("NoKey", 13, "definite"), ("Default", 12, "definite")]


def test_access_logging_missing_exempts_log_targets() -> None:
    logs = bucket("Logs")
    data = bucket("Data", logging=logging_to("logs-bucket"))
    other = bucket("Other")
    assert run("S3030", ScanModel(buckets=[logs, data, other])) == [("Other", 10, "definite")]


def test_access_logging_missing_exempts_log_delivery_acl() -> None:
    target = bucket("Target", acl=val("log-delivery-write", 5))
    assert run("S3030", ScanModel(buckets=[target])) == []


def test_undeclared_buckets_are_not_judged_on_configuration() -> None:
    external = bucket("External", declared=False)
    for rule_id in ("S3010", "S3011", "S3030", "S3040"):
        assert run(rule_id, ScanModel(buckets=[external])) == []


def test_cloudtrail_without_s3_data_events() -> None:
    with_events = Trail("Good", loc(40), [DataEventSelector("AWS::S3::Object", [val("arn:aws:s3")], loc(41))])
    management = Trail("Bad", loc(50), [DataEventSelector("AWS::Lambda::Function", [], loc(51))])
    unknown = Trail("Maybe", loc(60), [], unknown=Unknown("selectors from a variable"))
    model = ScanModel(trails=[with_events, management, unknown])
    # checks always yield "possible" findings; the runner shows them only with --strict
    assert run("S3031", model) == [("Bad", 50, "definite"), ("Maybe", 60, "possible")]


def test_versioning_disabled_cases() -> None:
    model = ScanModel(
        buckets=[
            bucket("None"),
            bucket("Suspended", versioning=versioning("Suspended")),
            bucket("Enabled", versioning=versioning("Enabled")),
            bucket("Param", versioning=versioning(Unknown("parameter"))),
            bucket("Either", versioning=versioning(Unknown("condition", alternatives=("Enabled", "Enabled")))),
        ]
    )
    assert run("S3040", model) == [("None", 10, "definite"), ("Suspended", 15, "definite"), ("Param", 15, "possible")]


def test_mfa_delete_only_on_versioned_buckets() -> None:
    model = ScanModel(
        buckets=[
            bucket("Versioned", versioning=versioning("Enabled", False)),
            bucket("WithMfa", versioning=versioning("Enabled", True, True)),
            bucket("Unversioned", versioning=versioning("Suspended", False)),
        ]
    )
    assert run("S3041", model) == [("Versioned", 14, "definite")]
