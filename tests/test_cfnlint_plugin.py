"""The cfn-lint plugin, through the real cfn-lint: `cfn-lint --append-rules s3lint.cfnlint_plugin`."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_cli import active_ids, cli_env, copy_fixture, run_s3lint

pytest.importorskip("cfnlint")

REPO = Path(__file__).resolve().parent.parent
PLUGIN = "s3lint.cfnlint_plugin"


def run_cfnlint(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """cfn-lint's own entry point (the `cfn-lint` command), in this interpreter."""
    code = "import sys\nfrom cfnlint.runner import main\nsys.exit(main())\n"
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, env=cli_env(), capture_output=True,
                          text=True, timeout=300)


def matches(result: subprocess.CompletedProcess[str]) -> list[dict]:
    assert result.stdout.strip(), result.stderr
    return json.loads(result.stdout)


def ours(found: list[dict]) -> set[tuple[int, str, str]]:
    """(line, cfn-lint id, s3lint id) of the plugin's matches."""
    return {(m["Location"]["Start"]["LineNumber"], m["Rule"]["Id"], m["Message"].split()[0])
            for m in found if re.match(r"^[EW]93\d\d$", m["Rule"]["Id"])}


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    copy_fixture("templates/public-site.yaml", tmp_path)
    copy_fixture("templates/private-data.yaml", tmp_path)
    return tmp_path


def test_a_bad_template_reports_what_s3lint_reports(project: Path) -> None:
    result = run_cfnlint("--append-rules", PLUGIN, "--format", "json", "--", "public-site.yaml", cwd=project)
    assert result.returncode == 6, result.stderr  # cfn-lint's bit mask: errors (2) and warnings (4)
    found = ours(matches(result))
    assert found == {
        (5, "W9303", "S3003"), (5, "W9310", "S3010"), (5, "W9311", "S3011"), (5, "W9330", "S3030"),
        (10, "W9340", "S3040"), (16, "W9320", "S3020"), (21, "E9302", "S3002"),
    }
    s3lint = run_s3lint("--format", "json", "public-site.yaml", cwd=project)
    assert {(line, rule) for _, line, rule in active_ids(s3lint)} == {(line, rule) for line, _, rule in found}
    s3002 = next(m for m in matches(result) if m["Rule"]["Id"] == "E9302")
    assert s3002["Location"]["Start"]["ColumnNumber"] == 13
    assert s3002["Location"]["Path"] == ["Resources", "SitePolicy"]
    assert s3002["Message"].startswith("S3002 public-policy [high]: bucket 'Site' (acme-site): bucket policy 'SitePolicy' is public")
    assert s3002["Level"] == "Error"


def test_a_good_template_passes(project: Path) -> None:
    result = run_cfnlint("--append-rules", PLUGIN, "--format", "json", "--", "private-data.yaml", cwd=project)
    assert result.returncode == 0, result.stdout
    assert matches(result) == []


