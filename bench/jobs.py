#!/usr/bin/env python3
"""Time `--jobs N` against `--jobs 1` on one tree, in turn, and what this machine lets two processes gain.

    python bench/jobs.py                                 # synthetic 5,000 files, 9 pairs, --jobs 2
    python bench/jobs.py --tree /tmp/gen-5k --pairs 5
    python bench/jobs.py --python /tmp/benchvenv/bin/python --markdown out.md --json out.json

A pair is one whole `python -m s3lint TREE --format json --jobs 1` process and one with
`--jobs N`, in alternating order, so that both see the same minutes of a machine whose speed
drifts; the reports of each pair must be byte-identical.  The table gives every run, the
medians, their ratio, and the pairs' own ratios.  Then, `--calibrate` times, the speed index
loop of run.py alone and N copies at once: `N x alone / together` is the most N processes
could gain over one on those minutes, whatever the program.  See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import run  # noqa: E402 - bench/run.py, beside this file


def pairs(tree: str, jobs: int, count: int, work_dir: str, env: dict[str, str]) -> dict[str, Any]:
    """`count` pairs of runs (`--jobs 1`, `--jobs jobs`), the order alternating."""
    walls: dict[int, list[float]] = {1: [], jobs: []}
    identical = True
    for number in range(count):
        reports = {}
        for setting in (1, jobs) if number % 2 == 0 else (jobs, 1):
            report = os.path.join(work_dir, f"jobs-{setting}.json")
            command = [run.PYTHON, "-m", "s3lint", "--no-progress", "--isolated", "--format", "json",
                       "--jobs", str(setting), "-o", report, tree]
            wall, _, _, code = run.run_once(command, work_dir, env=env)
            if code not in (0, 1, 2):
                raise SystemExit(f"bench: s3lint --jobs {setting} exited with {code} on {tree}")
            walls[setting].append(wall)
            with open(report, "rb") as handle:
                reports[setting] = handle.read()
        identical = identical and reports[1] == reports[jobs]
    ratios = sorted(one / many for one, many in zip(walls[1], walls[jobs]))
    return {
        "one": walls[1],
        "many": walls[jobs],
        "ratio_of_medians": statistics.median(walls[1]) / statistics.median(walls[jobs]),
        "pair_ratios": ratios,
        "identical": identical,
    }


def calibrate(processes: int, times: int) -> list[dict[str, float]]:
    """The speed index loop alone, `processes` copies at once, and alone again, `times`
    times: the group is compared with the mean of the runs alone on either side of it, which
    the machine's drift moves less than either."""
    command = [run.PYTHON, "-c", run.SPEED_LOOP]
    rows = []
    for _ in range(times):
        before = run.run_once(command, ".")[0]
        start = time.perf_counter()
        group = [subprocess.Popen(command) for _ in range(processes)]
        for process in group:
            process.wait()
        together = time.perf_counter() - start
        after = run.run_once(command, ".")[0]
        alone = (before + after) / 2
        rows.append({"alone": alone, "together": together, "best_gain": processes * alone / together})
    return rows


def render(tree: str, jobs: int, measured: dict[str, Any], calibration: list[dict[str, float]], info: dict[str, Any]) -> str:
    def listed(values: list[float]) -> str:
        return ", ".join(f"{value:.2f}" for value in values)

    ratios = measured["pair_ratios"]
    lines = [
        f"`--jobs 1` against `--jobs {jobs}` on `{tree}` ({info['files']:,} files), JSON report, whole process, "
        f"{len(ratios)} pairs in turn; speed index {info['speed_before']:.2f} s before, {info['speed_after']:.2f} s after.",
        "",
        "| | runs (s) | median |",
        "|---|---|---|",
        f"| `--jobs 1` | {listed(measured['one'])} | {statistics.median(measured['one']):.2f} s |",
        f"| `--jobs {jobs}` | {listed(measured['many'])} | {statistics.median(measured['many']):.2f} s |",
        "",
        f"Ratio of the medians {measured['ratio_of_medians']:.2f}×; the pairs' ratios "
        f"{ratios[0]:.2f}–{ratios[-1]:.2f}, median {statistics.median(ratios):.2f}×. "
        + ("The reports are byte-identical." if measured["identical"] else "**The reports differ.**"),
    ]
    if calibration:
        lines += [
            "",
            f"What {jobs} processes can gain on this machine at all: the speed index loop alone (the mean of a run just "
            f"before and one just after), and {jobs} copies at once.",
            "",
            f"| alone | {jobs} at once | best possible speed-up |",
            "|---|---|---|",
            *(f"| {row['alone']:.2f} s | {row['together']:.2f} s | {row['best_gain']:.2f}× |" for row in calibration),
        ]
    lines += ["", f"Command: `{info['command']}`; Python {info['python']} ({info['python_executable']}), {info['cpus']} CPUs."]
    return "\n".join(lines) + "\n"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", help="the tree to scan (default: the synthetic tree of --size files)")
    parser.add_argument("--size", type=int, default=5000, help="files of the synthetic tree (default: 5000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--jobs", type=int, default=2, help="the --jobs compared with --jobs 1 (default: 2)")
    parser.add_argument("--pairs", type=int, default=9, help="pairs of runs (default: 9)")
    parser.add_argument("--calibrate", type=int, default=3, help="times the loop is run alone and in a group (default: 3)")
    parser.add_argument("--python", help="interpreter that runs s3lint (default: this one)")
    parser.add_argument("--no-compile", action="store_true", help="time the checkout as it is (no installed copy with bytecode)")
    parser.add_argument("--work-dir", default=os.path.join(tempfile.gettempdir(), "s3lint-bench"))
    parser.add_argument("--markdown", help="write the table here too")
    parser.add_argument("--json", help="write every measurement here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.pairs < 1 or args.jobs < 2:
        raise SystemExit("bench: --pairs must be at least 1 and --jobs at least 2")
    run.PYTHON = os.path.abspath(args.python) if args.python else sys.executable
    os.makedirs(args.work_dir, exist_ok=True)
    tree = os.path.abspath(args.tree) if args.tree else run.synthetic_tree(args.work_dir, args.size, args.seed)
    where = run.PROJECT if args.no_compile else run.installed_copy(args.work_dir)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (where, os.environ.get("PYTHONPATH")) if p))
    info = {
        "files": run.count_inputs([tree]),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "python_executable": run.PYTHON,
        "speed_before": run.machine_speed(),
        "command": "python bench/jobs.py " + " ".join(argv if argv is not None else sys.argv[1:]),
    }
    measured = pairs(tree, args.jobs, args.pairs, args.work_dir, env)
    info["speed_after"] = run.machine_speed()
    calibration = calibrate(args.jobs, args.calibrate)
    table = render(tree, args.jobs, measured, calibration, info)
    sys.stdout.write(table)
    if args.markdown:
        run.write_file(args.markdown, table)
    if args.json:
        run.write_file(args.json, json.dumps({"info": info, "tree": tree, "jobs": args.jobs, "pairs": measured,
                                          "calibration": calibration}, indent=2) + "\n")
    return 0 if measured["identical"] else 1


if __name__ == "__main__":
    sys.exit(main())
