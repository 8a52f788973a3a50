"""S3071 presigned-url-age-unbounded: no bucket policy statement denies presigned requests
older than a limit (`NumericGreaterThan s3:signatureAge`, milliseconds) (opt-in)."""

from __future__ import annotations

from typing import Iterator

from s3lint.checks import Context
from s3lint.checks._common import describe
from s3lint.model import Finding, ScanModel
from s3lint.policy.network import presigned_age_bounded
from s3lint.policy.transport import describe_verdict, policy_checked_buckets

RULE_ID = "S3071"
WHAT = "limits how long presigned URLs stay usable (NumericGreaterThan s3:signatureAge, in milliseconds)"


def check(model: ScanModel, ctx: Context) -> Iterator[Finding]:
    for bucket in policy_checked_buckets(model):
        verdict = presigned_age_bounded(bucket)
        if verdict.enforced is True or (verdict.enforced is None and not ctx.strict):
            continue
        text, loc = describe_verdict(verdict, bucket, WHAT)
        certainty = "definite" if verdict.enforced is False else "possible"
        yield Finding(RULE_ID, f"{describe(bucket)} {text}", loc, bucket.address, certainty=certainty)
