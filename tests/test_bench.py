"""bench/: the generator is seeded and prefix-stable, and the benchmark script runs and
prints its table."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402 - bench/generate.py


def tree_contents(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_text() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_generator_is_deterministic_and_smaller_trees_are_prefixes(tmp_path: Path) -> None:
    small, again, large = tmp_path / "small", tmp_path / "again", tmp_path / "large"
    summary = generate.generate(str(small), 60, seed=11)
    generate.generate(str(again), 60, seed=11)
    generate.generate(str(large), 150, seed=11)
    assert summary["files"] == 60 == len(tree_contents(small))
    assert tree_contents(small) == tree_contents(again)
    big = tree_contents(large)
    last_unit = f"{summary['units'] - 1:05d}"  # the last unit of the small tree may be cut short
    shared = {path: text for path, text in tree_contents(small).items() if last_unit not in path}
    assert len(shared) > 50 and all(big[path] == text for path, text in shared.items())
    other_seed = tmp_path / "other"
    generate.generate(str(other_seed), 60, seed=12)
    assert tree_contents(other_seed) != tree_contents(small)


def test_generated_files_are_read_without_errors(tmp_path: Path) -> None:
    generate.generate(str(tmp_path), 120, seed=5)
    done = subprocess.run(
        [sys.executable, "-m", "s3lint", "--no-progress", "--isolated", "--format", "json", "."],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )
    report = json.loads(done.stdout)
    assert done.returncode == 1, done.stderr  # findings, and no file that failed to load
    assert not [f for f in report["findings"] if f["rule_id"] == "S3000"]
    kinds = {f["path"].split("/")[0] for f in report["findings"]}
    assert {"terraform", "cloudformation", "policies"} <= kinds


def run_bench(script: str, tmp_path: Path, *args: str) -> tuple[str, dict]:
    """Run bench/SCRIPT with ARGS, keeping its Markdown and JSON: (the table it printed, the
    JSON), having checked that it succeeded and wrote the table it printed."""
    markdown, results = tmp_path / "table.md", tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *args,
         "--work-dir", str(tmp_path / "work"), "--markdown", str(markdown), "--json", str(results)],
        capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert markdown.read_text() == done.stdout
    return done.stdout, json.loads(results.read_text())


def test_the_benchmark_runs_on_a_tiny_tree_and_prints_its_table(tmp_path: Path) -> None:
    table, payload = run_bench("run.py", tmp_path, "--sizes", "40", "--runs", "1", "--peers", "none")
    rows = [line for line in table.splitlines() if line.startswith("| ")]
    assert rows[0].startswith("| case | files |")
    names = [row.split("|")[1].strip() for row in rows[1:]]
    assert names == ["one CFN file (pre-commit)", "one TF file (pre-commit)", "synthetic 40"]
    ours = [r for r in payload["results"] if r["tool"] == "s3lint"]
    assert len(ours) == 3
    assert all(r["median_wall"] > 0 and r["peak_rss_mb"] > 5 and r["exit_codes"][0] in (0, 1) for r in ours)
    assert all(r["speed_index"] > 0 for r in ours) and "speed index" in rows[0]  # the machine's speed, per case
    assert payload["cases"][2]["files"] == 40


def test_the_jobs_comparison_runs_pairs_in_turn_and_checks_the_reports(tmp_path: Path) -> None:
    table, payload = run_bench("jobs.py", tmp_path, "--size", "120", "--pairs", "2", "--calibrate", "1")
    rows = [line for line in table.splitlines() if line.startswith("| `--jobs")]
    assert [row.split("|")[1].strip() for row in rows] == ["`--jobs 1`", "`--jobs 2`"]
    assert all(len(row.split("|")[2].split(",")) == 2 for row in rows)  # two runs each
    assert "The reports are byte-identical." in table
    measured = payload["pairs"]
    assert measured["identical"] and len(measured["one"]) == len(measured["many"]) == 2
    assert measured["pair_ratios"] == sorted(a / b for a, b in zip(measured["one"], measured["many"]))
    assert payload["info"]["files"] == 120 and payload["jobs"] == 2
    (row,) = payload["calibration"]
    assert row["alone"] > 0 and row["best_gain"] == pytest.approx(2 * row["alone"] / row["together"])
