"""S3061 policy-lockout: a bucket policy denies changing or deleting itself to every IAM
principal, so only the account root user can repair it."""

from __future__ import annotations

from typing import Iterator

from s3lint.checks import Context
from s3lint.checks._common import describe
from s3lint.model import Finding, ScanModel
from s3lint.policy.lockout import Lockout, lockout_statements
from s3lint.policy.targets import resource_policies
from s3lint.policy.transport import statement_name

RULE_ID = "S3061"


def _message(lock: Lockout) -> str:
    denied = "every S3 action" if lock.denied_all else "s3:PutBucketPolicy and s3:DeleteBucketPolicy"
    names = [statement_name(lock.statement)] + [statement_name(s) for s in lock.together_with]
    subject = " and ".join(names) + (" together deny" if lock.together_with else " denies")
    if lock.kind == "not_principal":
        who = f"everyone but its NotPrincipal, with no condition, and {lock.reason}"
    else:
        who = "every principal, with no condition"
    hedge = "" if lock.certain else " (this depends on values not known statically)"
    use = " or use the bucket" if lock.denied_all else ""
    return (
        f"{subject} {denied} to {who}: no IAM user or role, administrators included, can change or "
        f"delete the policy{use}; only the account root user can delete it{hedge}"
    )


def check(model: ScanModel, ctx: Context) -> Iterator[Finding]:
    for target in resource_policies(model):
        if target.access_point is not None or target.document.kind != "bucket":
            continue
        for lock in lockout_statements(target.document, target.bucket, ctx.account_ids):
            if lock.certain is not True and not ctx.strict:
                continue
            loc = lock.loc if lock.kind == "not_principal" else lock.statement.effect.loc
            yield Finding(
                RULE_ID,
                f"{target.label} of {describe(target.bucket)}: {_message(lock)}",
                loc,
                target.resource,
                certainty="definite" if lock.certain is True else "possible",
                key=f"{lock.statement.index}",
            )
