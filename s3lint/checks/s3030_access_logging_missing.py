"""S3030 access-logging-missing: no server access logging.

A bucket that receives other buckets' access logs is exempt: logging it into yet another
bucket would only move the question one bucket further."""

from __future__ import annotations

from typing import Iterator

from s3lint.checks import Context
from s3lint.checks._common import declared_buckets, describe, log_target_identities, receives_logs
from s3lint.model import Finding, ScanModel

RULE_ID = "S3030"
def check(model: ScanModel, ctx: Context) -> Iterator[Finding]:
    targets = log_target_identities(model)
    for bucket in declared_buckets(model):
        if bucket.logging is not None or receives_logs(bucket, targets):
            continue
        yield Finding(
            RULE_ID,
            f"{describe(bucket)} has no server access logging, so requests to it leave no audit trail",
            bucket.loc,
            bucket.address,
        )
