"""Every fixture under tests/fixtures/<format>/ with a sibling `<entry>.expected` is a case.

The `.expected` file lists every definite, unsuppressed finding: `<path>:<line> <RULE_ID>`,
paths relative to the entry's folder.  Lines starting with `#!` set options:
`#! extend-select S3012,S3021`, `#! account-id 123456789012`, `#! strict`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from s3lint.catalog import load_catalog
from s3lint.config import select_rules
from s3lint.runner import Settings, scan

FIXTURES = Path(__file__).parent / "fixtures"
FORMATS = ("cloudformation", "terraform", "policy-json", "tfplan")


def _cases() -> list[Path]:
    cases = []
    for fmt in FORMATS:
        folder = FIXTURES / fmt
        if folder.is_dir():
            cases.extend(sorted(folder.rglob("*.expected")))
    return cases


def _read_expected(path: Path) -> tuple[set[str], dict[str, list[str]]]:
    expected: set[str] = set()
    options: dict[str, list[str]] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("#!"):
            name, _, value = line[2:].strip().partition(" ")
            options[name] = [v for v in value.replace(",", " ").split() if v]
            continue
        line = line.split("#", 1)[0].strip()
        if line:
            location, rule_id = line.rsplit(" ", 1)
            expected.add(f"{location.strip()} {rule_id.strip()}")
    return expected, options


def run_case(expected_file: Path) -> set[str]:
    entry = expected_file.with_name(expected_file.name[: -len(".expected")])
    assert entry.exists(), f"{expected_file} has no fixture {entry.name} beside it"
    _, options = _read_expected(expected_file)
    rules = load_catalog()
    settings = Settings(
        paths=[entry.name],
        extend_select=options.get("extend-select", []),
        account_ids=options.get("account-id", []),
        strict="strict" in options,
    )
    selected = select_rules(rules, select=None, extend_select=settings.extend_select, ignore=[], origin="test")
    cwd = os.getcwd()
    os.chdir(entry.parent)
    try:
        report = scan(settings, rules, selected)
    finally:
        os.chdir(cwd)
    return {f"{f.loc.path}:{f.loc.line} {f.rule_id}" for f in report.findings if f.suppression is None}


@pytest.mark.parametrize("expected_file", _cases(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixture(expected_file: Path) -> None:
    expected, _ = _read_expected(expected_file)
    actual = run_case(expected_file)
    missing = sorted(expected - actual)
    unexpected = sorted(actual - expected)
    assert not missing and not unexpected, f"missing: {missing}\nunexpected: {unexpected}"


def test_there_are_fixture_cases_for_every_format() -> None:
    cases = _cases()
    for fmt in ("cloudformation", "terraform", "policy-json"):
        assert any(fmt in str(c) for c in cases), f"no fixture cases for {fmt}"


FORMAT_FOLDERS = {"cloudformation": "cloudformation", "terraform": "terraform", "policy-json": "policy-json"}


def _rule_cases(rule_id: str, fmt: str) -> tuple[list[Path], list[Path]]:
    """Cases of one format named after the rule: (those expecting it, those not expecting it)."""
    failing, passing = [], []
    prefix = rule_id.lower()
    for case in _cases():
        relative = case.relative_to(FIXTURES)
        if relative.parts[0] != FORMAT_FOLDERS[fmt] or prefix not in case.name.lower():
            continue
        expected, options = _read_expected(case)
        if any(line.endswith(" " + rule_id) for line in expected):
            failing.append(case)
        else:
            passing.append(case)
    return failing, passing


def test_every_rule_has_a_failing_and_a_passing_fixture_per_format() -> None:
    missing = []
    for rule in load_catalog().values():
        if rule.id in ("S3000", "S3090"):
            continue
        for fmt in rule.formats:
            if fmt not in FORMAT_FOLDERS:
                continue
            failing, passing = _rule_cases(rule.id, fmt)
            if not failing:
                missing.append(f"{rule.id} {fmt}: no failing case")
            if not passing:
                missing.append(f"{rule.id} {fmt}: no passing case")
    assert not missing, "\n".join(missing)
