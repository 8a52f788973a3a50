"""Custom YAML rules (`--rules-dir`, `rules-dir`) through the real command, good and bad."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_cli import active_ids, assert_one_line_error, copy_fixture, json_findings, run_s3lint


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    copy_fixture("custom-rules", tmp_path)
    return tmp_path / "custom-rules"


def test_require_forbid_and_when(project: Path) -> None:
    result = run_s3lint("--format", "json", "--rules-dir", "org-rules", "--select", "ORG", "templates", cwd=project)
    assert result.returncode == 1
    assert active_ids(result) == {
        ("templates/buckets.yaml", 12, "ORG001"),  # Untagged has no DataClassification tag
        ("templates/buckets.yaml", 16, "ORG002"),  # located at the offending AccessControl value
    }
    messages = {f["rule_id"]: f["message"] for f in json_findings(result)}
    assert messages == {
        "ORG001": "Untagged has no DataClassification tag",
        "ORG002": "Untagged (acme-untagged) uses a public canned ACL",
    }
    severities = {f["rule_id"]: f["severity"] for f in json_findings(result)}
    assert severities == {"ORG001": "medium", "ORG002": "critical"}
    # ORG003 is opt-in (default: false): only its exact id turns it on.
    result = run_s3lint("--format", "json", "--rules-dir", "org-rules", "--select", "ORG,ORG003", "templates", cwd=project)
    assert ("templates/buckets.yaml", 5, "ORG003") in active_ids(result)  # Tagged: confidential, not versioned


def test_custom_rules_run_beside_the_built_in_ones(project: Path) -> None:
    result = run_s3lint("--format", "json", "--rules-dir", "org-rules", "templates", cwd=project)
    rules = {rule for _, _, rule in active_ids(result)}
    assert {"ORG001", "ORG002", "S3001", "S3040"} <= rules and "ORG003" not in rules


def test_rules_dir_in_the_configuration_is_relative_to_it(project: Path) -> None:
    (project / "templates" / ".s3lint.yaml").write_text(
        "rules-dir: [../org-rules]\nselect: [ORG001]\nseverity: {bucket-data-classification: high}\n", encoding="utf-8"
    )
    result = run_s3lint("--format", "json", ".", cwd=project / "templates")
    assert [(f["rule_id"], f["severity"]) for f in json_findings(result)] == [("ORG001", "high")]


def test_list_rules_and_explain_know_custom_rules(project: Path) -> None:
    listed = json.loads(run_s3lint("--rules-dir", "org-rules", "--list-rules", "--format", "json", cwd=project).stdout)
    custom = {row["id"]: row for row in listed if not row["id"].startswith("S3")}
    assert set(custom) == {"ORG001", "ORG002", "ORG003"}
    assert custom["ORG003"]["default"] is False and custom["ORG002"]["severity"] == "critical"
    page = run_s3lint("--rules-dir", "org-rules", "--explain", "ORG001", cwd=project).stdout
    assert page.startswith("# bucket-data-classification (ORG001)\n")
    assert "Untagged buckets fall outside the data-protection reviews." in page
    assert "- [Tagging S3 buckets](https://docs.aws.amazon.com/" in page


def test_custom_findings_can_be_suppressed_and_are_in_sarif(project: Path) -> None:
    template = project / "templates" / "buckets.yaml"
    template.write_text(template.read_text(encoding="utf-8").replace(
        "  Untagged:\n", "  Untagged:  # s3lint: ignore[ORG001] tagged by the account baseline\n"), encoding="utf-8")
    result = run_s3lint("--format", "sarif", "--rules-dir", "org-rules", "--select", "ORG", "templates", cwd=project)
    run = json.loads(result.stdout)["runs"][0]
    suppressed = {r["ruleId"]: r.get("suppressions") for r in run["results"]}
    assert suppressed["ORG001"] == [{"kind": "inSource", "justification": "tagged by the account baseline"}]
    assert suppressed["ORG002"] is None
    described = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert described["ORG002"]["shortDescription"]["text"] == "Buckets must not use a public canned ACL"


def test_terraform_and_possible_findings(tmp_path: Path) -> None:
    copy_fixture("custom-rules/org-rules", tmp_path)
    module = tmp_path / "tf"
    module.mkdir()
    (module / "main.tf").write_text(
        'variable "class" {\n  type = string\n}\n\n'
        'resource "aws_s3_bucket" "known" {\n  bucket = "acme-known"\n  tags = { DataClassification = "internal" }\n}\n\n'
        'resource "aws_s3_bucket" "unknown" {\n  bucket = "acme-unknown"\n  tags = { DataClassification = var.class }\n}\n',
        encoding="utf-8",
    )
    args = ("--format", "json", "--rules-dir", "org-rules", "--select", "ORG001", "tf")
    assert active_ids(run_s3lint(*args, cwd=tmp_path)) == set()  # an unknown tag value is not a definite finding
    strict = json_findings(run_s3lint("--strict", *args, cwd=tmp_path))
    assert [(f["line"], f["certainty"]) for f in strict] == [(10, "possible")]


BAD_RULES = [
    ("id: ORG001\nname: x\n", "'title' is required and must be text"),
    ("- id: ORG001\n", "a custom rule must be a mapping"),
    ("id: ORG001\nname: a\ntitle: T\nseverity: high\nmessage: m\nrequire: '$.tags'\nforbid: '$.acl'\n", "give exactly one of 'require'"),
    ("id: ORG001\nname: a\ntitle: T\nseverity: high\nmessage: m\n", "give exactly one of 'require'"),
    ("id: ORG001\nname: a\ntitle: T\nseverity: high\nmessage: m\nrequire: '$.tags[['\n", "'require' is not a valid JSONPath expression"),
    ("id: ORG001\nname: a\ntitle: T\nseverity: high\nmessage: m\nrequire: '$.tagz.X'\n", "'require' refers to 'tagz', which a bucket does not have"),
    ("id: ORG001\nname: a\ntitle: T\nseverity: urgent\nmessage: m\nrequire: '$.tags'\n", "severity must be one of critical, high, medium, low"),
    ("id: S3999\nname: a\ntitle: T\nseverity: high\nmessage: m\nrequire: '$.tags'\n", "not S3xxx, which is reserved"),
    ("id: org1\nname: a\ntitle: T\nseverity: high\nmessage: m\nrequire: '$.tags'\n", "id 'org1' must be capital letters then 3 or more digits"),
    ("id: ORG001\nname: Not Kebab\ntitle: T\nseverity: high\nmessage: m\nrequire: '$.tags'\n", "must be kebab-case"),
    ("id: ORG001\nname: public-policy\ntitle: T\nseverity: high\nmessage: m\nrequire: '$.tags'\n", "name 'public-policy' is already used by rule S3002"),
    ("id: ORG001\nname: a\ntitle: T\nseverity: high\nmessage: m\nrequire: '$.tags'\nresource: queue\n", "resource must be one of bucket"),
    ("id: ORG001\nname: a\ntitle: T\nseverity: high\nmessage: m\nrequire: '$.tags'\nseverty: low\n", "unknown key 'severty'"),
    ("id: ORG001\nname: a\ntitle: T\nseverity: high\nmessage: '{bucket} is bad'\nrequire: '$.tags'\n", "'message' uses {bucket}"),
    ("id: ORG001\nname: a\ntitle: T\nseverity: high\nmessage: m\nrequire: {path: '$.acl.value', like: x}\n", "needs 'path' and exactly one of"),
    ("id: ORG001\nname: a\ntitle: T\nseverity: high\nmessage: m\nrequire: {path: '$.acl.value', matches: '('}\n", "'require.matches' is not a valid regular expression"),
    ("id: ORG001\nname: a\ntitle: T\nseverity: high\nmessage: m\nrequire: '$.tags'\ndefault: maybe\n", "'default' must be true or false"),
    ("id: ORG001\nname: [a\n", "custom rule is not valid YAML"),
]


@pytest.mark.parametrize("text,fragment", BAD_RULES, ids=[fragment[:40] for _, fragment in BAD_RULES])
def test_a_bad_custom_rule_is_a_clear_error(tmp_path: Path, text: str, fragment: str) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "bad.yaml").write_text(text, encoding="utf-8")
    result = run_s3lint("--rules-dir", "rules", ".", cwd=tmp_path)
    assert_one_line_error(result, "rules/bad.yaml", fragment)
    assert result.stdout == ""


def test_duplicate_ids_and_missing_folders(tmp_path: Path) -> None:
    copy_fixture("custom-rules/org-rules", tmp_path)
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "again.yaml").write_text(
        (tmp_path / "org-rules" / "org001-data-classification.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    result = run_s3lint("--rules-dir", "org-rules", "--rules-dir", "more", ".", cwd=tmp_path)
    assert_one_line_error(result, "more/again.yaml: id 'ORG001' is already used by org-rules/org001-data-classification.yaml")
    assert_one_line_error(run_s3lint("--rules-dir", "nowhere", ".", cwd=tmp_path), "nowhere: custom rules folder does not exist")
    (tmp_path / "empty").mkdir()
    assert_one_line_error(run_s3lint("--rules-dir", "empty", ".", cwd=tmp_path), "empty: no custom rules (*.yaml)")
