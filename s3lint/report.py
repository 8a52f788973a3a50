"""What a scan hands to the reporters."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from s3lint.model import Finding, LoadError
from s3lint.source import Location

SEVERITIES = ("critical", "high", "medium", "low")  # most severe first


def severity_rank(severity: str) -> int:
    """0 for critical ... 3 for low: lower is more severe."""
    return SEVERITIES.index(severity)


@dataclass(slots=True)
class Report:
    findings: list[Finding]  # sorted by path, line, column, rule; severity always set
    errors: list[LoadError]  # files that could not be read or parsed (also S3000 findings)
    rules: dict[str, Any]  # rule id -> catalog.RuleInfo, for every rule that was selected
    root: str  # absolute folder that finding paths are relative to
    files_scanned: int = 0
    version: str = ""
    notes: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # display paths of every file read

    def active(self) -> list[Finding]:
        return [f for f in self.findings if f.suppression is None]


def parse_error_finding(error: LoadError) -> Finding:
    """The S3000 finding that stands for a file that could not be read or parsed."""
    return Finding(
        rule_id="S3000",
        message=error.message,
        loc=Location(error.path, max(error.line, 1), max(error.column, 1)),
        resource=error.path,
        key=error.message,
    )


def finding_order(finding: Finding) -> tuple[str, int, int, str, str]:
    """The one order findings are reported in: file, line, column, rule, message."""
    return (finding.loc.path, finding.loc.line, finding.loc.column, finding.rule_id, finding.message)
