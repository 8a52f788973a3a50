"""A big SARIF log's results written by forked children and this process: the same text as
one process writes, whatever happens to a child."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path
from typing import Any

import pytest

from s3lint import engine, forked
from s3lint.forked import MIN_ITEMS, split_count, texts_in_parts
from s3lint.model import Finding
from s3lint.report import Report
from s3lint.reporters import sarif
from s3lint.source import Location

FIXTURES = Path(__file__).parent / "fixtures"


def joined(texts: Any) -> str:
    return ",".join(texts)


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The pids of the children forked (in this process: a child's own forks are not seen)."""
    pids: list[int] = []
    fork = os.fork

    def recorded() -> int:
        pid = fork()
        if pid:
            pids.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", recorded)
    return pids


def assert_reaped(pids: list[int]) -> None:
    for pid in pids:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


@pytest.mark.parametrize("count", [1, 2, 3, 7, 100])
@pytest.mark.parametrize("parts", [1, 2, 3, 4])
def test_the_texts_join_into_what_one_process_makes(count: int, parts: int, forks: list[int]) -> None:
    items = list(range(count))
    texts = list(texts_in_parts(items, lambda item: f"<{item}>", parts))
    assert joined(texts) == joined(f"<{item}>" for item in items)
    assert len(forks) == min(parts, count) - 1
    assert_reaped(forks)


def test_every_text_survives_the_trip_back_lone_surrogates_too(forks: list[int]) -> None:
    items = ["plain", "caf\udce9", "\U0001f600 emoji", 'quote " and , comma', "\n", ""]
    texts = list(texts_in_parts(items, str, 3))
    assert len(forks) == 2
    assert joined(texts) == joined(items)


def test_a_child_that_fails_has_its_part_made_here(forks: list[int]) -> None:
    parent = os.getpid()

    def text_of(item: int) -> str:
        if os.getpid() != parent:
            raise RuntimeError("broken in the child only")
        return str(item)

    texts = list(texts_in_parts(list(range(10)), text_of, 2))
    assert len(forks) == 1
    assert joined(texts) == joined(map(str, range(10)))
    assert_reaped(forks)


def test_a_child_killed_has_its_part_made_here(forks: list[int]) -> None:
    parent = os.getpid()

    def text_of(item: int) -> str:
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return str(item)

    texts = list(texts_in_parts(list(range(10)), text_of, 3))
    assert len(forks) == 2
    assert joined(texts) == joined(map(str, range(10)))
    assert_reaped(forks)


def test_when_fork_fails_every_part_is_made_here(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_fork() -> int:
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    assert joined(texts_in_parts(list(range(9)), str, 3)) == joined(map(str, range(9)))


def test_when_no_temporary_file_can_be_made_the_part_is_made_here(monkeypatch: pytest.MonkeyPatch, forks: list[int]) -> None:
    import tempfile

    def no_file() -> Any:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tempfile, "TemporaryFile", no_file)
    assert joined(texts_in_parts(list(range(9)), str, 2)) == joined(map(str, range(9)))
    assert forks == []


def test_how_many_processes_write_the_results(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    assert split_count(None, MIN_ITEMS - 1) == 1  # too few to be worth a fork
    assert split_count(8, MIN_ITEMS - 1) == 1
    assert split_count(1, 100 * MIN_ITEMS) == 1  # --jobs 1: this process only
    assert split_count(2, MIN_ITEMS) == 2
    assert split_count(None, 100 * MIN_ITEMS) == 4  # one per CPU
    assert split_count(0, 100 * MIN_ITEMS) == 4
    assert split_count(8, 100 * MIN_ITEMS) == 8  # a maximum, as for the load
    assert split_count(8, 3 * MIN_ITEMS // 2) == 3  # each process at least MIN_ITEMS / 2
    monkeypatch.delattr(os, "fork")
    assert split_count(8, 100 * MIN_ITEMS) == 1


def many_findings(root: Path, count: int) -> Report:
    lines = "".join(f"key{number}: value {number % 7}\n" for number in range(count // 3 + 5))
    for name in ("a.yaml", "b/main.tf", "c.json"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(lines)
    findings = [
        Finding(f"S30{10 + number % 3}", f"message {number % 5} at line {number}",
                Location(("a.yaml", "b/main.tf", "c.json")[number % 3], number // 3 + 1, 1 + number % 4), f"R{number}",
                severity="high", suppression="a reason" if number % 11 == 0 else None)
        for number in range(count)
    ]
    findings.sort(key=lambda f: (f.loc.path, f.loc.line, f.loc.column, f.rule_id))
    return Report(findings, [], {}, str(root), files_scanned=3, version="1.2.3")


@pytest.mark.parametrize("parts", [2, 3])
@pytest.mark.parametrize("include", [True, False])
def test_a_log_written_in_parts_is_the_log(tmp_path: Path, parts: int, include: bool, forks: list[int]) -> None:
    report = many_findings(tmp_path, 300)
    whole = "".join(sarif.render_pieces(report, include_suppressed=include))
    assert whole == json.dumps(sarif.build(report, include_suppressed=include), indent=2, ensure_ascii=False) + "\n"
    assert "".join(sarif.render_pieces(report, include_suppressed=include, parts=parts)) == whole
    assert len(forks) == parts - 1
    assert_reaped(forks)


def test_the_cli_writes_a_big_log_in_parts_with_jobs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str], forks: list[int]) -> None:
    from s3lint.cli import main

    monkeypatch.chdir(FIXTURES)
    monkeypatch.setattr(forked, "MIN_ITEMS", 2)  # the fixtures' findings are enough
    monkeypatch.setattr(engine, "MIN_UNITS_FOR_POOL", 10**9)  # only the report's forks
    outputs = {}
    for jobs in ("1", "2"):
        forks.clear()
        code = main(["--no-progress", "--isolated", "--format", "sarif", "--jobs", jobs, "-o", str(tmp_path / jobs), "."])
        outputs[jobs] = code, (tmp_path / jobs).read_text(encoding="utf-8")
        assert len(forks) == int(jobs) - 1, capsys.readouterr().err
    assert outputs["1"] == outputs["2"]
    assert outputs["2"][0] == 2  # findings, and the fixtures' broken files
    assert len(json.loads(outputs["2"][1])["runs"][0]["results"]) > 100
