"""S3070 vpc-endpoint-not-enforced: no bucket policy statement denies requests from outside
a VPC endpoint or VPC (opt-in)."""

from __future__ import annotations

from typing import Iterator

from s3lint.checks import Context
from s3lint.checks._common import describe
from s3lint.model import Finding, ScanModel
from s3lint.policy.network import vpc_endpoint_enforced
from s3lint.policy.transport import describe_verdict, policy_checked_buckets

RULE_ID = "S3070"
WHAT = "denies requests from outside a VPC endpoint (StringNotEquals aws:SourceVpce or aws:SourceVpc)"


def check(model: ScanModel, ctx: Context) -> Iterator[Finding]:
    for bucket in policy_checked_buckets(model):
        verdict = vpc_endpoint_enforced(bucket)
        if verdict.enforced is True or (verdict.enforced is None and not ctx.strict):
            continue
        text, loc = describe_verdict(verdict, bucket, WHAT)
        certainty = "definite" if verdict.enforced is False else "possible"
        yield Finding(RULE_ID, f"{describe(bucket)} {text}", loc, bucket.address, certainty=certainty)
