"""Each output format through the real command, checked against the format it claims.

* github: GitHub Actions workflow commands (`::error file=...,line=...::message`), parsed
  with the escaping rules of @actions/core;
* junit: the JUnit XML structure that Jenkins, GitLab and Azure DevOps read (junit-10.xsd:
  element nesting, required attributes, counts that add up);
* sarif: the OASIS SARIF 2.1.0 schema;
* json, text and --statistics.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote

import pytest

from tests.test_cli import copy_fixture, json_findings, run_s3lint

REPO = Path(__file__).resolve().parent.parent
SARIF_SCHEMA = REPO / "tests" / "schemas" / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Findings of every severity, a suppressed one, a parse error, a clean file, and a
    Terraform module: what every format has to show."""
    root = tmp_path_factory.mktemp("formats")
    copy_fixture("templates/public-site.yaml", root)
    copy_fixture("templates/broken.yaml", root)
    copy_fixture("policies/deny-plain-http.json", root)
    copy_fixture("suppressions/terraform", root)
    return root


@pytest.fixture(scope="module")
def reference(project: Path) -> list[dict]:
    """The findings, as the JSON format reports them."""
    result = run_s3lint("--format", "json", ".", cwd=project)
    assert result.returncode == 2  # broken.yaml
    return json_findings(result)


def _active(findings: list[dict]) -> list[dict]:
    return [f for f in findings if f["suppressed"] is None]


# ---------------------------------------------------------------------------------------
# github
# ---------------------------------------------------------------------------------------

_COMMAND = re.compile(r"^::(?P<command>[a-z-]+)(?: (?P<properties>[^:]*))?::(?P<data>.*)$")
_ANNOTATION_PROPERTIES = {"title", "file", "line", "col", "endLine", "endColumn"}


def _unescape_data(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def _unescape_property(text: str) -> str:
    return _unescape_data(text.replace("%3A", ":").replace("%2C", ","))


def parse_workflow_command(line: str) -> tuple[str, dict[str, str], str]:
    """(command, properties, message) of one workflow command, as the Actions runner reads it."""
    match = _COMMAND.match(line)
    assert match, f"not a workflow command: {line!r}"
    properties: dict[str, str] = {}
    for item in (match.group("properties") or "").split(","):
        key, sep, value = item.partition("=")
        assert sep and key in _ANNOTATION_PROPERTIES, f"bad property {item!r} in {line!r}"
        properties[key] = _unescape_property(value)
    return match.group("command"), properties, _unescape_data(match.group("data"))


def test_github_annotations_are_valid_workflow_commands(project: Path, reference: list[dict]) -> None:
    result = run_s3lint("--format", "github", ".", cwd=project)
    assert result.returncode == 2
    lines = result.stdout.splitlines()
    assert len(lines) == len(_active(reference))
    expected_command = {"critical": "error", "high": "error", "medium": "warning", "low": "notice"}
    by_place = {(f["path"], f["line"], f["rule_id"]): f for f in _active(reference)}
    for line in lines:
        command, properties, message = parse_workflow_command(line)
        rule_id = properties["title"].split()[0]
        finding = by_place[(properties["file"], int(properties["line"]), rule_id)]
        assert command == expected_command[finding["severity"]]
        assert (project / properties["file"]).is_file()
        assert int(properties["col"]) == finding["column"]
        assert int(properties["endLine"]) >= int(properties["line"])
        assert properties["title"] == f"{rule_id} {finding['rule_name']}"
        assert message.startswith(f"[{finding['severity']}] ") and finding["message"] in message
        assert "\n" not in line


def test_github_escapes_what_the_runner_would_misread() -> None:
    from s3lint.model import Finding
    from s3lint.report import Report
    from s3lint.reporters.github import render
    from s3lint.source import Location

    finding = Finding("S3002", "100% public,\nreally: yes", Location("a,b:c.yaml", 3, 5), "Site", severity="high")
    line = render(Report([finding], [], {}, ".")).strip()
    command, properties, message = parse_workflow_command(line)
    assert (command, properties["file"], message) == ("error", "a,b:c.yaml", "[high] 100% public,\nreally: yes (Site)")


# ---------------------------------------------------------------------------------------
# junit
# ---------------------------------------------------------------------------------------

_CHILDREN = {
    "testsuites": {"testsuite"},
    "testsuite": {"testcase", "properties", "system-out", "system-err"},
    "testcase": {"failure", "error", "skipped", "system-out", "system-err"},
}
_REQUIRED = {"testsuite": {"name", "tests"}, "testcase": {"name", "classname"}, "failure": {"type"},
             "error": {"type"}}


def _check_junit_structure(root: ET.Element) -> None:
    assert root.tag == "testsuites"
    for element in root.iter():
        for child in element:
            assert child.tag in _CHILDREN.get(element.tag, set()), f"<{child.tag}> inside <{element.tag}>"
        missing = _REQUIRED.get(element.tag, set()) - set(element.attrib)
        assert not missing, f"<{element.tag}> lacks {missing}"
        for counter in ("tests", "failures", "errors", "skipped"):
            if counter in element.attrib:
                assert element.get(counter, "").isdigit()
    for suite in [root, *root.findall("testsuite")]:
        cases = list(suite.iter("testcase"))
        assert int(suite.get("tests", "-1")) == len(cases)
        for kind, counter in (("failure", "failures"), ("error", "errors"), ("skipped", "skipped")):
            assert int(suite.get(counter, "-1")) == sum(1 for c in cases if c.find(kind) is not None)


def test_junit_is_a_valid_report_with_one_case_per_finding(project: Path, reference: list[dict]) -> None:
    result = run_s3lint("--format", "junit", ".", cwd=project)
    assert result.returncode == 2
    assert result.stdout.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(result.stdout)
    _check_junit_structure(root)
    suites = {suite.get("name"): suite for suite in root.findall("testsuite")}
    assert set(suites) == {"public-site.yaml", "broken.yaml", "deny-plain-http.json", "terraform/main.tf"}
    failures = [c for c in root.iter("testcase") if c.find("failure") is not None]
    assert len(failures) == len([f for f in _active(reference) if f["rule_id"] != "S3000"])
    [error] = [c for c in root.iter("testcase") if c.find("error") is not None]
    assert error.get("classname") == "broken.yaml" and error.get("line") == "7"
    skipped = [c for c in root.iter("testcase") if c.find("skipped") is not None]
    assert len(skipped) == len(reference) - len(_active(reference))
    [clean] = suites["deny-plain-http.json"].findall("testcase")
    assert clean.find("failure") is None and clean.get("name") == "no problems"
    site = suites["public-site.yaml"]
    s3002 = [c for c in site.findall("testcase") if c.get("name").startswith("S3002 public-policy at line 21")]
    assert len(s3002) == 1 and s3002[0].find("failure").get("type") == "S3002 high"


# ---------------------------------------------------------------------------------------
# sarif and json
# ---------------------------------------------------------------------------------------


def test_sarif_is_valid_and_matches_the_findings(project: Path, reference: list[dict]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    result = run_s3lint("--format", "sarif", ".", cwd=project)
    assert result.returncode == 2
    log = json.loads(result.stdout)
    jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))).validate(log)
    [run] = log["runs"]
    places = {
        (unquote(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]),
         r["locations"][0]["physicalLocation"]["region"]["startLine"], r["ruleId"])
        for r in run["results"]
    }
    assert places == {(f["path"], f["line"], f["rule_id"]) for f in reference}
    assert run["invocations"][0]["executionSuccessful"] is False  # broken.yaml


