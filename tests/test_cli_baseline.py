"""Baselines through the real command: write, then report only new findings, across edits
that move the old findings to other lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_cli import active_ids, assert_one_line_error, copy_fixture, run_s3lint

NEW_BUCKET = """
  Uploads:
    Type: AWS::S3::Bucket
    Properties:
      AccessControl: PublicReadWrite
"""


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    copy_fixture("templates/public-site.yaml", tmp_path)
    return tmp_path


def test_write_baseline_records_every_active_finding(project: Path) -> None:
    before = run_s3lint("--format", "json", ".", cwd=project)
    result = run_s3lint("--write-baseline", "baseline.json", ".", cwd=project)
    assert result.returncode == 0
    assert result.stdout == ""
    assert result.stderr.strip() == "s3lint: wrote 7 findings to the baseline baseline.json"
    data = json.loads((project / "baseline.json").read_text(encoding="utf-8"))
    assert data["version"] == 1 and data["tool"] == "s3lint"
    recorded = {(e["path"], e["rule_id"]) for e in data["findings"]}
    assert recorded == {(path, rule) for path, _, rule in active_ids(before)}
    assert all(len(e["fingerprint"]) == 32 and "line" not in e for e in data["findings"])


def test_round_trip_across_a_line_shift(project: Path) -> None:
    assert run_s3lint("--write-baseline", "baseline.json", ".", cwd=project).returncode == 0
    unchanged = run_s3lint("--baseline", "baseline.json", ".", cwd=project)
    assert unchanged.returncode == 0
    assert "note: 7 findings are in the baseline baseline.json and not shown" in unchanged.stdout
    assert "No problems found in" in unchanged.stdout

    # Move every old finding down by four lines and add a new public bucket.
    template = project / "public-site.yaml"
    text = template.read_text(encoding="utf-8")
    text = text.replace("Resources:\n", "# Edited:\n# a comment block that\n# moves everything\n\nResources:\n", 1)
    template.write_text(text + NEW_BUCKET, encoding="utf-8")
    shifted = run_s3lint("--format", "json", "--baseline", "baseline.json", ".", cwd=project)
    assert shifted.returncode == 1
    new = active_ids(shifted)
    assert {rule for _, _, rule in new} >= {"S3001", "S3003", "S3040"}
    assert all(line >= 26 for _, line, _ in new), new  # only the Uploads bucket, which starts at line 26
    assert json.loads(shifted.stdout)["notes"] == ["7 findings are in the baseline baseline.json and not shown"]


def test_fixed_findings_make_baseline_entries_stale(project: Path) -> None:
    copy_fixture("terraform-vars", project)
    run_s3lint("--write-baseline", "baseline.json", ".", cwd=project)
    template = project / "public-site.yaml"
    template.write_text(template.read_text(encoding="utf-8").replace("Status: Suspended", "Status: Enabled"), encoding="utf-8")
    result = run_s3lint("--baseline", "baseline.json", ".", cwd=project)
    assert "note: 1 baseline entry matches nothing any more: rewrite it with --write-baseline baseline.json" in result.stdout
    # A scan of another file does not call the template's entries stale.
    other = run_s3lint("--baseline", "baseline.json", "terraform-vars", cwd=project)
    assert "matches nothing" not in other.stdout


def test_counts_occurrences_of_one_fingerprint(project: Path) -> None:
    # The same finding twice in one file: a baseline with one copy leaves one new finding.
    single = project / "single"
    single.mkdir()
    (single / "t.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "acme-b"\n}\n', encoding="utf-8")
    run_s3lint("--select", "S3040", "--write-baseline", "baseline.json", "single", cwd=project)
    data = json.loads((project / "baseline.json").read_text(encoding="utf-8"))
    assert len(data["findings"]) == 1
    data["findings"] = data["findings"] * 2
    (project / "baseline.json").write_text(json.dumps(data), encoding="utf-8")
    result = run_s3lint("--select", "S3040", "--baseline", "baseline.json", "single", cwd=project)
    assert result.returncode == 0
    assert "1 baseline entry matches nothing any more" in result.stdout


def test_baseline_from_the_configuration_is_relative_to_it(project: Path) -> None:
    (project / "ci").mkdir()
    assert run_s3lint("--write-baseline", "ci/baseline.json", ".", cwd=project).returncode == 0
    assert run_s3lint(".", cwd=project).returncode == 1
    (project / "ci" / ".s3lint.yaml").write_text("baseline: baseline.json\n", encoding="utf-8")
    result = run_s3lint("--config", "ci/.s3lint.yaml", ".", cwd=project)
    assert result.returncode == 0, result.stdout
    assert "7 findings are in the baseline" in result.stdout


def test_suppressed_findings_are_not_written(tmp_path: Path) -> None:
    copy_fixture("templates/private-data.yaml", tmp_path)
    result = run_s3lint("--write-baseline", "baseline.json", ".", cwd=tmp_path)
    assert result.stderr.strip() == "s3lint: wrote 0 findings to the baseline baseline.json"


def test_writing_a_baseline_ignores_the_one_in_use(project: Path) -> None:
    (project / ".s3lint.yaml").write_text("baseline: old.json\n", encoding="utf-8")
    (project / "old.json").write_text('{"version": 1, "tool": "s3lint", "findings": []}', encoding="utf-8")
    run_s3lint("--write-baseline", "old.json", ".", cwd=project)
    assert len(json.loads((project / "old.json").read_text(encoding="utf-8"))["findings"]) == 7
    assert run_s3lint(".", cwd=project).returncode == 0


@pytest.mark.parametrize(
    "text,fragment",
    [
        ("not json", "baseline.json:1: baseline is not valid JSON"),
        ('{"version": 9, "findings": []}', "not an s3lint baseline"),
        ('{"version": 1, "findings": [{"rule_id": "S3002"}]}', "baseline entry 1 has no fingerprint"),
    ],
)
def test_a_bad_baseline_is_a_clear_error(project: Path, text: str, fragment: str) -> None:
    (project / "baseline.json").write_text(text, encoding="utf-8")
    assert_one_line_error(run_s3lint("--baseline", "baseline.json", ".", cwd=project), fragment)


def test_a_missing_baseline_is_a_clear_error(project: Path) -> None:
    assert_one_line_error(run_s3lint("--baseline", "nope.json", ".", cwd=project), "cannot read baseline nope.json")
