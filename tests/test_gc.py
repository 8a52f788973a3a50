"""Loading leaves no reference cycle behind.

Scans load with the cyclic collector paused (`engine.paused_gc`) and never run it while they
load: reference counting alone must free what a unit's load leaves over, or the garbage
would stay until the process ends.  So every unit of the fixtures, the examples and a
generated tree of every format is loaded with the collector saving what it finds, and must
leave nothing for it."""

from __future__ import annotations

import collections
import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from s3lint.discovery import discover
from s3lint.engine import DOCUMENT, TERRAFORM_MODULE, ScanOptions, Unit, load_unit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402 - bench/generate.py


def units_under(root: Path) -> list[Unit]:
    found = discover([str(root)], [])
    return [(DOCUMENT, path) for path in found.documents] + [(TERRAFORM_MODULE, folder) for folder in found.terraform_modules]


@contextmanager
def saved_garbage() -> Iterator[list[object]]:
    """What the cyclic collector finds unreachable at the end of the block (without freeing it)."""
    found: list[object] = []
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        yield found
        gc.collect()
        found.extend(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if was_enabled:
            gc.enable()


def cyclic_garbage(units: list[Unit], root: Path) -> dict[Unit, collections.Counter[str]]:
    """The types of the objects only the cyclic collector could free, for each unit that left any."""
    options = ScanOptions(root=str(root))
    for unit in units:
        load_unit(unit, options)  # once first: importing a module on first use may leave cycles
    left: dict[Unit, collections.Counter[str]] = {}
    for unit in units:
        with saved_garbage() as garbage:
            load_unit(unit, options)
        if garbage:
            left[unit] = collections.Counter(type(item).__qualname__ for item in garbage)
    return left


@pytest.mark.parametrize("folder", ["tests/fixtures", "examples"])
def test_loading_a_folder_leaves_no_cycles(folder: str) -> None:
    units = units_under(ROOT / folder)
    assert {kind for kind, _ in units} == {DOCUMENT, TERRAFORM_MODULE}
    assert cyclic_garbage(units, ROOT / folder) == {}


def test_loading_a_generated_tree_leaves_no_cycles(tmp_path: Path) -> None:
    generate.generate(str(tmp_path), 60, seed=11)
    units = units_under(tmp_path)
    assert cyclic_garbage(units, tmp_path) == {}


def test_a_terraform_module_not_released_would_leave_cycles(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check above can fail: a module tree that is not released is all cycles."""
    from s3lint.loaders.terraform.module import ModuleInstance

    monkeypatch.setattr(ModuleInstance, "release", lambda self: None)
    folder = ROOT / "examples"
    modules = [unit for unit in units_under(folder) if unit[0] == TERRAFORM_MODULE]
    left = cyclic_garbage(modules, folder)
    assert left and all(found["ModuleInstance"] for found in left.values())
