"""S3050 iam-s3-full-access: an identity policy allows every S3 action on every bucket."""

from __future__ import annotations

from typing import Iterator

from s3lint.checks import Context
from s3lint.model import Finding, ScanModel
from s3lint.policy.identity import broad_s3_grants, show_actions
from s3lint.policy.transport import statement_name

RULE_ID = "S3050"


def check(model: ScanModel, ctx: Context) -> Iterator[Finding]:
    for policy in model.identity_policies:
        for grant in broad_s3_grants(policy.document):
            if grant.full_access is False or (grant.full_access is None and not ctx.strict):
                continue
            stmt = grant.statement
            element = "NotAction" if stmt.not_action else "Action"
            condition = " (under a condition, which limits when, not what)" if grant.conditional else ""
            yield Finding(
                RULE_ID,
                f"identity policy '{policy.address}': {statement_name(stmt)} allows every S3 action "
                f"({element} {show_actions(stmt.actions)}) on {grant.scope.text}{condition}, so its principals "
                "can read, overwrite and delete every object and reconfigure or delete every bucket of the "
                "account; grant the actions and buckets they need instead",
                grant.full_access_loc,
                policy.address,
                certainty="definite" if grant.full_access is True else "possible",
                key=f"{stmt.index}",
            )
