"""s3lint opens no network connection, runs no program and writes nowhere but `--output`,
whatever it scans: the hostile corpus (with its pipes, device links and python tags) and the
examples, in this process, with every way of doing those things made to fail loudly."""

from __future__ import annotations

import builtins
import io
import os
import shutil
import socket
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pytest

from tests import test_hostile as hostile  # the corpus and the cases made at test time

REPO = Path(__file__).resolve().parents[1]
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC


class SideEffect(AssertionError):
    pass


def _forbidden(what: str) -> Callable[..., Any]:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise SideEffect(f"s3lint tried to {what}: {args[:2]!r}")

    return refuse


@dataclass
class Seal:
    allowed: set[str] = field(default_factory=set)  # the one file a test lets s3lint write
    written: list[str] = field(default_factory=list)


def seal(monkeypatch: pytest.MonkeyPatch) -> Seal:
    """Forbid sockets, programs and writes (but to `Seal.allowed`) in this process."""
    seal = Seal()
    monkeypatch.setattr(socket, "socket", _forbidden("open a socket"))
    monkeypatch.setattr(socket, "create_connection", _forbidden("connect"))
    monkeypatch.setattr(socket, "getaddrinfo", _forbidden("resolve a host name"))
    monkeypatch.setattr(subprocess, "Popen", _forbidden("start a program"))
    for name in ("system", "popen", "fork", "forkpty", "posix_spawn", "posix_spawnp", "execv", "execve", "execl",
                 "execle", "execlp", "execlpe", "execvp", "execvpe", "spawnv", "spawnve", "spawnl", "spawnle"):
        if hasattr(os, name):
            monkeypatch.setattr(os, name, _forbidden(f"run os.{name}"))
    real_open = builtins.open
    real_os_open = os.open

    def checked_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if any(flag in mode for flag in "wax+"):
            target = str(file) if isinstance(file, int) else os.path.abspath(os.fsdecode(file))
            if target not in seal.allowed:
                raise SideEffect(f"s3lint tried to write {target}")
            seal.written.append(target)
        return real_open(file, mode, *args, **kwargs)

    def checked_os_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        target = os.path.abspath(os.fsdecode(path))
        if flags & _WRITE_FLAGS and target not in seal.allowed and target != os.devnull:
            raise SideEffect(f"s3lint tried to open {target} for writing")
        return real_os_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", checked_open)
    monkeypatch.setattr(io, "open", checked_open)
    monkeypatch.setattr(os, "open", checked_os_open)
    return seal


def _tree_state(root: Path) -> dict[str, tuple[int, int]]:
    state = {}
    for folder, folders, files in os.walk(root):
        for name in folders + files:
            path = os.path.join(folder, name)
            info = os.lstat(path)
            state[path] = (info.st_size, info.st_mtime_ns)
    return state


def _build_corpus(base: Path) -> Path:
    tree = base / "tree"
    outside = base / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text(hostile._SECRET_TEXT, encoding="utf-8")
    shutil.copytree(hostile.CORPUS, tree, ignore=shutil.ignore_patterns("expected.json"))
    for path, case in hostile.MANIFEST["generated"].items():
        if case["make"] == "unreadable" and not hostile._can_deny_reading():
            continue
        target = tree / path
        target.parent.mkdir(parents=True, exist_ok=True)
        hostile.MAKERS[case["make"]](target, outside)
    return tree


@pytest.mark.parametrize("output_format", ["sarif", "json"])
def test_a_scan_of_hostile_input_has_no_side_effects(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, output_format: str
) -> None:
    from s3lint.cli import main

    tree = _build_corpus(tmp_path)
    shutil.copytree(REPO / "examples", tree / "examples")
    output = tmp_path / "report.out"
    sealed = seal(monkeypatch)
    sealed.allowed.add(str(output))
    before = _tree_state(tmp_path)
    monkeypatch.chdir(tree)
    code = main(["--isolated", "--no-progress", "--jobs", "1", "--max-file-size", str(hostile.MAX_FILE_SIZE),
                 "--format", output_format, "-o", str(output), "."])
    assert code == 2  # the corpus has bad files; and no SideEffect escaped as an internal error
    assert sealed.written == [str(output)]
    after = _tree_state(tmp_path)
    changed = {path for path in set(before) | set(after) if before.get(path) != after.get(path)}
    assert changed == {str(output)}
    monkeypatch.undo()
    report = output.read_text(encoding="utf-8")
    assert "s3lint tried to" not in report  # a refused side effect reported as an internal error
    assert hostile.SECRET not in report
    assert "examples/cloudformation/public-website.yaml" in report


def test_the_refusals_work(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The seal itself: each way of doing something forbidden fails."""
    sealed = seal(monkeypatch)
    with pytest.raises(SideEffect):
        socket.socket()
    with pytest.raises(SideEffect):
        subprocess.run(["true"])
    with pytest.raises(SideEffect):
        os.system("true")
    with pytest.raises(SideEffect):
        open(tmp_path / "x", "w")
    with pytest.raises(SideEffect):
        (tmp_path / "y").write_text("x")
    with pytest.raises(SideEffect):
        os.open(tmp_path / "z", os.O_WRONLY | os.O_CREAT)
    assert sealed.written == []
