"""S3051 iam-s3-can-make-public: an identity policy allows, on every bucket, the actions that
make a bucket or object public or lift Block Public Access."""

from __future__ import annotations

from typing import Iterator

from s3lint.checks import Context
from s3lint.model import Finding, ScanModel
from s3lint.policy.identity import ACCOUNT_LEVEL_EXPOSERS, OBJECT_LEVEL_EXPOSERS, broad_s3_grants
from s3lint.policy.transport import statement_name

RULE_ID = "S3051"


def _consequences(actions: list[str]) -> str:
    effects = []
    grants = {"s3:PutBucketPolicy", "s3:PutBucketAcl"} | OBJECT_LEVEL_EXPOSERS
    if any(a in grants for a in actions):
        effects.append("grant everyone access with a bucket policy or ACL")
    if "s3:DeleteBucketPolicy" in actions:
        effects.append("remove the bucket policies that protect buckets")
    if "s3:PutBucketPublicAccessBlock" in actions or any(a in ACCOUNT_LEVEL_EXPOSERS for a in actions):
        effects.append("turn off Block Public Access")
    if len(effects) > 1:
        return ", ".join(effects[:-1]) + " and " + effects[-1]
    return "".join(effects)


def check(model: ScanModel, ctx: Context) -> Iterator[Finding]:
    for policy in model.identity_policies:
        for grant in broad_s3_grants(policy.document):
            actions = grant.certain_make_public()
            certainty = "definite"
            if not actions:
                actions = grant.possible_make_public()
                certainty = "possible"
                if not actions or not ctx.strict:
                    continue
            stmt = grant.statement
            shown = ", ".join(actions)
            yield Finding(
                RULE_ID,
                f"identity policy '{policy.address}': {statement_name(stmt)} allows {shown} on "
                f"{grant.scope.text}, so its principals can {_consequences(actions)} for any bucket of the account",
                grant.make_public_loc or stmt.action_loc or stmt.loc,
                policy.address,
                certainty=certainty,
                key=f"{stmt.index}",
            )
