"""S3001 public-acl: a bucket or object ACL grants access to AllUsers or AuthenticatedUsers.

Not raised when the ACL cannot take effect: `IgnorePublicAcls` on at bucket or account
level, or Object Ownership `BucketOwnerEnforced` (ACLs disabled).
"""

from __future__ import annotations

from typing import Iterator

from s3lint.checks import Context
from s3lint.checks._common import describe
from s3lint.model import Finding, ScanModel
from s3lint.policy.exposure import ALL_USERS, PublicAcl, acls_disabled, effective_block, public_acls

RULE_ID = "S3001"

_AUDIENCE = {ALL_USERS: "anyone on the internet", "AuthenticatedUsers": "every signed-in AWS user of any account"}


def check(model: ScanModel, ctx: Context) -> Iterator[Finding]:
    # Every bucket, declared or not: a standalone ACL resource (aws_s3_bucket_acl) is a public
    # grant written in this code even when its bucket is defined elsewhere.
    for bucket in model.buckets:
        found = public_acls(bucket)
        if not found:
            continue
        block = effective_block(bucket, model)
        ignore = block.settings["IgnorePublicAcls"]
        disabled = acls_disabled(bucket)
        if ignore.value is True or disabled is True:
            continue
        block_acls = block.settings["BlockPublicAcls"]
        for acl in found:
            definite = acl.definite and ignore.value is False and disabled is False
            if not definite and not ctx.strict:
                continue
            yield Finding(
                RULE_ID,
                _message(describe(bucket), acl, block_acls.value, block_acls.source, ignore.value, disabled),
                acl.loc,
                bucket.address if acl.target == "bucket" else acl.target,
                certainty="definite" if definite else "possible",
                severity="critical" if acl.writable else None,
                key=f"{acl.target}: {acl.what}",
            )


def _message(
    bucket_text: str,
    acl: PublicAcl,
    block_acls: bool | None,
    block_source: str,
    ignore: bool | None,
    disabled: bool | None,
) -> str:
    subject = bucket_text if acl.target == "bucket" else f"object '{acl.target}' in {bucket_text}"
    audience = _AUDIENCE.get(acl.group, "possibly everyone")
    permissions = "/".join(acl.permissions) if acl.permissions else "access"
    text = f"{subject}: {acl.what} gives {permissions} to {audience}"
    if not acl.definite:
        text += " (its value is not known statically)"
    if ignore is None:
        text += "; whether IgnorePublicAcls neutralises it is not known statically"
    if disabled is None:
        text += "; whether Object Ownership BucketOwnerEnforced disables ACLs is not known statically"
    if block_acls is True:
        where = f" at {block_source} level" if block_source else ""
        text += f"; BlockPublicAcls is on{where}, so S3 rejects this ACL and the deployment will fail"
    else:
        text += "; use Object Ownership BucketOwnerEnforced and grant access through a policy instead"
    return text
