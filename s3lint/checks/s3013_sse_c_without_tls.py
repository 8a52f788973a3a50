"""S3013 sse-c-without-tls: the bucket policy requires SSE-C uploads but does not deny
plain-HTTP requests.

With SSE-C the client sends its encryption key in a request header.  S3 rejects SSE-C requests
over HTTP, but only after the key has crossed the network in clear text, and AWS then advises
treating that key as compromised.  A bucket that is built around SSE-C should also deny HTTP
for every request, so that a client misconfigured for HTTP fails on its first, keyless call."""

from __future__ import annotations

from typing import Iterator

from s3lint.checks import Context
from s3lint.checks._common import describe
from s3lint.model import Finding, ScanModel
from s3lint.policy.encryption import requires_sse_c
from s3lint.policy.transport import analyze_transport, policy_checked_buckets, statement_name

RULE_ID = "S3013"


def check(model: ScanModel, ctx: Context) -> Iterator[Finding]:
    for bucket in policy_checked_buckets(model):
        requirements = requires_sse_c(bucket)
        if not requirements:
            continue
        verdict = analyze_transport(bucket)
        if verdict.enforced is True:
            continue
        requirement = next((r for r in requirements if r.certain is True), requirements[0])
        definite = requirement.certain is True and verdict.enforced is False
        if not definite and not ctx.strict:
            continue
        transport = (
            "no bucket policy statement denies plain-HTTP requests"
            if verdict.enforced is False
            else "whether plain-HTTP requests are denied is not known statically"
        )
        yield Finding(
            RULE_ID,
            f"{describe(bucket)} requires SSE-C uploads ({statement_name(requirement.statement)}), but "
            f"{transport} (aws:SecureTransport = false): a client that uses HTTP sends its encryption "
            "key in clear text before S3 rejects the request",
            requirement.condition.loc,
            bucket.address,
            certainty="definite" if definite else "possible",
        )
