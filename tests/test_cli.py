"""The `s3lint` command as users run it: flags, exit codes, messages, rule listing.

Every test runs the real command (`python -m s3lint`) in a subprocess, in a temporary folder
holding copies of the fixtures in tests/fixtures/cli/, unless it needs to patch something.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "cli"
_CI_VARIABLES = ("CI", "GITHUB_ACTIONS", "GITLAB_CI", "BUILDKITE", "CIRCLECI", "TRAVIS", "JENKINS_URL",
                 "TEAMCITY_VERSION", "TF_BUILD", "BITBUCKET_BUILD_NUMBER", "CODEBUILD_BUILD_ID",
                 "CONTINUOUS_INTEGRATION", "DRONE")


def cli_env(**extra: str) -> dict[str, str]:
    """The environment for a run: s3lint importable from the checkout, no colour, not CI."""
    env = {k: v for k, v in os.environ.items() if k not in _CI_VARIABLES and k != "NO_COLOR"}
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def run_s3lint(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "s3lint", *args],
        cwd=cwd,
        env=env or cli_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )


def copy_fixture(name: str, destination: Path) -> Path:
    """Copy tests/fixtures/cli/<name> (a file or folder) into `destination`."""
    source = FIXTURES / name
    target = destination / source.name
    if source.is_dir():
        shutil.copytree(source, target)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, target)
    return target


def json_findings(result: subprocess.CompletedProcess[str]) -> list[dict]:
    return json.loads(result.stdout)["findings"]


def active_ids(result: subprocess.CompletedProcess[str]) -> set[tuple[str, int, str]]:
    """(path, line, rule) of every unsuppressed finding of a `--format json` run."""
    return {(f["path"], f["line"], f["rule_id"]) for f in json_findings(result) if f["suppressed"] is None}


def assert_one_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 2, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("s3lint: error: "), lines[0]
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


PUBLIC_SITE = {  # templates/public-site.yaml with the default rules
    ("public-site.yaml", 5, "S3003"),
    ("public-site.yaml", 5, "S3010"),
    ("public-site.yaml", 5, "S3011"),
    ("public-site.yaml", 5, "S3030"),
    ("public-site.yaml", 10, "S3040"),
    ("public-site.yaml", 16, "S3020"),
    ("public-site.yaml", 21, "S3002"),
}


# ---------------------------------------------------------------------------------------
# --version, --help, bad flags
# ---------------------------------------------------------------------------------------


def test_version(tmp_path: Path) -> None:
    from s3lint import __version__

    result = run_s3lint("--version", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.strip() == f"s3lint {__version__}"


def test_help_shows_examples_exit_codes_and_every_format(tmp_path: Path) -> None:
    result = run_s3lint("--help", cwd=tmp_path)
    assert result.returncode == 0
    text = result.stdout
    assert "examples:" in text and "s3lint --explain S3002" in text
    assert "exit codes: 0" in text
    for flag in ("--select", "--extend-select", "--ignore", "--fail-on", "--baseline", "--write-baseline",
                 "--warn-unused-ignores", "--statistics", "--list-rules", "--explain", "--dump-model",
                 "--rules-dir", "--config", "--sarif-suppressed"):
        assert flag in text, flag
    assert "text,json,sarif,github,junit" in text


@pytest.mark.parametrize(
    "args,fragment",
    [
        (["--bogus"], "unrecognized arguments: --bogus"),
        (["--format", "xml"], "argument --format"),
        (["--fail-on", "extreme"], "argument --fail-on"),
        (["--max-file-size", "big"], "argument --max-file-size"),
    ],
)
def test_bad_flags_cost_one_line_and_exit_2(tmp_path: Path, args: list[str], fragment: str) -> None:
    result = run_s3lint(*args, cwd=tmp_path)
    assert_one_line_error(result, fragment, "see s3lint --help")
    assert result.stdout == ""


def test_rules_is_a_path_not_a_subcommand(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    shutil.copy(FIXTURES / "templates" / "public-site.yaml", rules)
    result = run_s3lint("rules/", "--select", "S3002", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith("rules/public-site.yaml:21:13: S3002 [high]")


# ---------------------------------------------------------------------------------------
# --list-rules and --explain
# ---------------------------------------------------------------------------------------


def test_list_rules_as_a_table(tmp_path: Path) -> None:
    result = run_s3lint("--list-rules", cwd=tmp_path)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["ID", "NAME", "SEVERITY", "DEFAULT", "FORMATS"]
    rows = {line.split()[0]: line.split() for line in lines[1:]}
    assert rows["S3002"][:4] == ["S3002", "public-policy", "high", "on"]
    assert rows["S3012"][3] == "opt-in"
    assert rows["S3090"][1] == "unused-suppression"
    assert "policy-json" in rows["S3002"][4:] or "policy-json" in " ".join(rows["S3002"][4:])


def test_list_rules_as_json(tmp_path: Path) -> None:
    result = run_s3lint("--list-rules", "--format", "json", cwd=tmp_path)
    assert result.returncode == 0
    rows = {row["id"]: row for row in json.loads(result.stdout)}
    assert rows["S3002"]["name"] == "public-policy"
    assert rows["S3002"]["severity"] == "high" and rows["S3002"]["default"] is True
    assert rows["S3012"]["default"] is False
    assert "terraform" in rows["S3040"]["formats"]
    assert rows["S3002"]["help_uri"].endswith("/docs/rules/S3002.md")


def test_list_rules_refuses_formats_it_cannot_print(tmp_path: Path) -> None:
    assert_one_line_error(run_s3lint("--list-rules", "--format", "sarif", cwd=tmp_path), "--list-rules")


@pytest.mark.parametrize("code", ["S3002", "s3002", "public-policy"])
def test_explain_by_id_or_name_prints_the_rule_page(tmp_path: Path, code: str) -> None:
    result = run_s3lint("--explain", code, cwd=tmp_path)
    assert result.returncode == 0
    page = (REPO / "docs" / "rules" / "S3002.md").read_text(encoding="utf-8")
    assert result.stdout.startswith("# public-policy (S3002)\n")
    assert result.stdout in page  # the same text as the generated docs page


def test_explain_an_unknown_rule(tmp_path: Path) -> None:
    assert_one_line_error(run_s3lint("--explain", "S9999", cwd=tmp_path), "unknown rule 'S9999'")


# ---------------------------------------------------------------------------------------
# Exit codes
# ---------------------------------------------------------------------------------------


def test_findings_exit_1_and_are_reported_as_path_line_column(tmp_path: Path) -> None:
    copy_fixture("templates/public-site.yaml", tmp_path)
    result = run_s3lint("public-site.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert "public-site.yaml:21:13: S3002 [high] bucket 'Site' (acme-site): bucket policy 'SitePolicy' is public" in result.stdout
    assert result.stdout.rstrip().endswith("Found 7 problems (1 high, 3 medium, 3 low) in 1 file.")
    assert result.stderr == ""


def test_a_clean_scan_exits_0(tmp_path: Path) -> None:
    copy_fixture("templates/private-data.yaml", tmp_path)
    copy_fixture("policies/deny-plain-http.json", tmp_path)
    result = run_s3lint(".", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip() == "No problems found in 2 files; 2 suppressed."


def test_default_path_is_the_current_folder(tmp_path: Path) -> None:
    copy_fixture("templates/public-site.yaml", tmp_path)
    result = run_s3lint("--format", "json", cwd=tmp_path)
    assert result.returncode == 1
    assert active_ids(result) == PUBLIC_SITE


def test_a_parse_error_exits_2_and_the_other_files_are_still_checked(tmp_path: Path) -> None:
    copy_fixture("templates/public-site.yaml", tmp_path)
    copy_fixture("templates/broken.yaml", tmp_path)
    result = run_s3lint("--format", "json", ".", cwd=tmp_path)
    assert result.returncode == 2
    found = active_ids(result)
    assert ("broken.yaml", 7, "S3000") in found
    assert PUBLIC_SITE <= found


def test_exit_zero_hides_findings_but_not_errors(tmp_path: Path) -> None:
    copy_fixture("templates/public-site.yaml", tmp_path)
    assert run_s3lint("--exit-zero", "public-site.yaml", cwd=tmp_path).returncode == 0
    copy_fixture("templates/broken.yaml", tmp_path)
    assert run_s3lint("--exit-zero", ".", cwd=tmp_path).returncode == 2


def test_fail_on_sets_the_lowest_failing_severity(tmp_path: Path) -> None:
    copy_fixture("templates/public-site.yaml", tmp_path)
    assert run_s3lint("--fail-on", "high", "public-site.yaml", cwd=tmp_path).returncode == 1  # S3002 is high
    assert run_s3lint("--fail-on", "critical", "public-site.yaml", cwd=tmp_path).returncode == 0
    result = run_s3lint("--fail-on", "high", "--ignore", "S3002", "public-site.yaml", cwd=tmp_path)
    assert result.returncode == 0 and "Found 6 problems" in result.stdout  # still shown


def test_a_missing_path_is_an_error_finding(tmp_path: Path) -> None:
    result = run_s3lint("nowhere.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert "nowhere.yaml:1:1: S3000 [high] no such file or folder" in result.stdout


def test_output_file(tmp_path: Path) -> None:
    copy_fixture("templates/public-site.yaml", tmp_path)
    result = run_s3lint("--format", "json", "-o", "out/report.json", "public-site.yaml", cwd=tmp_path)
    assert_one_line_error(result, "cannot write out/report.json")
    (tmp_path / "out").mkdir()
    result = run_s3lint("--format", "json", "-o", "out/report.json", "public-site.yaml", cwd=tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["summary"]["problems"] == 7


# ---------------------------------------------------------------------------------------
# Rule selection on the command line
# ---------------------------------------------------------------------------------------


def _rules_run(result: subprocess.CompletedProcess[str]) -> set[str]:
    """The rules a run selected: SARIF describes every one of them."""
    return {rule["id"] for rule in json.loads(result.stdout)["runs"][0]["tool"]["driver"]["rules"]}


@pytest.mark.parametrize(
    "args,expected",
    [
        (["--select", "S3002"], {"S3002"}),
        (["--select", "public-policy"], {"S3002"}),
        (["--select", "S304"], {"S3040", "S3041"}),
        (["--select", "S3040,public-acl"], {"S3040", "S3001"}),
        (["--select", "S3040", "--select", "S3001"], {"S3040", "S3001"}),
        (["--select", "S302"], {"S3020"}),  # a prefix does not turn on the opt-in S3021
        (["--select", "S3021"], {"S3021"}),  # the exact id does
    ],
)
def test_select_by_id_name_and_prefix(tmp_path: Path, args: list[str], expected: set[str]) -> None:
    copy_fixture("templates/public-site.yaml", tmp_path)
    result = run_s3lint("--format", "sarif", *args, "public-site.yaml", cwd=tmp_path)
    assert _rules_run(result) == expected


def test_ignore_and_extend_select(tmp_path: Path) -> None:
    copy_fixture("templates/public-site.yaml", tmp_path)
    default = _rules_run(run_s3lint("--format", "sarif", "public-site.yaml", cwd=tmp_path))
    assert "S3012" not in default and {"S3030", "S3031", "S3002"} <= default
    ignored = _rules_run(run_s3lint("--format", "sarif", "--ignore", "S303", "public-site.yaml", cwd=tmp_path))
    assert ignored == default - {"S3030", "S3031"}
    extended = _rules_run(run_s3lint("--format", "sarif", "--extend-select", "S3012", "public-site.yaml", cwd=tmp_path))
    assert extended == default | {"S3012"}


@pytest.mark.parametrize("flag", ["--select", "--ignore", "--extend-select"])
def test_unknown_rule_on_the_command_line_names_the_flag(tmp_path: Path, flag: str) -> None:
    result = run_s3lint(flag, "S3002,S9999", ".", cwd=tmp_path)
    assert_one_line_error(result, f"{flag}: unknown rule 'S9999'")


def test_a_name_is_never_a_prefix(tmp_path: Path) -> None:
    assert_one_line_error(run_s3lint("--select", "public", ".", cwd=tmp_path), "unknown rule 'public'")


# ---------------------------------------------------------------------------------------
# Internal errors and start-up cost
# ---------------------------------------------------------------------------------------


def test_an_internal_error_is_one_line_without_debug(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    import s3lint.runner
    from s3lint.cli import main

    def explode(settings: object) -> int:
        raise RuntimeError("boom")

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(s3lint.runner, "execute", explode)
    assert main(["."]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "s3lint: internal error: RuntimeError: boom (run with --debug for details)"
    assert main(["--debug", "."]) == 2
    err = capsys.readouterr().err
    assert "Traceback" in err and "RuntimeError: boom" in err


def test_help_uses_the_terminal_width(tmp_path: Path) -> None:
    # build_parser checks metavars with a fixed-width formatter; --help must get the real one.
    from s3lint.cli import build_parser

    assert build_parser().formatter_class is argparse.RawDescriptionHelpFormatter
    narrow = run_s3lint("--help", cwd=tmp_path, env=cli_env(COLUMNS="50")).stdout
    wide = run_s3lint("--help", cwd=tmp_path, env=cli_env(COLUMNS="200")).stdout
    assert "examples:" in narrow and "examples:" in wide
    assert narrow.count("\n") > wide.count("\n") + 20  # help texts wrapped at 50 columns
    assert max(len(line) for line in wide.splitlines()) > 100  # and not at 80


# Modules a run does not need to start: each costs a pre-commit run milliseconds.
_START_UP_SPARED = ("shutil", "hashlib", "pathlib", "textwrap", "traceback", "tomllib")


def test_parsing_flags_and_loading_rules_import_nothing_they_do_not_need(tmp_path: Path) -> None:
    # -S: this sandbox's site-packages .pth files import some of these themselves.
    code = (
        "import sys\n"
        "from s3lint.cli import build_parser\n"
        "from s3lint.runner import Settings, load_rules, selected_rules\n"
        "settings = Settings.from_args(build_parser().parse_args(['x.yaml']))\n"
        "rules, _ = load_rules(settings)\n"
        "assert len(selected_rules(settings, rules)) > 10\n"
        f"print(sorted(m for m in {_START_UP_SPARED!r} if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-S", "-c", code], cwd=tmp_path, env=cli_env(),
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_a_closed_pipe_is_quiet(tmp_path: Path) -> None:
    for index in range(200):  # more output than a pipe buffer holds
        shutil.copy(FIXTURES / "templates" / "public-site.yaml", tmp_path / f"site{index}.yaml")
    command = f'"{sys.executable}" -m s3lint . | head -n 1'
    result = subprocess.run(command, shell=True, cwd=tmp_path, env=cli_env(), capture_output=True, text=True, timeout=120)
    assert result.stdout.count("\n") == 1
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_a_piped_report_is_complete_when_the_command_leaves_without_tearing_down(tmp_path: Path, output_format: str) -> None:
    # console_main leaves with os._exit: whatever is still buffered must be written first.
    for index in range(200):  # more output than a pipe buffer holds
        shutil.copy(FIXTURES / "templates" / "public-site.yaml", tmp_path / f"site{index}.yaml")
    command = f'"{sys.executable}" -m s3lint --format {output_format} . | cat'
    piped = subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=tmp_path, env=cli_env(), capture_output=True, text=True, timeout=120)
    assert piped.returncode == 1  # findings
    if output_format == "json":
        assert len(json.loads(piped.stdout)["findings"]) >= 200
    else:
        assert piped.stdout.rstrip().splitlines()[-1].startswith("Found ")
    in_process = subprocess.run(
        [sys.executable, "-c", f"import sys; from s3lint.cli import main; sys.exit(main(['--format', '{output_format}', '.']))"],
        cwd=tmp_path, env=cli_env(), capture_output=True, text=True, timeout=120,
    )
    assert piped.stdout == in_process.stdout and in_process.returncode == 1


def test_the_command_imports_nothing_heavy(tmp_path: Path) -> None:
    # Start-up must stay fast for pre-commit: one YAML template needs neither tree-sitter,
    # jsonpath-ng nor cfn-lint.
    copy_fixture("templates/public-site.yaml", tmp_path)
    code = (
        "import sys\n"
        "from s3lint.cli import main\n"
        "heavy = ('tree_sitter', 'tree_sitter_hcl', 'jsonpath_ng', 'cfnlint', 'jsonschema', 'yaml')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
        "code = main(['public-site.yaml'])\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=cli_env(), capture_output=True, text=True, timeout=120)
    lines = result.stdout.splitlines()
    assert lines[0] == "[]"  # importing the command costs nothing heavy
    assert lines[-1] == "['yaml']"  # a YAML template needs the YAML parser, and only that


# ---------------------------------------------------------------------------------------
# The GitHub Action (action.yml): valid composite action, and its scripts really work
# ---------------------------------------------------------------------------------------


def _action() -> dict:
    import yaml

    return yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))


def _step(action: dict, name: str) -> dict:
    return next(step for step in action["runs"]["steps"] if step["name"] == name)


def test_action_is_a_valid_composite_action() -> None:
    import re

    action = _action()
    assert action["name"] and action["description"]
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    assert [s["name"] for s in steps] == ["Install s3lint", "Run s3lint", "Upload SARIF to code scanning", "Fail on findings"]
    ids = {s["id"] for s in steps if "id" in s}
    for step in steps:
        assert ("run" in step) != ("uses" in step)
        if "run" in step:
            assert step["shell"] == "bash"  # composite steps must name their shell
            assert "${{" not in step["run"], "expressions go through env, never into a script"
            assert subprocess.run(["bash", "-n"], input=step["run"], text=True).returncode == 0
    upload = _step(action, "Upload SARIF to code scanning")
    assert upload["uses"] == "github/codeql-action/upload-sarif@v3"
    assert set(upload["with"]) == {"sarif_file", "category"}
    text = (REPO / "action.yml").read_text(encoding="utf-8")
    for name in re.findall(r"inputs\.([a-z-]+)", text):
        assert name in action["inputs"], f"undeclared input {name}"
    for step_id, output in re.findall(r"steps\.([a-z-]+)\.outputs\.([a-z-]+)", text):
        assert step_id in ids
        assert f"{output}=" in _step(action, next(s["name"] for s in steps if s.get("id") == step_id))["run"]
    for output in action["outputs"].values():
        assert output["value"].startswith("${{ steps.")


def _fake_install(tmp_path: Path) -> Path:
    """What the install step leaves behind: a bin folder with `s3lint` and `python`."""
    bin_dir = tmp_path / "venv-bin"
    bin_dir.mkdir()
    (bin_dir / "s3lint").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m s3lint "$@"\n', encoding="utf-8")
    (bin_dir / "python").write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n', encoding="utf-8")
    for tool in bin_dir.iterdir():
        tool.chmod(0o755)
    return bin_dir


def _run_step(script: str, cwd: Path, env: dict[str, str]) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    output = cwd / "github_output.txt"
    output.write_text("", encoding="utf-8")
    result = subprocess.run(["bash", "-e", "-c", script], cwd=cwd, env=cli_env(GITHUB_OUTPUT=str(output), **env),
                            capture_output=True, text=True, timeout=300)
    outputs = dict(line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines() if "=" in line)
    return result, outputs


def test_action_run_step_writes_sarif_with_the_category(tmp_path: Path) -> None:
    copy_fixture("templates/public-site.yaml", tmp_path)
    copy_fixture("suppressions/comments.yaml", tmp_path)
    bin_dir = _fake_install(tmp_path)
    env = {"S3LINT_BIN": str(bin_dir), "PATHS": "public-site.yaml comments.yaml", "ARGS": "--ignore S3090",
           "SARIF": "s3lint.sarif", "SARIF_SUPPRESSED": "omit", "CATEGORY": "infra", "ANNOTATIONS": "auto",
           "UPLOAD": "true"}
    script = _step(_action(), "Run s3lint")["run"]
    result, outputs = _run_step(script, tmp_path, env)
    assert result.returncode == 0, result.stderr
    assert outputs == {"exit-code": "1", "sarif-file": "s3lint.sarif"}
    log = json.loads((tmp_path / "s3lint.sarif").read_text(encoding="utf-8"))
    assert log["runs"][0]["automationDetails"] == {"id": "infra/"}
    assert log["runs"][0]["results"] and not any("suppressions" in r for r in log["runs"][0]["results"])
    assert "::" not in result.stdout  # uploaded: code scanning annotates, no duplicate annotations
    # Not uploaded: the findings become workflow annotations instead.
    result, _ = _run_step(script, tmp_path, {**env, "UPLOAD": "false"})
    assert "::error file=public-site.yaml,line=21,col=13" in result.stdout


def test_action_run_step_with_a_usage_error_writes_no_sarif(tmp_path: Path) -> None:
    env = {"S3LINT_BIN": str(_fake_install(tmp_path)), "PATHS": ".", "ARGS": "--select S9999", "SARIF": "s3lint.sarif",
           "SARIF_SUPPRESSED": "omit", "CATEGORY": "s3lint", "ANNOTATIONS": "false", "UPLOAD": "true"}
    result, outputs = _run_step(_step(_action(), "Run s3lint")["run"], tmp_path, env)
    assert result.returncode == 0
    assert outputs == {"exit-code": "2"}  # no sarif-file output: the upload step is skipped
    assert "unknown rule 'S9999'" in result.stderr


@pytest.mark.parametrize("code,fail,expected", [("0", "true", 0), ("1", "true", 1), ("1", "false", 0), ("2", "false", 2)])
def test_action_fail_step(tmp_path: Path, code: str, fail: str, expected: int) -> None:
    result, _ = _run_step(_step(_action(), "Fail on findings")["run"], tmp_path, {"CODE": code, "FAIL": fail})
    assert result.returncode == expected


@pytest.mark.parametrize(
    ("path", "message", "shown_path", "shown_message"),
    [
        ("a.yaml", "plain ASCII", "a.yaml", "plain ASCII"),
        ("naïve.yaml", "policy — “quoted”", "naïve.yaml", "policy — “quoted”"),  # non-ASCII, no surrogate
        ("bad\udce9.yaml", "in bad\udce9.yaml", "bad\ufffd.yaml", "in bad\ufffd.yaml"),  # a non-UTF-8 file name
        ("lone\ud800.yaml", "x", "lone\ufffd.yaml", "x"),  # a surrogate that stands for no byte
    ],
)
def test_findings_are_made_printable_only_where_they_hold_surrogates(path: str, message: str, shown_path: str, shown_message: str) -> None:
    from s3lint.model import Finding, LoadError
    from s3lint.runner import _printable_error, _printable_finding
    from s3lint.source import Location

    finding = _printable_finding(Finding("S3001", message, Location(path, 1, 1), "B"))
    assert (finding.loc.path, finding.message) == (shown_path, shown_message)
    error = _printable_error(LoadError(path, message))
    assert (error.path, error.message) == (shown_path, shown_message)
    json.dumps([finding.message, finding.loc.path]).encode("utf-8")  # writable as UTF-8


@pytest.mark.parametrize("where", ["message", "resource", "key", "path"])
def test_a_surrogate_in_one_finding_of_many_is_found(where: str) -> None:
    from s3lint.model import Finding
    from s3lint.runner import _printable_findings
    from s3lint.source import Location

    findings = [Finding("S3001", f"m{n}", Location(f"f{n}.yaml", 1, 1), "B", key="k") for n in range(5)]
    odd = findings[3]
    if where == "path":
        odd.loc = Location("bad\udce9.yaml", 1, 1)
    else:
        setattr(odd, where, "bad\udce9")
    shown = _printable_findings(findings)
    assert [f.message for f in shown[:3]] == ["m0", "m1", "m2"]
    assert (shown[3].loc.path if where == "path" else getattr(shown[3], where)) == "bad\ufffd" + (".yaml" if where == "path" else "")
    assert _printable_findings(findings[:3]) == findings[:3]
