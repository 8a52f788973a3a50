"""Terraform modules into the model: buckets, split resources, policies, modules, expansion,
variables, errors; plus every Terraform file of the peer corpus and real-world repositories
loads without an exception."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from s3lint.loaders.terraform import load_module
from s3lint.model import Attachment, Fragment
from s3lint.symbols import OUR_ACCOUNT, Unknown, is_only_symbol, is_unknown, symbol

SHARED = Path(__file__).resolve().parents[2] / "shared"


def load(tmp_path: Path, files: dict[str, str], **options: object) -> Fragment:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return load_module(str(tmp_path), root=str(tmp_path), **options)  # type: ignore[arg-type]


def attachments(fragment: Fragment, kind: str) -> list[Attachment]:
    return [a for a in fragment.attachments if a.kind == kind]


V3 = """
resource "aws_s3_bucket" "site" {
  bucket = "acme-site"
  acl    = "public-read"
  grant {
    type        = "Group"
    uri         = "http://acs.amazonaws.com/groups/global/AllUsers"
    permissions = ["READ", "WRITE"]
  }
  versioning {
    enabled    = true
    mfa_delete = true
  }
  logging {
    target_bucket = aws_s3_bucket.logs.id
    target_prefix = "site/"
  }
  server_side_encryption_configuration {
    rule {
      apply_server_side_encryption_by_default {
        sse_algorithm     = "aws:kms"
        kms_master_key_id = aws_kms_key.k.arn
      }
      bucket_key_enabled = true
    }
  }
  object_lock_configuration {
    object_lock_enabled = "Enabled"
  }
  website {
    index_document = "index.html"
  }
}
resource "aws_s3_bucket" "logs" {
  bucket = "acme-logs"
}
"""

V4 = """
resource "aws_s3_bucket" "site" {
  bucket = "acme-site"
}
resource "aws_s3_bucket" "logs" {
  bucket = "acme-logs"
}
resource "aws_s3_bucket_acl" "site" {
  bucket = aws_s3_bucket.site.id
  acl    = "public-read"
  access_control_policy {
    grant {
      grantee {
        type = "Group"
        uri  = "http://acs.amazonaws.com/groups/global/AllUsers"
      }
      permission = "READ"
    }
    owner {
      id = "abc"
    }
  }
}
resource "aws_s3_bucket_versioning" "site" {
  bucket = aws_s3_bucket.site.bucket
  versioning_configuration {
    status     = "Enabled"
    mfa_delete = "Enabled"
  }
}
resource "aws_s3_bucket_logging" "site" {
  bucket        = aws_s3_bucket.site.id
  target_bucket = aws_s3_bucket.logs.id
  target_prefix = "site/"
}
resource "aws_s3_bucket_server_side_encryption_configuration" "site" {
  bucket = "acme-site"
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.k.arn
    }
    bucket_key_enabled = true
  }
}
resource "aws_s3_bucket_object_lock_configuration" "site" {
  bucket = aws_s3_bucket.site.id
}
resource "aws_s3_bucket_website_configuration" "site" {
  bucket = aws_s3_bucket.site.id
  index_document {
    suffix = "index.html"
  }
}
resource "aws_s3_bucket_ownership_controls" "site" {
  bucket = aws_s3_bucket.site.id
  rule {
    object_ownership = "ObjectWriter"
  }
}
resource "aws_s3_bucket_public_access_block" "site" {
  bucket            = aws_s3_bucket.site.id
  block_public_acls = true
}
"""


def test_v3_inline_settings(tmp_path: Path) -> None:
    fragment = load(tmp_path, {"main.tf": V3})
    site = next(b for b in fragment.buckets if b.address == "aws_s3_bucket.site")
    assert site.name.value == "acme-site" and site.identity == "acme-site"
    assert site.source_format == "terraform"
    assert (site.loc.line, site.loc.column) == (2, 1)
    assert site.acl is not None and site.acl.value == "public-read" and site.acl.loc.line == 4
    assert [(g.grantee_type, g.permission.value) for g in site.grants] == [("Group", "READ"), ("Group", "WRITE")]
    assert site.versioning is not None and site.versioning.status.value == "Enabled"
    assert site.versioning.mfa_delete.value is True
    assert site.logging is not None and site.logging.target_bucket.value == "acme-logs"
    assert site.encryption is not None
    rule = site.encryption.rules[0]
    assert rule.algorithm.value == "aws:kms" and rule.bucket_key.value is True
    assert isinstance(rule.kms_key.value, Unknown)  # a key ARN is known only after apply
    assert site.object_lock is not None and site.object_lock.value is True
    assert site.website is not None and site.website.value is True
    assert not fragment.attachments


def test_v4_split_resources_are_attachments_linked_by_address(tmp_path: Path) -> None:
    fragment = load(tmp_path, {"main.tf": V4})
    kinds = sorted(a.kind for a in fragment.attachments)
    assert kinds == sorted(
        ["acl", "grants", "versioning", "logging", "encryption", "object_lock", "website", "ownership", "public_access_block"]
    )
    for attachment in fragment.attachments:
        assert attachment.bucket.address == "aws_s3_bucket.site", attachment.kind
        assert attachment.scope == fragment.buckets[0].scope
    acl = attachments(fragment, "acl")[0]
    assert acl.payload.value == "public-read" and acl.owner == "aws_s3_bucket_acl.site"
    grants = attachments(fragment, "grants")[0].payload
    assert [(g.grantee, g.permission.value) for g in grants] == [("http://acs.amazonaws.com/groups/global/AllUsers", "READ")]
    versioning = attachments(fragment, "versioning")[0].payload
    assert versioning.status.value == "Enabled" and versioning.mfa_delete.value is True
    assert attachments(fragment, "logging")[0].payload.target_bucket.value == "acme-logs"
    assert attachments(fragment, "ownership")[0].payload.value == "ObjectWriter"
    pab = attachments(fragment, "public_access_block")[0].payload
    assert pab.block_public_acls.value is True and pab.block_public_acls.explicit
    # absent settings: the provider default, false, not written
    assert pab.ignore_public_acls.value is False and not pab.ignore_public_acls.explicit


def test_unnamed_bucket_has_a_symbolic_identity_that_its_references_share(tmp_path: Path) -> None:
    fragment = load(
        tmp_path,
        {
            "main.tf": """
