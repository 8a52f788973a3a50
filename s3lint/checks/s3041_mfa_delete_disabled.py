"""S3041 mfa-delete-disabled: a versioned bucket without MFA delete."""

from __future__ import annotations

from typing import Iterator

from s3lint.checks import Context
from s3lint.checks._common import declared_buckets, describe
from s3lint.model import Finding, ScanModel

RULE_ID = "S3041"


def check(model: ScanModel, ctx: Context) -> Iterator[Finding]:
    for bucket in declared_buckets(model):
        versioning = bucket.versioning
        if versioning is None or not versioning.status.certainly(lambda v: v == "Enabled"):
            continue  # MFA delete lives in the versioning configuration; S3040 covers the rest
        mfa = versioning.mfa_delete
        if mfa.is_true():
            continue
        where = mfa.loc if mfa.explicit else versioning.loc
        if not mfa.known:
            yield Finding(
                RULE_ID,
                f"{describe(bucket)}: whether MFA delete is enabled is not known statically",
                where,
                bucket.address,
                certainty="possible",
            )
            continue
        hint = "" if bucket.source_format != "cloudformation" else " (CloudFormation cannot set it: the root user enables it with the AWS CLI)"
        yield Finding(
            RULE_ID,
            f"{describe(bucket)} is versioned without MFA delete, so anyone with delete permissions can permanently remove object versions{hint}",
            where,
            bucket.address,
        )
