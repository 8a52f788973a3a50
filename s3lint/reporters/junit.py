"""JUnit XML, the format most CI systems show as a test report.

One `<testsuite>` per file.  Each finding is a `<testcase>` with a `<failure>`; a file that
could not be parsed is a `<testcase>` with an `<error>`; a suppressed finding is a
`<testcase>` marked `<skipped>`; a file without findings is one passing `<testcase>`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from s3lint.model import Finding
from s3lint.report import Report
from s3lint.reporters._common import (
    PARSE_ERROR_RULE,
    TOOL_NAME,
    all_findings,
    display,
    message_with_resource,
    rule_info,
    rule_name,
    severity_of,
    suppression_info,
)

# Characters XML 1.0 cannot carry, even escaped.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


def render(report: Report, *, color: bool = False) -> str:
    root = build(report)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def build(report: Report) -> ET.Element:
    by_path: dict[str, list[Finding]] = {}
    for finding in all_findings(report):
        by_path.setdefault(finding.loc.path, []).append(finding)
    clean_files = [p for p in getattr(report, "files", None) or [] if p not in by_path]

    suites = ET.Element("testsuites", name=TOOL_NAME)
    for path, findings in by_path.items():
        suite = _suite(suites, path)
        for finding in findings:
            _testcase(suite, report, finding)
    for path in clean_files:
        suite = _suite(suites, path)
        ET.SubElement(suite, "testcase", name="no problems", classname=clean(path), time="0")
    unnamed = report.files_scanned - len(by_path) - len(clean_files)
    if unnamed > 0 and not clean_files:
        # The report does not list the clean files by name: one passing case stands for them.
        suite = _suite(suites, TOOL_NAME)
        ET.SubElement(suite, "testcase", name=f"{unnamed} other files: no problems",
                      classname=TOOL_NAME, time="0")
    _count(suites, suites.findall("testsuite"))
    for suite in suites.findall("testsuite"):
        _count(suite, [suite])
    return suites


def _suite(parent: ET.Element, name: str) -> ET.Element:
    return ET.SubElement(parent, "testsuite", name=clean(name))


def _testcase(suite: ET.Element, report: Report, finding: Finding) -> None:
    loc = finding.loc
    resource = display(finding.resource)
    name = f"{finding.rule_id} {rule_name(report, finding.rule_id)}".strip()
    name += f" at line {loc.line}" if loc.line > 0 else ""
    name += f" ({resource})" if resource else ""
    case = ET.SubElement(suite, "testcase", name=clean(name), classname=clean(loc.path),
                         file=clean(loc.path), time="0")
    if loc.line > 0:
        case.set("line", str(loc.line))
    severity = severity_of(report, finding)
    message = clean(message_with_resource(finding))
    if finding.suppression is not None:
        _, justification = suppression_info(finding.suppression)
        skipped = f"suppressed: {justification}" if justification else "suppressed"
        ET.SubElement(case, "skipped", message=clean(skipped))
        return
    details = f"{loc.path}:{loc.line}:{loc.column}: {finding.rule_id} [{severity}] {message}"
    rule = rule_info(report, finding.rule_id)
    if rule is not None:
        details += f"\n{rule.title}.\nSee {rule.help_uri}"
    tag = "error" if finding.rule_id == PARSE_ERROR_RULE else "failure"
    element = ET.SubElement(case, tag, message=message, type=f"{finding.rule_id} {severity}")
    element.text = clean(details)


def _count(element: ET.Element, suites: list[ET.Element]) -> None:
    cases = [case for suite in suites for case in suite.findall("testcase")]
    element.set("tests", str(len(cases)))
    element.set("failures", str(sum(1 for c in cases if c.find("failure") is not None)))
    element.set("errors", str(sum(1 for c in cases if c.find("error") is not None)))
    element.set("skipped", str(sum(1 for c in cases if c.find("skipped") is not None)))
    element.set("time", "0")
