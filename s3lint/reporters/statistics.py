"""`--statistics`: how many problems each rule found, most frequent first (like ruff's).

       5  S3002  high    public-policy
       2  S3040  medium  versioning-disabled
"""

from __future__ import annotations

from collections import Counter

from s3lint.report import Report, severity_rank
from s3lint.reporters._common import active, all_findings, rule_name, severity_of
from s3lint.reporters.text import summary


def render(report: Report, *, color: bool = False) -> str:
    findings = all_findings(report)
    shown = active(findings)
    counts = Counter(f.rule_id for f in shown)
    worst: dict[str, str] = {}
    for finding in shown:
        severity = severity_of(report, finding)
        if finding.rule_id not in worst or severity_rank(severity) < severity_rank(worst[finding.rule_id]):
            worst[finding.rule_id] = severity
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    width = max((len(str(n)) for _, n in rows), default=1)
    lines = [f"{n:>{width}}  {rule_id}  {worst[rule_id]:<8}  {rule_name(report, rule_id)}".rstrip()
             for rule_id, n in rows]
    lines.append(summary(report, findings))
    return "\n".join(lines) + "\n"
