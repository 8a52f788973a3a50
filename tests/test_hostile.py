"""Hostile and broken input: the whole corpus in one scan, through the real command.

`tests/fixtures/hostile/expected.json` lists every file of the corpus with what s3lint must
say about it: the S3000 errors (a message fragment, and the line where one is known) and
findings that must still be there.  Cases that git cannot hold (named pipes, links to
devices, loops of links, a file name that is not UTF-8, a file over the size limit) are made
in a copy of the corpus, as the manifest's "generated" section says.

Checked on one run of the command over the whole corpus: exit code 2, exactly the listed
S3000 errors and one text line each naming the file (and line), no traceback, every listed
finding present, SARIF notifications with executionSuccessful false, nothing read outside
the tree, nothing constructed from YAML tags, and byte-identical output across runs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).parent / "fixtures" / "hostile"
MANIFEST = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
MAX_FILE_SIZE = MANIFEST["max_file_size"]
RUN_TIMEOUT = 120  # seconds for one scan of the corpus; it takes a few
SECRET = "S3LINT-SECRET-7f3a"  # in files outside the tree: must never appear in any output
CANARY = "s3lint-was-here"  # what the YAML python tags would create if they were run

_SECRET_TEXT = (
    f"# {SECRET}\n"
    'AWSTemplateFormatVersion: "2010-09-09"\n'
    "Resources:\n"
    f"  {SECRET.replace('-', '')}:\n"
    "    Type: AWS::S3::Bucket\n"
    f'resource "aws_s3_bucket" "{SECRET}" {{\n'
)


# ---------------------------------------------------------------------------------------
# Cases made at test time
# ---------------------------------------------------------------------------------------

CFN_PUBLIC = (
    'AWSTemplateFormatVersion: "2010-09-09"\n'
    "Resources:\n"
    "  Site:\n"
    "    Type: AWS::S3::Bucket\n"
    "    Properties:\n"
    "      AccessControl: PublicRead\n"
)


def _oversized(path: Path, outside: Path) -> None:
    statement = '{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::big/*"}'
    count = MAX_FILE_SIZE // len(statement) + 100
    path.write_text('{"Statement": [' + ",".join([statement] * count) + "]}\n", encoding="utf-8")


def _long_line_json(path: Path, outside: Path) -> None:
    # A long line, not a long policy: a policy with tens of thousands of resources costs the
    # policy engine time per bucket of the scan (see docs/robustness.md).
    resources = ", ".join(f'"arn:aws:s3:::acme-long/{i:04d}/*"' for i in range(500))
    padding = " " * (MAX_FILE_SIZE * 9 // 10)
    path.write_text(
        '{"Version": "2012-10-17", "Statement": [{"Sid": "Long", "Effect": "Allow", "Principal": "*", '
        f'"Action": "s3:GetObject",{padding}"Resource": [{resources}]}}]}}\n',
        encoding="utf-8",
    )


def _long_line_yaml(path: Path, outside: Path) -> None:
    path.write_text(CFN_PUBLIC + "      Tags: [{Key: long, Value: " + "x" * (MAX_FILE_SIZE * 9 // 10) + "}]\n", encoding="utf-8")


def _long_line_terraform(path: Path, outside: Path) -> None:
    path.mkdir()
    (path / "main.tf").write_text(
        'resource "aws_s3_bucket" "long" {\n'
        '  bucket = "acme-long"\n'
        '  acl    = "public-read"\n'
        f'  tags   = {{ long = "{"x" * (MAX_FILE_SIZE * 9 // 10)}" }}\n'
        "}\n",
        encoding="utf-8",
    )


def _fifo(path: Path, outside: Path) -> None:
    os.mkfifo(path)


def _link_loop(path: Path, outside: Path) -> None:
    os.symlink(path.name, path)


def _dangling_link(path: Path, outside: Path) -> None:
    os.symlink("no-such-file.yaml", path)


def _link_to_device(path: Path, outside: Path) -> None:
    os.symlink("/dev/zero", path)


def _link_outside(path: Path, outside: Path) -> None:
    os.symlink(outside / "secret.yaml", path)


def _folder_link_loop(path: Path, outside: Path) -> None:
    path.mkdir()
    os.symlink("..", path / "up")
    os.symlink(".", path / "self")


def _folder_link_outside(path: Path, outside: Path) -> None:
    os.symlink(outside, path)


def _terraform_links(path: Path, outside: Path) -> None:
    path.mkdir()
    (path / "main.tf").write_text(
        "locals {\n"
        '  zero   = file("zero.txt")\n'
        '  pipe   = file("pipe.txt")\n'
        f'  secret = file("{outside / "secret.yaml"}")\n'
        "}\n"
        'resource "aws_s3_bucket" "links" {\n'
        '  bucket = "acme-links"\n'
        '  acl    = "public-read"\n'
        "  tags   = { zero = local.zero, pipe = local.pipe, secret = local.secret }\n"
        "}\n",
        encoding="utf-8",
    )
    os.symlink("/dev/zero", path / "zero.txt")
    os.mkfifo(path / "pipe.txt")
    os.mkfifo(path / "pipe.tf")
    os.symlink(outside / "secret.yaml", path / "evil.tf")


def _not_utf8_name(path: Path, outside: Path) -> None:
    name = os.fsencode(path.parent) + b"/caf\xe9.yaml"  # Latin-1, as an old editor would save it
    with open(name, "wb") as handle:
        handle.write(CFN_PUBLIC.encode())


def _unreadable(path: Path, outside: Path) -> None:
    path.write_text(CFN_PUBLIC, encoding="utf-8")
    path.chmod(0)


MAKERS = {
    "oversized": _oversized,
    "long_line_json": _long_line_json,
    "long_line_yaml": _long_line_yaml,
    "long_line_terraform": _long_line_terraform,
    "fifo": _fifo,
    "link_loop": _link_loop,
    "dangling_link": _dangling_link,
    "link_to_device": _link_to_device,
    "link_outside": _link_outside,
    "folder_link_loop": _folder_link_loop,
    "folder_link_outside": _folder_link_outside,
    "terraform_links": _terraform_links,
    "not_utf8_name": _not_utf8_name,
    "unreadable": _unreadable,
}


def _can_deny_reading() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() != 0  # root reads whatever the mode says


def expected_cases() -> dict[str, dict[str, Any]]:
    """Every case the scan must report on, by path relative to the tree."""
    cases = dict(MANIFEST["cases"])
    for case in MANIFEST["generated"].values():
        if case["make"] == "unreadable" and not _can_deny_reading():
            continue
        cases.update(case.get("reports", {}))
    return cases


# ---------------------------------------------------------------------------------------
# The scan
# ---------------------------------------------------------------------------------------


@dataclass
class Scan:
    tree: Path
    outside: Path
    text: subprocess.CompletedProcess[str]
    json_run: subprocess.CompletedProcess[str]
    report: dict[str, Any]
    json_bytes: bytes
    sarif_bytes: bytes
    again_json: bytes
    again_sarif: bytes


def run_s3lint(tree: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.pop("GITHUB_ACTIONS", None)
    command = [sys.executable, "-m", "s3lint", "--isolated", "--no-progress", "--max-file-size", str(MAX_FILE_SIZE), *args, "."]
    return subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True, errors="replace", timeout=RUN_TIMEOUT)


@pytest.fixture(scope="module")
def scan(tmp_path_factory: pytest.TempPathFactory) -> Scan:
    base = tmp_path_factory.mktemp("hostile")
    tree = base / "tree"
    outside = base / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text(_SECRET_TEXT, encoding="utf-8")
    shutil.copytree(CORPUS, tree, ignore=shutil.ignore_patterns("expected.json", "README.md"))
    for path, case in MANIFEST["generated"].items():
        if case["make"] == "unreadable" and not _can_deny_reading():
            continue
        target = tree / path
        target.parent.mkdir(parents=True, exist_ok=True)
        MAKERS[case["make"]](target, outside)
    out = base / "out"
    out.mkdir()
    text = run_s3lint(tree)
    json_run = run_s3lint(tree, "--format", "json", "-o", str(out / "1.json"))
    run_s3lint(tree, "--format", "sarif", "-o", str(out / "1.sarif"))
    run_s3lint(tree, "--format", "json", "-o", str(out / "2.json"))
    run_s3lint(tree, "--format", "sarif", "-o", str(out / "2.sarif"))
    return Scan(
        tree=tree,
        outside=outside,
        text=text,
        json_run=json_run,
        report=json.loads((out / "1.json").read_text(encoding="utf-8")),
        json_bytes=(out / "1.json").read_bytes(),
        sarif_bytes=(out / "1.sarif").read_bytes(),
        again_json=(out / "2.json").read_bytes(),
        again_sarif=(out / "2.sarif").read_bytes(),
    )


def _errors_by_path(report: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    errors: dict[str, list[dict[str, Any]]] = {}
    for finding in report["findings"]:
        if finding["rule_id"] == "S3000":
            errors.setdefault(finding["path"], []).append(finding)
    return errors


# ---------------------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------------------


def test_the_manifest_covers_every_file_of_the_corpus() -> None:
    on_disk = {
        path.relative_to(CORPUS).as_posix()
        for path in CORPUS.rglob("*")
        if path.is_file() and path.name not in ("expected.json", "README.md")
    }
    listed = set(MANIFEST["cases"])
    assert on_disk == listed, f"not in expected.json: {sorted(on_disk - listed)}; missing on disk: {sorted(listed - on_disk)}"
    assert set(case["make"] for case in MANIFEST["generated"].values()) == set(MAKERS)
    for path, case in {**MANIFEST["cases"], **MANIFEST["generated"]}.items():
        assert case.get("why"), f"{path}: say what the case is about"


def test_exit_code_is_2_and_no_traceback(scan: Scan) -> None:
    for run in (scan.text, scan.json_run):
        assert run.returncode == 2, run.stderr
        assert "Traceback" not in run.stderr and "Traceback" not in run.stdout
        assert "internal error" not in run.stderr + run.stdout, run.stderr


def test_each_bad_file_gets_exactly_its_s3000_errors(scan: Scan) -> None:
    actual = _errors_by_path(scan.report)
    expected = expected_cases()
    problems = []
    for path, case in sorted(expected.items()):
        wanted = case.get("errors", [])
        got = actual.get(path, [])
        if len(got) != len(wanted):
            problems.append(f"{path}: expected {len(wanted)} S3000, got {[(g['line'], g['message']) for g in got]}")
            continue
        for want, have in zip(sorted(wanted, key=lambda w: (w["line"] or 0, w["message"])), sorted(got, key=lambda g: (g["line"], g["message"]))):
            if want["message"] not in have["message"] or (want["line"] is not None and want["line"] != have["line"]):
                problems.append(f"{path}: expected {want}, got line {have['line']}: {have['message']}")
    unexpected = sorted(set(actual) - set(expected))
    for path in unexpected:
        problems.append(f"{path}: S3000 for a path not in the manifest: {[g['message'] for g in actual[path]]}")
    assert not problems, "\n".join(problems)


def test_every_listed_finding_is_still_there(scan: Scan) -> None:
    actual: dict[str, set[str]] = {}
    for finding in scan.report["findings"]:
        if finding["rule_id"] != "S3000":
            actual.setdefault(finding["path"], set()).add(f"{finding['line']} {finding['rule_id']}")
    missing = []
    for path, case in sorted(expected_cases().items()):
        lost = sorted(set(case.get("findings", [])) - actual.get(path, set()))
        if lost:
            missing.append(f"{path}: {lost}")
    assert not missing, "findings lost next to bad files:\n" + "\n".join(missing)
    good = [case for path, case in MANIFEST["cases"].items() if path.startswith("good/") and case.get("findings")]
    assert len(good) >= 6  # the check above has something to protect


def test_the_text_report_names_each_bad_file_on_one_line(scan: Scan) -> None:
    lines = scan.text.stdout.splitlines()
    for path, case in sorted(expected_cases().items()):
        for error in case.get("errors", []):
            prefix = f"{path}:{error['line']}:" if error["line"] is not None else f"{path}:"
            matching = [line for line in lines if line.startswith(prefix) and " S3000 " in line and error["message"] in line]
            assert len(matching) == 1, f"{path}: {error} -> {matching}"


def test_sarif_reports_the_errors_as_tool_notifications(scan: Scan) -> None:
    sarif = json.loads(scan.sarif_bytes)
    invocation = sarif["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    notifications = [n for n in invocation["toolExecutionNotifications"] if n["level"] == "error"]
    expected = sum(len(case.get("errors", [])) for case in expected_cases().values())
    assert len(notifications) == expected
    uris = {n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for n in notifications}
    assert "yaml/alias_bomb.yaml" in uris and "generated/fifo.yaml" in uris
    assert all(n["descriptor"]["id"] == "S3000" for n in notifications)


def test_output_is_byte_identical_across_runs(scan: Scan) -> None:
    assert scan.json_bytes == scan.again_json
    assert scan.sarif_bytes == scan.again_sarif


def test_findings_are_in_a_fixed_order(scan: Scan) -> None:
    keys = [(f["path"], f["line"], f["column"], f["rule_id"], f["message"]) for f in scan.report["findings"]]
    assert keys == sorted(keys)


def test_nothing_outside_the_tree_is_read_or_quoted(scan: Scan) -> None:
    for output in (scan.text.stdout, scan.text.stderr, scan.json_bytes.decode(), scan.sarif_bytes.decode()):
        assert SECRET not in output
        assert "root:x:0:0" not in output  # /etc/passwd, named by terraform/file_outside


def test_yaml_tags_construct_nothing(scan: Scan) -> None:
    assert not list(scan.tree.rglob(CANARY))
    assert not (scan.tree.parent / CANARY).exists()


def test_folder_links_are_not_followed_out_of_the_tree(scan: Scan) -> None:
    paths = {f["path"] for f in scan.report["findings"]}
    assert not any("folder_link_outside" in path for path in paths)
    assert not any(path.startswith("generated/folder_link_loop/") for path in paths)
    assert any("folder_link_outside" in note and "not followed" in note for note in scan.report["notes"])


# ---------------------------------------------------------------------------------------
# The per-file time budget
# ---------------------------------------------------------------------------------------


def _spin(seconds: float) -> None:
    import time

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def test_the_budget_interrupts_a_runaway_loader_and_restores_the_timer() -> None:
    import signal
    import time

    from s3lint.budget import FileTimeout, file_budget

    before = signal.getsignal(signal.SIGALRM)
    started = time.monotonic()
    with pytest.raises(FileTimeout) as caught:
        with file_budget(0.2):
            try:
                _spin(30)
            except Exception:  # noqa: BLE001 - as the loaders do: the budget must go through
                pytest.fail("FileTimeout was caught as an Exception")
    assert time.monotonic() - started < 5
    assert caught.value.seconds == 0.2
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    with file_budget(5):
        _spin(0.05)  # finishing in time raises nothing
    with file_budget(0):
        _spin(0.05)  # 0: no budget


def test_an_outer_timer_survives_a_file_budget() -> None:
    import signal

    from s3lint.budget import file_budget

    fired: list[int] = []
    previous = signal.signal(signal.SIGALRM, lambda signum, frame: fired.append(signum))
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.4)
        with file_budget(5):
            _spin(0.05)
        assert signal.getitimer(signal.ITIMER_REAL)[0] > 0  # still armed
        _spin(1.0)
        assert fired == [signal.SIGALRM]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_the_budget_is_a_no_op_off_the_main_thread() -> None:
    import threading

    from s3lint.budget import budget_available, file_budget

    seen: list[bool] = []

    def work() -> None:
        seen.append(budget_available())
        with file_budget(0.01):
            _spin(0.1)
        seen.append(True)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert seen == [False, True]


def test_a_file_over_its_budget_is_one_s3000_and_the_others_are_still_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from s3lint import engine
    from s3lint.catalog import load_catalog
    from s3lint.runner import Settings, scan, selected_rules

    (tmp_path / "slow.yaml").write_text(CFN_PUBLIC, encoding="utf-8")
    (tmp_path / "fine.yaml").write_text(CFN_PUBLIC, encoding="utf-8")
    real_load = engine.load_document

    def load(path: str, options: Any, texts: dict[str, str]) -> Any:
        if path.endswith("slow.yaml"):
            _spin(60)  # stands for an input nobody foresaw
        return real_load(path, options, texts)

    monkeypatch.setattr(engine, "load_document", load)
    monkeypatch.chdir(tmp_path)
    settings = Settings(paths=["."], file_timeout=0.3, jobs=1)
    rules = load_catalog()
    report = scan(settings, rules, selected_rules(settings, rules))
    errors = [(e.path, e.message) for e in report.errors]
    assert errors == [("slow.yaml", "skipped: too complex (more than 0.3 s)")]
    assert ("fine.yaml", "S3001") in {(f.loc.path, f.rule_id) for f in report.findings}


def test_file_timeout_comes_from_the_flag_or_the_configuration(tmp_path: Path) -> None:
    from s3lint.cli import build_parser
    from s3lint.config import ConfigError, load_config
    from s3lint.runner import Settings

    assert Settings.from_args(build_parser().parse_args(["--isolated", "--file-timeout", "2.5"])).file_timeout == 2.5
    config = tmp_path / ".s3lint.yaml"
    config.write_text("file-timeout: 3\n", encoding="utf-8")
    assert Settings.from_args(build_parser().parse_args(["--config", str(config)])).file_timeout == 3
    config.write_text("file-timeout: soon\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="file-timeout"):
        load_config(str(config))
