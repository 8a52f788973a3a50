"""S3060 invalid-policy: a policy that AWS rejects, or reads differently from what it says."""

from __future__ import annotations

from typing import Iterator

from s3lint.checks import Context
from s3lint.checks._common import describe
from s3lint.model import Finding, ScanModel
from s3lint.policy.targets import resource_policies
from s3lint.policy.validate import policy_problems, resource_problems

RULE_ID = "S3060"


def check(model: ScanModel, ctx: Context) -> Iterator[Finding]:
    seen: set[int] = set()
    for target in resource_policies(model):
        doc = target.document
        bucket = target.bucket if doc.kind == "bucket" else None
        if id(doc) in seen:
            # the same document attached to another bucket: only its resources differ
            problems = list(resource_problems(doc, bucket)) if bucket is not None else []
        else:
            seen.add(id(doc))
            problems = policy_problems(doc, bucket)
        label = target.label if target.access_point is not None else f"{target.label} of {describe(target.bucket)}"
        for problem in problems:
            yield Finding(
                RULE_ID,
                f"{label}: {problem.message}",
                problem.loc,
                target.resource,
                key=problem.message,
            )
    for policy in model.identity_policies:
        if id(policy.document) in seen:
            continue
        seen.add(id(policy.document))
        for problem in policy_problems(policy.document):
            yield Finding(
                RULE_ID,
                f"identity policy '{policy.address}': {problem.message}",
                problem.loc,
                policy.address,
                key=problem.message,
            )
