"""What a scan hands to the reporters."""

from __future__ import annotations

from typing import Any

from s3lint.model import Finding, LoadError
from s3lint.records import Record
from s3lint.source import Location

SEVERITIES = ("critical", "high", "medium", "low")  # most severe first


def severity_rank(severity: str) -> int:
    """0 for critical ... 3 for low: lower is more severe."""
    return SEVERITIES.index(severity)


class Report(Record):
    """A plain class (see s3lint/records.py): a dataclass costs every run's start-up."""

    __slots__ = ("findings", "errors", "rules", "root", "files_scanned", "version", "notes", "files")

    def __init__(
        self,
        findings: list[Finding],
        errors: list[LoadError],
        rules: dict[str, Any],
        root: str,
        files_scanned: int = 0,
        version: str = "",
        notes: list[str] | None = None,
        files: list[str] | None = None,
    ) -> None:
        self.findings = findings  # sorted by path, line, column, rule; severity always set
        self.errors = errors  # files that could not be read or parsed (also S3000 findings)
        self.rules = rules  # rule id -> catalog.RuleInfo, for every rule that was selected
        self.root = root  # absolute folder that finding paths are relative to
        self.files_scanned = files_scanned
        self.version = version
        self.notes: list[str] = [] if notes is None else notes
        self.files: list[str] = [] if files is None else files  # display paths of every file read

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
