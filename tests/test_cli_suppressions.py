"""Every suppression form through the real command: used, unused, wrong id, unknown id.

Suppressed findings are never dropped: JSON marks them, SARIF carries `suppressions` with
kind inSource and the justification, JUnit shows them as skipped.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.test_cli import active_ids, copy_fixture, json_findings, run_s3lint


def _by_rule_and_line(findings: list[dict]) -> dict[tuple[int, str], dict]:
    return {(f["line"], f["rule_id"]): f for f in findings}


def _s3090(findings: list[dict]) -> dict[int, str]:
    return {f["line"]: f["message"] for f in findings if f["rule_id"] == "S3090"}


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    copy_fixture("suppressions", tmp_path)
    return tmp_path / "suppressions"


# ---------------------------------------------------------------------------------------
# YAML comments
# ---------------------------------------------------------------------------------------


def test_yaml_comments_above_the_resource_and_beside_the_attribute(project: Path) -> None:
    result = run_s3lint("--format", "json", "comments.yaml", cwd=project)
    findings = _by_rule_and_line(json_findings(result))
    above = findings[(6, "S3030")]  # `# s3lint: ignore[S3030] ...` on line 5, above `Assets:`
    assert above["suppressed"] == {"kind": "inSource", "justification": "access logs are shipped by the platform"}
    beside = findings[(10, "S3040")]  # trailing comment on `Status: Suspended`
    assert beside["suppressed"]["justification"] == "assets are rebuilt from git on every deploy"
    # Other rules on the same resource are not touched.
    assert findings[(6, "S3010")]["suppressed"] is None


def test_a_suppression_with_the_wrong_id_suppresses_nothing(project: Path) -> None:
    result = run_s3lint("--format", "json", "comments.yaml", cwd=project)
    findings = json_findings(result)
    archive = _by_rule_and_line(findings)[(13, "S3040")]  # the comment names S3041
    assert archive["suppressed"] is None
    assert 12 not in _s3090(findings)  # without --warn-unused-ignores it is not reported
    warned = _s3090(json_findings(run_s3lint("--format", "json", "--warn-unused-ignores", "comments.yaml", cwd=project)))
    assert warned[12] == "unused suppression: no S3041 finding here to suppress"


def test_an_unknown_rule_id_is_always_reported(project: Path) -> None:
    result = run_s3lint("--format", "json", "comments.yaml", cwd=project)
    assert _s3090(json_findings(result))[16] == "suppression names unknown rule S9999"
    assert result.returncode == 1
    quiet = run_s3lint("--format", "json", "--ignore", "S3090", "comments.yaml", cwd=project)
    assert not _s3090(json_findings(quiet))


def test_the_text_report_counts_suppressed_findings(project: Path) -> None:
    result = run_s3lint("comments.yaml", cwd=project)
    assert "S3030" not in result.stdout.split("comments.yaml:13")[0]  # Assets' S3030 not shown
    assert result.stdout.rstrip().endswith("in 1 file; 3 suppressed.")


def test_bad_suppressions_are_reported(project: Path) -> None:
    findings = json_findings(run_s3lint("--format", "json", "bad-forms.yaml", cwd=project))
    assert _s3090(findings) == {
        5: "suppression must name the rules it silences, e.g. '# s3lint: ignore[S3030] reason'",
        9: "suppression must name rule ids, not names: write S3040 instead of versioning-disabled",
        13: "not an s3lint suppression: '# s3lint: disable[S3040]'; write '# s3lint: ignore[S3030] reason'",
    }
    # none of them suppresses anything
    assert all(f["suppressed"] is None for f in findings)


# ---------------------------------------------------------------------------------------
# CloudFormation Metadata (JSON templates)
# ---------------------------------------------------------------------------------------


def test_metadata_in_a_json_template(project: Path) -> None:
    result = run_s3lint("--format", "sarif", "metadata.json", cwd=project)
    results = json.loads(result.stdout)["runs"][0]["results"]
    suppressed = {r["ruleId"]: r["suppressions"] for r in results if "suppressions" in r}
    assert suppressed == {"S3030": [{"kind": "inSource", "justification": "this bucket receives the access logs of the others"}]}
    assert {r["ruleId"] for r in results if "suppressions" not in r} >= {"S3010", "S3040"}


def test_unused_metadata_entries_are_reported_only_for_rules_that_ran(project: Path) -> None:
    findings = json_findings(run_s3lint("--format", "json", "--warn-unused-ignores", "metadata.json", cwd=project))
    # S3001 ran and found nothing: unused.  S3070 is opt-in and did not run: not judged.
    assert _s3090(findings) == {12: "unused suppression: no S3001 finding here to suppress"}
    selected = json_findings(run_s3lint("--format", "json", "--warn-unused-ignores", "--select", "S3030", "metadata.json", cwd=project))
    assert _s3090(selected) == {}


def test_metadata_in_a_yaml_template(project: Path) -> None:
    findings = _by_rule_and_line(json_findings(run_s3lint("--format", "json", "comments.yaml", cwd=project)))
    assert findings[(16, "S3010")]["suppressed"]["justification"] == "scratch data is not sensitive"
    assert findings[(16, "S3011")]["suppressed"] is None


# ---------------------------------------------------------------------------------------
# HCL comments
# ---------------------------------------------------------------------------------------


def test_hcl_comment_forms(project: Path) -> None:
    result = run_s3lint("--format", "json", "--warn-unused-ignores", "terraform", cwd=project)
    findings = _by_rule_and_line(json_findings(result))
    justification = {key: f["suppressed"]["justification"] for key, f in findings.items() if f["suppressed"]}
    assert justification == {
        (5, "S3030"): "access logs are shipped by the platform",  # `#` above the resource
        (12, "S3040"): "rebuilt from git",  # `//` on the first line of the versioning resource
        (16, "S3010"): "scratch data",  # on the resource line, two rules
        (16, "S3011"): "scratch data",
        (22, "S3001"): "public by design: a download mirror",  # `/* */` beside the attribute
    }
    assert not _s3090(list(findings.values()))
    assert findings[(16, "S3040")]["suppressed"] is None


# ---------------------------------------------------------------------------------------
# How each format shows suppressed findings
# ---------------------------------------------------------------------------------------


def test_sarif_include_or_omit_suppressed_results(project: Path) -> None:
    included = json.loads(run_s3lint("--format", "sarif", "comments.yaml", cwd=project).stdout)["runs"][0]["results"]
    omitted = json.loads(
        run_s3lint("--format", "sarif", "--sarif-suppressed", "omit", "comments.yaml", cwd=project).stdout
    )["runs"][0]["results"]
    marked = [r for r in included if "suppressions" in r]
    assert len(marked) == 3
    assert all(r["suppressions"][0]["kind"] == "inSource" and r["suppressions"][0]["justification"] for r in marked)
    assert len(omitted) == len(included) - 3 and not any("suppressions" in r for r in omitted)


def test_github_leaves_suppressed_findings_out_and_junit_skips_them(project: Path) -> None:
    github = run_s3lint("--format", "github", "comments.yaml", cwd=project).stdout
    shown = set(re.findall(r",line=(\d+),.*?,title=(S\d{4}) ", github))
    assert ("13", "S3040") in shown and ("6", "S3010") in shown
    assert ("6", "S3030") not in shown and ("10", "S3040") not in shown and ("16", "S3010") not in shown
    junit = ET.fromstring(run_s3lint("--format", "junit", "comments.yaml", cwd=project).stdout)
    skipped = [case.find("skipped").get("message") for case in junit.iter("testcase") if case.find("skipped") is not None]
    assert sorted(skipped) == sorted([
        "suppressed: access logs are shipped by the platform",
        "suppressed: assets are rebuilt from git on every deploy",
        "suppressed: scratch data is not sensitive",
    ])


def test_suppressed_findings_do_not_fail_the_run(tmp_path: Path) -> None:
    copy_fixture("templates/private-data.yaml", tmp_path)
    result = run_s3lint("--format", "json", "private-data.yaml", cwd=tmp_path)
    assert result.returncode == 0
    findings = json_findings(result)
    assert {f["rule_id"] for f in findings} == {"S3041"} and all(f["suppressed"] for f in findings)
    assert not active_ids(result)


def test_metadata_on_a_bucket_policy_covers_the_findings_located_in_it(tmp_path: Path) -> None:
    copy_fixture("templates/public-site.yaml", tmp_path)
    template = tmp_path / "public-site.yaml"
    template.write_text(template.read_text(encoding="utf-8").replace(
        "  SitePolicy:\n",
        "  SitePolicy:\n    Metadata:\n      s3lint:\n        ignore:\n          - id: S3002\n            reason: a public website\n",
    ), encoding="utf-8")
    findings = json_findings(run_s3lint("--format", "json", "--warn-unused-ignores", "public-site.yaml", cwd=tmp_path))
    suppressed = {(f["line"], f["rule_id"]): f["suppressed"]["justification"] for f in findings if f["suppressed"]}
    assert suppressed == {(26, "S3002"): "a public website"}
    assert not _s3090(findings)


def test_only_the_named_files_are_judged(tmp_path: Path) -> None:
    # pre-commit names one staged file; s3lint still reads its whole Terraform module, but
    # reports nothing about the other files, their suppressions included.
    module = tmp_path / "module"
    module.mkdir()
    (module / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "acme-b"\n}\n', encoding="utf-8")
    (module / "other.tf").write_text('# s3lint: ignore[S3040] nothing here\nlocals {\n  x = 1\n}\n', encoding="utf-8")
    whole = json_findings(run_s3lint("--format", "json", "--warn-unused-ignores", "module", cwd=tmp_path))
    assert [(f["path"], f["rule_id"]) for f in whole if f["rule_id"] == "S3090"] == [("module/other.tf", "S3090")]
    named = json_findings(run_s3lint("--format", "json", "--warn-unused-ignores", "module/main.tf", cwd=tmp_path))
    assert {f["path"] for f in named} == {"module/main.tf"}
