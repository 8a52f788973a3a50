"""S3021 old-tls-allowed: no bucket policy statement denies TLS versions below 1.2.

Only the Deny form counts (`NumericLessThan s3:TlsVersion 1.2`): an Allow that requires
TLS 1.2 does not stop identity policies of the account from granting access over older TLS."""

from __future__ import annotations

from typing import Iterator

from s3lint.checks import Context
from s3lint.checks._common import describe
from s3lint.model import Finding, ScanModel
from s3lint.policy.transport import analyze_tls_version, describe_verdict, policy_checked_buckets

RULE_ID = "S3021"
WHAT = "denies TLS versions below 1.2 (NumericLessThan s3:TlsVersion 1.2)"


def check(model: ScanModel, ctx: Context) -> Iterator[Finding]:
    for bucket in policy_checked_buckets(model):
        verdict = analyze_tls_version(bucket)
        if verdict.enforced is True or (verdict.enforced is None and not ctx.strict):
            continue
        text, loc = describe_verdict(verdict, bucket, WHAT)
        certainty = "definite" if verdict.enforced is False else "possible"
        yield Finding(RULE_ID, f"{describe(bucket)} {text}", loc, bucket.address, certainty=certainty)
