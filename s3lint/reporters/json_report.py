"""Machine-readable output with a stable, versioned schema (see docs/output-formats.md).

Fields are only ever added within a `version`; removing or changing one bumps it.
"""

from __future__ import annotations

from typing import Any

from s3lint.model import Finding
from s3lint.report import SEVERITIES, Report
from s3lint.reporters._common import (
    INFORMATION_URI,
    PARSE_ERROR_RULE,
    TOOL_NAME,
    active,
    all_findings,
    display,
    rule_name,
    severity_of,
    suppression_info,
)
from s3lint.reporters._json import dumps_indented
from s3lint.reporters.fingerprint import finding_fingerprint

SCHEMA_VERSION = 1


def render(report: Report, *, color: bool = False) -> str:
    return dumps_indented(build(report)) + "\n"


def build(report: Report) -> dict[str, Any]:
    findings = all_findings(report)
    shown = active(findings)
    by_severity = {severity: 0 for severity in SEVERITIES}
    for finding in shown:
        by_severity[severity_of(report, finding)] += 1
    unparsed = {e.path for e in report.errors} | {
        f.loc.path for f in findings if f.rule_id == PARSE_ERROR_RULE}
    return {
        "version": SCHEMA_VERSION,
        "tool": {"name": TOOL_NAME, "version": report.version, "information_uri": INFORMATION_URI},
        "root": report.root,
        "findings": [_finding(report, f) for f in findings],
        "errors": [
            {"path": e.path, "line": e.line, "column": e.column, "message": e.message}
            for e in report.errors
        ],
        "notes": list(report.notes),
        "summary": {
            "files_scanned": report.files_scanned,
            "files_with_problems": len({f.loc.path for f in shown}),
            "files_not_parsed": len(unparsed),
            "problems": len(shown),
            "suppressed": len(findings) - len(shown),
            "by_severity": by_severity,
        },
    }


def _finding(report: Report, finding: Finding) -> dict[str, Any]:
    line, column, end_line, end_column = finding.loc.region()
    suppressed = None
    if finding.suppression is not None:
        kind, justification = suppression_info(finding.suppression)
        suppressed = {"kind": kind, "justification": justification}
    return {
        "rule_id": finding.rule_id,
        "rule_name": rule_name(report, finding.rule_id),
        "severity": severity_of(report, finding),
        "certainty": finding.certainty,
        "message": display(finding.message),
        "path": finding.loc.path,
        "line": line,
        "column": column,
        "end_line": end_line,
        "end_column": end_column,
        "resource": display(finding.resource),
        "fingerprint": finding_fingerprint(finding),
        "suppressed": suppressed,
    }