resource "aws_s3_bucket" "b" {
  bucket_prefix = "logs-"
}
resource "aws_s3_bucket_policy" "b" {
  bucket = aws_s3_bucket.b.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Deny", Principal = "*", Action = "s3:*", Resource = "${aws_s3_bucket.b.arn}/*" }]
  })
}
"""
        },
    )
    bucket = fragment.buckets[0]
    assert isinstance(bucket.name.value, Unknown)
    assert is_only_symbol(bucket.identity, "aws_s3_bucket.b.id")
    policy = attachments(fragment, "policy")[0]
    assert policy.bucket.address == "aws_s3_bucket.b"
    resource = policy.payload.statements[0].resources[0].value
    assert resource == f"arn:aws:s3:::{bucket.identity}/*"


def test_policy_positions_from_jsonencode_heredoc_and_policy_document(tmp_path: Path) -> None:
    fragment = load(
        tmp_path,
        {
            "main.tf": """resource "aws_s3_bucket" "b" {
  bucket = "b"
  policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": "*",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::b/*"
    }
  ]
}
EOF
}
resource "aws_s3_bucket_policy" "c" {
  bucket = "c"
  policy = data.aws_iam_policy_document.c.json
}
data "aws_iam_policy_document" "c" {
  statement {
    sid     = "S"
    actions = ["s3:GetObject"]
    resources = ["arn:aws:s3:::c/*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${data.aws_caller_identity.me.account_id}:root"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:PrincipalOrgID"
      values   = ["o-1"]
    }
  }
}
data "aws_caller_identity" "me" {}
"""
        },
    )
    heredoc = fragment.buckets[0].policies[0].statements[0]
    assert heredoc.principal_loc is not None and heredoc.principal_loc.line == 9
    assert heredoc.actions[0].loc.line == 10
    document = attachments(fragment, "policy")[0].payload
    statement = document.statements[0]
    assert statement.sid == "S" and statement.effect.value == "Allow"  # the provider's default
    assert statement.loc.line == 22
    assert statement.action_loc is not None and statement.action_loc.line == 24
    assert statement.principals is not None
    principal = statement.principals[0]
    assert principal.kind == "AWS" and principal.value == f"arn:aws:iam::{symbol(OUR_ACCOUNT)}:root"
    assert principal.loc.line == 28
    condition = statement.conditions[0]
    assert (condition.operator, condition.key, condition.values[0].value) == ("StringEquals", "aws:PrincipalOrgID", "o-1")
    assert not document.problems


def test_for_each_and_count_expand_to_instances(tmp_path: Path) -> None:
    fragment = load(
        tmp_path,
        {
            "main.tf": """
resource "aws_s3_bucket" "team" {
  for_each = toset(["b", "a"])
  bucket   = "team-${each.key}"
}
resource "aws_s3_bucket_public_access_block" "team" {
  for_each          = aws_s3_bucket.team
  bucket            = each.value.id
  block_public_acls = true
}
resource "aws_s3_bucket" "none" {
  count  = 0
  bucket = "never"
}
resource "aws_s3_bucket" "unknown" {
  count  = var.n
  bucket = "u-${count.index}"
}
variable "n" {}
"""
        },
    )
    addresses = sorted(b.address for b in fragment.buckets)
    assert addresses == ['aws_s3_bucket.team["a"]', 'aws_s3_bucket.team["b"]', "aws_s3_bucket.unknown[*]"]
    blocks = attachments(fragment, "public_access_block")
    assert sorted((a.owner, a.bucket.address) for a in blocks) == [
        ('aws_s3_bucket_public_access_block.team["a"]', 'aws_s3_bucket.team["a"]'),
        ('aws_s3_bucket_public_access_block.team["b"]', 'aws_s3_bucket.team["b"]'),
    ]
    uncertain = next(b for b in fragment.buckets if b.address.startswith("aws_s3_bucket.unknown"))
    assert uncertain.conditional


def test_resource_that_may_not_exist_gives_possible_settings(tmp_path: Path) -> None:
    fragment = load(
        tmp_path,
        {
            "main.tf": """
variable "on" {}
resource "aws_s3_bucket" "b" { bucket = "b" }
resource "aws_s3_bucket_public_access_block" "b" {
  count             = var.on ? 1 : 0
  bucket            = aws_s3_bucket.b.id
  block_public_acls = true
}
"""
        },
    )
    pab = attachments(fragment, "public_access_block")[0].payload
    assert isinstance(pab.block_public_acls.value, Unknown)
    assert set(pab.block_public_acls.value.alternatives) == {True, False}
    assert pab.ignore_public_acls.value is False  # off either way


def test_local_modules_nested_with_addresses_scopes_and_locations(tmp_path: Path) -> None:
    fragment = load(
        tmp_path,
        {
            "main.tf": 'module "assets" {\n  source = "./modules/bucket"\n  name   = "acme-assets"\n}\n',
            "modules/bucket/main.tf": (
                'variable "name" {}\n'
                'resource "aws_s3_bucket" "this" {\n  bucket = var.name\n}\n'
                'module "acl" {\n  source = "../acl"\n  bucket = aws_s3_bucket.this.id\n}\n'
                'output "arn" { value = aws_s3_bucket.this.arn }\n'
            ),
            "modules/acl/main.tf": 'variable "bucket" {}\nresource "aws_s3_bucket_acl" "this" {\n  bucket = var.bucket\n  acl    = "public-read"\n}\n',
        },
    )
    bucket = fragment.buckets[0]
    assert bucket.address == "module.assets.aws_s3_bucket.this"
    assert bucket.name.value == "acme-assets"
    assert bucket.loc.path == os.path.join(str(tmp_path), "modules/bucket/main.tf") and bucket.loc.line == 2
    assert bucket.scope.endswith("::module.assets")
    acl = attachments(fragment, "acl")[0]
    assert acl.owner == "module.assets.module.acl.aws_s3_bucket_acl.this"
    assert acl.bucket.name == "acme-assets"  # another module instance: linked by name
    assert acl.loc.path.endswith("modules/acl/main.tf")


def test_remote_module_without_init_is_skipped_with_a_note(tmp_path: Path) -> None:
    fragment = load(tmp_path, {"main.tf": 'module "s3" {\n  source = "terraform-aws-modules/vpc/aws"\n}\n'})
    assert not fragment.buckets and not fragment.errors
    assert any("terraform init" in note for note in fragment.notes)


def test_module_outside_the_root_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "main.tf").write_text('resource "aws_s3_bucket" "x" { bucket = "x" }\n')
    root = tmp_path / "root"
    root.mkdir()
    (root / "main.tf").write_text('module "m" {\n  source = "../outside"\n}\n')
    fragment = load_module(str(root), root=str(root))
    assert not fragment.buckets
    assert any("outside the scanned folder" in note for note in fragment.notes)


def test_variable_precedence(tmp_path: Path) -> None:
    files = {
        "main.tf": 'variable "a" { default = "default" }\nvariable "b" { default = "default" }\n'
        'variable "c" { default = "default" }\nvariable "d" { type = list(string) }\n'
        'resource "aws_s3_bucket" "x" {\n  bucket = "${var.a}-${var.b}-${var.c}-${var.d[1]}"\n}\n',
        "terraform.tfvars": 'a = "tfvars"\nb = "tfvars"\nc = "tfvars"\n',
        "z.auto.tfvars": 'b = "auto"\nc = "auto"\n',
        "extra.tfvars": 'c = "file"\n',
    }
    fragment = load(tmp_path, files, var_files=[str(tmp_path / "extra.tfvars")], variables={"d": '["x", "y"]'})
    assert fragment.buckets[0].name.value == "tfvars-auto-file-y"


def test_syntax_error_is_located_and_the_rest_still_loads(tmp_path: Path) -> None:
    fragment = load(
        tmp_path,
        {
            "bad.tf": 'resource "aws_s3_bucket" "a" {\n  acl = = "x"\n}\n\nresource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n',
            "good.tf": 'resource "aws_s3_bucket" "c" {\n  bucket = "c"\n}\n',
        },
    )
    assert [(os.path.basename(e.path), e.line) for e in fragment.errors] == [("bad.tf", 2)]
    assert sorted(b.address for b in fragment.buckets) == ["aws_s3_bucket.b", "aws_s3_bucket.c"]


def test_tf_json(tmp_path: Path) -> None:
    fragment = load(
        tmp_path,
        {
            "main.tf.json": '{"resource": {"aws_s3_bucket": {"x": {"bucket": "acme-${local.env}", "versioning": {"enabled": true}}}},'
            ' "locals": {"env": "prod"}}'
        },
    )
    bucket = fragment.buckets[0]
    assert bucket.name.value == "acme-prod"
    assert bucket.versioning is not None and bucket.versioning.status.value == "Enabled"


def test_folder_of_separate_examples_is_read_file_by_file(tmp_path: Path) -> None:
    fragment = load(
        tmp_path,
        {
            "positive.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n  acl = "public-read"\n}\n',
            "negative.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n  acl = "private"\n}\n',
        },
    )
    acls = sorted((os.path.basename(b.loc.path), b.acl.value) for b in fragment.buckets if b.acl is not None)
    assert acls == [("negative.tf", "private"), ("positive.tf", "public-read")]
    assert len({b.scope for b in fragment.buckets}) == 2
    assert any("more than one file" in note for note in fragment.notes)


def test_account_block_access_point_object_trail_and_identity_policies(tmp_path: Path) -> None:
    fragment = load(
        tmp_path,
        {
            "main.tf": """
resource "aws_s3_account_public_access_block" "a" {
  block_public_acls = true
}
resource "aws_s3_bucket" "b" { bucket = "b" }
resource "aws_s3_access_point" "ap" {
  bucket = aws_s3_bucket.b.id
  name   = "ap"
  vpc_configuration { vpc_id = "vpc-1" }
}
resource "aws_s3_object" "o" {
  bucket = aws_s3_bucket.b.id
  key    = "k"
  acl    = "public-read"
}
resource "aws_cloudtrail" "t" {
  name = "t"
  advanced_event_selector {
    field_selector {
      field  = "eventCategory"
      equals = ["Data"]
    }
    field_selector {
      field  = "resources.type"
      equals = ["AWS::S3::Object"]
    }
    field_selector {
      field       = "resources.ARN"
      starts_with = ["arn:aws:s3:::b/"]
    }
  }
}
resource "aws_iam_policy" "p" {
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }] })
}
resource "aws_iam_role" "r" {
  inline_policy {
    name   = "x"
    policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }] })
  }
}
"""
        },
    )
    account = fragment.account_public_access_blocks[0]
    assert account.settings.block_public_acls.value is True and account.settings.ignore_public_acls.value is False
    point = attachments(fragment, "access_point")[0].payload
    assert point.network_origin.value == "VPC" and point.public_access_block is None
    obj = attachments(fragment, "object_acl")[0].payload
    assert obj.acl.value == "public-read" and obj.address == "aws_s3_object.o"
    selector = fragment.trails[0].data_events[0]
    assert selector.resource_type == "AWS::S3::Object" and selector.values[0].value == "arn:aws:s3:::b/"
    assert sorted(p.address for p in fragment.identity_policies) == ["aws_iam_policy.p", "aws_iam_role.r"]
    assert all(p.document.kind == "identity" for p in fragment.identity_policies)


def test_dynamic_blocks_expand(tmp_path: Path) -> None:
    fragment = load(
        tmp_path,
        {
            "main.tf": """
locals { rules = [{ algo = "aws:kms" }, { algo = "AES256" }] }
resource "aws_s3_bucket_server_side_encryption_configuration" "x" {
  bucket = "x"
  dynamic "rule" {
    for_each = local.rules
    iterator = r
    content {
      apply_server_side_encryption_by_default {
        sse_algorithm = r.value.algo
      }
    }
  }
}
"""
        },
    )
    rules = attachments(fragment, "encryption")[0].payload.rules
    assert [r.algorithm.value for r in rules] == ["aws:kms", "AES256"]


def test_policy_that_cannot_be_known_is_unknown_not_invalid(tmp_path: Path) -> None:
    fragment = load(
        tmp_path,
        {"main.tf": 'variable "p" {}\nresource "aws_s3_bucket_policy" "x" {\n  bucket = "x"\n  policy = var.p\n}\n'},
    )
    document = attachments(fragment, "policy")[0].payload
    assert document.unknown is not None and not document.problems


def _terraform_folders(*roots: Path) -> list[str]:
    folders = set()
    for root in roots:
        for folder, _, names in os.walk(root):
            if any(n.endswith((".tf", ".tf.json")) for n in names):
                folders.add(folder)
    return sorted(folders)


@pytest.mark.skipif(not (SHARED / "corpus").is_dir(), reason="the shared corpus is not beside the checkout")
def test_every_peer_and_real_world_terraform_folder_loads() -> None:
    roots = [SHARED / "corpus" / "kics" / "terraform", SHARED / "corpus" / "checkov" / "terraform", SHARED / "bench" / "realworld"]
    folders = _terraform_folders(*[r for r in roots if r.is_dir()])
    assert len(folders) > 50
    started = time.perf_counter()
    buckets = 0
    for folder in folders:
        fragment = load_module(folder, root=folder)
        buckets += len(fragment.buckets)
        assert not [n for n in fragment.notes if "not read completely" in n or "not read (" in n], folder
        for bucket in fragment.buckets:
            assert bucket.identity and (is_unknown(bucket.name.value) or isinstance(bucket.name.value, str))
    assert buckets > 200
    assert time.perf_counter() - started < 60


def test_unknown_count_instances_are_linked_through_splats(tmp_path: Path) -> None:
    fragment = load(
        tmp_path,
        {
            "main.tf": """
variable "enabled" {}
locals { bucket_id = join("", aws_s3_bucket.default[*].id) }
resource "aws_s3_bucket" "default" {
  count  = var.enabled ? 1 : 0
  bucket = "acme"
}
resource "aws_s3_bucket_ownership_controls" "default" {
  count  = var.enabled ? 1 : 0
  bucket = local.bucket_id
  rule { object_ownership = "ObjectWriter" }
}
"""
        },
    )
    assert fragment.buckets[0].address == "aws_s3_bucket.default[*]" and fragment.buckets[0].conditional
    ownership = attachments(fragment, "ownership")[0]
    assert ownership.bucket.address == "aws_s3_bucket.default[*]"
    assert isinstance(ownership.payload.value, Unknown)  # the resource may not exist
    assert set(ownership.payload.value.alternatives) == {"ObjectWriter", "BucketOwnerEnforced"}


def test_references_to_undeclared_buckets_keep_a_shared_symbolic_name(tmp_path: Path) -> None:
    fragment = load(
        tmp_path,
        {
            "policy.tf": """
resource "aws_s3_bucket_policy" "p" {
  bucket = aws_s3_bucket.elsewhere.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:GetObject", Resource = "${aws_s3_bucket.elsewhere.arn}/*" }]
  })
}
"""
        },
    )
    policy = attachments(fragment, "policy")[0]
    assert policy.bucket.address is None and is_only_symbol(policy.bucket.name, "aws_s3_bucket.elsewhere.id")
    assert policy.payload.statements[0].resources[0].value == f"arn:aws:s3:::{policy.bucket.name}/*"


def test_only_called_modules_stay_parsed_for_later_loads(tmp_path: Path) -> None:
    from s3lint.loaders.terraform import module

    shared = tmp_path / "modules" / "bucket"
    shared.mkdir(parents=True)
    (shared / "main.tf").write_text('variable "name" {}\nresource "aws_s3_bucket" "b" {\n  bucket = var.name\n}\n')
    root = tmp_path / "live"
    root.mkdir()
    (root / "main.tf").write_text('module "logs" {\n  source = "../modules/bucket"\n  name   = "logs"\n}\n')
    module._PARSED.clear()
    fragment = load_module(str(root), root=str(tmp_path))
    assert [bucket.name.value for bucket in fragment.buckets] == ["logs"]
    kept = {os.path.basename(os.path.dirname(path)) for path, _, _ in module._PARSED}
    assert kept == {"bucket"}  # the root module's own file is read by this load only
    again = load_module(str(root), root=str(tmp_path))
    assert repr(again.buckets) == repr(fragment.buckets)
