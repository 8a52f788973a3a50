#!/usr/bin/env python3
"""Seeded synthetic infrastructure-as-code trees for benchmarking s3lint (stdlib only).

    python bench/generate.py OUT --files 1000 --seed 7

The tree mixes what a real repository holds, in fixed proportions:

  terraform/unit_NNNNN/      root modules of 1-4 files: buckets with split settings
                             (provider v4+) or inline ones (v3), policies as jsonencode(),
                             heredocs and aws_iam_policy_document, variables, locals,
                             count/for_each, and sometimes a local module under modules/
  cloudformation/NNNNN.yaml  templates with short and long intrinsics, parameters, conditions
  cloudformation/NNNNN.json  the same in JSON
  policies/NNNNN.json        standalone bucket policies
  other/...                  files that hold no S3 at all: VPCs and instances in Terraform,
                             Lambda/SQS templates, Kubernetes manifests, CI workflows, package
                             manifests

A unit (one folder or one file) depends only on (seed, unit number), so trees of different
sizes with the same seed share their first units: 1k is a prefix of 5k, which is a prefix
of 20k, and cost per file can be compared across sizes.  Bucket counts are heavy-tailed:
most units hold one or two buckets, a few hold dozens.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys

GENERATOR_VERSION = 1  # bump when the output changes, so cached trees are made again

ACCOUNTS = ("123456789012", "210987654321", "555566667777")
REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2", "eu-central-1")
PURPOSES = ("logs", "assets", "backups", "reports", "uploads", "media", "exports", "audit", "lake", "site")
TEAMS = ("core", "payments", "search", "growth", "data", "infra")

# (kind, weight): the mix of units.
UNIT_KINDS = (
    ("terraform", 36),
    ("cfn_yaml", 24),
    ("cfn_json", 10),
    ("policy", 10),
    ("other_tf", 6),
    ("other_yaml", 8),
    ("other_json", 6),
)


# ---------------------------------------------------------------------------------------
# What a bucket looks like: drawn once per bucket, written in any of the formats
# ---------------------------------------------------------------------------------------


def bucket_traits(rng: random.Random) -> dict:
    return {
        "public_acl": rng.random() < 0.08,
        "public_policy": rng.random() < 0.12,
        "block_public": rng.random() < 0.65,
        "block_partial": rng.random() < 0.1,
        "encryption": rng.choice(["AES256", "aws:kms", "aws:kms", None]),
        "bucket_key": rng.random() < 0.5,
        "versioning": rng.random() < 0.6,
        "mfa_delete": rng.random() < 0.05,
        "logging": rng.random() < 0.5,
        "deny_http": rng.random() < 0.55,
        "tls_floor": rng.random() < 0.2,
        "cross_account": rng.random() < 0.15,
        "website": rng.random() < 0.06,
        "ownership_enforced": rng.random() < 0.5,
        "statements": 1 + min(int(rng.expovariate(0.8)), 6),
    }


def bucket_count(rng: random.Random) -> int:
    """Heavy-tailed: 1 most of the time, up to 40 rarely."""
    return 1 + min(int(rng.paretovariate(1.6)) - 1, 39)


def name_for(rng: random.Random, unit: int, index: int) -> str:
    return f"{rng.choice(TEAMS)}-{rng.choice(PURPOSES)}-{unit:05d}-{index:02d}"


def policy_statements(traits: dict, bucket_arn: str, rng: random.Random) -> list[dict]:
    """Plain JSON statements; `bucket_arn` may carry an interpolation (`${...}`)."""
    statements: list[dict] = []
    if traits["deny_http"]:
        statements.append({
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [bucket_arn, f"{bucket_arn}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        })
    if traits["tls_floor"]:
        statements.append({
            "Sid": "DenyOldTls",
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Action": "s3:*",
            "Resource": [bucket_arn, f"{bucket_arn}/*"],
            "Condition": {"NumericLessThan": {"s3:TlsVersion": "1.2"}},
        })
    if traits["public_policy"]:
        statements.append({
            "Sid": "PublicRead",
            "Effect": "Allow",
            "Principal": "*",
            "Action": rng.choice(["s3:GetObject", ["s3:GetObject", "s3:ListBucket"], "s3:*"]),
            "Resource": f"{bucket_arn}/*",
        })
    if traits["cross_account"]:
        account = rng.choice(ACCOUNTS[1:])
        statements.append({
            "Sid": "PartnerAccess",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
            "Action": ["s3:GetObject", "s3:PutObject"],
            "Resource": f"{bucket_arn}/shared/*",
        })
    while len(statements) < traits["statements"]:
        role = f"arn:aws:iam::{ACCOUNTS[0]}:role/{rng.choice(TEAMS)}-reader-{len(statements)}"
        statements.append({
            "Sid": f"Reader{len(statements)}",
            "Effect": "Allow",
            "Principal": {"AWS": role},
            "Action": ["s3:GetObject", "s3:ListBucket"],
            "Resource": [bucket_arn, f"{bucket_arn}/{rng.choice(PURPOSES)}/*"],
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123def4"}},
        })
    return statements


# ---------------------------------------------------------------------------------------
# Terraform
# ---------------------------------------------------------------------------------------


def hcl_value(value: object, indent: int = 2) -> str:
    """A JSON-like value as an HCL expression (objects with `=`)."""
    pad = " " * indent
    if isinstance(value, dict):
        if not value:
            return "{}"
        body = "\n".join(f'{pad}  {json.dumps(k)} = {hcl_value(v, indent + 2)}' for k, v in value.items())
        return "{\n" + body + f"\n{pad}}}"
    if isinstance(value, list):
        return "[" + ", ".join(hcl_value(v, indent) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value)


def tf_bucket(rng: random.Random, unit: int, index: int, legacy: bool) -> str:
    traits = bucket_traits(rng)
    label = f"b{index}"
    name = name_for(rng, unit, index)
    ref = f"aws_s3_bucket.{label}"
    out: list[str] = []
    bucket_name = f'"${{var.prefix}}-{name}"' if rng.random() < 0.5 else f'"{name}"'
    out.append(f'resource "aws_s3_bucket" "{label}" {{')
    out.append(f"  bucket = {bucket_name}")
    out.append("  tags   = local.common_tags")
    if legacy:
        if traits["public_acl"]:
            out.append('  acl    = "public-read"')
        if traits["versioning"]:
            out.append("  versioning {\n    enabled    = true")
            out.append(f"    mfa_delete = {'true' if traits['mfa_delete'] else 'false'}\n  }}")
        if traits["encryption"]:
            out.append("  server_side_encryption_configuration {\n    rule {")
            out.append("      apply_server_side_encryption_by_default {")
            out.append(f'        sse_algorithm = "{traits["encryption"]}"')
            if traits["encryption"] == "aws:kms":
                out.append("        kms_master_key_id = var.kms_key_arn")
            out.append("      }\n    }\n  }")
        if traits["logging"]:
            out.append('  logging {\n    target_bucket = var.log_bucket\n    target_prefix = "s3/"\n  }')
        if traits["website"]:
            out.append('  website {\n    index_document = "index.html"\n  }')
    out.append("}\n")
    if not legacy:
        if traits["public_acl"]:
            out.append(f'resource "aws_s3_bucket_acl" "{label}" {{\n  bucket = {ref}.id\n  acl    = "public-read"\n}}\n')
        if traits["ownership_enforced"]:
            out.append(f'resource "aws_s3_bucket_ownership_controls" "{label}" {{\n  bucket = {ref}.id')
            out.append('  rule {\n    object_ownership = "BucketOwnerEnforced"\n  }\n}\n')
        if traits["versioning"]:
            out.append(f'resource "aws_s3_bucket_versioning" "{label}" {{\n  bucket = {ref}.id')
            status = '"Enabled"' if rng.random() < 0.8 else 'var.enable_versioning ? "Enabled" : "Suspended"'
            out.append(f"  versioning_configuration {{\n    status = {status}\n  }}\n}}\n")
        if traits["encryption"]:
            out.append(f'resource "aws_s3_bucket_server_side_encryption_configuration" "{label}" {{')
            out.append(f"  bucket = {ref}.id\n  rule {{\n    apply_server_side_encryption_by_default {{")
            out.append(f'      sse_algorithm     = "{traits["encryption"]}"')
            if traits["encryption"] == "aws:kms":
                out.append("      kms_master_key_id = var.kms_key_arn")
            out.append(f"    }}\n    bucket_key_enabled = {'true' if traits['bucket_key'] else 'false'}\n  }}\n}}\n")
        if traits["logging"]:
            out.append(f'resource "aws_s3_bucket_logging" "{label}" {{\n  bucket        = {ref}.id')
            out.append(f'  target_bucket = var.log_bucket\n  target_prefix = "logs/{label}/"\n}}\n')
    if traits["block_public"]:
        flag = "false" if traits["block_partial"] else "true"
        out.append(f'resource "aws_s3_bucket_public_access_block" "{label}" {{\n  bucket = {ref}.id')
        out.append(f"  block_public_acls       = true\n  block_public_policy     = {flag}")
        out.append("  ignore_public_acls      = true\n  restrict_public_buckets = true\n}\n")
    statements = policy_statements(traits, f"${{{ref}.arn}}", rng)
    style = rng.choice(["jsonencode", "heredoc", "document"])
    out.append(f'resource "aws_s3_bucket_policy" "{label}" {{\n  bucket = {ref}.id')
    if style == "jsonencode":
        body = {"Version": "2012-10-17", "Statement": statements}
        out.append(f"  policy = jsonencode({hcl_value(body, 2)})\n}}\n")
    elif style == "heredoc":
        text = json.dumps({"Version": "2012-10-17", "Statement": statements}, indent=2)
        out.append(f"  policy = <<POLICY\n{text}\nPOLICY\n}}\n")
    else:
        out.append(f"  policy = data.aws_iam_policy_document.{label}.json\n}}\n")
        out.append(tf_policy_document(label, statements))
    return "\n".join(out)


def tf_policy_document(label: str, statements: list[dict]) -> str:
    out = [f'data "aws_iam_policy_document" "{label}" {{']
    for stmt in statements:
        out.append("  statement {")
        out.append(f'    sid     = "{stmt["Sid"]}"\n    effect  = "{stmt["Effect"]}"')
        actions = stmt["Action"] if isinstance(stmt["Action"], list) else [stmt["Action"]]
        resources = stmt["Resource"] if isinstance(stmt["Resource"], list) else [stmt["Resource"]]
        out.append(f"    actions   = {json.dumps(actions)}\n    resources = {json.dumps(resources)}")
        principal = stmt["Principal"]
        kind, ids = ("*", ["*"]) if principal == "*" else ("AWS", [principal["AWS"]])
        out.append(f'    principals {{\n      type        = "{kind}"\n      identifiers = {json.dumps(ids)}\n    }}')
        for test, pairs in stmt.get("Condition", {}).items():
            for variable, value in pairs.items():
                out.append(f'    condition {{\n      test     = "{test}"\n      variable = "{variable}"')
                out.append(f"      values   = [{json.dumps(value)}]\n    }}")
        out.append("  }")
    out.append("}\n")
    return "\n".join(out)


TF_VARIABLES = '''variable "prefix" {
  type    = string
  default = "acme"
}

variable "kms_key_arn" {
  type    = string
  default = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
}

variable "log_bucket" {
  type    = string
  default = "acme-central-logs"
}

variable "enable_versioning" {
  type    = bool
  default = true
}

variable "environment" {
  type    = string
  default = "prod"
}
'''

TF_LOCALS = '''locals {
  common_tags = {
    Environment = var.environment
    Team        = "%s"
    ManagedBy   = "terraform"
  }
  replicas = %d
}
'''

TF_NOISE = '''resource "aws_instance" "app_%(n)d" {
  ami           = "ami-0c55b159cbfafe1f0"
  instance_type = "t3.%(size)s"
  subnet_id     = aws_subnet.private_%(n)d.id
  tags          = merge(local.common_tags, { Name = "app-%(n)d" })
}

resource "aws_subnet" "private_%(n)d" {
  vpc_id            = aws_vpc.main_%(n)d.id
  cidr_block        = cidrsubnet("10.%(n)d.0.0/16", 8, %(n)d)
  availability_zone = "%(region)sa"
}

resource "aws_vpc" "main_%(n)d" {
  cidr_block           = "10.%(n)d.0.0/16"
  enable_dns_hostnames = true
}

resource "aws_security_group" "web_%(n)d" {
  name   = "web-%(n)d"
  vpc_id = aws_vpc.main_%(n)d.id
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
'''

TF_CHILD_MODULE = '''variable "name" {
  type = string
}

variable "public" {
  type    = bool
  default = false
}

resource "aws_s3_bucket" "this" {
  bucket = var.name
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket                  = aws_s3_bucket.this.id
  block_public_acls       = !var.public
  block_public_policy     = !var.public
  ignore_public_acls      = !var.public
  restrict_public_buckets = !var.public
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
  }
}

output "arn" {
  value = aws_s3_bucket.this.arn
}
'''


def terraform_unit(rng: random.Random, unit: int) -> dict[str, str]:
    legacy = rng.random() < 0.25
    count = bucket_count(rng)
    main = [f'terraform {{\n  required_providers {{\n    aws = {{\n      source  = "hashicorp/aws"\n      version = "{"~> 3.0" if legacy else ">= 4.0"}"\n    }}\n  }}\n}}\n']
    main.extend(tf_bucket(rng, unit, index, legacy) for index in range(count))
    files = {"main.tf": "\n".join(main)}
    files["variables.tf"] = TF_VARIABLES
    files["locals.tf"] = TF_LOCALS % (rng.choice(TEAMS), rng.randint(1, 3))
    if rng.random() < 0.5:
        files["compute.tf"] = "\n".join(
            TF_NOISE % {"n": n, "size": rng.choice(["micro", "small", "large"]), "region": rng.choice(REGIONS)}
            for n in range(rng.randint(1, 4))
        )
    if rng.random() < 0.2:
        names = [name_for(rng, unit, 50 + i) for i in range(rng.randint(1, 3))]
        files["modules/bucket/main.tf"] = TF_CHILD_MODULE
        files["buckets.tf"] = (
            'module "team_buckets" {\n  source   = "./modules/bucket"\n'
            f"  for_each = toset({json.dumps(names)})\n  name     = each.value\n"
            f"  public   = {'true' if rng.random() < 0.3 else 'false'}\n}}\n"
        )
    return files


def other_terraform(rng: random.Random, unit: int) -> dict[str, str]:
    body = "\n".join(
        TF_NOISE % {"n": n, "size": rng.choice(["micro", "small"]), "region": rng.choice(REGIONS)}
        for n in range(rng.randint(1, 6))
    )
    return {"network.tf": TF_LOCALS % (rng.choice(TEAMS), 1) + "\n" + TF_VARIABLES + "\n" + body}


# ---------------------------------------------------------------------------------------
# CloudFormation and policies
# ---------------------------------------------------------------------------------------


def cfn_template(rng: random.Random, unit: int) -> dict:
    resources: dict[str, dict] = {}
    for index in range(bucket_count(rng)):
        traits = bucket_traits(rng)
        logical = f"Bucket{index}"
        props: dict = {"Tags": [{"Key": "Team", "Value": rng.choice(TEAMS)}]}
        if rng.random() < 0.5:
            props["BucketName"] = {"Fn::Sub": "${AWS::StackName}-" + name_for(rng, unit, index)}
        if traits["public_acl"]:
            props["AccessControl"] = "PublicRead"
        if traits["block_public"]:
            props["PublicAccessBlockConfiguration"] = {
                "BlockPublicAcls": True,
                "BlockPublicPolicy": not traits["block_partial"],
                "IgnorePublicAcls": True,
                "RestrictPublicBuckets": True,
            }
        if traits["encryption"]:
            default: dict = {"SSEAlgorithm": traits["encryption"]}
            if traits["encryption"] == "aws:kms":
                default["KMSMasterKeyID"] = {"Ref": "KmsKeyArn"}
            props["BucketEncryption"] = {"ServerSideEncryptionConfiguration": [
                {"ServerSideEncryptionByDefault": default, "BucketKeyEnabled": traits["bucket_key"]}
            ]}
        if traits["versioning"]:
            props["VersioningConfiguration"] = {"Status": {"Fn::If": ["IsProd", "Enabled", "Suspended"]}}
        if traits["logging"]:
            props["LoggingConfiguration"] = {"DestinationBucketName": {"Ref": "LogBucket"}, "LogFilePrefix": f"{logical}/"}
        if traits["website"]:
            props["WebsiteConfiguration"] = {"IndexDocument": "index.html"}
        if traits["ownership_enforced"]:
            props["OwnershipControls"] = {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
        resources[logical] = {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain", "Properties": props}
        statements = policy_statements(traits, "${" + logical + ".Arn}", rng)
        for stmt in statements:  # CloudFormation writes the ARNs with Fn::Sub
            resource = stmt["Resource"]
            stmt["Resource"] = [{"Fn::Sub": r} for r in resource] if isinstance(resource, list) else {"Fn::Sub": resource}
        resources[f"{logical}Policy"] = {
            "Type": "AWS::S3::BucketPolicy",
            "Properties": {"Bucket": {"Ref": logical}, "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}},
        }
    for index in range(rng.randint(0, 3)):
        resources[f"Queue{index}"] = {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": 60}}
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": f"Storage for unit {unit}",
        "Parameters": {
            "Environment": {"Type": "String", "AllowedValues": ["dev", "prod"], "Default": "prod"},
            "KmsKeyArn": {"Type": "String", "Default": ""},
            "LogBucket": {"Type": "String", "Default": "central-logs"},
        },
        "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "Environment"}, "prod"]}},
        "Resources": resources,
        "Outputs": {"FirstBucket": {"Value": {"Ref": "Bucket0"}}},
    }


def yaml_dump(value: object, indent: int = 0) -> str:
    """Block-style YAML for the JSON-like values above; `Fn::Sub`/`Ref`/`Fn::If` and
    `Fn::Equals` come out in their short `!` forms, as people write them."""
    pad = "  " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            short = _short_form(item)
            if short is not None:
                lines.append(f"{pad}{key}: {short}")
            elif isinstance(item, (dict, list)) and item:
                lines.append(f"{pad}{key}:")
                lines.append(yaml_dump(item, indent + 1))
            else:
                lines.append(f"{pad}{key}: {_scalar(item)}")
    elif isinstance(value, list):
        for item in value:
            short = _short_form(item)
            if short is not None:
                lines.append(f"{pad}- {short}")
            elif isinstance(item, (dict, list)) and item:
                nested = yaml_dump(item, indent + 1).lstrip()
                lines.append(f"{pad}- {nested}")
            else:
                lines.append(f"{pad}- {_scalar(item)}")
    return "\n".join(lines)


def _short_form(item: object) -> str | None:
    if isinstance(item, dict) and len(item) == 1:
        (key, arg), = item.items()
        if key == "Ref" and isinstance(arg, str):
            return f"!Ref {arg}"
        if key == "Fn::Sub" and isinstance(arg, str):
            return f"!Sub '{arg}'"
        if key in ("Fn::If", "Fn::Equals") and isinstance(arg, list):
            parts = [_short_form(a) or _scalar(a) for a in arg]
            return f"!{key[4:]} [{', '.join(parts)}]"
    return None


def _scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None or value == {} or value == []:
        return "{}" if value == {} else ("[]" if value == [] else "null")
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value)


def policy_file(rng: random.Random, unit: int) -> dict:
    traits = bucket_traits(rng)
    name = name_for(rng, unit, 0)
    return {"Version": "2012-10-17", "Statement": policy_statements(traits, f"arn:aws:s3:::{name}", rng)}


def other_yaml(rng: random.Random, unit: int) -> tuple[str, str]:
    if rng.random() < 0.5:
        return f"other/k8s/deploy-{unit:05d}.yaml", (
            f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc-{unit}\n"
            f"spec:\n  replicas: {rng.randint(1, 5)}\n  template:\n    spec:\n      containers:\n"
            f"        - name: app\n          image: registry.example.com/app:{rng.randint(1, 99)}\n"
        )
    template = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {
            f"Fn{i}": {"Type": "AWS::Lambda::Function", "Properties": {
                "Runtime": "python3.12", "Handler": "app.handler", "Role": {"Fn::GetAtt": [f"Role{i}", "Arn"]}}}
            for i in range(rng.randint(1, 4))
        },
    }
    return f"other/cfn/functions-{unit:05d}.yaml", yaml_dump(template) + "\n"


def other_json(rng: random.Random, unit: int) -> tuple[str, str]:
    manifest = {"name": f"service-{unit}", "version": f"1.{rng.randint(0, 9)}.0",
                "dependencies": {f"lib{i}": f"^{rng.randint(1, 9)}.0.0" for i in range(rng.randint(2, 12))}}
    return f"other/packages/package-{unit:05d}.json", json.dumps(manifest, indent=2) + "\n"


# ---------------------------------------------------------------------------------------
# Units and the tree
# ---------------------------------------------------------------------------------------


def unit_files(seed: int, unit: int) -> dict[str, str]:
    """Relative path -> text of one unit; depends only on (seed, unit)."""
    rng = random.Random(f"s3lint-bench:{seed}:{unit}")
    kinds = [kind for kind, _ in UNIT_KINDS]
    kind = rng.choices(kinds, weights=[weight for _, weight in UNIT_KINDS])[0]
    if kind == "terraform":
        return {f"terraform/unit_{unit:05d}/{name}": text for name, text in terraform_unit(rng, unit).items()}
    if kind == "other_tf":
        return {f"other/terraform/unit_{unit:05d}/{name}": text for name, text in other_terraform(rng, unit).items()}
    if kind == "cfn_yaml":
        return {f"cloudformation/stack-{unit:05d}.yaml": yaml_dump(cfn_template(rng, unit)) + "\n"}
    if kind == "cfn_json":
        return {f"cloudformation/stack-{unit:05d}.json": json.dumps(cfn_template(rng, unit), indent=2) + "\n"}
    if kind == "policy":
        return {f"policies/bucket-policy-{unit:05d}.json": json.dumps(policy_file(rng, unit), indent=2) + "\n"}
    if kind == "other_yaml":
        path, text = other_yaml(rng, unit)
        return {path: text}
    path, text = other_json(rng, unit)
    return {path: text}


def generate(out: str, files: int, seed: int) -> dict:
    """Write a tree of exactly `files` files; returns a summary."""
    written = 0
    size = 0
    unit = 0
    kinds: dict[str, int] = {}
    while written < files:
        for relative, text in unit_files(seed, unit).items():
            if written >= files:
                break  # the last unit may be cut short: its main file comes first
            path = os.path.join(out, relative)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(text)
            written += 1
            size += len(text.encode())
            top = relative.split("/", 1)[0]
            kinds[top] = kinds.get(top, 0) + 1
        unit += 1
    return {"files": written, "bytes": size, "units": unit, "by_folder": kinds, "seed": seed,
            "generator_version": GENERATOR_VERSION}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", help="folder to write (created; must be empty or missing)")
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if os.path.isdir(args.out) and os.listdir(args.out):
        print(f"generate: {args.out} is not empty", file=sys.stderr)
        return 2
    summary = generate(args.out, args.files, args.seed)
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
