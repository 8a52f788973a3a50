"""The progress line: on a terminal, outside CI, not piped, for scans of hundreds of files."""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

from s3lint.progress import MIN_FILES, ProgressLine, progress_for, running_in_ci, wanted
from tests.test_cli import FIXTURES, cli_env


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_small_scans_show_nothing() -> None:
    stream = FakeTerminal()
    progress = ProgressLine(stream)
    for done in range(1, MIN_FILES + 1):
        progress(done, MIN_FILES)
    progress.close()
    assert stream.getvalue() == ""


def test_the_line_is_redrawn_in_place_at_most_ten_times_a_second_and_erased() -> None:
    stream, clock = FakeTerminal(), Clock()
    progress = ProgressLine(stream, clock=clock)
    total = 1000
    for done in range(1, total + 1):
        clock.now = done * 0.001  # one second in all
        progress(done, total)
    text = stream.getvalue()
    frames = text.split("\r")[1:]
    assert 8 <= len(frames) <= 12  # about ten redraws, plus the final one
    assert frames[0] == "s3lint: checking 1/1000 files (0%)"
    assert frames[-1].rstrip() == "s3lint: checking 1000/1000 files (100%)"
    progress.close()
    assert stream.getvalue().endswith("\r" + " " * len("s3lint: checking 1000/1000 files (100%)") + "\r")


def test_a_shorter_line_blanks_out_the_longer_one_before_it() -> None:
    stream, clock = FakeTerminal(), Clock()
    progress = ProgressLine(stream, min_files=0, clock=clock)
    progress(999, 1000)
    clock.now = 1
    progress(1000, 10000)  # shorter percentage text would leave a stray character
    first, second = stream.getvalue().split("\r")[1:]
    assert len(second) >= len(first)


@pytest.mark.parametrize(
    "environ,expected",
    [
        ({}, False),
        ({"CI": "true"}, True),
        ({"CI": "false"}, False),
        ({"GITHUB_ACTIONS": "true"}, True),
        ({"GITLAB_CI": "true"}, True),
        ({"JENKINS_URL": "https://ci.example.com/"}, True),
        ({"TF_BUILD": "True"}, True),
    ],
)
def test_ci_detection(environ: dict[str, str], expected: bool) -> None:
    assert running_in_ci(environ) is expected


def test_when_a_progress_line_is_wanted() -> None:
    terminal = FakeTerminal()
    assert wanted(terminal, report_piped=False, environ={"TERM": "xterm"})
    assert not wanted(io.StringIO(), report_piped=False, environ={})  # stderr is not a terminal
    assert not wanted(terminal, report_piped=True, environ={})  # the report goes down a pipe
    assert not wanted(terminal, report_piped=False, environ={"CI": "1"})
    assert not wanted(terminal, report_piped=False, environ={"TERM": "dumb"})
    assert progress_for(terminal, report_piped=False, enabled=False, environ={}) is None


# ---------------------------------------------------------------------------------------
# Through the real command, with stderr on a pseudo-terminal
# ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def big_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("big")
    for index in range(MIN_FILES + 50):
        (root / f"settings{index:03}.json").write_text('{"not": "a template"}\n', encoding="utf-8")
    (root / "site.yaml").write_text((FIXTURES / "templates" / "public-site.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    return root


def _run_with_terminal_stderr(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, str]:
    """Run s3lint with stderr on a pseudo-terminal; return its exit code and what it drew."""
    controller, terminal = pty.openpty()
    try:
        process = subprocess.Popen([sys.executable, "-m", "s3lint", *args], cwd=cwd, env=env,
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=terminal)
        os.close(terminal)
        terminal = -1
        chunks = []
        while True:
            ready, _, _ = select.select([controller], [], [], 60)
            if not ready:
                break
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # the other side closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        return process.wait(timeout=120), b"".join(chunks).decode("utf-8", "replace")
    finally:
        os.close(controller)
        if terminal != -1:
            os.close(terminal)


def test_a_long_scan_on_a_terminal_shows_progress(big_tree: Path) -> None:
    code, drawn = _run_with_terminal_stderr(["-o", "report.txt", "."], big_tree, cli_env())
    assert code == 1
    assert f"s3lint: checking {MIN_FILES + 51}/{MIN_FILES + 51} files (100%)" in drawn
    assert "site.yaml:21:13: S3002" in (big_tree / "report.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "args,env",
    [
        (["-o", "report.txt", "."], {"CI": "true"}),
        (["-o", "report.txt", "."], {"GITHUB_ACTIONS": "true"}),
        (["-o", "report.txt", "--no-progress", "."], {}),
        (["."], {}),  # the report itself goes to a pipe (stdout is not a terminal)
    ],
)
def test_no_progress_in_ci_when_piped_or_turned_off(big_tree: Path, args: list[str], env: dict[str, str]) -> None:
    code, drawn = _run_with_terminal_stderr(args, big_tree, cli_env(**env))
    assert code == 1
    assert "checking" not in drawn


def test_no_progress_when_stderr_is_captured(big_tree: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "s3lint", "-o", "report.txt", "."], cwd=big_tree, env=cli_env(),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and result.stderr == ""
