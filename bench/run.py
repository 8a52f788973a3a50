#!/usr/bin/env python3
"""Time s3lint, whole process, on trees of infrastructure code; and its peers beside it.

    python bench/run.py                          # pre-commit cases, synthetic 1k and 5k
    python bench/run.py --sizes 1000,5000,20000  # the linear-growth check
    python bench/run.py --tree realworld=../shared/bench/realworld --runs 5
    python bench/run.py --peers none --sizes 200 --runs 1 --markdown out.md --json out.json

For each case it runs `python -m s3lint` N times (`--runs`) and reports the median wall
time, files per second, CPU time (user + system, workers included) and peak memory: the
largest resident set of the whole process tree, sampled every few milliseconds (forked
workers share pages with their parent, so the sum overstates a little).  Synthetic trees
come from bench/generate.py (seeded, cached under --work-dir).  When checkov, trivy or
cfn-lint can be found (PATH, or --checkov/--trivy/--cfn-lint), they run on the same trees
in the same run, and the table shows how many times slower they are.  See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
PROJECT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import generate  # noqa: E402 - bench/generate.py, beside this file

# checkov's checks about S3 buckets (CloudFormation and Terraform share the ids), so that it
# is timed on the same job as s3lint and not on its thousand other checks.
CHECKOV_S3_CHECKS = (
    "CKV_AWS_18,CKV_AWS_19,CKV_AWS_20,CKV_AWS_21,CKV_AWS_52,CKV_AWS_53,CKV_AWS_54,CKV_AWS_55,"
    "CKV_AWS_56,CKV_AWS_57,CKV_AWS_70,CKV_AWS_93,CKV_AWS_145,CKV_AWS_375,CKV_AWS_379,CKV2_AWS_6"
)
DOCUMENT_SUFFIXES = (".json", ".yaml", ".yml", ".template")
SAMPLE_INTERVAL = 0.02  # seconds between memory samples (each costs ~0.2 ms of CPU)
LARGE_TREE = 10_000  # files: trees larger than this are timed --large-runs times


@dataclass
class Case:
    name: str
    paths: list[str]  # what the tool is given: one file (pre-commit) or a folder
    files: int  # files s3lint would look at


@dataclass
class Measure:
    tool: str
    case: str
    runs: int
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    peak_rss_mb: float = 0.0
    exit_codes: list[int] = field(default_factory=list)
    note: str = ""
    speed_index: float = 0.0  # `machine_speed` just before the runs: tells slow minutes apart

    @property
    def median_wall(self) -> float:
        return statistics.median(self.wall) if self.wall else float("nan")

    @property
    def median_cpu(self) -> float:
        return statistics.median(self.cpu) if self.cpu else float("nan")


# ---------------------------------------------------------------------------------------
# Running one command
# ---------------------------------------------------------------------------------------


def _tree_rss_kb(root_pid: int) -> int:
    """Resident set of a process and all its descendants, in KiB (Linux /proc)."""
    total = 0
    stack = [root_pid]
    while stack:
        pid = stack.pop()
        try:
            with open(f"/proc/{pid}/statm") as handle:
                total += int(handle.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
            with open(f"/proc/{pid}/task/{pid}/children") as handle:
                stack.extend(int(child) for child in handle.read().split())
        except (OSError, ValueError):
            continue
    return total


def run_once(command: list[str], cwd: str, timeout: float | None = None,
             env: dict[str, str] | None = None) -> tuple[float, float, float, int]:
    """(wall seconds, CPU seconds, peak RSS MiB, exit code) of one run; past `timeout` the
    run's whole process group is killed and its exit code is -9."""
    peak = [0]
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True, env=env)
    done = threading.Event()
    killer = None
    if timeout:
        killer = threading.Timer(timeout, _kill_group, args=(process.pid,))
        killer.start()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss_kb(process.pid))
            done.wait(SAMPLE_INTERVAL)

    sampler = threading.Thread(target=sample, daemon=True)
    if os.path.exists("/proc/self/statm"):
        sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    if killer is not None:
        killer.cancel()
        _kill_group(process.pid)  # helpers a peer left behind
    if sampler.is_alive():
        sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime  # includes the workers it waited for
    largest_one = usage.ru_maxrss / 1024  # KiB on Linux
    return wall, cpu, max(peak[0] / 1024, largest_one), process.returncode


