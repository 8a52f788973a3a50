"""S3040 versioning-disabled: versioning is not Enabled, so overwrites and deletes are final."""

from __future__ import annotations

from typing import Iterator

from s3lint.checks import Context
from s3lint.checks._common import declared_buckets, describe, shown
from s3lint.model import Finding, ScanModel

RULE_ID = "S3040"


def check(model: ScanModel, ctx: Context) -> Iterator[Finding]:
    for bucket in declared_buckets(model):
        versioning = bucket.versioning
        if versioning is None:
            yield Finding(
                RULE_ID,
                f"{describe(bucket)} has no versioning, so overwritten or deleted objects cannot be recovered",
                bucket.loc,
                bucket.address,
            )
            continue
        status = versioning.status
        if status.certainly(lambda v: v == "Enabled"):
            continue
        where = status.loc if status.explicit else versioning.loc
        if not status.known:
            yield Finding(
                RULE_ID,
                f"{describe(bucket)}: the versioning status is not known statically and may not be Enabled",
                where,
                bucket.address,
                certainty="possible",
            )
            continue
        yield Finding(
            RULE_ID,
            f"{describe(bucket)} has versioning {shown(status) if status.explicit else 'not set'}, so overwritten or deleted objects cannot be recovered",
            where,
            bucket.address,
        )
