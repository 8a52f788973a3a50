"""Terraform plan JSON into the model: recognised by content, values from planned_values
(child modules included), unknowns from after_unknown, links through configuration."""

from __future__ import annotations

import json
from pathlib import Path

from s3lint.loaders.terraform import hcl
from s3lint.loaders.tfplan import is_terraform_plan, load_plan, split_address
from s3lint.symbols import Unknown, is_only_symbol

PLAN = Path(__file__).parent / "fixtures" / "tfplan" / "plan.json"


def test_recognised_by_content() -> None:
    assert is_terraform_plan(json.loads(PLAN.read_text()))
    assert is_terraform_plan({"format_version": "1.2", "terraform_version": "1.9.0", "resource_changes": []})
    assert not is_terraform_plan({"Version": "2012-10-17", "Statement": []})
    assert not is_terraform_plan({"Resources": {}})
    assert not is_terraform_plan([1, 2])


def test_buckets_and_links_from_a_plain_json_tree() -> None:
    fragment = load_plan(json.loads(PLAN.read_text()), "plan.json")
    assert not fragment.errors
    buckets = {b.address: b for b in fragment.buckets}
    assert sorted(buckets) == ["aws_s3_bucket.logs", "module.data.aws_s3_bucket.this"]
    logs = buckets["aws_s3_bucket.logs"]
    assert isinstance(logs.name.value, Unknown)  # bucket_prefix: chosen at apply
    assert is_only_symbol(logs.identity)
    # v4+ computed inline blocks are not settings unless the configuration sets them
    assert logs.acl is None and logs.versioning is None and logs.encryption is None and not logs.policies
    links = {(a.kind, a.owner): a.bucket.address for a in fragment.attachments}
    assert links[("acl", "aws_s3_bucket_acl.logs")] == "aws_s3_bucket.logs"  # through configuration references
    assert links[("public_access_block", "aws_s3_bucket_public_access_block.logs")] == "aws_s3_bucket.logs"
    assert links[("policy", "module.data.aws_s3_bucket_policy.this")] == "module.data.aws_s3_bucket.this"
    policy = next(a for a in fragment.attachments if a.kind == "policy").payload
    statement = policy.statements[0]
    assert statement.sid == "PublicRead" and statement.principals is not None and statement.principals[0].kind == "*"
    versioning = next(a for a in fragment.attachments if a.kind == "versioning").payload
    assert versioning.status.value == "Suspended"
    assert versioning.mfa_delete.value is False and not versioning.mfa_delete.explicit  # "" means not set
    pab = next(a for a in fragment.attachments if a.kind == "public_access_block").payload
    assert pab.block_public_acls.value is False and pab.block_public_policy.value is True


def test_locations_point_at_the_resource_object() -> None:
    tree = hcl._load_json(PLAN.read_text(), "plan.json")
    fragment = load_plan(tree, "plan.json")
    lines = {b.address: b.loc.line for b in fragment.buckets}
    if getattr(tree, "line", 0):  # a located tree
        assert lines == {"aws_s3_bucket.logs": 7, "module.data.aws_s3_bucket.this": 55}
        acl = next(a for a in fragment.attachments if a.kind == "acl")
        assert acl.payload.loc.line == 22


def test_malformed_plans_are_errors_not_exceptions() -> None:
    for tree in (
        {"planned_values": {"root_module": {"resources": [{"address": "x", "type": "aws_s3_bucket", "values": [1]}]}}},
        {"planned_values": {"root_module": {"resources": "nope", "child_modules": [None, 3]}}},
        {"planned_values": {"root_module": {"resources": [{"address": "a.b", "type": "aws_s3_bucket_policy", "values": {"policy": "{bad"}}]}}},
        {"planned_values": []},
    ):
        fragment = load_plan(tree, "p.json")
        assert isinstance(fragment.buckets, list)
    invalid = load_plan({"planned_values": {"root_module": {"resources": [{"address": "aws_s3_bucket_policy.p", "type": "aws_s3_bucket_policy", "values": {"bucket": "b", "policy": "{bad"}}]}}}, "p.json")
    assert invalid.attachments and invalid.attachments[0].payload.problems  # S3060 material


def test_split_address() -> None:
    assert split_address('module.a[0].module.b.aws_s3_bucket.x["k.1"]') == ("module.a[0].module.b.", "aws_s3_bucket.x", '["k.1"]')
    assert split_address("aws_s3_bucket.x") == ("", "aws_s3_bucket.x", "")
