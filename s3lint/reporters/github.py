"""GitHub Actions workflow commands: each finding becomes an annotation on the PR diff.

    ::error file=site.yaml,line=14,col=9,endLine=14,endColumn=20,title=S3002 public-policy::...

Escaping follows @actions/core: data escapes `%`, CR and LF; property values also escape
`:` and `,`.
"""

from __future__ import annotations

from s3lint.model import Finding
from s3lint.report import Report
from s3lint.reporters._common import (
    active,
    all_findings,
    message_with_resource,
    rule_name,
    severity_of,
)

COMMAND = {"critical": "error", "high": "error", "medium": "warning", "low": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report, *, color: bool = False) -> str:
    lines = [annotation(report, f) for f in active(all_findings(report))]
    return "".join(line + "\n" for line in lines)


def annotation(report: Report, finding: Finding) -> str:
    severity = severity_of(report, finding)
    line, column, end_line, end_column = finding.loc.region()
    name = rule_name(report, finding.rule_id)
    title = f"{finding.rule_id} {name}".strip()
    properties = [("file", finding.loc.path.replace("\\", "/"))]
    if finding.loc.line > 0:
        properties += [("line", str(line)), ("col", str(column)),
                       ("endLine", str(end_line)), ("endColumn", str(end_column))]
    properties.append(("title", title))
    props = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    label = severity if finding.certainty == "definite" else f"{severity}, possible"
    message = f"[{label}] {message_with_resource(finding)}"
    return f"::{COMMAND[severity]} {props}::{escape_data(message)}"