def _kill_group(pid: int) -> None:
    import signal

    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass


def measure(tool: str, case: Case, command: list[str], runs: int, cwd: str,
            timeout: float | None = None, env: dict[str, str] | None = None) -> Measure:
    result = Measure(tool, case.name, runs)
    for _ in range(runs):
        wall, cpu, rss, code = run_once(command, cwd, timeout, env)
        if code == -9:
            result.note = f"killed after {timeout:.0f} s (hung, or slower than --peer-timeout)"
        result.wall.append(wall)
        result.cpu.append(cpu)
        result.peak_rss_mb = max(result.peak_rss_mb, rss)
        result.exit_codes.append(code)
    return result


# ---------------------------------------------------------------------------------------
# Tools
# ---------------------------------------------------------------------------------------


# The interpreter that runs s3lint (`--python`): by default this one.  A virtual environment
# of its own is what pre-commit and `pipx` give users, and it leaves out site-packages `.pth`
# files of the machine (this sandbox's imports certifi at every start-up: ~40 ms).
PYTHON = sys.executable


def s3lint_command(case: Case, jobs: int | None) -> list[str]:
    command = [PYTHON, "-m", "s3lint", "--no-progress", "--isolated", "--format", "json"]
    if jobs is not None:
        command += ["--jobs", str(jobs)]
    return command + case.paths


def peer_commands(case: Case, peers: dict[str, str]) -> dict[str, list[str]]:
    commands: dict[str, list[str]] = {}
    if "checkov" in peers:
        target = ["-f", *case.paths] if os.path.isfile(case.paths[0]) else ["-d", case.paths[0]]
        commands["checkov"] = [peers["checkov"], *target, "--framework", "cloudformation", "terraform",
                               "--check", CHECKOV_S3_CHECKS, "--quiet", "--compact", "-o", "json",
                               "--skip-download"]
    if "trivy" in peers:
        commands["trivy"] = [peers["trivy"], "config", "--quiet", "--format", "json",
                             "--misconfig-scanners", "cloudformation,terraform", case.paths[0]]
    if "cfn-lint" in peers:
        templates = cloudformation_templates(case.paths)
        if templates:  # cfn-lint reads CloudFormation only: it is timed on that part
            commands["cfn-lint"] = [peers["cfn-lint"], "--format", "json", "--", *templates]
    return commands


def find_peers(wanted: str, given: dict[str, str | None]) -> dict[str, str]:
    if wanted == "none":
        return {}
    names = ("checkov", "trivy", "cfn-lint") if wanted == "auto" else tuple(wanted.split(","))
    found: dict[str, str] = {}
    for name in names:
        path = given.get(name) or shutil.which(name)
        if path and os.access(path, os.X_OK):
            found[name] = path
    return found


def tool_version(path: str) -> str:
    try:
        done = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    text = (done.stdout or done.stderr).strip().splitlines()
    return text[0] if text else "?"


def cloudformation_templates(paths: list[str]) -> list[str]:
    templates = []
    for path in _files(paths):
        if path.endswith(DOCUMENT_SUFFIXES):
            try:
                with open(path, encoding="utf-8", errors="replace") as handle:
                    head = handle.read(200_000)
            except OSError:
                continue
            if "AWSTemplateFormatVersion" in head or "AWS::" in head:
                templates.append(path)
    return templates


