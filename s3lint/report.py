"""What a scan hands to the reporters."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from s3lint.model import Finding, LoadError

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
