"""Structural problems in a policy that AWS rejects or silently misreads.

`read_policy` already records what is wrong with the document's shape (bad Version, unknown
elements and condition operators, a Principal in an identity policy or none in a bucket policy,
...) in `PolicyDocument.problems`.  This module adds what needs more knowledge:

* action names: an unknown `s3:` action (no wildcard) or an `s3:` pattern that matches no
  action is never granted or denied, which is usually a typo; a bucket or access point policy
  may only name S3 actions, and an action must be written `service:action`;
* policy variables (`${aws:username}`) are only expanded under Version "2012-10-17"; with no
  Version (which means "2008-10-17") or the old one they are literal text;
* a bucket policy statement whose Resource names neither its bucket nor the bucket's objects
  (S3 rejects such a policy: the resource must be in the bucket);
* a principal ARN with a partial wildcard (IAM: "You cannot use a wildcard to match part of a
  principal name or ARN").
"""

from __future__ import annotations

import re
from typing import Iterator

from s3lint.model import Bucket, PolicyDocument, PolicyProblem, Statement
from s3lint.symbols import has_symbol, is_unknown, render

_POLICY_VARIABLE = re.compile(r"\$\{(?![*?$]\})[^}]+\}")
CURRENT_VERSION = "2012-10-17"


def policy_problems(doc: PolicyDocument, bucket: Bucket | None = None) -> list[PolicyProblem]:
    """Every problem of the document: what `read_policy` found, then the checks above.

    With a bucket, a bucket policy's Resource is also checked against it."""
    problems = list(doc.problems)
    problems.extend(action_problems(doc))
    problems.extend(variable_problems(doc))
    problems.extend(principal_problems(doc))
    if bucket is not None:
        problems.extend(resource_problems(doc, bucket))
    return problems


def _where(stmt: Statement) -> str:
    return f'statement "{stmt.sid}"' if stmt.sid else f"statement {stmt.index + 1}"


def action_problems(doc: PolicyDocument) -> Iterator[PolicyProblem]:
    from s3lint.policy.actions import all_s3_actions, expand_action_patterns, is_known_s3_action

    resource_policy = doc.kind in ("bucket", "access_point")
    for stmt in doc.statements:
        if "Statement" in stmt.unknown_parts:
            continue
        element = "NotAction" if stmt.not_action else "Action"
        for value in stmt.actions:
            raw = value.value
            if is_unknown(raw) or not isinstance(raw, str) or has_symbol(raw):
                continue
            text = raw.strip()
            if text == "*":
                continue
            service, colon, name = text.partition(":")
            if not colon or not service or not name:
                yield PolicyProblem(
                    f'{element} "{render(raw)}" in {_where(stmt)} is not of the form "service:action" (e.g. "s3:GetObject")',
                    value.loc,
                )
                continue
            if service.lower() != "s3":
                if resource_policy and not _could_be_s3(service):
                    policy_name = "a bucket policy" if doc.kind == "bucket" else "an access point policy"
                    yield PolicyProblem(
                        f'{element} "{render(raw)}" in {_where(stmt)} is not an S3 action; '
                        f"{policy_name} may only name S3 actions",
                        value.loc,
                    )
                continue
            wildcard = "*" in name or "?" in name
            if not wildcard and not is_known_s3_action(text):
                import difflib  # only for a misspelt action: not worth importing on every run

                hint = difflib.get_close_matches(f"s3:{name}", sorted(all_s3_actions()), n=1, cutoff=0.8)
                suggestion = f'; did you mean "{hint[0]}"?' if hint else ""
                yield PolicyProblem(
                    f'{element} "{render(raw)}" in {_where(stmt)} is not an S3 action, so it matches nothing{suggestion}',
                    value.loc,
                )
            elif wildcard and not expand_action_patterns([text]):
                yield PolicyProblem(
                    f'{element} "{render(raw)}" in {_where(stmt)} matches no S3 action', value.loc
                )


def _could_be_s3(service: str) -> bool:
    """A wildcard service pattern such as "s*" or "*" that matches "s3"."""
    from s3lint.policy.conditions import string_matches

    return ("*" in service or "?" in service) and string_matches(service, "s3", like=True)


def variable_problems(doc: PolicyDocument) -> Iterator[PolicyProblem]:
    """Policy variables under a Version that does not expand them."""
    version = doc.version.value
    if is_unknown(version) or version == CURRENT_VERSION:
        return
    if version not in (None, "2008-10-17"):
        return  # an invalid Version is already reported by read_policy
    for stmt in doc.statements:
        for value in list(stmt.resources) + [v for c in stmt.conditions for v in c.values]:
            raw = value.value
            if not isinstance(raw, str) or is_unknown(raw):
                continue
            match = _POLICY_VARIABLE.search(raw)
            if match is None:
                continue
            which = "the policy has no Version" if version is None else f'the policy\'s Version is "{version}"'
            yield PolicyProblem(
                f"{_where(stmt)} uses the policy variable {match.group(0)}, but {which}, so it is read as "
                f'literal text; set "Version": "{CURRENT_VERSION}"',
                value.loc,
            )
            return  # one finding per document is enough to fix it


def principal_problems(doc: PolicyDocument) -> Iterator[PolicyProblem]:
    """Partial wildcards in principal ARNs: IAM rejects them (only "*" alone is allowed)."""
    for stmt in doc.statements:
        for entry in stmt.principals or []:
            raw = entry.value
            if entry.kind not in ("AWS", "Federated") or not isinstance(raw, str) or is_unknown(raw):
                continue
            text = raw.strip()
            if text != "*" and ("*" in text or "?" in text):
                yield PolicyProblem(
                    f'principal "{render(raw)}" in {_where(stmt)} has a partial wildcard; IAM accepts only "*" '
                    "on its own, so use a condition on aws:PrincipalArn to match a pattern",
                    entry.loc,
                )


def resource_problems(doc: PolicyDocument, bucket: Bucket) -> Iterator[PolicyProblem]:
    """Bucket policy statements whose Resource is neither the bucket nor its objects."""
    from s3lint.policy.resources import bucket_coverage

    if doc.kind != "bucket":
        return
    for stmt in doc.statements:
        if stmt.not_resource or not stmt.resources or {"Statement", "Resource"} & set(stmt.unknown_parts):
            continue
        coverage = bucket_coverage(stmt, bucket)
        if coverage.bucket_arn is False and coverage.some_objects is False:
            arn = f"arn:aws:s3:::{render(bucket.identity)}"  # only for the message
            shown = ", ".join(f'"{render(v.value)}"' for v in stmt.resources[:3])
            yield PolicyProblem(
                f"the Resource of {_where(stmt)} ({shown}) names neither the bucket ({arn}) nor its objects "
                f"({arn}/*); S3 rejects a bucket policy whose resources are outside its bucket",
                stmt.resource_loc or stmt.loc,
            )
