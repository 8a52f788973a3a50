"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

Valid against the OASIS schema, and within what GitHub reads: one run, every selected rule
described (with `security-severity`, so results count as security alerts), repo-relative
URIs under `%SRCROOT%`, and `partialFingerprints` computed here so that API uploads track
alerts as well as the upload action does.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from s3lint.model import Finding, LoadError
from s3lint.report import Report
from s3lint.reporters._common import (
    INFORMATION_URI,
    PARSE_ERROR_RULE,
    TOOL_NAME,
    all_findings,
    display,
    message_with_resource,
    rule_info,
    severity_of,
    suppression_info,
)
from s3lint.reporters._json import dumps_indented
from s3lint.reporters.fingerprint import (
    FINGERPRINT_KEY,
    LineHasher,
    finding_fingerprint,
)

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
AUTOMATION_ID = "s3lint/"  # category "s3lint", no run id

# GitHub maps security-severity > 9.0 to critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low;
# these scores sit well inside each band.
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "2.0"}
LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
MAX_DESCRIPTION = 1024
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_SEMVER = re.compile(r"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$")


def render(report: Report, *, color: bool = False, include_suppressed: bool = True) -> str:
    return dumps_indented(build(report, include_suppressed=include_suppressed)) + "\n"


def build(report: Report, *, include_suppressed: bool = True) -> dict[str, Any]:
    """The SARIF log.  `include_suppressed=False` leaves suppressed results out: GitHub code
    scanning ignores `suppressions` and would open alerts for them."""
    findings = all_findings(report)
    if not include_suppressed:
        findings = [f for f in findings if f.suppression is None]
    rule_ids = sorted(set(report.rules) | {f.rule_id for f in findings})
    rules = [_descriptor(report, rule_id) for rule_id in rule_ids]
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    files = _SourceFiles(report.root)
    results = [_result(report, f, index[f.rule_id], files) for f in findings]
    notifications = [_error_notification(e) for e in report.errors]
    notifications += [{"level": "note", "message": {"text": note}} for note in report.notes]
    invocation: dict[str, Any] = {"executionSuccessful": not report.errors}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    driver: dict[str, Any] = {"name": TOOL_NAME, "informationUri": INFORMATION_URI,
                              "rules": rules}
    if report.version:
        driver["version"] = report.version
        if _SEMVER.match(report.version):
            driver["semanticVersion"] = report.version
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "automationDetails": {"id": AUTOMATION_ID},
        "invocations": [invocation],
        "columnKind": "utf16CodeUnits",
        "results": results,  # always present: the upload action rejects a run without it
    }
    if report.root:
        run["originalUriBaseIds"] = {SRCROOT: {"uri": _directory_uri(report.root)}}
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _descriptor(report: Report, rule_id: str) -> dict[str, Any]:
    from s3lint.catalog import one_paragraph, rule_markdown, rule_text

    rule = rule_info(report, rule_id)
    if rule is None:  # a finding of a rule the catalogue does not know: describe it minimally
        text = f"{rule_id} (no description available)"
        return {"id": rule_id, "shortDescription": {"text": text},
                "fullDescription": {"text": text}, "help": {"text": text},
                "properties": {"tags": ["security"]}}
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": _limit(rule.title)},
        "fullDescription": {"text": _limit(one_paragraph(rule.what))},
        "help": {"text": rule_text(rule), "markdown": rule_markdown(rule)},
        "helpUri": rule.help_uri,
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {
            "tags": list(rule.tags[:10]),
            "precision": rule.precision,
            "security-severity": SECURITY_SEVERITY[rule.severity],
        },
    }


def _limit(text: str) -> str:
    return text if len(text) <= MAX_DESCRIPTION else text[: MAX_DESCRIPTION - 1] + "…"


def _result(report: Report, finding: Finding, rule_index: int, files: _SourceFiles) -> dict[str, Any]:
    severity = severity_of(report, finding)
    path = _posix(finding.loc.path)
    start_line, start_column, end_line, end_column = _region(finding)
    start_column = files.utf16_column(path, start_line, start_column)
    end_column = files.utf16_column(path, end_line, end_column)
    location: dict[str, Any] = {
        "physicalLocation": {
            "artifactLocation": _artifact(path),
            "region": {"startLine": start_line, "startColumn": start_column,
                       "endLine": end_line, "endColumn": end_column},
        }
    }
    resource = display(finding.resource)
    if resource:
        location["logicalLocations"] = [{"name": resource, "kind": "resource"}]
    fingerprints = {FINGERPRINT_KEY: finding_fingerprint(finding)}
    line_hash = files.line_hash(path, start_line)
    if line_hash:
        fingerprints["primaryLocationLineHash"] = line_hash
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": LEVEL[severity],
        "message": {"text": message_with_resource(finding) or finding.rule_id},
        "locations": [location],
        "partialFingerprints": fingerprints,
        "properties": {"severity": severity, "certainty": finding.certainty},
    }
    if finding.suppression is not None:
        kind, justification = suppression_info(finding.suppression)
        suppression: dict[str, Any] = {"kind": kind}
        if justification:
            suppression["justification"] = justification
        result["suppressions"] = [suppression]
    return result


def _region(finding: Finding) -> tuple[int, int, int, int]:
    """SARIF needs 1-based positions and an end after the start."""
    line, column, end_line, end_column = finding.loc.region()
    line, column = max(line, 1), max(column, 1)
    if end_line < line or (end_line == line and end_column <= column):
        end_line, end_column = line, column + 1
    return line, column, end_line, end_column


def _error_notification(error: LoadError) -> dict[str, Any]:
    return {
        "level": "error",
        "message": {"text": error.message},
        "descriptor": {"id": PARSE_ERROR_RULE},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": _artifact(_posix(error.path)),
                "region": {"startLine": max(error.line, 1), "startColumn": max(error.column, 1)},
            }
        }],
    }


def _artifact(path: str) -> dict[str, str]:
    """A repo-relative URI under %SRCROOT%; an absolute path (outside the root) as a file URI."""
    if path.startswith("/") or Path(path).is_absolute():
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(path, safe="/@+,;=!$&'()*~"), "uriBaseId": SRCROOT}


def _posix(path: str) -> str:
    return path.replace("\\", "/")


def _directory_uri(root: str) -> str:
    uri = Path(root).absolute().as_uri()
    return uri if uri.endswith("/") else uri + "/"


class _SourceFiles:
    """The scanned files, read at most once, for line hashes and UTF-16 columns."""

    def __init__(self, root: str) -> None:
        self._hasher = LineHasher(root or ".")
        self._wide_lines: dict[str, list[str] | None] = {}

    def line_hash(self, path: str, line: int) -> str | None:
        return self._hasher.get(path, line)

    def utf16_column(self, path: str, line: int, column: int) -> int:
        """Our columns count code points; SARIF's (columnKind utf16CodeUnits) count UTF-16
        units, which differ only after characters outside the Basic Multilingual Plane."""
        if path not in self._wide_lines:
            text = self._hasher.text(path)
            wide = text is not None and not text.isascii() and max(text) > "\uffff"
            self._wide_lines[path] = _LINE_BREAK.split(text) if text is not None and wide else None
        lines = self._wide_lines[path]
        if lines is None or not 1 <= line <= len(lines):
            return column
        prefix = lines[line - 1][: column - 1]
        return column + sum(1 for char in prefix if char > "\uffff")
