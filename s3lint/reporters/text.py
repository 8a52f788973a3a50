"""The default output: one line per finding, grouped by file, and a summary line.

    templates/site.yaml:14:9: S3002 [high] Bucket policy allows anyone to read objects (SitePolicy)

Suppressed findings are not shown, only counted.  Colour only when asked for.
"""

from __future__ import annotations

from typing import Callable

from s3lint.model import Finding
from s3lint.report import SEVERITIES, Report
from s3lint.reporters._common import (
    PARSE_ERROR_RULE,
    active,
    all_findings,
    message_with_resource,
    plural,
    severity_of,
)

_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_DIM = "\x1b[2m"
_SEVERITY_COLOR = {
    "critical": "\x1b[1;35m",  # bold magenta
    "high": "\x1b[31m",  # red
    "medium": "\x1b[33m",  # yellow
    "low": "\x1b[36m",  # cyan
}


def render(report: Report, *, color: bool = False) -> str:
    findings = all_findings(report)
    shown = active(findings)

    def paint(code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if color else text

    lines: list[str] = []
    previous_path: str | None = None
    for finding in shown:
        if previous_path is not None and finding.loc.path != previous_path:
            lines.append("")  # a blank line between files
        previous_path = finding.loc.path
        lines.append(_finding_line(report, finding, paint))
    if lines:
        lines.append("")
    for note in report.notes:
        lines.append(paint(_DIM, f"note: {note}"))
    lines.append(paint(_BOLD, summary(report, findings)))
    return "\n".join(lines) + "\n"


def _finding_line(report: Report, finding: Finding, paint: Callable[[str, str], str]) -> str:
    loc = finding.loc
    where = f"{loc.path}:{loc.line}:{loc.column}:" if loc.line > 0 else f"{loc.path}:"
    severity = severity_of(report, finding)
    label = severity if finding.certainty == "definite" else f"{severity}, possible"
    return (f"{paint(_BOLD, where)} {paint(_BOLD, finding.rule_id)} "
            f"{paint(_SEVERITY_COLOR.get(severity, ''), f'[{label}]')} "
            f"{_indent_continuation(message_with_resource(finding))}")


def _indent_continuation(message: str) -> str:
    """Keep a multi-line message visibly under its finding's line."""
    return "\n    ".join(message.splitlines()) if "\n" in message or "\r" in message else message


def summary(report: Report, findings: list[Finding] | None = None) -> str:
    """`Found 7 problems (2 critical, 3 high, 2 low) in 4 files; ...` or `No problems ...`."""
    if findings is None:
        findings = all_findings(report)
    shown = active(findings)
    suppressed = len(findings) - len(shown)
    unparsed = len({e.path for e in report.errors}
                   | {f.loc.path for f in findings if f.rule_id == PARSE_ERROR_RULE})
    tail: list[str] = []
    if unparsed:
        tail.append(f"{plural(unparsed, 'file')} could not be parsed")
    if suppressed:
        tail.append(f"{suppressed} suppressed")
    if not shown:
        text = f"No problems found in {plural(report.files_scanned, 'file')}"
        return text + "".join(f"; {part}" for part in tail) + "."
    counts = {severity: 0 for severity in SEVERITIES}
    for finding in shown:
        counts[severity_of(report, finding)] += 1
    by_severity = ", ".join(f"{n} {severity}" for severity, n in counts.items() if n)
    files = len({f.loc.path for f in shown})
    text = f"Found {plural(len(shown), 'problem')} ({by_severity}) in {plural(files, 'file')}"
    return text + "".join(f"; {part}" for part in tail) + "."
