"""S3014 bucket-key-disabled: SSE-KMS without S3 Bucket Keys (one KMS call per object)."""

from __future__ import annotations

from typing import Iterator

from s3lint.checks import Context
from s3lint.checks._common import declared_buckets, describe
from s3lint.model import Finding, ScanModel

RULE_ID = "S3014"


def check(model: ScanModel, ctx: Context) -> Iterator[Finding]:
    for bucket in declared_buckets(model):
        if bucket.encryption is None:
            continue
        for index, rule in enumerate(bucket.encryption.rules):
            # S3 Bucket Keys exist for SSE-KMS only; DSSE-KMS does not support them.
            if not rule.algorithm.certainly(lambda v: v == "aws:kms"):
                continue
            bucket_key = rule.bucket_key
            if bucket_key.is_true():
                continue
            where = bucket_key.loc if bucket_key.explicit else rule.algorithm.loc
            if not bucket_key.known:
                yield Finding(
                    RULE_ID,
                    f"{describe(bucket)}: whether S3 Bucket Keys are enabled for SSE-KMS is not known statically",
                    where,
                    bucket.address,
                    certainty="possible",
                    key=str(index),
                )
                continue
            state = "disabled" if bucket_key.explicit else "not enabled"
            yield Finding(
                RULE_ID,
                f"{describe(bucket)} uses SSE-KMS with S3 Bucket Keys {state}: every object operation calls KMS, raising cost and the risk of KMS throttling",
                where,
                bucket.address,
                key=str(index),
            )
