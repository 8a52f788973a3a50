"""Fixes found by scoring against the peers' fixtures: Terraform split resources follow the
bucket they reference (not the first bucket with the same name), encryption rules that are
wrong whichever way a `dynamic` block goes, and the encryption objects ask for themselves."""

from __future__ import annotations

from pathlib import Path

from s3lint.checks import Context, load_check
from s3lint.link import link
from s3lint.loaders.terraform import load_module
from s3lint.model import ScanModel
from s3lint.symbols import Unknown


def model_of(tmp_path: Path, text: str) -> ScanModel:
    (tmp_path / "main.tf").write_text(text)
    return link([load_module(str(tmp_path), root=str(tmp_path))])


def findings(rule_id: str, model: ScanModel, strict: bool = False) -> list[tuple[str, int, str]]:
    check = load_check(rule_id)
    return sorted(
        (f.resource, f.loc.line, f.certainty) for f in check(model, Context(strict=strict))
    )


def by_address(model: ScanModel) -> dict[str, object]:
    return {bucket.address: bucket for bucket in model.buckets}


TWINS = """
resource "aws_s3_bucket" "first" {
  bucket = "twin"
}

resource "aws_s3_bucket" "second" {
  bucket = "twin"
}

resource "aws_s3_bucket_acl" "second" {
  bucket = aws_s3_bucket.second.id
  acl    = "public-read"
}

resource "aws_s3_bucket_versioning" "second" {
  bucket = "${aws_s3_bucket.second.bucket}"
  versioning_configuration {
    status = "Enabled"
  }
}
"""


def test_a_reference_wins_over_a_shared_name(tmp_path: Path) -> None:
    buckets = by_address(model_of(tmp_path, TWINS))
    first, second = buckets["aws_s3_bucket.first"], buckets["aws_s3_bucket.second"]
    assert first.acl is None and first.versioning is None  # type: ignore[attr-defined]
    assert second.acl.value == "public-read"  # type: ignore[attr-defined]
    assert second.versioning.status.value == "Enabled"  # type: ignore[attr-defined]


DERIVED_NAME = """
resource "aws_s3_bucket" "data" {
  bucket = "acme"
}

resource "aws_s3_bucket" "logs" {
  bucket = "acme-logs"
}

resource "aws_s3_bucket_acl" "logs" {
  bucket = "${aws_s3_bucket.data.id}-logs"
  acl    = "log-delivery-write"
}
"""


def test_a_name_built_from_a_reference_is_linked_by_name(tmp_path: Path) -> None:
    # The ACL names "acme-logs", the logs bucket: mentioning `data` does not make it data's.
    buckets = by_address(model_of(tmp_path, DERIVED_NAME))
    assert buckets["aws_s3_bucket.data"].acl is None  # type: ignore[attr-defined]
    assert buckets["aws_s3_bucket.logs"].acl.value == "log-delivery-write"  # type: ignore[attr-defined]


DYNAMIC = """
variable "on" {
  type = bool
}

resource "aws_s3_bucket" "bad" {
  bucket = "acme-bad"
  dynamic "server_side_encryption_configuration" {
    for_each = var.on ? [1] : []
    content {
      rule {
        apply_server_side_encryption_by_default {
          sse_algorithm = "aes256"
        }
      }
    }
  }
}

resource "aws_s3_bucket" "kms" {
  bucket = "acme-kms"
  dynamic "server_side_encryption_configuration" {
    for_each = var.on ? [1] : []
    content {
      rule {
        apply_server_side_encryption_by_default {
          sse_algorithm = "aws:kms"
        }
      }
    }
  }
}
"""


def test_wrong_both_ways_is_definite_and_right_one_way_is_not(tmp_path: Path) -> None:
    model = model_of(tmp_path, DYNAMIC)
    assert findings("S3010", model) == [("aws_s3_bucket.bad", 13, "definite")]
    assert findings("S3011", model, strict=True) == [
        ("aws_s3_bucket.bad", 13, "definite"),
        ("aws_s3_bucket.kms", 27, "possible"),
    ]


OBJECTS = """
variable "key" {
  type = string
}

variable "copies" {
  type = number
}

resource "aws_s3_object" "sse_s3" {
  bucket                 = "outside"
  key                    = "a"
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "key_wins" {
  bucket                 = "outside"
  key                    = "b"
  server_side_encryption = "AES256"
  kms_key_id             = "alias/acme"
}

resource "aws_s3_object" "maybe_key" {
  bucket                 = "outside"
  key                    = "c"
  server_side_encryption = "AES256"
  kms_key_id             = var.key
}

resource "aws_s3_object_copy" "maybe_exists" {
  count                  = var.copies
  bucket                 = "outside"
  key                    = "d"
  source                 = "outside/a"
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "bucket_default" {
  bucket = "outside"
  key    = "e"
}
"""


def test_objects_record_the_encryption_they_ask_for(tmp_path: Path) -> None:
    model = model_of(tmp_path, OBJECTS)
    outside = by_address(model)["outside"]
    asked = {item.address: item.algorithm.value for item in outside.object_encryptions}  # type: ignore[attr-defined]
    assert outside.declared is False  # type: ignore[attr-defined]
    assert asked["aws_s3_object.sse_s3"] == "AES256"
    assert asked["aws_s3_object.key_wins"] == "aws:kms"
    assert isinstance(asked["aws_s3_object.maybe_key"], Unknown)
    assert set(asked["aws_s3_object.maybe_key"].alternatives) == {"aws:kms", "AES256"}
    assert set(asked["aws_s3_object_copy.maybe_exists[*]"].alternatives) == {"AES256", None}
    assert "aws_s3_object.bucket_default" not in asked  # takes the bucket's default


def test_objects_asking_for_sse_s3_are_kms_findings(tmp_path: Path) -> None:
    model = model_of(tmp_path, OBJECTS)
    assert findings("S3011", model, strict=True) == [
        ("aws_s3_object.maybe_key", 27, "possible"),
        ("aws_s3_object.sse_s3", 13, "definite"),
        ("aws_s3_object_copy.maybe_exists[*]", 35, "possible"),
    ]


def _plan_with_derived_name() -> dict:
    """A plan where the ACL's `bucket` is "${aws_s3_bucket.data.id}-logs": its configuration
    references `data`, but its value names the logs bucket."""

    def resource(address: str, values: dict) -> dict:
        kind, name = address.split(".")
        return {"address": address, "mode": "managed", "type": kind, "name": name, "values": values}

    planned = [
        resource("aws_s3_bucket.data", {"bucket": "acme"}),
        resource("aws_s3_bucket.logs", {"bucket": "acme-logs"}),
        resource("aws_s3_bucket_acl.logs", {"bucket": "acme-logs", "acl": "log-delivery-write"}),
    ]
    acl_config = {
        "address": "aws_s3_bucket_acl.logs",
        "expressions": {"bucket": {"references": ["aws_s3_bucket.data.id", "aws_s3_bucket.data"]}},
    }
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.5",
        "planned_values": {"root_module": {"resources": planned}},
        "configuration": {"root_module": {"resources": [acl_config]}},
    }


def test_a_plan_reference_counts_only_when_the_name_agrees() -> None:
    from s3lint.loaders.tfplan import load_plan

    fragment = load_plan(_plan_with_derived_name(), "plan.json")
    acl = next(a for a in fragment.attachments if a.kind == "acl")
    assert acl.bucket.address == "aws_s3_bucket.logs"
