"""Configuration through the real command: discovery, every key, and clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_cli import active_ids, assert_one_line_error, copy_fixture, json_findings, run_s3lint


def _project(tmp_path: Path, config_name: str, config_text: str) -> Path:
    """A project folder with a configuration file and templates/public-site.yaml."""
    (tmp_path / config_name).write_text(config_text, encoding="utf-8")
    (tmp_path / "templates").mkdir()
    copy_fixture("templates/public-site.yaml", tmp_path / "templates")
    return tmp_path


def _rules(tmp_path: Path, cwd: Path, *args: str) -> set[str]:
    result = run_s3lint("--format", "sarif", *args, cwd=cwd)
    assert result.returncode in (0, 1), result.stderr
    return {rule["id"] for rule in json.loads(result.stdout)["runs"][0]["tool"]["driver"]["rules"]}


def test_pyproject_is_found_walking_up_from_the_current_folder(tmp_path: Path) -> None:
    _project(tmp_path, "pyproject.toml", '[project]\nname = "infra"\n\n[tool.s3lint]\nignore = ["S3030", "versioning-disabled"]\n')
    result = run_s3lint("--format", "json", ".", cwd=tmp_path / "templates")
    found = {rule for _, _, rule in active_ids(result)}
    assert "S3030" not in found and "S3040" not in found and "S3002" in found
    # --isolated ignores it
    result = run_s3lint("--isolated", "--format", "json", ".", cwd=tmp_path / "templates")
    assert {"S3030", "S3040"} <= {rule for _, _, rule in active_ids(result)}


def test_a_pyproject_without_our_table_is_passed_over_for_one_further_up(tmp_path: Path) -> None:
    _project(tmp_path, ".s3lint.yaml", "select: [S3002]\n")
    (tmp_path / "templates" / "pyproject.toml").write_text("[tool.ruff]\nline-length = 100\n", encoding="utf-8")
    assert _rules(tmp_path, tmp_path / "templates", ".") == {"S3002"}


def test_the_nearest_configuration_wins(tmp_path: Path) -> None:
    _project(tmp_path, ".s3lint.yaml", "select: [S3002]\n")
    (tmp_path / "templates" / ".s3lint.yaml").write_text("select: [S3040]\n", encoding="utf-8")
    assert _rules(tmp_path, tmp_path / "templates", ".") == {"S3040"}
    assert _rules(tmp_path, tmp_path, "templates") == {"S3002"}


def test_config_flag_names_the_file(tmp_path: Path) -> None:
    _project(tmp_path, ".s3lint.yaml", "select: [S3002]\n")
    (tmp_path / "strict.toml").write_text('[tool.s3lint]\nselect = ["S3040", "S3041"]\n', encoding="utf-8")
    (tmp_path / "plain.toml").write_text('select = ["S3001"]\n', encoding="utf-8")
    assert _rules(tmp_path, tmp_path, "--config", "strict.toml", "templates") == {"S3040", "S3041"}
    assert _rules(tmp_path, tmp_path, "--config", "plain.toml", "templates") == {"S3001"}
    assert_one_line_error(run_s3lint("--config", "missing.yaml", ".", cwd=tmp_path), "missing.yaml: cannot read configuration")


def test_command_line_select_replaces_and_ignore_adds(tmp_path: Path) -> None:
    _project(tmp_path, ".s3lint.yaml", "select: [S3002, S3040]\nignore: [S3040]\n")
    assert _rules(tmp_path, tmp_path, "templates") == {"S3002"}
    assert _rules(tmp_path, tmp_path, "--select", "S3040,S3041", "templates") == {"S3041"}
    assert _rules(tmp_path, tmp_path, "--ignore", "S3002", "templates") == set()


def test_extend_select_turns_on_opt_in_rules(tmp_path: Path) -> None:
    _project(tmp_path, "pyproject.toml", '[tool.s3lint]\nextend-select = ["S3012", "S3021"]\n')
    rules = _rules(tmp_path, tmp_path, "templates")
    assert {"S3012", "S3021", "S3002"} <= rules and "S3070" not in rules


def test_fail_on(tmp_path: Path) -> None:
    _project(tmp_path, ".s3lint.yaml", "fail-on: critical\n")
    result = run_s3lint("templates", cwd=tmp_path)
    assert result.returncode == 0 and "Found 7 problems" in result.stdout
    assert run_s3lint("--fail-on", "high", "templates", cwd=tmp_path).returncode == 1  # the flag wins


def test_severity_overrides_by_id_and_name(tmp_path: Path) -> None:
    _project(tmp_path, ".s3lint.yaml", "severity:\n  S3030: critical\n  versioning-disabled: high\n")
    findings = json_findings(run_s3lint("--format", "json", "templates", cwd=tmp_path))
    severity = {f["rule_id"]: f["severity"] for f in findings}
    assert severity["S3030"] == "critical" and severity["S3040"] == "high" and severity["S3010"] == "low"


def test_exclude_globs(tmp_path: Path) -> None:
    _project(tmp_path, ".s3lint.yaml", "exclude: ['legacy/*', '*.json']\n")
    (tmp_path / "legacy").mkdir()
    copy_fixture("templates/broken.yaml", tmp_path / "legacy")
    copy_fixture("policies/partner-read.json", tmp_path)
    result = run_s3lint("--format", "json", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert {path for path, _, _ in active_ids(result)} == {"templates/public-site.yaml"}


def test_account_id(tmp_path: Path) -> None:
    copy_fixture("policies/partner-read.json", tmp_path)
    assert run_s3lint("partner-read.json", cwd=tmp_path).returncode == 1  # S3004: another account
    (tmp_path / ".s3lint.yaml").write_text("account-id: ['111122223333']\n", encoding="utf-8")
    result = run_s3lint("partner-read.json", cwd=tmp_path)
    assert result.returncode == 0, result.stdout


def test_var_file_is_relative_to_the_configuration(tmp_path: Path) -> None:
    copy_fixture("terraform-vars", tmp_path)
    assert run_s3lint("--select", "S3001", "terraform-vars", cwd=tmp_path).returncode == 0
    (tmp_path / "pyproject.toml").write_text('[tool.s3lint]\nvar-file = ["terraform-vars/prod.tfvars"]\n', encoding="utf-8")
    (tmp_path / "sub").mkdir()
    result = run_s3lint("--select", "S3001", "--format", "json", "../terraform-vars", cwd=tmp_path / "sub")
    assert result.returncode == 1
    assert {rule for _, _, rule in active_ids(result)} == {"S3001"}


def test_strict_and_warn_unused_ignores_keys(tmp_path: Path) -> None:
    copy_fixture("suppressions/comments.yaml", tmp_path)
    plain = {rule for _, _, rule in active_ids(run_s3lint("--format", "json", "comments.yaml", cwd=tmp_path))}
    (tmp_path / ".s3lint.yaml").write_text("warn-unused-ignores: true\nstrict: true\n", encoding="utf-8")
    result = run_s3lint("--format", "json", "comments.yaml", cwd=tmp_path)
    messages = [f["message"] for f in json_findings(result) if f["rule_id"] == "S3090"]
    assert "unused suppression: no S3041 finding here to suppress" in messages
    assert "S3090" in plain  # the unknown rule S9999 is reported either way


@pytest.mark.parametrize(
    "name,text,fragments",
    [
        (".s3lint.yaml", "selekt: [S3002]\n", [".s3lint.yaml: unknown configuration key 'selekt'"]),
        ("pyproject.toml", '[tool.s3lint]\nfail_on = "high"\nignor = []\n', ["pyproject.toml: unknown configuration key 'ignor'"]),
        (".s3lint.yaml", "select: [S3002, S9999]\n", [".s3lint.yaml: key 'select': unknown rule 'S9999'"]),
        (".s3lint.yaml", "ignore: [nonsense]\n", [".s3lint.yaml: key 'ignore': unknown rule 'nonsense'"]),
        (".s3lint.yaml", "extend-select: [S31]\n", [".s3lint.yaml: key 'extend-select': unknown rule 'S31'"]),
        (".s3lint.yaml", "severity: {S9999: high}\n", [".s3lint.yaml: key 'severity': unknown rule 'S9999'"]),
        (".s3lint.yaml", "severity: {S3030: extreme}\n", ["severity for 'S3030' must be one of"]),
        (".s3lint.yaml", "fail-on: extreme\n", ["'fail-on' must be one of critical, high, medium, low"]),
        (".s3lint.yaml", "strict: maybe\n", ["configuration key 'strict' must be a bool"]),
        (".s3lint.yaml", "select: [S3002\n", [".s3lint.yaml:2: invalid YAML"]),
        ("pyproject.toml", "[tool.s3lint\n", ["pyproject.toml: invalid TOML"]),
        (".s3lint.yaml", "- S3002\n", ["must be a table of keys"]),
    ],
)
def test_configuration_errors_name_the_file_and_key(tmp_path: Path, name: str, text: str, fragments: list[str]) -> None:
    _project(tmp_path, name, text)
    result = run_s3lint("templates", cwd=tmp_path / "templates")
    assert_one_line_error(result, str(tmp_path / name), *fragments)
    assert result.stdout == ""


def test_every_key_is_documented() -> None:
    import re

    from s3lint.config import CONFIG_KEYS
    from tests.test_cli import REPO

    text = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z-]+)` \| ", text, re.M))
    assert documented == set(CONFIG_KEYS), "docs/configuration.md and s3lint/config.py disagree"
