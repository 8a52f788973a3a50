"""Machine-readable output with a stable, versioned schema (see docs/output-formats.md).

Fields are only ever added within a `version`; removing or changing one bumps it.
"""

from __future__ import annotations

from collections.abc import Iterator
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
from s3lint.reporters._json import (
    dumps_indented,
    encode_basestring,
    with_list_in_pieces,
)
from s3lint.reporters.fingerprint import finding_fingerprint

SCHEMA_VERSION = 1


def render(report: Report, *, color: bool = False) -> str:
    return "".join(render_pieces(report))


def render_pieces(report: Report) -> Iterator[str]:
    """What `render` returns, in pieces that join into it: a report of 90,000 findings is
    55 MB of text, written out as it is made instead of held whole.  The text is
    `json.dumps(build(report), indent=2, ensure_ascii=False)`: the findings are written by
    `_finding_text` (its fields as `_finding` makes them, without the dict), the rest of the
    document by `dumps_indented`."""
    findings = all_findings(report)
    text = dumps_indented(build(report, findings, with_findings=False)) + "\n"
    names = {rule_id: encode_basestring(rule_name(report, rule_id)) for rule_id in {f.rule_id for f in findings}}
    yield from with_list_in_pieces(text, "findings", 1, (_finding_text(report, finding, names) for finding in findings))


def build(report: Report, findings: list[Finding] | None = None, *, with_findings: bool = True) -> dict[str, Any]:
    """The document; without its findings (an empty list), for `render_pieces`."""
    if findings is None:
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
        "findings": [_finding(report, f) for f in findings] if with_findings else [],
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


# One finding as `json.dumps(_finding(...), indent=2)` writes it inside the findings list.
_FINDING_TEXT = (
    "\n    {\n"
    '      "rule_id": %s,\n'
    '      "rule_name": %s,\n'
    '      "severity": %s,\n'
    '      "certainty": %s,\n'
    '      "message": %s,\n'
    '      "path": %s,\n'
    '      "line": %s,\n'
    '      "column": %s,\n'
    '      "end_line": %s,\n'
    '      "end_column": %s,\n'
    '      "resource": %s,\n'
    '      "fingerprint": %s,\n'
    '      "suppressed": %s\n'
    "    }"
)
_SUPPRESSED_TEXT = '{\n        "kind": %s,\n        "justification": %s\n      }'


def _finding_text(report: Report, finding: Finding, names: dict[str, str]) -> str:
    """`_finding`'s dict as JSON text, indented for its place, without building the dict."""
    line, column, end_line, end_column = finding.loc.region()
    rule_id, certainty, path = finding.rule_id, finding.certainty, finding.loc.path
    message, resource = display(finding.message), display(finding.resource)
    if not (
        type(rule_id) is str and type(certainty) is str and type(path) is str  # not a subclass
        and type(line) is int and type(column) is int and type(end_line) is int and type(end_column) is int
    ):
        # another type (a bool, a float) is written as json writes it
        text = dumps_indented(_finding(report, finding))
        return "\n    " + text.replace("\n", "\n    ")
    suppressed = "null"
    if finding.suppression is not None:
        kind, justification = suppression_info(finding.suppression)
        suppressed = _SUPPRESSED_TEXT % (encode_basestring(kind), encode_basestring(justification))
    return _FINDING_TEXT % (
        encode_basestring(rule_id),
        names[rule_id],
        encode_basestring(severity_of(report, finding)),
        encode_basestring(certainty),
        encode_basestring(message),
        encode_basestring(path),
        line,
        column,
        end_line,
        end_column,
        encode_basestring(resource),
        encode_basestring(finding_fingerprint(finding)),
        suppressed,
    )