def _files(paths: list[str]) -> list[str]:
    found: list[str] = []
    for path in paths:
        if os.path.isfile(path):
            found.append(path)
            continue
        for folder, subfolders, names in os.walk(path):
            subfolders[:] = sorted(d for d in subfolders if not d.startswith(".") and d not in ("node_modules", ".terraform"))
            found.extend(os.path.join(folder, name) for name in sorted(names))
    return found


def count_inputs(paths: list[str]) -> int:
    return sum(1 for path in _files(paths) if path.endswith((".tf", ".tf.json", *DOCUMENT_SUFFIXES)))


# ---------------------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------------------


def installed_copy(work_dir: str) -> str:
    """s3lint as `pip install` lays it out (rules under s3lint/_rules) with its bytecode
    written, copied once per run: the timings neither compile modules on every run
    (PYTHONDONTWRITEBYTECODE, a stale __pycache__) nor see edits made while they run."""
    target = os.path.join(work_dir, "installed")
    shutil.rmtree(target, ignore_errors=True)
    package = os.path.join(target, "s3lint")
    shutil.copytree(os.path.join(PROJECT, "s3lint"), package, ignore=shutil.ignore_patterns("__pycache__"))
    rules = os.path.join(PROJECT, "rules")
    if os.path.isdir(rules) and not os.path.exists(os.path.join(package, "_rules")):
        shutil.copytree(rules, os.path.join(package, "_rules"))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([PYTHON, "-m", "compileall", "-q", package], env=env, check=False)
    return target


def synthetic_tree(work_dir: str, files: int, seed: int) -> str:
    """A generated tree, made once and kept under `work_dir`."""
    folder = os.path.join(work_dir, f"synthetic-v{generate.GENERATOR_VERSION}-seed{seed}-{files}")
    marker = os.path.join(folder, ".complete")
    if not os.path.exists(marker):
        shutil.rmtree(folder, ignore_errors=True)
        generate.generate(folder, files, seed)
        with open(marker, "w") as handle:
            handle.write("ok\n")
    return folder


def pre_commit_cases(work_dir: str, seed: int) -> list[Case]:
    """One small CloudFormation template and one small Terraform file, named as files, the
    way pre-commit passes them."""
    folder = os.path.join(work_dir, f"pre-commit-v{generate.GENERATOR_VERSION}-seed{seed}")
    cfn = os.path.join(folder, "template.yaml")
    tf = os.path.join(folder, "tf", "main.tf")
    if not (os.path.exists(cfn) and os.path.exists(tf)):
        os.makedirs(os.path.dirname(tf), exist_ok=True)
        unit = 0
        wrote_cfn = wrote_tf = False
        while not (wrote_cfn and wrote_tf):
            for relative, text in generate.unit_files(seed, unit).items():
                if not wrote_cfn and relative.startswith("cloudformation/") and relative.endswith(".yaml") and "Bucket1:" in text:
                    write_file(cfn, text)
                    wrote_cfn = True
                if not wrote_tf and relative.startswith("terraform/") and relative.endswith("/main.tf") and '"b1"' in text:
                    write_file(tf, text)
                    wrote_tf = True
            unit += 1
    return [Case("one CFN file (pre-commit)", [cfn], 1), Case("one TF file (pre-commit)", [tf], 1)]


def write_file(path: str, text: str) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


# ---------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------


