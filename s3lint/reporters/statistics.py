"""`--statistics`: how many findings each rule produced, most first (as ruff prints it)."""

from __future__ import annotations

from collections import Counter

from s3lint.report import Report


def render(report: Report, *, color: bool = False) -> str:
    counts = Counter(f.rule_id for f in report.active())
    if not counts:
        return "No problems found.\n"
    lines = []
    width = max(len(str(n)) for n in counts.values())
    for rule_id, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        rule = report.rules.get(rule_id)
        name = rule.name if rule is not None else ""
        severity = rule.severity if rule is not None else ""
        lines.append(f"{count:>{width}}  {rule_id}  {name:<36} [{severity}]")
    return "\n".join(lines) + "\n"
