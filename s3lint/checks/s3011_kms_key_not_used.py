"""S3011 kms-key-not-used: default encryption is not SSE-KMS or DSSE-KMS."""

from __future__ import annotations

from typing import Iterator

from s3lint.checks import Context
from s3lint.checks._common import declared_buckets, describe, shown, shown_choices
from s3lint.model import Finding, ScanModel

RULE_ID = "S3011"
KMS_ALGORITHMS = ("aws:kms", "aws:kms:dsse")


def _is_kms(value: object) -> bool:
    return isinstance(value, str) and value in KMS_ALGORITHMS


def _not_kms(value: object) -> bool:
    return not _is_kms(value)


def check(model: ScanModel, ctx: Context) -> Iterator[Finding]:
    for run_pass in PASSES:
        yield from run_pass(model, ctx)


def check_buckets(model: ScanModel, ctx: Context) -> Iterator[Finding]:
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
            if algorithm.known:
                used = "a default encryption rule with no algorithm" if algorithm.value is None else f"default encryption {shown(algorithm)}"
                message = f"{describe(bucket)} uses {used}, not SSE-KMS (aws:kms) or DSSE-KMS (aws:kms:dsse)"
                certainty = "definite"
            elif algorithm.certainly(_not_kms):
                # e.g. a `dynamic` rule over an unknown collection: absent or not KMS, never KMS.
                message = f"{describe(bucket)}: the default encryption algorithm is {shown_choices(algorithm)}, never SSE-KMS or DSSE-KMS"
                certainty = "definite"
            elif algorithm.possibly(_not_kms):
                message = f"{describe(bucket)}: the default encryption algorithm is not known statically and may not be SSE-KMS"
                certainty = "possible"
            else:
                continue
            yield Finding(RULE_ID, message, algorithm.loc, bucket.address, certainty=certainty, key=str(index))


def _weaker_than_kms(value: object) -> bool:
    """An object request that names an algorithm other than KMS (None: it names none and
    takes the bucket default, which the bucket check judges; or the object does not exist)."""
    return value is not None and not _is_kms(value)


def check_uploads(model: ScanModel, ctx: Context) -> Iterator[Finding]:
    # Also for a bucket outside the scan: an object that asks for SSE-S3 gets SSE-S3 whatever
    # the bucket's default encryption is.
    for bucket in model.buckets:
        for uploaded in bucket.object_encryptions:
            algorithm = uploaded.algorithm
            if algorithm.certainly(_weaker_than_kms):
                certainty = "definite"
            elif algorithm.possibly(_weaker_than_kms):
                certainty = "possible"
            else:
                continue
            asked = shown(algorithm) if algorithm.known else shown_choices(algorithm)
            yield Finding(
                RULE_ID,
                f"object '{uploaded.address}' in {describe(bucket)} is written with server-side encryption {asked}, "
                "not SSE-KMS or DSSE-KMS; an explicit algorithm overrides the bucket's default encryption",
                algorithm.loc,
                uploaded.address,
                certainty=certainty,
                key="object",
            )


# Each pass judges the buckets one at a time, in the model's order: a pool runs them apart on
# every unit as it loads it (parallel.check_unit), and puts each pass's findings end to end.
PASSES = (check_buckets, check_uploads)
