"""What every output format needs: the findings to show, severities, suppression details."""

from __future__ import annotations

from typing import Any

from s3lint.model import Finding, LoadError
from s3lint.report import SEVERITIES, Report, finding_order, parse_error_finding
from s3lint.symbols import render

PARSE_ERROR_RULE = "S3000"
TOOL_NAME = "s3lint"
INFORMATION_URI = "https://github.com/s3lint/s3lint"

# What a suppression's kind (as the suppression pass names it) means in SARIF terms.
_EXTERNAL_KINDS = frozenset({"external", "config", "configuration", "baseline", "cli", "file"})


def rule_info(report: Report, rule_id: str) -> Any | None:
    """The catalogue entry for a rule, also for rules the report did not select (S3000)."""
    rule = report.rules.get(rule_id)
    if rule is None:
        from s3lint.catalog import CatalogError, load_catalog

        try:
            rule = load_catalog().get(rule_id)
        except (CatalogError, OSError):
            rule = None
    return rule


def severity_of(report: Report, finding: Finding) -> str:
    if finding.severity in SEVERITIES:
        return finding.severity
    rule = rule_info(report, finding.rule_id)
    return rule.severity if rule is not None else "medium"


def rule_name(report: Report, rule_id: str) -> str:
    rule = rule_info(report, rule_id)
    return rule.name if rule is not None else ""


def error_finding(error: LoadError) -> Finding:
    """The S3000 finding that stands for a file that could not be parsed."""
    return parse_error_finding(error)


def all_findings(report: Report) -> list[Finding]:
    """The report's findings plus an S3000 finding for each load error not already reported
    as one, in path, line, column, rule order.  Includes suppressed findings."""
    covered = {f.loc.path for f in report.findings if f.rule_id == PARSE_ERROR_RULE}
    extra = [error_finding(e) for e in report.errors if e.path not in covered]
    if not extra:
        return list(report.findings)
    return sorted(report.findings + extra, key=finding_order)



def active(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.suppression is None]


def display(text: Any) -> str:
    """A value as users should read it: symbols shown as `${name}`."""
    return render(text) if text is not None else ""


def message_with_resource(finding: Finding) -> str:
    """The message, followed by the resource in parentheses unless it already names it."""
    message = display(finding.message)
    resource = display(finding.resource)
    if resource and resource not in message and resource != finding.loc.path:
        return f"{message} ({resource})"
    return message


def suppression_info(suppression: Any) -> tuple[str, str]:
    """(SARIF kind, justification) for whatever the suppression pass stored.

    The kind is "inSource" for a comment or template metadata, "external" for a
    configuration file, command line or baseline."""
    if isinstance(suppression, str):
        return "inSource", suppression
    if isinstance(suppression, dict):
        kind = suppression.get("kind")
        justification = suppression.get("justification") or suppression.get("reason")
    else:
        kind = getattr(suppression, "kind", None)
        justification = (getattr(suppression, "justification", None)
                         or getattr(suppression, "reason", None))
    sarif_kind = "external" if str(kind or "").lower() in _EXTERNAL_KINDS else "inSource"
    return sarif_kind, display(justification) if justification else ""


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