def test_the_documented_command(project: Path) -> None:
    command = shutil.which("cfn-lint")
    if command is None:
        pytest.skip("the cfn-lint command is not on PATH")
    result = subprocess.run([command, "--append-rules", PLUGIN, "--", "public-site.yaml"], cwd=project, env=cli_env(),
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 6
    assert "E9302 S3002 public-policy [high]: bucket 'Site'" in result.stdout
    assert "public-site.yaml:21:13" in result.stdout


def test_cfnlint_controls_work_on_the_plugin_ids(project: Path) -> None:
    ignored = run_cfnlint("--append-rules", PLUGIN, "--format", "json", "--ignore-checks", "W9340", "W931",
                          "--", "public-site.yaml", cwd=project)
    assert {rule for _, rule, _ in ours(matches(ignored))} == {"W9303", "W9330", "W9320", "E9302"}
    template = project / "public-site.yaml"
    text = template.read_text(encoding="utf-8").replace(
        "  SitePolicy:\n", "  SitePolicy:\n    Metadata:\n      cfn-lint:\n        config:\n          ignore_checks: [E9302]\n")
    template.write_text(text, encoding="utf-8")
    per_resource = run_cfnlint("--append-rules", PLUGIN, "--format", "json", "--", "public-site.yaml", cwd=project)
    rules = {rule for _, rule, _ in ours(matches(per_resource))}
    assert "E9302" not in rules and "W9320" in rules


def test_s3lint_configuration_and_suppressions_apply(project: Path) -> None:
    (project / ".s3lint.yaml").write_text("ignore: [S3010, S3011]\nseverity: {S3030: high}\n", encoding="utf-8")
    template = project / "public-site.yaml"
    template.write_text(template.read_text(encoding="utf-8").replace(
        "        Status: Suspended\n", "        Status: Suspended  # s3lint: ignore[S3040] rebuilt on every deploy\n"), encoding="utf-8")
    found = matches(run_cfnlint("--append-rules", PLUGIN, "--format", "json", "--", "public-site.yaml", cwd=project))
    assert {rule for _, rule, _ in ours(found)} == {"W9303", "W9330", "W9320", "E9302"}
    s3030 = next(m for m in found if m["Rule"]["Id"] == "W9330")
    assert s3030["Message"].startswith("S3030 access-logging-missing [high]:")  # the id keeps its letter


def test_a_bad_s3lint_configuration_is_one_error_match(project: Path) -> None:
    (project / ".s3lint.yaml").write_text("selekt: [S3002]\n", encoding="utf-8")
    found = matches(run_cfnlint("--append-rules", PLUGIN, "--format", "json", "--", "public-site.yaml", cwd=project))
    [error] = [m for m in found if m["Rule"]["Id"].startswith(("E93", "W93"))]
    assert error["Rule"]["Id"] == "E9300" and error["Location"]["Start"]["LineNumber"] == 1
    assert "unknown configuration key 'selekt'" in error["Message"]


def test_custom_rules_are_w9399(tmp_path: Path) -> None:
    copy_fixture("custom-rules", tmp_path)
    project = tmp_path / "custom-rules"
    (project / ".s3lint.yaml").write_text("rules-dir: [org-rules]\nselect: [ORG]\n", encoding="utf-8")
    found = matches(run_cfnlint("--append-rules", PLUGIN, "--format", "json", "--", "templates/buckets.yaml", cwd=project))
    assert ours(found) == {(12, "W9399", "ORG001"), (16, "W9399", "ORG002")}


def test_the_rule_list_and_the_documented_table_agree(project: Path) -> None:
    from s3lint.catalog import load_catalog
    from s3lint.cfnlint_plugin import CUSTOM_RULE_ID, rule_ids

    mapping = rule_ids()
    assert set(mapping) == set(load_catalog())
    assert len(set(mapping.values())) == len(mapping)  # one cfn-lint id per s3lint rule
    table = re.findall(r"^\| ([EW]93\d\d) \| \[(S3\d{3})\]", (REPO / "docs" / "cfn-lint.md").read_text(encoding="utf-8"), re.M)
    assert dict((s3, cfn) for cfn, s3 in table) == mapping, "docs/cfn-lint.md is out of date"
    listed = run_cfnlint("--append-rules", PLUGIN, "--list-rules", cwd=project).stdout
    for s3lint_id, cfn_id in mapping.items():
        assert re.search(rf"^{cfn_id}: .*\(s3lint {s3lint_id}\)$", listed, re.M), cfn_id
    assert re.search(rf"^{CUSTOM_RULE_ID}: s3lint custom rule$", listed, re.M)


def test_the_s3lint_command_never_imports_cfnlint(tmp_path: Path) -> None:
    copy_fixture("templates/public-site.yaml", tmp_path)
    code = "import sys\nfrom s3lint.cli import main\nmain(['--format', 'sarif', 'public-site.yaml'])\nprint('cfnlint' in sys.modules, file=sys.stderr)\n"
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=cli_env(), capture_output=True, text=True, timeout=120)
    assert result.stderr.strip() == "False"
