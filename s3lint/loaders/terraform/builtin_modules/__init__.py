"""Built-in models of registry modules, used when `terraform init` has not installed them.

Most S3 buckets written in Terraform are not `resource "aws_s3_bucket"` blocks but calls of
the registry module terraform-aws-modules/s3-bucket/aws.  Without `terraform init` its code
is not on disk and nothing is ever fetched, so s3lint ships a small model of it: Terraform
code of our own (in the folder beside this file) that takes the module's inputs, with their
real defaults, and creates the S3 resources the module creates from them.  `placement`
evaluates it as if it were written at the module call, so findings point into the caller's
file.

A model stands in for one module; the version the call selects matters only where the
module changed a default that a rule looks at.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from s3lint.loaders.terraform import hcl

MODELS_DIR = os.path.dirname(os.path.abspath(__file__))

Version = tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class BuiltinModel:
    """One built-in model, as selected by one module call."""

    name: str  # the module, e.g. "terraform-aws-modules/s3-bucket"
    version: str | None  # the call's version constraint or git ref, as written
    folder: str  # the model's Terraform files
    variant: str  # which defaults apply: "newest" or the releases they belong to
    defaults: dict[str, Any] = field(default_factory=dict)  # variable defaults that differ from the files
    # Inputs that decide only whether anything is created: a finding is never placed at them.
    unlocated_inputs: frozenset[str] = frozenset()

    @property
    def title(self) -> str:
        """How notes name the module, e.g. "terraform-aws-modules/s3-bucket 3.7.0"."""
        return f"{self.name} {self.version}" if self.version else self.name


# ---------------------------------------------------------------------------------------
# terraform-aws-modules/s3-bucket/aws
# ---------------------------------------------------------------------------------------

S3_BUCKET_FOLDER = os.path.join(MODELS_DIR, "terraform-aws-modules-s3-bucket")
S3_BUCKET_NAME = "terraform-aws-modules/s3-bucket"

# 3.9.0 (April 2023) followed AWS, which from then on created buckets with Block Public Access
# on and ACLs disabled.  Before it the module's public access block turned all four settings
# off unless told otherwise, and control_object_ownership chose ObjectWriter.
DEFAULTS_CHANGED_IN: Version = (3, 9, 0)
LEGACY_DEFAULTS: dict[str, Any] = {
    "block_public_acls": False,
    "block_public_policy": False,
    "ignore_public_acls": False,
    "restrict_public_buckets": False,
    "object_ownership": "ObjectWriter",
}
S3_BUCKET_UNLOCATED = frozenset({"create_bucket", "putin_khuylo", "is_directory_bucket", "attach_public_policy"})

# `terraform-aws-modules/s3-bucket/aws`, optionally with the public registry's host.  A
# `//modules/...` subfolder is another module (object, notification, ...), not the bucket.
_S3_BUCKET_REGISTRY = re.compile(r"^(?:registry\.terraform\.io/)?terraform-aws-modules/s3-bucket/aws$", re.IGNORECASE)
# The GitHub repository through git:: URLs, scp-like git@ addresses or the github.com shorthand.
_S3_BUCKET_GIT = re.compile(
    r"^(?:git::)?(?:https://|ssh://git@|git@)?github\.com[/:]terraform-aws-modules/terraform-aws-s3-bucket(?:\.git)?/?"
    r"(?:\?(?P<query>[^#]*))?$",
    re.IGNORECASE,
)


def builtin_model(source: str, version: str | None) -> BuiltinModel | None:
    """The model to evaluate for a module call with this `source` and `version` argument
    (None when absent or not a literal), or None when s3lint has no model of that module."""
    source = source.strip()
    if _S3_BUCKET_REGISTRY.match(source):
        constraint = version
    else:
        match = _S3_BUCKET_GIT.match(source)
        if match is None:
            return None
        refs = parse_qs(match.group("query") or "").get("ref", [])
        constraint = refs[0] if refs else None  # `version` does not apply to git sources
    constraint = constraint.strip() if constraint and constraint.strip() else None
    if constraint is not None and only_older_than(constraint, DEFAULTS_CHANGED_IN):
        return BuiltinModel(S3_BUCKET_NAME, constraint, S3_BUCKET_FOLDER, "before 3.9.0", dict(LEGACY_DEFAULTS), S3_BUCKET_UNLOCATED)
    # No constraint, a branch or a commit: Terraform takes the newest release.
    return BuiltinModel(S3_BUCKET_NAME, constraint, S3_BUCKET_FOLDER, "newest", {}, S3_BUCKET_UNLOCATED)


def call_notes(model: BuiltinModel, call: hcl.Block, inputs: set[str]) -> list[str]:
    """What is wrong or surprising in a call of the model's module: arguments the module does
    not have, inputs written as blocks (Terraform rejects both), and a policy that the module
    will not attach."""
    from s3lint.loaders.terraform.module import META_ARGUMENTS

    arguments = call.body.attributes
    notes = [
        f"argument {argument!r} is not an input of {model.name}; Terraform rejects it, s3lint ignores it"
        for argument in arguments
        if argument not in META_ARGUMENTS and argument not in inputs
    ]
    for block in call.body.blocks:
        notes.append(
            f"{block.type!r} is written as a block, but module inputs are arguments "
            f"({block.type} = {{ ... }}); Terraform rejects it, s3lint ignores it"
        )
    if model.folder == S3_BUCKET_FOLDER and _may_be_true(arguments.get("policy")) and not _may_be_true(arguments.get("attach_policy")):
        notes.append("`policy` is set but `attach_policy` is not true, so the module does not attach the policy")
    return notes


def _may_be_true(attribute: hcl.Attribute | None) -> bool:
    """Set to something other than a literal false or null."""
    if attribute is None:
        return False
    expr = attribute.expr
    return not (isinstance(expr, hcl.Literal) and expr.value in (False, None))


# ---------------------------------------------------------------------------------------
# Version constraints
# ---------------------------------------------------------------------------------------

_TERM = re.compile(r"^(~>|>=|<=|!=|=|>|<)?\s*v?(\d+(?:\.\d+){0,2})(?:[-+][0-9A-Za-z.+-]*)?$")


def only_older_than(constraint: str, boundary: Version) -> bool:
    """Does every version the constraint allows come before `boundary`?  Terraform installs
    the newest version a constraint allows, so this says whether that one is older.  An exact
    version (`3.7.0`, or a git ref `v3.7.0`) is a constraint too.  Anything unparseable counts
    as allowing the newest release (False)."""
    upper: tuple[Version, bool] | None = None  # the lowest upper bound, and whether it is allowed
    for term in constraint.split(","):
        match = _TERM.match(term.strip())
        if match is None:
            return False
        operator = match.group(1) or "="
        parts = [int(part) for part in match.group(2).split(".")]
        padded = parts + [0] * (3 - len(parts))
        version: Version = (padded[0], padded[1], padded[2])
        if operator in ("=", "<="):
            bound = (version, True)
        elif operator == "<":
            bound = (version, False)
        elif operator == "~>":
            # `~> 3.7.0` allows 3.7.x; `~> 3.7` and `~> 3` allow 3.x.
            bound = ((parts[0], parts[1] + 1, 0) if len(parts) == 3 else (parts[0] + 1, 0, 0), False)
        else:
            continue  # >, >=, != bound nothing from above
        if upper is None or bound[0] < upper[0] or (bound[0] == upper[0] and not bound[1]):
            upper = bound
    if upper is None:
        return False
    version, allowed = upper
    return version < boundary or (version == boundary and not allowed)


__all__ = ["BuiltinModel", "builtin_model", "call_notes", "only_older_than"]
