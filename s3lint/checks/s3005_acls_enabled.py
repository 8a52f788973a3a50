"""S3005 acls-enabled: Object Ownership is not BucketOwnerEnforced, so ACLs still grant access."""

from __future__ import annotations

from typing import Iterator

from s3lint.checks import Context
from s3lint.checks._common import declared_buckets, describe
from s3lint.model import Finding, ScanModel

RULE_ID = "S3005"
ENFORCED = "BucketOwnerEnforced"


def check(model: ScanModel, ctx: Context) -> Iterator[Finding]:
    for bucket in declared_buckets(model):
        ownership = bucket.ownership
        if ownership is None or not ownership.explicit:
            # Since April 2023 new buckets default to BucketOwnerEnforced (ACLs disabled).
            continue
        if not ownership.known:
            if ownership.possibly(lambda v: v != ENFORCED):
                yield Finding(
                    RULE_ID,
                    f"{describe(bucket)}: Object Ownership may not be {ENFORCED} (its value is not known statically), so ACLs may stay enabled",
                    ownership.loc,
                    bucket.address,
                    certainty="possible",
                )
            continue
        if ownership.value != ENFORCED:
            yield Finding(
                RULE_ID,
                f"{describe(bucket)}: Object Ownership is {ownership.value}, so ACLs stay enabled and can grant access outside the bucket policy; use {ENFORCED}",
                ownership.loc,
                bucket.address,
            )
