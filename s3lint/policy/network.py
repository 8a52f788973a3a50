"""Where and how requests may reach a bucket: VPC-endpoint fences and presigned-URL age.

Both are "the policy must deny X" questions for the shared deny machinery in `transport`:

* VPC endpoint: is every request that does not come through the VPC endpoint (or VPC) denied?
  The AWS pattern is a Deny for everyone of `s3:*` with `StringNotEquals aws:SourceVpce`
  (or `aws:SourceVpc`).  `aws:SourceVpce`/`aws:SourceVpc` are present only for requests through
  a VPC endpoint, so the negated condition holds for internet requests and for other endpoints.
  Exemptions of particular principals (`ArnNotLike aws:PrincipalArn` an admin role, ...) are
  tolerated: the fence still holds for everyone else.  An Allow limited to the endpoint is
  weaker: it binds anonymous and cross-account callers, but same-account principals whose
  identity policies grant S3 access are not bound by it (IAM evaluation logic: identity and
  resource policies are combined), so we cannot tell from the bucket policy alone.
* Presigned URLs: `s3:signatureAge` is the age of the signature in milliseconds; a SigV4
  presigned URL may be valid for up to 7 days.  A Deny with `NumericGreaterThan
  s3:signatureAge` below 7 days bounds it.
"""

from __future__ import annotations

from s3lint.model import Bucket, Statement
from s3lint.policy.transport import (
    ABSENT,
    BUCKET_ARN,
    NEVER,
    OBJECTS,
    OTHER,
    DenyRequirement,
    DenyVerdict,
    Scenario,
    Shortfall,
    analyze_deny,
    bucket_policies,
    combine_all,
    condition_outcome,
    effect_is,
)

SOURCE_VPCE = "aws:sourcevpce"
SOURCE_VPC = "aws:sourcevpc"

# Keys that only exempt particular principals: a fence with such exemptions still holds for
# everyone else.
PRINCIPAL_EXEMPTION_KEYS = frozenset(
    {
        "aws:principalarn",
        "aws:principalaccount",
        "aws:userid",
        "aws:username",
        "aws:principalservicename",
        "aws:principalisawsservice",
        "aws:principaltype",
    }
)

OUTSIDE_REQUESTS = Scenario(
    description="requests from outside the VPC endpoint",
    keys={SOURCE_VPCE: (ABSENT, OTHER), SOURCE_VPC: (ABSENT, OTHER)},
    ignored_keys=PRINCIPAL_EXEMPTION_KEYS,
)

VPC_ENDPOINT_REQUIREMENT = DenyRequirement(
    scenario=OUTSIDE_REQUESTS,
    actions=None,
    parts=(BUCKET_ARN, OBJECTS),
    relevant_keys=frozenset({SOURCE_VPCE, SOURCE_VPC}),
)

SIGNATURE_AGE = "s3:signatureage"
SIGV4_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000  # a SigV4 presigned URL lives at most 7 days

OLD_PRESIGNED_REQUESTS = Scenario(
    description="presigned requests made 7 days (the SigV4 maximum) after signing",
    keys={
        SIGNATURE_AGE: (SIGV4_MAX_AGE_MS,),
        "s3:authtype": ("REST-QUERY-STRING",),
        "s3:signatureversion": ("AWS4-HMAC-SHA256",),
    },
)

PRESIGNED_AGE_REQUIREMENT = DenyRequirement(
    scenario=OLD_PRESIGNED_REQUESTS,
    actions=None,
    parts=(OBJECTS,),
    relevant_keys=frozenset({SIGNATURE_AGE}),
)


def vpc_endpoint_enforced(bucket: Bucket) -> DenyVerdict:
    """Is every request from outside the VPC endpoint (or VPC) denied, for every principal?

    When there is no such Deny but every Allow of the bucket policies is limited to the
    endpoint, the answer is None (see the module docstring)."""
    verdict = analyze_deny(bucket, VPC_ENDPOINT_REQUIREMENT)
    if verdict.enforced is True:
        return verdict
    allows = _endpoint_only_allows(bucket)
    if allows:
        verdict.enforced = None
        verdict.near_misses = []
        verdict.doubts = [
            Shortfall(
                "its Allow statements are limited to the VPC endpoint, but an Allow does not bind "
                "principals of the account whose identity policies grant S3 access; deny requests "
                "with StringNotEquals aws:SourceVpce instead",
                allows[0].effect.loc,
                definite=False,
            )
        ]
    return verdict


def _endpoint_only_allows(bucket: Bucket) -> list[Statement]:
    """Every Allow of the bucket policies, when each is limited to the endpoint; else []."""
    allows: list[Statement] = []
    for doc in bucket_policies(bucket):
        if doc.unknown is not None:
            return []
        for stmt in doc.statements:
            if effect_is(stmt, "Allow") is False:
                continue
            outcome = combine_all(condition_outcome(c, OUTSIDE_REQUESTS) for c in stmt.conditions)
            if outcome != NEVER or not any(c.key.lower() in (SOURCE_VPCE, SOURCE_VPC) for c in stmt.conditions):
                return []
            allows.append(stmt)
    return allows


def presigned_age_bounded(bucket: Bucket) -> DenyVerdict:
    """Is every presigned request older than some bound under 7 days denied, for everyone?"""
    return analyze_deny(bucket, PRESIGNED_AGE_REQUIREMENT)


__all__ = [
    "OUTSIDE_REQUESTS",
    "PRESIGNED_AGE_REQUIREMENT",
    "SIGV4_MAX_AGE_MS",
    "VPC_ENDPOINT_REQUIREMENT",
    "presigned_age_bounded",
    "vpc_endpoint_enforced",
]
