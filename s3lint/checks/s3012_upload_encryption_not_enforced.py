"""S3012 upload-encryption-not-enforced: no bucket policy statement denies uploads that
request no server-side encryption (opt-in: since 2023 S3 encrypts such uploads with SSE-S3
anyway; teams that require SSE-KMS or a specific key enable this rule)."""

from __future__ import annotations

from typing import Iterator

from s3lint.checks import Context
from s3lint.checks._common import describe
from s3lint.model import Finding, ScanModel
from s3lint.policy.encryption import upload_encryption_enforced
from s3lint.policy.transport import describe_verdict, policy_checked_buckets

RULE_ID = "S3012"
WHAT = "denies uploads (s3:PutObject) that request no server-side encryption (s3:x-amz-server-side-encryption missing)"


def check(model: ScanModel, ctx: Context) -> Iterator[Finding]:
    for bucket in policy_checked_buckets(model):
        verdict = upload_encryption_enforced(bucket)
        if verdict.enforced is True or (verdict.enforced is None and not ctx.strict):
            continue
        text, loc = describe_verdict(verdict, bucket, WHAT)
        certainty = "definite" if verdict.enforced is False else "possible"
        yield Finding(RULE_ID, f"{describe(bucket)} {text}", loc, bucket.address, certainty=certainty)
