"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

Valid against the OASIS schema, and within what GitHub reads: one run, every selected rule
described (with `security-severity`, so results count as security alerts), repo-relative
URIs under `%SRCROOT%`, and `partialFingerprints` computed here so that API uploads track
alerts as well as the upload action does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
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
from s3lint.reporters._json import (
    dumps_indented,
    encode_basestring,
    with_list_in_pieces,
)
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
    return "".join(render_pieces(report, include_suppressed=include_suppressed))


def render_pieces(report: Report, *, include_suppressed: bool = True) -> Iterator[str]:
    """What `render` returns, in pieces that join into it, so that a big log is written out
    as it is made (see json_report.render_pieces): `json.dumps(build(report), indent=2,
    ensure_ascii=False)`, the results written by `_result_text`, the rest by `dumps_indented`."""
    findings = _shown(report, include_suppressed)
    text = dumps_indented(build(report, include_suppressed=include_suppressed, with_results=False)) + "\n"
    index = _rule_index(report, findings)
    files = _SourceFiles(report.root)
    texts = (_result_text(report, finding, index[finding.rule_id], files) for finding in findings)
    yield from with_list_in_pieces(text, "results", 3, texts)


def _shown(report: Report, include_suppressed: bool) -> list[Finding]:
    findings = all_findings(report)
    if not include_suppressed:
        findings = [f for f in findings if f.suppression is None]
    return findings


def _rule_index(report: Report, findings: list[Finding]) -> dict[str, int]:
    rule_ids = sorted(set(report.rules) | {f.rule_id for f in findings})
    return {rule_id: i for i, rule_id in enumerate(rule_ids)}


def build(report: Report, *, include_suppressed: bool = True, with_results: bool = True) -> dict[str, Any]:
    """The SARIF log.  `include_suppressed=False` leaves suppressed results out: GitHub code
    scanning ignores `suppressions` and would open alerts for them.  Without results (an
    empty list) for `render_pieces`."""
    findings = _shown(report, include_suppressed)
    index = _rule_index(report, findings)
    rules = [_descriptor(report, rule_id) for rule_id in index]
    files = _SourceFiles(report.root)
    results = [_result(report, f, index[f.rule_id], files) for f in findings] if with_results else []
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


def _indented(template: str) -> str:
    """A result's text as `dumps_indented` writes it on its own, at its place in the log:
    four levels in (runs, the run, results, the result)."""
    return template.replace("\n", "\n        ")


_RESULT_HEAD = _indented(
    '\n{\n  "ruleId": %s,\n  "ruleIndex": %d,\n  "level": %s,\n  "message": {\n    "text": %s\n  },\n'
    '  "locations": [\n    {\n      "physicalLocation": {\n        "artifactLocation": {\n          "uri": %s'
)
_URI_BASE = _indented(',\n          "uriBaseId": %s')
_REGION = _indented(
    '\n        },\n        "region": {\n          "startLine": %d,\n          "startColumn": %d,\n'
    '          "endLine": %d,\n          "endColumn": %d\n        }\n      }'
)
_LOGICAL = _indented(',\n      "logicalLocations": [\n        {\n          "name": %s,\n          "kind": "resource"\n        }\n      ]')
_FINGERPRINT = _indented('\n    }\n  ],\n  "partialFingerprints": {\n    "' + FINGERPRINT_KEY + '": %s')
_LINE_HASH = _indented(',\n    "primaryLocationLineHash": %s')
_PROPERTIES = _indented('\n  },\n  "properties": {\n    "severity": %s,\n    "certainty": %s\n  }')
_SUPPRESSION = _indented(',\n  "suppressions": [\n    {\n      "kind": %s')
_JUSTIFICATION = _indented(',\n      "justification": %s')
_SUPPRESSION_END = _indented("\n    }\n  ]")
_RESULT_END = _indented("\n}")


def _result_text(report: Report, finding: Finding, rule_index: int, files: _SourceFiles) -> str:
    """`_result`'s dict as JSON text, indented for its place, without building the dict."""
    result = _result(report, finding, rule_index, files)
    if not _plain_result(result):
        # another type somewhere (a bool line, a float): as json writes it
        return _indented("\n" + dumps_indented(result))
    location = result["locations"][0]
    physical = location["physicalLocation"]
    artifact = physical["artifactLocation"]
    region = physical["region"]
    parts = [
        _RESULT_HEAD % (
            encode_basestring(result["ruleId"]), rule_index, encode_basestring(result["level"]),
            encode_basestring(result["message"]["text"]), encode_basestring(artifact["uri"]),
        )
    ]
    if "uriBaseId" in artifact:
        parts.append(_URI_BASE % encode_basestring(artifact["uriBaseId"]))
    parts.append(_REGION % (region["startLine"], region["startColumn"], region["endLine"], region["endColumn"]))
    if "logicalLocations" in location:
        parts.append(_LOGICAL % encode_basestring(location["logicalLocations"][0]["name"]))
    fingerprints = result["partialFingerprints"]
    parts.append(_FINGERPRINT % encode_basestring(fingerprints[FINGERPRINT_KEY]))
    if "primaryLocationLineHash" in fingerprints:
        parts.append(_LINE_HASH % encode_basestring(fingerprints["primaryLocationLineHash"]))
    properties = result["properties"]
    parts.append(_PROPERTIES % (encode_basestring(properties["severity"]), encode_basestring(properties["certainty"])))
    if "suppressions" in result:
        suppression = result["suppressions"][0]
        parts.append(_SUPPRESSION % encode_basestring(suppression["kind"]))
        if "justification" in suppression:
            parts.append(_JUSTIFICATION % encode_basestring(suppression["justification"]))
        parts.append(_SUPPRESSION_END)
    parts.append(_RESULT_END)
    return "".join(parts)


def _plain_result(result: dict[str, Any]) -> bool:
    """Whether every value `_result_text` writes is a string, or an int where it writes one."""
    location = result["locations"][0]
    region = location["physicalLocation"]["region"]
    texts = [result["ruleId"], result["level"], result["message"]["text"], result["properties"]["severity"],
             result["properties"]["certainty"], *location["physicalLocation"]["artifactLocation"].values(),
             *result["partialFingerprints"].values()]
    texts += [entry["name"] for entry in location.get("logicalLocations", ())]
    texts += [value for suppression in result.get("suppressions", ()) for value in suppression.values()]
    numbers = [result["ruleIndex"], *region.values()]
    return all(isinstance(text, str) for text in texts) and all(type(number) is int for number in numbers)


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
    uri, relative = _uri(path)
    return {"uri": uri, "uriBaseId": SRCROOT} if relative else {"uri": uri}


@lru_cache(maxsize=4096)  # a file's findings come together
def _uri(path: str) -> tuple[str, bool]:
    if path.startswith("/") or Path(path).is_absolute():
        return Path(path).as_uri(), False
    return quote(path, safe="/@+,;=!$&'()*~"), True


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
