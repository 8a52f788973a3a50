"""S3010 default-encryption-missing: no default server-side encryption configured."""

from __future__ import annotations

from typing import Any, Iterator

from s3lint.checks import Context
from s3lint.checks._common import declared_buckets, describe, shown_choices
from s3lint.model import Finding, ScanModel
from s3lint.symbols import render

RULE_ID = "S3010"
KNOWN_ALGORITHMS = ("AES256", "aws:kms", "aws:kms:dsse")


def _not_accepted(value: Any) -> bool:
    """No algorithm at all (None) or one S3 rejects: either way no declared default applies."""
    return value not in KNOWN_ALGORITHMS


def check(model: ScanModel, ctx: Context) -> Iterator[Finding]:
    for bucket in declared_buckets(model):
        encryption = bucket.encryption
        if encryption is None:
            yield Finding(
                RULE_ID,
                f"{describe(bucket)} has no default encryption configuration; it relies on the SSE-S3 platform default and cannot require a KMS key",
                bucket.loc,
                bucket.address,
            )
            continue
        if not encryption.rules:
            yield Finding(
                RULE_ID,
                f"{describe(bucket)}: the encryption configuration has no rule with a default algorithm",
                encryption.loc,
                bucket.address,
            )
        for index, rule in enumerate(encryption.rules):
            algorithm = rule.algorithm
            if algorithm.known:
                if algorithm.value is None:
                    message = f"{describe(bucket)}: the default encryption rule names no algorithm, so it declares no default encryption"
                elif _not_accepted(algorithm.value):
                    message = (
                        f"{describe(bucket)}: default encryption algorithm {render(algorithm.value)!r} is not one S3 accepts "
                        f"({', '.join(KNOWN_ALGORITHMS)}), so the configuration is rejected at deployment"
                    )
                else:
                    continue
            elif algorithm.certainly(_not_accepted):
                # e.g. a `dynamic` block over an unknown collection: the rule is either absent
                # (no declared default) or names an algorithm S3 rejects; wrong both ways.
                message = (
                    f"{describe(bucket)}: the default encryption algorithm is {shown_choices(algorithm)}; "
                    f"either way no algorithm S3 accepts ({', '.join(KNOWN_ALGORITHMS)}) is declared"
                )
            else:
                continue
            yield Finding(RULE_ID, message, algorithm.loc, bucket.address, key=str(index))
