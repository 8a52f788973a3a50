"""S3011 kms-key-not-used: default encryption is not SSE-KMS or DSSE-KMS."""

from __future__ import annotations

from typing import Iterator

from s3lint.checks import Context
from s3lint.checks._common import declared_buckets, describe, shown
from s3lint.model import Finding, ScanModel

RULE_ID = "S3011"
KMS_ALGORITHMS = ("aws:kms", "aws:kms:dsse")


def _is_kms(value: object) -> bool:
    return isinstance(value, str) and value in KMS_ALGORITHMS


def check(model: ScanModel, ctx: Context) -> Iterator[Finding]:
    for bucket in declared_buckets(model):
        encryption = bucket.encryption
        if encryption is None or not encryption.rules:
            yield Finding(
                RULE_ID,
                f"{describe(bucket)} is encrypted only with the SSE-S3 default, not with a KMS key",
                bucket.loc,
                bucket.address,
            )
            continue
        for index, rule in enumerate(encryption.rules):
            algorithm = rule.algorithm
            if algorithm.certainly(_is_kms):
                continue
            if not algorithm.known:
                if algorithm.possibly(lambda v: not _is_kms(v)):
                    yield Finding(
                        RULE_ID,
                        f"{describe(bucket)}: the default encryption algorithm is not known statically and may not be SSE-KMS",
                        algorithm.loc,
                        bucket.address,
                        certainty="possible",
                        key=str(index),
                    )
                continue
            yield Finding(
                RULE_ID,
                f"{describe(bucket)} uses default encryption {shown(algorithm)}, not SSE-KMS (aws:kms) or DSSE-KMS (aws:kms:dsse)",
                algorithm.loc,
                bucket.address,
                key=str(index),
            )
