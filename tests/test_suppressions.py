"""Inline suppression comments and Metadata suppressions."""

from __future__ import annotations

from types import SimpleNamespace

from s3lint.catalog import load_catalog
from s3lint.model import Finding, ScanModel, Suppression
from s3lint.source import Location
from s3lint.suppressions import apply_suppressions, comment_suppressions
from tests.model_builders import bucket

TEMPLATE = """Resources:
  # s3lint: ignore[S3030] access logs are shipped by the platform
  Data:
    Type: AWS::S3::Bucket
    Properties:
      VersioningConfiguration:
        Status: Suspended  # s3lint: ignore[S3040, S3041]
  Other:  # s3lint: ignore[S9999]
    Type: AWS::S3::Bucket
"""


def finding(rule_id: str, line: int, resource: str = "Data") -> Finding:
    return Finding(rule_id, "m", Location("t.yaml", line, 5), resource)


def scan_with(findings: list[Finding], warn_unused: bool = False, suppressions=()):
    data = bucket("Data")
    data.loc = Location("t.yaml", 3, 3)
    model = ScanModel(buckets=[data], suppressions=list(suppressions))
    loaded = SimpleNamespace(model=model, texts={"t.yaml": TEMPLATE}, paths=["t.yaml"])
    return apply_suppressions(findings, loaded, load_catalog(), warn_unused=warn_unused)


def test_comment_forms_are_parsed() -> None:
    found = comment_suppressions("t.yaml", TEMPLATE)
    assert [(s.line, s.rule_ids, s.reason) for s in found] == [
        (2, ["S3030"], "access logs are shipped by the platform"),
        (7, ["S3040", "S3041"], ""),
        (8, ["S9999"], ""),
    ]


def test_comment_above_the_resource_suppresses_a_finding_at_its_header() -> None:
    logging = finding("S3030", 3)
    extra = scan_with([logging])
    assert logging.suppression.justification == "access logs are shipped by the platform"
    assert [f.message for f in extra] == ["suppression names unknown rule S9999"]


def test_trailing_comment_suppresses_the_attribute_finding() -> None:
    versioning = finding("S3040", 7)
    scan_with([versioning])
    assert versioning.suppression is not None


def test_other_rules_are_not_suppressed() -> None:
    encryption = finding("S3010", 3)
    scan_with([encryption])
    assert encryption.suppression is None


def test_unused_suppressions_are_reported_when_asked() -> None:
    extra = scan_with([], warn_unused=True)
    messages = sorted(f.message for f in extra)
    assert any(m.startswith("unused suppression: no S3030") for m in messages)
    assert any(m.startswith("unused suppression: no S3040, S3041") for m in messages)


def test_metadata_suppression_applies_to_the_whole_resource() -> None:
    meta = Suppression("t.yaml", 4, ["S3010"], "encrypted by the platform", resource="Data")
    encryption = finding("S3010", 6)
    scan_with([encryption], suppressions=[meta])
    assert encryption.suppression.justification == "encrypted by the platform"