def render_markdown(cases: list[Case], results: list[Measure], info: dict) -> str:
    peers = sorted({m.tool for m in results if m.tool != "s3lint"})
    by = {(m.tool, m.case): m for m in results}
    lines = ["| case | files | " + " | ".join(f"{p} ÷ s3lint" for p in peers) + (" | " if peers else "")
             + "s3lint wall (median) | files/s | CPU s | peak RSS | speed index | " + " | ".join(f"{p} wall" for p in peers) + " |"]
    lines.append("|" + "---|" * (6 + 2 * len(peers) + 1))
    for case in cases:
        ours = by.get(("s3lint", case.name))
        if ours is None:
            continue
        ratios = []
        walls = []
        for peer in peers:
            theirs = by.get((peer, case.name))
            if theirs is None or not theirs.wall:
                ratios.append("—")
                walls.append("—")
                continue
            ratios.append(f"**{theirs.median_wall / ours.median_wall:.1f}×**")
            walls.append(f"{theirs.median_wall:.2f} s, {theirs.peak_rss_mb:.0f} MB{_runs(theirs)}")
        rate = case.files / ours.median_wall if ours.median_wall > 0 else 0
        cells = [case.name, str(case.files), *ratios,
                 f"{ours.median_wall:.2f} s{_runs(ours)}", f"{rate:,.0f}", f"{ours.median_cpu:.2f}",
                 f"{ours.peak_rss_mb:.0f} MB", f"{ours.speed_index:.2f} s" if ours.speed_index else "", *walls]
        lines.append("| " + " | ".join(cells) + " |")
    notes = [f"- {m.tool} on {m.case}: {m.note}" for m in results if m.note]
    footer = [
        "",
        f"Machine: {info['cpus']} CPUs, {info['platform']}, Python {info['python']} "
        f"(`python -c pass`: {info['python_start']:.3f} s); "
        f"load average {info['load_before']} before, {info['load_after']} after; "
        f"speed index (a fixed pure-Python loop, lower is faster) {info['speed_before']:.2f} s before, "
        f"{info['speed_after']:.2f} s after (and before each case, in its row).",
        "Peers: " + (", ".join(f"{name} {version}" for name, version in info["peer_versions"].items()) or "none found") + ".",
        f"Command: `{info['command']}`",
    ]
    return "\n".join(lines + ([""] + notes if notes else []) + footer) + "\n"


# A fixed pure-Python loop: on a shared virtual machine one core's speed drifts by half
# within an hour; this tells two runs' conditions apart.
SPEED_LOOP = "s = 0\nfor i in range(10_000_000):\n    s += i\n"


def machine_speed(repeats: int = 3) -> float:
    """Seconds of one run of `SPEED_LOOP` (the best of `repeats`)."""
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        exec(SPEED_LOOP, {})  # noqa: S102 - our own constant text
        timings.append(time.perf_counter() - start)
    return min(timings)


def _runs(measure: Measure) -> str:
    return f" (×{len(measure.wall)})" if len(measure.wall) != 1 else " (×1)"


def _load() -> str:
    try:
        return " ".join(f"{value:.1f}" for value in os.getloadavg())
    except OSError:
        return "?"


