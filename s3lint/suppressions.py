"""Inline suppressions: `# s3lint: ignore[S3030] reason` comments and CloudFormation Metadata.

A comment applies to findings on its own line or the next one, either where the finding
points or at the header of the finding's resource; so it can sit above a resource, at the
end of the resource's first line, or beside the offending attribute.  A suppressed finding is
kept and marked (JSON and SARIF show it with its justification); it is never dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from s3lint.model import Finding, ScanModel, Suppression
from s3lint.source import Location

UNUSED_SUPPRESSION_RULE = "S3090"
_COMMENT = re.compile(r"(?:#|//)\s*s3lint:\s*ignore\b(?:\[([^\]]*)\])?[:\s]*(.*?)\s*(?:\*/)?$")
_RULE_ID = re.compile(r"^S\d{4}$")


@dataclass(slots=True)
class Applied:
    kind: str  # "inSource" (a comment or Metadata in the file)
    justification: str


def comment_suppressions(path: str, text: str) -> list[Suppression]:
    found: list[Suppression] = []
    if "s3lint:" not in text:
        return found
    for number, line in enumerate(text.splitlines(), start=1):
        if "s3lint:" not in line:
            continue
        match = _COMMENT.search(line)
        if not match:
            continue
        ids = [part.strip().upper() for part in (match.group(1) or "").split(",") if part.strip()]
        found.append(Suppression(path=path, line=number, rule_ids=ids, reason=match.group(2).strip()))
    return found


def resource_header_lines(model: ScanModel) -> dict[tuple[str, str], int]:
    lines: dict[tuple[str, str], int] = {}
    for bucket in model.buckets:
        lines.setdefault((bucket.loc.path, bucket.address), bucket.loc.line)
        for point in bucket.access_points:
            lines.setdefault((point.loc.path, point.address), point.loc.line)
    for policy in model.identity_policies:
        lines.setdefault((policy.loc.path, policy.address), policy.loc.line)
    for trail in model.trails:
        lines.setdefault((trail.loc.path, trail.address), trail.loc.line)
    for block in model.account_public_access_blocks:
        lines.setdefault((block.loc.path, block.address), block.loc.line)
    return lines


def _read(path: str, root: str, cache: dict[str, str]) -> str:
    if path not in cache:
        import os

        full = path if os.path.isabs(path) else os.path.join(root, path)
        try:
            with open(full, encoding="utf-8", errors="replace") as handle:
                cache[path] = handle.read()
        except OSError:
            cache[path] = ""
    return cache[path]


def apply_suppressions(
    findings: list[Finding],
    loaded: Any,
    rules: dict[str, Any],
    *,
    warn_unused: bool = False,
    root: str = ".",
) -> list[Finding]:
    """Mark suppressed findings in place; return findings about bad or unused suppressions."""
    texts: dict[str, str] = dict(loaded.texts)
    headers = resource_header_lines(loaded.model)
    by_path: dict[str, list[Suppression]] = {}
    for suppression in loaded.model.suppressions:
        by_path.setdefault(suppression.path, []).append(suppression)
    paths = {f.loc.path for f in findings if f.rule_id != "S3000"}
    if warn_unused:
        paths |= set(texts) | set(getattr(loaded, "paths", ()))
    for path in paths:
        by_path.setdefault(path, []).extend(comment_suppressions(path, _read(path, root, texts)))

    used: set[int] = set()
    for finding in findings:
        if finding.rule_id == "S3000":
            continue
        header = headers.get((finding.loc.path, finding.resource), 0)
        for suppression in by_path.get(finding.loc.path, ()):
            if finding.rule_id not in suppression.rule_ids:
                continue
            if suppression.resource:
                applies = suppression.resource == finding.resource
            else:
                targets = {finding.loc.line, header}
                applies = suppression.line in targets or suppression.line + 1 in targets
            if applies:
                finding.suppression = Applied("inSource", suppression.reason or "suppressed in source")
                used.add(id(suppression))
                break

    extra: list[Finding] = []
    for path, suppressions in by_path.items():
        for suppression in suppressions:
            problem = _problem(suppression, rules, used, warn_unused)
            if problem:
                extra.append(
                    Finding(
                        rule_id=UNUSED_SUPPRESSION_RULE,
                        message=problem,
                        loc=Location(path, suppression.line, 1),
                        resource=suppression.resource or path,
                        key=f"{suppression.line}:{','.join(suppression.rule_ids)}",
                        severity="low",
                    )
                )
    return extra


def _problem(suppression: Suppression, rules: dict[str, Any], used: set[int], warn_unused: bool) -> str:
    if not suppression.rule_ids:
        return "suppression must name the rules it silences, e.g. '# s3lint: ignore[S3030] reason'"
    unknown = [r for r in suppression.rule_ids if not _RULE_ID.match(r) or r not in rules]
    if unknown:
        return f"suppression names unknown rule {', '.join(unknown)}"
    if warn_unused and id(suppression) not in used:
        return f"unused suppression: no {', '.join(suppression.rule_ids)} finding here to suppress"
    return ""
