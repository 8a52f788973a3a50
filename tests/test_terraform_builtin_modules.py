"""The built-in model of terraform-aws-modules/s3-bucket: which calls use it, which release's
defaults apply, that it keeps the real module's inputs, and that everything it produces is
located in the caller's file, at the argument that causes it."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any, Iterator

import pytest

from s3lint.loaders.terraform import load_module
from s3lint.loaders.terraform.builtin_modules import S3_BUCKET_FOLDER, builtin_model, only_older_than
from s3lint.loaders.terraform.evaluate import Evaluator, Scope
from s3lint.loaders.terraform.module import read_config
from s3lint.model import Attachment, Fragment
from s3lint.source import Location

REAL_MODULE = Path(__file__).resolve().parents[2] / "shared" / "bench" / "realworld" / "terraform-aws-modules__terraform-aws-s3-bucket"
REGISTRY = "terraform-aws-modules/s3-bucket/aws"


def load(tmp_path: Path, files: dict[str, str]) -> Fragment:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return load_module(str(tmp_path), root=str(tmp_path))


def call(body: str, name: str = "b", source: str = REGISTRY, version: str | None = None) -> str:
    pinned = f'  version = "{version}"\n' if version else ""
    return f'module "{name}" {{\n  source = "{source}"\n{pinned}{body}}}\n'


def attachments(fragment: Fragment, kind: str) -> list[Attachment]:
    return [a for a in fragment.attachments if a.kind == kind]


def locations(value: Any) -> Iterator[Location]:
    """Every Location anywhere in a fragment (one object may be used in several places:
    it is yielded for each)."""
    stack, seen = [value], set()
    while stack:
        item = stack.pop()
        if isinstance(item, Location):
            yield item
            continue
        if id(item) in seen or item is None or isinstance(item, (str, int, float, bool)):
            continue
        seen.add(id(item))
        if dataclasses.is_dataclass(item):
            stack.extend(getattr(item, f.name) for f in dataclasses.fields(item))
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())


def line_of(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if needle in line)


# ---------------------------------------------------------------------------------------
# Which calls use the model
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "terraform-aws-modules/s3-bucket/aws",
        "registry.terraform.io/terraform-aws-modules/s3-bucket/aws",
        "Terraform-AWS-Modules/S3-Bucket/AWS",
        "git::https://github.com/terraform-aws-modules/terraform-aws-s3-bucket.git?ref=v3.7.0",
        "git::https://github.com/terraform-aws-modules/terraform-aws-s3-bucket",
        "git::ssh://git@github.com/terraform-aws-modules/terraform-aws-s3-bucket.git",
        "git@github.com:terraform-aws-modules/terraform-aws-s3-bucket.git?ref=master",
        "github.com/terraform-aws-modules/terraform-aws-s3-bucket",
    ],
)
def test_sources_of_the_bucket_module_use_the_model(source: str) -> None:
    model = builtin_model(source, None)
    assert model is not None and model.folder == S3_BUCKET_FOLDER


@pytest.mark.parametrize(
    "source",
    [
        "terraform-aws-modules/s3-bucket/aws//modules/object",  # another module of the repository
        "git::https://github.com/terraform-aws-modules/terraform-aws-s3-bucket.git//modules/notification?ref=v4.0.0",
        "terraform-aws-modules/vpc/aws",
        "cloudposse/s3-bucket/aws",
        "github.com/someone/terraform-aws-s3-bucket",
        "app.terraform.io/acme/s3-bucket/aws",
    ],
)
def test_other_sources_do_not(source: str) -> None:
    assert builtin_model(source, None) is None


@pytest.mark.parametrize(
    ("constraint", "older"),
    [
        ("3.7.0", True),
        ("v3.8.2", True),
        ("= 3.8.2", True),
        ("~> 3.8.0", True),
        ("<= 3.8.2", True),
        ("< 3.9.0", True),
        (">= 3.0, < 3.9", True),
        ("0.0.1", True),
        ("3.9.0", False),
        ("<= 3.9.0", False),
        ("~> 3.7", False),  # 3.x: Terraform installs 3.15
        ("~> 3.0", False),
        ("~> 5.0", False),
        (">= 3.0", False),
        ("!= 3.9.0", False),
        ("master", False),  # a git branch: the newest release
        ("", False),
    ],
)
def test_version_constraints(constraint: str, older: bool) -> None:
    assert only_older_than(constraint, (3, 9, 0)) is older


def test_the_version_argument_and_the_git_ref_select_the_defaults() -> None:
    assert builtin_model(REGISTRY, "3.7.0").defaults["block_public_acls"] is False  # type: ignore[union-attr]
    assert builtin_model(REGISTRY, "~> 4.0").defaults == {}  # type: ignore[union-attr]
    assert builtin_model(REGISTRY, None).defaults == {}  # type: ignore[union-attr]
    git = "git::https://github.com/terraform-aws-modules/terraform-aws-s3-bucket.git?ref=v3.5.0"
    assert builtin_model(git, "9.9.9").variant == "before 3.9.0"  # type: ignore[union-attr]  # `version` is for registry sources


# ---------------------------------------------------------------------------------------
# The model keeps the real module's interface
# ---------------------------------------------------------------------------------------


def test_the_model_parses_cleanly() -> None:
    config = read_config(S3_BUCKET_FOLDER)
    assert not config.errors and not config.conflicts
    assert ("managed", "aws_s3_bucket", "this") in config.resources


@pytest.mark.skipif(not REAL_MODULE.is_dir(), reason="the real module's sources are not in the workspace")
def test_the_model_declares_the_real_inputs_with_their_defaults() -> None:
    real = read_config(str(REAL_MODULE))
    model = read_config(S3_BUCKET_FOLDER)
    assert set(model.variables) == set(real.variables)
    evaluator = Evaluator(str(REAL_MODULE))

    def default(config: Any, name: str) -> Any:
        attribute = config.variables[name].body.attributes.get("default")
        return json.loads(json.dumps(evaluator.value_of(attribute, Scope(None))))

    different = {name: (default(model, name), default(real, name)) for name in real.variables if default(model, name) != default(real, name)}
    assert not different


# ---------------------------------------------------------------------------------------
# Loading a call
# ---------------------------------------------------------------------------------------


def test_a_call_is_evaluated_with_terraforms_addresses_and_one_note(tmp_path: Path) -> None:
    text = call('  for_each = toset(["a", "b", "c"])\n  bucket = "acme-${each.key}"\n')
    fragment = load(tmp_path, {"main.tf": text})
    assert sorted(b.address for b in fragment.buckets) == [
        'module.b["a"].aws_s3_bucket.this[0]',
        'module.b["b"].aws_s3_bucket.this[0]',
        'module.b["c"].aws_s3_bucket.this[0]',
    ]
    assert sorted(b.name.value for b in fragment.buckets) == ["acme-a", "acme-b", "acme-c"]
    notes = [note for note in fragment.notes if "built-in model" in note]
    assert len(notes) == 1 and "module.b" in notes[0] and "main.tf:1" in notes[0]
    assert not fragment.errors


def test_nothing_points_into_s3lints_package(tmp_path: Path) -> None:
    text = call(
        '  bucket = "acme"\n  acl = "public-read"\n  grant = [{ type = "Group", uri = "http://acs.amazonaws.com/groups/global/AllUsers", permission = "READ" }]\n'
        "  attach_deny_insecure_transport_policy = true\n  attach_require_latest_tls_policy = true\n"
        "  attach_access_log_delivery_policy = true\n  attach_lb_log_delivery_policy = true\n  attach_elb_log_delivery_policy = true\n"
        "  attach_cloudtrail_log_delivery_policy = true\n  attach_waf_log_delivery_policy = true\n"
        "  attach_inventory_destination_policy = true\n  inventory_self_source_destination = true\n"
        "  attach_deny_unencrypted_object_uploads = true\n  attach_deny_ssec_encrypted_object_uploads = true\n"
        "  attach_deny_incorrect_encryption_headers = true\n  attach_deny_incorrect_kms_key_sse = true\n"
        '  allowed_kms_key_arn = "arn:aws:kms:eu-west-1:111122223333:key/k"\n'
        '  versioning = { enabled = true }\n  logging = { target_bucket = "logs" }\n  website = { index_document = "index.html" }\n'
        '  server_side_encryption_configuration = { rule = { apply_server_side_encryption_by_default = { sse_algorithm = "aws:kms" } } }\n'
        '  control_object_ownership = true\n  object_lock_enabled = true\n',
        version="3.7.0",
    )
    fragment = load(tmp_path, {"main.tf": text})
    found = list(locations(fragment))
    assert len(found) > 50
    assert {loc.path for loc in found} == {str(tmp_path / "main.tf")}
    assert all(1 <= loc.line <= len(text.splitlines()) for loc in found)
    assert len(attachments(fragment, "policy")[0].payload.statements) == 16
    assert not any(S3_BUCKET_FOLDER in note for note in fragment.notes)


def test_settings_are_located_at_the_arguments_that_set_them(tmp_path: Path) -> None:
    text = call(
        '  bucket = "acme"\n'
        '  acl    = "public-read"\n'
        "  block_public_acls = false\n"
        "  versioning = {\n"
        "    enabled = false\n"
        "  }\n"
        "  control_object_ownership = true\n",
        version="3.7.0",
    )
    fragment = load(tmp_path, {"main.tf": text})
    bucket = fragment.buckets[0]
    assert bucket.loc.line == 1 and bucket.name.loc.line == line_of(text, "bucket =")
    acl = attachments(fragment, "acl")[0]
    assert acl.payload.value == "public-read" and acl.payload.loc.line == line_of(text, "acl ")
    block = attachments(fragment, "public_access_block")[0].payload
    assert block.block_public_acls.value is False and block.block_public_acls.loc.line == line_of(text, "block_public_acls")
    assert block.ignore_public_acls.value is False and block.ignore_public_acls.loc.line == 1  # the 3.7 default
    versioning = attachments(fragment, "versioning")[0].payload
    assert versioning.status.value == "Suspended" and versioning.status.loc.line == line_of(text, "enabled = false")
    assert versioning.loc.line == line_of(text, "versioning = {")
    ownership = attachments(fragment, "ownership")[0].payload
    assert ownership.value == "ObjectWriter" and ownership.loc.line == line_of(text, "control_object_ownership")


def test_policies_keep_the_callers_lines_and_the_modules_statements_sit_at_their_switch(tmp_path: Path) -> None:
    text = call(
        '  bucket = "acme"\n'
        "  attach_deny_insecure_transport_policy = true\n"
        "  attach_policy = true\n"
        "  policy = <<EOF\n"
        "{\n"
        '  "Version": "2012-10-17",\n'
        '  "Statement": [\n'
        '    {"Sid": "Mine", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},\n'
        '     "Action": "s3:GetObject", "Resource": "_S3_BUCKET_ARN_/*"}\n'
        "  ]\n"
        "}\n"
        "EOF\n"
    )
    fragment = load(tmp_path, {"main.tf": text})
    document = attachments(fragment, "policy")[0].payload
    by_sid = {statement.sid: statement for statement in document.statements}
    assert by_sid["denyInsecureTransport"].loc.line == line_of(text, "attach_deny_insecure_transport_policy")
    assert by_sid["Mine"].loc.line == line_of(text, '"Sid": "Mine"')
    assert by_sid["Mine"].resources[0].value == "arn:aws:s3:::acme/*"  # the placeholder is replaced
    assert document.loc.path == str(tmp_path / "main.tf")


def test_the_version_decides_block_public_access_defaults(tmp_path: Path) -> None:
    files = {
        "main.tf": call('  bucket = "old"\n', name="old", version="3.7.0")
        + call('  bucket = "new"\n', name="new", version="~> 4.0")
        + call('  bucket = "off"\n  attach_public_policy = false\n', name="off", version="3.7.0")
    }
    fragment = load(tmp_path, files)
    blocks = {a.owner.split(".")[1]: a.payload for a in attachments(fragment, "public_access_block")}
    assert [s.value for s in blocks["old"].settings().values()] == [False] * 4
    assert [s.value for s in blocks["new"].settings().values()] == [True] * 4
    assert "off" not in blocks  # no public access block resource at all
    assert len(fragment.buckets) == 3


def test_an_installed_module_is_read_instead_of_the_model(tmp_path: Path) -> None:
    manifest = {"Modules": [{"Key": "", "Source": "", "Dir": "."}, {"Key": "b", "Source": REGISTRY, "Dir": ".terraform/modules/b"}]}
    fragment = load(
        tmp_path,
        {
            "main.tf": call('  name = "acme-installed"\n'),
            ".terraform/modules/modules.json": json.dumps(manifest),
            ".terraform/modules/b/main.tf": 'variable "name" {}\nresource "aws_s3_bucket" "real" {\n  bucket = var.name\n}\n',
        },
    )
    assert [b.address for b in fragment.buckets] == ["module.b.aws_s3_bucket.real"]
    assert not any("built-in model" in note for note in fragment.notes)


def test_a_call_that_creates_nothing_creates_no_bucket(tmp_path: Path) -> None:
    files = {
        "main.tf": call('  create_bucket = false\n  acl = "public-read"\n', name="off")
        + call('  is_directory_bucket = true\n  bucket = "x"\n', name="directory")
    }
    fragment = load(tmp_path, files)
    assert not fragment.buckets and not fragment.attachments


def test_outputs_name_the_bucket(tmp_path: Path) -> None:
    text = call('  bucket = "acme"\n') + (
        'resource "aws_s3_bucket_policy" "extra" {\n'
        "  bucket = module.b.s3_bucket_id\n"
        '  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:GetObject", Resource = "${module.b.s3_bucket_arn}/*" }] })\n'
        "}\n"
    )
    fragment = load(tmp_path, {"main.tf": text})
    policy = [a for a in attachments(fragment, "policy") if a.owner == "aws_s3_bucket_policy.extra"][0]
    assert policy.bucket.name == "acme"
    assert policy.payload.statements[0].resources[0].value == "arn:aws:s3:::acme/*"


def test_unknown_inputs_stay_unknown(tmp_path: Path) -> None:
    text = 'variable "acl" {}\nvariable "make" {}\n' + call("  create_bucket = var.make\n  acl = var.acl\n")
    fragment = load(tmp_path, {"main.tf": text})
    bucket = fragment.buckets[0]
    assert bucket.conditional  # it exists only if var.make is true
    acl = attachments(fragment, "acl")[0].payload
    assert not acl.known


def test_mistakes_in_the_call_are_noted(tmp_path: Path) -> None:
    text = call('  bucket = "acme"\n  versioning_inputs = [{ enabled = true }]\n  logging {\n    target_bucket = "logs"\n  }\n  policy = "{}"\n')
    fragment = load(tmp_path, {"main.tf": text})
    notes = "\n".join(fragment.notes)
    assert "'versioning_inputs' is not an input" in notes
    assert "'logging' is written as a block" in notes
    assert "`attach_policy` is not true" in notes
    assert not attachments(fragment, "logging") and not attachments(fragment, "policy")


def test_other_modules_of_the_repository_are_still_skipped(tmp_path: Path) -> None:
    fragment = load(tmp_path, {"main.tf": call('  bucket = "x"\n', source=f"{REGISTRY}//modules/object")})
    assert not fragment.buckets
    assert any("is not installed (run `terraform init`" in note for note in fragment.notes)


def test_each_call_gets_its_own_positions(tmp_path: Path) -> None:
    first = load(tmp_path / "one", {"main.tf": "\n\n\n" + call('  acl = "public-read"\n')})
    second = load(tmp_path / "two", {"main.tf": call('  acl = "public-read"\n')})
    assert attachments(first, "acl")[0].payload.loc.line == 6
    assert attachments(second, "acl")[0].payload.loc.line == 3
    assert os.path.dirname(attachments(second, "acl")[0].loc.path) == str(tmp_path / "two")