def test_json_summary_adds_up(project: Path, reference: list[dict]) -> None:
    report = json.loads(run_s3lint("--format", "json", ".", cwd=project).stdout)
    summary = report["summary"]
    assert summary["problems"] == len(_active(reference))
    assert summary["suppressed"] == len(reference) - len(_active(reference)) == 5
    assert summary["files_not_parsed"] == 1 and report["errors"][0]["path"] == "broken.yaml"
    assert sum(summary["by_severity"].values()) == summary["problems"]


# ---------------------------------------------------------------------------------------
# text and --statistics
# ---------------------------------------------------------------------------------------


def test_text_colour_only_when_asked(project: Path) -> None:
    plain = run_s3lint("public-site.yaml", cwd=project).stdout
    assert "\x1b[" not in plain
    coloured = run_s3lint("--color", "always", "public-site.yaml", cwd=project).stdout
    assert "\x1b[31m[high]\x1b[0m" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain


def test_statistics_counts_per_rule(project: Path, reference: list[dict]) -> None:
    result = run_s3lint("--statistics", ".", cwd=project)
    assert result.returncode == 2
    *rows, summary = result.stdout.strip().splitlines()
    counts: dict[str, int] = {}
    for f in _active(reference):
        counts[f["rule_id"]] = counts.get(f["rule_id"], 0) + 1
    parsed = {}
    for row in rows:
        count, rule_id, severity, name = row.split()
        parsed[rule_id] = int(count)
    assert parsed == counts
    assert [int(row.split()[0]) for row in rows] == sorted(counts.values(), reverse=True)
    assert summary.startswith(f"Found {len(_active(reference))} problems")


def test_statistics_as_json(project: Path, reference: list[dict]) -> None:
    rows = json.loads(run_s3lint("--statistics", "--format", "json", ".", cwd=project).stdout)
    assert sum(row["count"] for row in rows) == len(_active(reference))
    s3040 = next(row for row in rows if row["rule_id"] == "S3040")
    assert s3040["name"] == "versioning-disabled"
    assert s3040["count"] == sum(1 for f in _active(reference) if f["rule_id"] == "S3040")


def test_statistics_refuses_formats_it_cannot_print(project: Path) -> None:
    result = run_s3lint("--statistics", "--format", "junit", ".", cwd=project)
    assert result.returncode == 2 and "--statistics prints text or json" in result.stderr
