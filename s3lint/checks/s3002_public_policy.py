"""S3002 public-policy: a bucket or access point policy is public by S3's definition.

Not raised while `RestrictPublicBuckets` (bucket, account or access point level) neutralises
the policy, nor for access points whose network origin is a VPC (never public).
"""

from __future__ import annotations

from typing import Iterator

from s3lint.checks import Context
from s3lint.checks._common import describe
from s3lint.model import Finding, ScanModel
from s3lint.policy.exposure import EffectiveBlock, effective_access_point_block, effective_block
from s3lint.policy.public import PublicStatement, public_policy_verdict
from s3lint.policy.targets import PolicyTarget, resource_policies
from s3lint.symbols import is_unknown

RULE_ID = "S3002"


def check(model: ScanModel, ctx: Context) -> Iterator[Finding]:
    for target in resource_policies(model):
        access_point = target.access_point
        vpc_only: bool | None = False
        if access_point is not None:
            origin = access_point.network_origin.value
            if is_unknown(origin):
                vpc_only = None
            elif isinstance(origin, str) and origin.upper() == "VPC":
                continue  # S3-BPA: an access point with a VPC network origin is never public
            block = effective_access_point_block(access_point, target.bucket, model)
        else:
            block = effective_block(target.bucket, model)
        restrict = block.settings["RestrictPublicBuckets"]
        if restrict.value is True:
            continue
        verdict = public_policy_verdict(target.document, target.bucket, access_point=access_point is not None)
        if verdict.state == "not_public":
            continue
        for item in verdict.statements:
            definite = item.definite and verdict.state == "public" and restrict.value is False and vpc_only is False
            if not definite and not ctx.strict:
                continue
            stmt = item.statement
            yield Finding(
                RULE_ID,
                _message(target, item, block, vpc_only),
                stmt.principal_loc or stmt.loc,
                target.resource,
                certainty="definite" if definite else "possible",
                severity=item.severity,
                key=f"{target.document.owner}#{stmt.sid or stmt.index}",
            )


def _message(target: PolicyTarget, item: PublicStatement, block: EffectiveBlock, vpc_only: bool | None) -> str:
    text = f"{describe(target.bucket)}: {target.label} is public: {item.reason}"
    restrict = block.settings["RestrictPublicBuckets"]
    if restrict.value is None:
        text += "; whether RestrictPublicBuckets neutralises it is not known statically"
    if vpc_only is None:
        text += "; the access point's network origin is not known statically (a VPC origin is never public)"
    block_policy = block.settings["BlockPublicPolicy"]
    if block_policy.value is True:
        where = f" at {block_policy.source} level" if block_policy.source else ""
        text += f"; BlockPublicPolicy is on{where}, so S3 will reject this policy at deploy time"
    return text
