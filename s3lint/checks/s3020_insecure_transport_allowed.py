"""S3020 insecure-transport-allowed: no bucket policy statement denies plain-HTTP requests."""

from __future__ import annotations

from typing import Iterator

from s3lint.checks import Context
from s3lint.checks._common import describe
from s3lint.model import Finding, ScanModel
from s3lint.policy.transport import analyze_transport, describe_verdict, policy_checked_buckets

RULE_ID = "S3020"
WHAT = "denies plain-HTTP requests (aws:SecureTransport = false)"
# S3 website endpoints speak HTTP only: the fix for a website bucket is HTTPS in front of it.
WEBSITE_NOTE = " (the website endpoint serves HTTP only: serve the site through CloudFront over HTTPS and deny HTTP here)"


def check(model: ScanModel, ctx: Context) -> Iterator[Finding]:
    for bucket in policy_checked_buckets(model):
        verdict = analyze_transport(bucket)
        if verdict.enforced is True or (verdict.enforced is None and not ctx.strict):
            continue
        text, loc = describe_verdict(verdict, bucket, WHAT)
        if bucket.website is not None and bucket.website.is_true():
            text += WEBSITE_NOTE
        certainty = "definite" if verdict.enforced is False else "possible"
        yield Finding(RULE_ID, f"{describe(bucket)} {text}", loc, bucket.address, certainty=certainty)