# ---------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,5000", help="synthetic tree sizes, comma-separated ('' for none)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--tree", action="append", default=[], metavar="NAME=PATH", help="also time this tree")
    parser.add_argument("--no-pre-commit", action="store_true", help="leave out the one-file cases")
    parser.add_argument("--runs", type=int, default=5, help="runs of s3lint per case (median)")
    parser.add_argument("--large-runs", type=int, default=1, help=f"runs of s3lint on trees of more than {LARGE_TREE:,} files")
    parser.add_argument("--peer-runs", type=int, default=1, help="runs of each peer per case")
    parser.add_argument("--peer-timeout", type=float, default=600, help="seconds before a peer's run is killed")
    parser.add_argument("--peer-max-files", type=int, default=5000, help="do not run peers on larger trees")
    parser.add_argument("--jobs", type=int, default=None, help="pass --jobs to s3lint")
    parser.add_argument("--python", help="interpreter that runs s3lint, e.g. a venv's bin/python with s3lint's "
                        "dependencies installed (default: this one)")
    parser.add_argument("--peers", default="auto", help="auto, none, or a list: checkov,trivy,cfn-lint")
    parser.add_argument("--checkov", help="path of the checkov executable (e.g. in its own venv)")
    parser.add_argument("--trivy", help="path of the trivy executable")
    parser.add_argument("--cfn-lint", dest="cfn_lint", help="path of the cfn-lint executable")
    parser.add_argument("--no-compile", action="store_true",
                        help="time the checkout as it is (no installed copy with bytecode)")
    parser.add_argument("--work-dir", default=os.path.join(tempfile.gettempdir(), "s3lint-bench"))
    parser.add_argument("--markdown", help="write the table here too")
    parser.add_argument("--json", help="write every measurement here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    global PYTHON
    args = parse_args(argv)
    PYTHON = os.path.abspath(args.python) if args.python else sys.executable
    os.makedirs(args.work_dir, exist_ok=True)
    cases: list[Case] = [] if args.no_pre_commit else pre_commit_cases(args.work_dir, args.seed)
    for item in args.tree:
        name, _, path = item.partition("=")
        if not path:
            name, path = os.path.basename(os.path.normpath(item)), item
        path = os.path.abspath(path)
        cases.append(Case(name, [path], count_inputs([path])))
    for size in [int(s) for s in args.sizes.split(",") if s.strip()]:
        folder = synthetic_tree(args.work_dir, size, args.seed)
        cases.append(Case(f"synthetic {size:,}", [folder], count_inputs([folder])))

    where = PROJECT if args.no_compile else installed_copy(args.work_dir)
    s3lint_env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (where, os.environ.get("PYTHONPATH")) if p))
    peers = find_peers(args.peers, {"checkov": args.checkov, "trivy": args.trivy, "cfn-lint": args.cfn_lint})
    info = {
        "cpus": os.cpu_count(),
        "platform": platform.platform(terse=True),
        "python": platform.python_version(),
        "load_before": _load(),
        "python_start": round(statistics.median(run_once([PYTHON, "-c", "pass"], args.work_dir)[0] for _ in range(5)), 3),
        "speed_before": machine_speed(),
        "python_executable": PYTHON,
        "peer_versions": {name: tool_version(path) for name, path in peers.items()},
        "command": "python bench/run.py " + " ".join(argv if argv is not None else sys.argv[1:]),
    }
    results: list[Measure] = []
    for case in cases:
        print(f"bench: {case.name} ({case.files} files)", file=sys.stderr)
        runs = args.runs if case.files <= LARGE_TREE else min(args.runs, args.large_runs)
        speed = machine_speed(repeats=1)
        ours = measure("s3lint", case, s3lint_command(case, args.jobs), runs, args.work_dir, env=s3lint_env)
        ours.speed_index = round(speed, 2)
        results.append(ours)
        print(f"  s3lint   {ours.median_wall:7.2f} s  cpu {ours.median_cpu:6.2f} s  {ours.peak_rss_mb:5.0f} MB", file=sys.stderr)
        if case.files > args.peer_max_files:
            continue
        for tool, command in peer_commands(case, peers).items():
            theirs = measure(tool, case, command, args.peer_runs, args.work_dir, timeout=args.peer_timeout)
            if tool == "cfn-lint" and not theirs.note:
                theirs.note = "CloudFormation templates only"
            results.append(theirs)
            print(f"  {tool:<8} {theirs.median_wall:7.2f} s  cpu {theirs.median_cpu:6.2f} s  {theirs.peak_rss_mb:5.0f} MB", file=sys.stderr)
    info["load_after"] = _load()
    info["speed_after"] = machine_speed()
    table = render_markdown(cases, results, info)
    sys.stdout.write(table)
    if args.markdown:
        write_file(args.markdown, table)
    if args.json:
        payload = {"info": info, "cases": [asdict(c) for c in cases],
                   "results": [asdict(m) | {"median_wall": m.median_wall, "median_cpu": m.median_cpu} for m in results]}
        write_file(args.json, json.dumps(payload, indent=2) + "\n")
    failed = [m for m in results if m.tool == "s3lint" and any(code not in (0, 1, 2) for code in m.exit_codes)]
    for m in failed:
        print(f"bench: s3lint exited with {m.exit_codes} on {m.case}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
