"""--jobs: a pool of workers loads large scans, small ones load in this process, and the
report is byte-identical either way."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from s3lint import engine, parallel
from s3lint.engine import MIN_UNITS_FOR_POOL, CheckPlan, ScanOptions, load_paths, run_rule, worker_count
from s3lint.link import link
from s3lint.model import ScanModel

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402 - bench/generate.py

FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated tree with every format, large enough for the pool (~70 units)."""
    folder = tmp_path_factory.mktemp("jobs") / "tree"
    summary = generate.generate(str(folder), 140, seed=3)
    assert summary["units"] >= MIN_UNITS_FOR_POOL
    return folder


def s3lint(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "s3lint", "--no-progress", "--isolated", *args]
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env, timeout=600)


@pytest.mark.parametrize("output_format", ["json", "sarif"])
def test_the_report_does_not_depend_on_the_number_of_workers(tree: Path, output_format: str) -> None:
    one = s3lint("--format", output_format, "--jobs", "1", ".", cwd=tree)
    two = s3lint("--format", output_format, "--jobs", "2", ".", cwd=tree)
    assert one.returncode == two.returncode == 1, one.stderr
    assert '"rule_id"' in one.stdout or '"ruleId"' in one.stdout  # findings, not an empty report
    assert one.stdout == two.stdout
    assert one.stderr == two.stderr


@pytest.mark.parametrize("output_format", ["json", "sarif"])
def test_a_file_name_that_is_not_utf8_is_reported_the_same_by_workers(tree: Path, tmp_path: Path, output_format: str) -> None:
    """Its findings hold lone surrogates until the report makes them printable, after the
    pool is done: what a worker sends back keeps them as they are."""
    import shutil

    copy = tmp_path / "tree"
    shutil.copytree(tree, copy)
    with open(os.fsencode(copy / "cloudformation") + b"/caf\xe9.yaml", "wb") as handle:
        handle.write(b"Resources:\n  Site:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead\n")
    one = s3lint("--format", output_format, "--jobs", "1", ".", cwd=copy)
    two = s3lint("--format", output_format, "--jobs", "2", ".", cwd=copy)
    assert ("caf\ufffd.yaml" if output_format == "json" else "caf%EF%BF%BD.yaml") in one.stdout
    assert one.stdout == two.stdout and one.returncode == two.returncode == 1, two.stderr


def test_named_files_focus_the_report_the_same_way_with_workers(tree: Path) -> None:
    named = sorted(str(p.relative_to(tree)) for p in (tree / "cloudformation").iterdir())[:2]
    one = s3lint("--format", "json", "--jobs", "1", ".", *named, cwd=tree)
    two = s3lint("--format", "json", "--jobs", "2", ".", *named, cwd=tree)
    assert one.stdout == two.stdout and one.returncode == two.returncode


def test_the_fixture_corpus_loads_the_same_in_a_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every loader's fragments survive the trip from a worker (pickling, NO_VALUE identity)."""
    options = ScanOptions(root=str(FIXTURES), jobs=1)
    here = load_paths([str(FIXTURES)], options)
    monkeypatch.setattr(engine, "MIN_UNITS_FOR_POOL", 2)
    pooled = load_paths([str(FIXTURES)], ScanOptions(root=str(FIXTURES), jobs=2))
    assert repr(pooled.model) == repr(here.model)
    assert _located_strings(pooled.model) == _located_strings(here.model)
    assert pooled.texts == here.texts and pooled.paths == here.paths
    assert len(here.model.buckets) > 50


def _located_strings(root: object) -> list[tuple[str, str, int, int, str]]:
    """Every located string reachable from `root`, with its type and position (a model's repr
    shows a located string as a plain one)."""
    from s3lint.source import LStr

    found, seen, stack = [], set(), [root]
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, LStr):
            found.append((type(item).__name__, str(item), item.line, item.column, getattr(item, "path", "")))
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            stack.extend(item)
        elif not isinstance(item, (str, int, float, bytes, type(None))):
            for cls in type(item).__mro__:
                stack.extend(getattr(item, name) for name in getattr(cls, "__slots__", ()) if hasattr(item, name))
            stack.extend(getattr(item, "__dict__", {}).values())
    assert any(kind == "HStr" for kind, *_ in found) and any(kind == "LStr" for kind, *_ in found)
    return sorted(found)


def test_a_pool_is_used_for_a_large_input_and_progress_reaches_the_end(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = parallel.load_in_pool

    def spy(units, options, workers, progress=None, plan=None, module_sizes=None):  # type: ignore[no-untyped-def]
        calls.append(workers)
        assert module_sizes and all(folder in module_sizes for kind, folder in units if kind == engine.TERRAFORM_MODULE)
        return real(units, options, workers, progress, plan, module_sizes)

    monkeypatch.setattr(parallel, "load_in_pool", spy)
    seen: list[tuple[int, int]] = []
    load_paths([str(tree)], ScanOptions(root=str(tree), jobs=2), progress=lambda done, total: seen.append((done, total)))
    assert calls == [2]
    assert seen[-1][0] == seen[-1][1] and [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_a_small_input_loads_in_this_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pool(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("a small input must not start a pool")

    monkeypatch.setattr(parallel, "load_in_pool", no_pool)
    generate.generate(str(tmp_path), 20, seed=3)
    loaded = load_paths([str(tmp_path)], ScanOptions(root=str(tmp_path), jobs=8))
    assert loaded.files_scanned >= 15 and loaded.model.buckets


def test_a_dead_worker_costs_time_not_results(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    here = load_paths([str(tree)], ScanOptions(root=str(tree), jobs=1))

    def dying_chunk(units, options, plan):  # type: ignore[no-untyped-def]
        os._exit(3)  # as if killed by the OOM killer

    monkeypatch.setattr(parallel, "_load_chunk", dying_chunk)
    pooled = load_paths([str(tree)], ScanOptions(root=str(tree), jobs=2))
    assert repr(pooled.model) == repr(here.model)


@pytest.mark.parametrize(
    ("jobs", "units", "expected"),
    [
        (None, MIN_UNITS_FOR_POOL - 1, 1),  # pre-commit: no pool whatever the CPUs
        (8, MIN_UNITS_FOR_POOL - 1, 1),
        (1, 10_000, 1),
        (2, 10_000, 2),
        (0, 10_000, os.cpu_count() or 1),
        (None, 10_000, os.cpu_count() or 1),
    ],
)
def test_worker_count(jobs: int | None, units: int, expected: int) -> None:
    assert worker_count(jobs, units) == expected


@pytest.mark.parametrize("count", [0, 1, 7, 48, 1000, 4999])
@pytest.mark.parametrize("workers", [2, 3])
def test_chunks_cover_every_unit_once_costliest_first(count: int, workers: int) -> None:
    costs = [float(300 + (index * 7919) % 5000) for index in range(count)]
    chunks = parallel.plan_chunks(costs, workers)
    assert sorted(index for chunk in chunks for index in chunk) == list(range(count))
    assert all(0 < len(chunk) <= parallel.MAX_CHUNK for chunk in chunks)
    flat = [costs[index] for chunk in chunks for index in chunk]
    assert flat == sorted(costs, reverse=True)
    if count >= 1000:
        # the last chunks are small: whichever worker takes the last one, the others are not long idle
        chunk_costs = [sum(costs[index] for index in chunk) for chunk in chunks]
        assert chunk_costs[-1] <= sum(costs) / (workers * parallel.SHARE_OF_THE_REST * 8)
        assert max(chunk_costs) <= sum(costs) / (workers * parallel.SHARE_OF_THE_REST) + max(costs)


def test_a_unit_costs_what_its_files_weigh(tmp_path: Path) -> None:
    module = tmp_path / "module"
    module.mkdir()
    (module / "main.tf").write_text("x" * 10_000)
    (module / "notes.md").write_text("y" * 50_000)  # not read by the loader
    template = tmp_path / "template.yaml"
    template.write_text("z" * 10_000)
    terraform_cost = parallel.unit_cost((engine.TERRAFORM_MODULE, str(module)))
    yaml_cost = parallel.unit_cost((engine.DOCUMENT, str(template)))
    assert terraform_cost == parallel.COST_PER_UNIT + 10_000 * parallel.COST_PER_BYTE[".tf"]
    assert yaml_cost < terraform_cost
    assert parallel.unit_cost((engine.DOCUMENT, str(tmp_path / "gone.yaml"))) == parallel.COST_PER_UNIT


def test_discovery_weighs_the_modules_as_unit_cost_would(tree: Path) -> None:
    """Discovery reads every module folder's Terraform for module calls: the bytes it read
    are the modules' weights, and a pool need not look at the files again."""
    from s3lint.discovery import discover

    found = discover([str(tree)])
    assert found.terraform_modules and set(found.terraform_modules) <= set(found.module_sizes)
    for folder in found.terraform_modules:
        unit = (engine.TERRAFORM_MODULE, folder)
        assert parallel.unit_cost(unit, found.module_sizes) == parallel.unit_cost(unit)
    for folder in found.terraform_modules[:3]:
        weighed = {folder: 1_000_000}  # what it is given, not what the files weigh
        expected = parallel.COST_PER_UNIT + 1_000_000 * parallel.COST_PER_BYTE[".tf"]
        assert parallel.unit_cost((engine.TERRAFORM_MODULE, folder), weighed) == expected


# --- the rules in the pool -------------------------------------------------------------

from s3lint.checks import CHECK_MODULES, Context, load_check  # noqa: E402
from s3lint.engine import run_checks  # noqa: E402

STRICT = Context(account_ids=frozenset({"111122223333"}), strict=True)


def test_rules_run_in_workers_give_the_same_findings_in_the_same_order(tree: Path) -> None:
    model = load_paths([str(tree)], ScanOptions(root=str(tree), jobs=1)).model
    rules = sorted(CHECK_MODULES)
    here = run_checks(model, rules, STRICT, workers=1)
    pooled = run_checks(model, rules, STRICT, workers=2)
    assert len({f.rule_id for f in here}) > 10  # most rules found something on the generated tree
    assert repr(pooled) == repr(here)


def break_s3040(monkeypatch: pytest.MonkeyPatch) -> None:
    """S3040 finds what it finds, then raises: as a rule with a bug would."""
    from s3lint import checks

    real = checks.load_check

    def broken_s3040(rule_id: str):  # type: ignore[no-untyped-def]
        if rule_id != "S3040":
            return real(rule_id)

        def check(model, context):  # type: ignore[no-untyped-def]
            yield from real(rule_id)(model, context)
            raise ValueError("boom")

        return check

    monkeypatch.setattr(checks, "load_check", broken_s3040)


def test_a_rule_that_breaks_in_a_worker_is_reported_like_one_that_breaks_here(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    break_s3040(monkeypatch)
    rules = sorted(CHECK_MODULES)
    results = []
    for workers in (1, 2):
        model = load_paths([str(tree)], ScanOptions(root=str(tree), jobs=1)).model
        findings = run_checks(model, rules, STRICT, workers=workers)
        results.append((repr(findings), [e.message for e in model.errors]))
    assert results[0] == results[1]
    assert any("rule S3040 (ValueError: boom)" in message for message in results[0][1])
    assert "'S3040'" in results[0][0]  # what the rule found before it broke is kept


def test_a_dead_check_worker_costs_time_not_findings(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = load_paths([str(tree)], ScanOptions(root=str(tree), jobs=1)).model
    rules = sorted(CHECK_MODULES)
    here = run_checks(model, rules, STRICT, workers=1)
    monkeypatch.setattr(parallel, "_check_share", lambda share, last: os._exit(3))
    assert repr(run_checks(model, rules, STRICT, workers=2)) == repr(here)


@pytest.mark.parametrize("count", [1, 2, 3, 12, 48])
def test_buckets_are_shared_out_whole_in_order_and_by_weight(count: int) -> None:
    weights = [1 + (index * 7) % 5 for index in range(40)]
    shares = parallel.share_buckets(weights, count)
    covered = [index for start, end in shares for index in range(start, end)]
    assert covered == list(range(len(weights)))  # consecutive, each bucket once, in order
    assert all(start < end for start, end in shares)
    assert len(shares) == count if count <= 12 else len(shares) <= len(weights)
    costs = [sum(weights[start:end]) for start, end in shares]
    if count <= len(weights):
        assert max(costs) - min(costs) <= 2 * max(weights)


def test_no_bucket_is_one_empty_share() -> None:
    assert parallel.share_buckets([], 12) == [(0, 0)]
    assert parallel.share_buckets([3], 12) == [(0, 1)]


@pytest.mark.parametrize("workers", [2, 3])
@pytest.mark.parametrize("count", [0, 1, 5, 40])
def test_shared_work_is_done_once_each_in_order_by_workers_and_here(workers: int, count: int) -> None:
    from concurrent.futures import ProcessPoolExecutor

    items = list(range(count))
    here: list[int] = []
    first: list[bool] = []

    def do_here(item: int) -> int:
        here.append(item)
        return item * item

    with ProcessPoolExecutor(max_workers=workers - 1, mp_context=parallel._context()) as pool:
        results = parallel.share_work(
            items, send=lambda item: pool.submit(_square_pickled, item), receive=pickle.loads,
            here=do_here, workers=workers, first=lambda: first.append(True),
        )
    assert results == [item * item for item in items]
    assert first == [True]
    assert here == sorted(here, reverse=True)  # this process takes from the back


def test_shared_work_survives_a_dead_worker() -> None:
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=1, mp_context=parallel._context()) as pool:
        results = parallel.share_work(
            list(range(10)), send=lambda item: pool.submit(os._exit, 3), receive=pickle.loads,
            here=lambda item: -item, workers=2,
        )
    assert results == [-item for item in range(10)]


def test_shared_work_hands_the_interpreter_lock_over_often_and_then_as_before() -> None:
    from concurrent.futures import ProcessPoolExecutor

    before = sys.getswitchinterval()
    seen: list[float] = []
    with ProcessPoolExecutor(max_workers=1, mp_context=parallel._context()) as pool:
        parallel.share_work(
            list(range(6)), send=lambda item: pool.submit(_square_pickled, item), receive=pickle.loads,
            here=lambda item: seen.append(sys.getswitchinterval()) or item, workers=2,
        )
    assert seen and set(seen) == {parallel.SWITCH_INTERVAL} != {before}
    assert sys.getswitchinterval() == before


def _square_pickled(item: int) -> bytes:
    return pickle.dumps(item * item)


def _fixture_cases() -> list[Path]:
    """Every end-to-end fixture case (a file or Terraform folder with an `.expected` beside it)."""
    return sorted(expected.with_suffix("") for expected in FIXTURES.rglob("*.expected"))


def test_per_bucket_rules_find_on_the_whole_model_what_they_find_bucket_by_bucket() -> None:
    productive: set[str] = set()
    for case in _fixture_cases():
        model = load_paths([str(case)], ScanOptions(root=str(case.parent), jobs=1)).model
        rules = set(parallel.PER_BUCKET_RULES)
        if parallel.documents_distinct(model):
            rules |= parallel.PER_BUCKET_IF_DOCUMENTS_DISTINCT
        last = len(model.buckets) - 1
        for rule_id in sorted(rules):
            for context in (STRICT, Context()):
                whole = list(load_check(rule_id)(model, context))
                one_by_one = []
                for index in range(max(1, len(model.buckets))):
                    share = parallel._share_model(model, (index, index + 1), index >= last)
                    one_by_one.extend(load_check(rule_id)(share, context))
                assert repr(one_by_one) == repr(whole), (rule_id, case)
                productive.update(f.rule_id for f in whole)
    # else the comparison proves nothing for that rule
    assert productive == parallel.PER_BUCKET_RULES | parallel.PER_BUCKET_IF_DOCUMENTS_DISTINCT


def test_each_pass_of_a_rule_of_passes_finds_bucket_by_bucket_what_it_finds_on_the_whole_model() -> None:
    from s3lint.checks import load_passes

    productive: set[tuple[str, int]] = set()
    for case in _fixture_cases():
        model = load_paths([str(case)], ScanOptions(root=str(case.parent), jobs=1)).model
        for rule_id in sorted(parallel.PER_BUCKET_IN_PASSES):
            passes = load_passes(rule_id)
            assert len(passes) > 1
            for context in (STRICT, Context()):
                whole = list(load_check(rule_id)(model, context))
                assert repr([f for check in passes for f in check(model, context)]) == repr(whole)
                for part, check in enumerate(passes):
                    on_model = list(check(model, context))
                    one_by_one = [
                        finding
                        for index in range(len(model.buckets))
                        for finding in check(parallel._share_of(model, model.buckets[index:index + 1]), context)
                    ]
                    assert repr(one_by_one) == repr(on_model), (rule_id, part, case)
                    productive.update((rule_id, part) for _ in on_model[:1])
    assert productive == {(rule_id, part) for rule_id in parallel.PER_BUCKET_IN_PASSES for part in (0, 1)}


def test_a_policy_document_shared_by_two_buckets_is_judged_on_the_whole_model() -> None:
    from s3lint.policy.validate import policy_problems

    folder = FIXTURES / "cloudformation" / "rules"
    model = load_paths([str(folder)], ScanOptions(root=str(folder), jobs=1)).model
    assert parallel.documents_distinct(model)
    faulty = [doc for bucket in model.buckets for doc in bucket.policies if policy_problems(doc)][-1]
    # the last faulty document also attached to the first bucket, which is in another share:
    # judged twice, its problems would be reported twice
    model.buckets[0].policies.append(faulty)
    assert not parallel.documents_distinct(model)
    here = run_checks(model, ["S3060", "S3020"], STRICT, workers=1)
    assert repr(run_checks(model, ["S3060", "S3020"], STRICT, workers=2)) == repr(here)
    assert sum(f.rule_id == "S3060" for f in here) > 1


def test_the_rule_lists_name_only_real_rules() -> None:
    assert parallel.PER_BUCKET_RULES <= set(CHECK_MODULES)
    assert parallel.PER_BUCKET_IF_DOCUMENTS_DISTINCT <= set(CHECK_MODULES)


def test_a_scan_large_enough_for_the_load_pool_runs_its_rules_in_the_pool(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = parallel.check_in_pool

    def spy(model, rule_ids, context, debug, workers):  # type: ignore[no-untyped-def]
        calls.append(workers)
        return real(model, rule_ids, context, debug, workers)

    monkeypatch.setattr(parallel, "check_in_pool", spy)
    loaded = load_paths([str(tree)], ScanOptions(root=str(tree), jobs=2))
    assert loaded.workers == 2
    run_checks(loaded.model, sorted(CHECK_MODULES), STRICT, workers=loaded.workers)
    assert calls == [2]


def test_a_workers_chunk_is_pickled_unit_by_unit_and_read_back_whole(tree: Path) -> None:
    options = ScanOptions(root=str(tree), jobs=1)
    found = engine.discover([str(tree)], [])
    units = [(engine.DOCUMENT, path) for path in found.documents[:5]]
    units += [(engine.TERRAFORM_MODULE, folder) for folder in found.terraform_modules[:3]]
    blob = parallel._load_chunk(units, options, None)
    back = parallel._load_all(blob)
    assert len(back) == len(units)
    assert repr(back) == repr([(engine.load_unit(unit, options), None) for unit in units])
    assert parallel._load_all(parallel._load_chunk([], options, None)) == []

    plan = engine.CheckPlan(sorted(parallel.PER_BUCKET_RULES), Context())
    checked = parallel._load_all(parallel._load_chunk(units, options, plan))
    expected = [(loaded, parallel.check_unit(loaded[0], plan)) for loaded in (engine.load_unit(u, options) for u in units)]
    assert repr(checked) == repr(expected)
    assert any(found for _, found in checked)  # findings made the trip


# --- the per-bucket rules run on each unit as the pool loads it ---------------------------


PER_UNIT = sorted(parallel.PER_BUCKET_RULES | parallel.PER_BUCKET_IF_DOCUMENTS_DISTINCT | parallel.PER_BUCKET_IN_PASSES)


def assert_same_findings(found: object, expected: object) -> None:
    """Findings compared by repr, with the first difference shown (pytest's own diff of two
    long texts takes minutes)."""
    left, right = [repr(f) for f in found], [repr(f) for f in expected]  # type: ignore[attr-defined]
    same = left == right
    first = next((i for i, (a, b) in enumerate(zip(left, right)) if a != b), min(len(left), len(right)))
    assert same, f"{len(left)} vs {len(right)} findings, first difference at {first}: {left[first:first + 1]} != {right[first:first + 1]}"


def _fixture_units() -> list[engine.Unit]:
    found = engine.discover([str(FIXTURES)], [])
    return [(engine.DOCUMENT, path) for path in found.documents] + [
        (engine.TERRAFORM_MODULE, folder) for folder in found.terraform_modules
    ]


@pytest.mark.parametrize("context", [Context(), STRICT], ids=["default", "strict"])
def test_each_fixture_unit_checked_alone_gives_what_the_rules_find_on_it(context: Context) -> None:
    """Every unit of the fixtures as a one-unit scan: what `check_unit` found, put together by
    `prechecked_outcomes`, is what each rule finds on the linked model (the fixtures include
    account-level Block Public Access, shared policy documents and undeclared buckets)."""
    options = ScanOptions(root=str(FIXTURES))
    plan = CheckPlan(PER_UNIT, context)
    compared = 0
    for unit in _fixture_units():
        fragment, _ = engine.load_unit(unit, options)
        before = repr(fragment)
        checked = parallel.check_unit(fragment, plan)
        assert repr(fragment) == before  # checking a unit leaves its fragment as it was
        model = link([engine.load_unit(unit, options)[0]])
        checks = parallel.PoolChecks(PER_UNIT, [checked], [len(fragment.buckets)], set())
        outcomes = parallel.prechecked_outcomes(model, PER_UNIT, checks, context, False)
        for rule_id in PER_UNIT:
            expected, error = run_rule(model, rule_id, context)
            assert error is None
            if rule_id in outcomes:
                assert_same_findings(outcomes[rule_id][0], expected)
                compared += bool(expected)
            else:
                assert rule_id == "S3060" and not parallel.documents_distinct(model)
    assert compared > 200


def test_a_rule_whose_check_cannot_be_found_is_reported_on_a_unit_as_on_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """`plan_checks` looks the checks up once per chunk: a lookup that fails is the rule's
    internal error on each unit, worded as `run_rule` words it."""
    from s3lint import checks

    real = checks.load_check

    def failing(rule_id: str):  # type: ignore[no-untyped-def]
        if rule_id == "S3040":
            raise ImportError("no module named s3040")
        return real(rule_id)

    monkeypatch.setattr(checks, "load_check", failing)
    plan = CheckPlan(["S3040", "S3010"], Context())
    looked_up = parallel.plan_checks(plan)
    fragment, _ = engine.load_unit((engine.DOCUMENT, str(ROOT / "examples" / "cloudformation" / "public-website.yaml")), ScanOptions(root=str(ROOT)))
    found, _ = parallel.check_unit(fragment, plan, looked_up)
    expected = run_rule(link([fragment]), "S3040", Context())
    assert expected == ([], "internal error in rule S3040 (ImportError: no module named s3040); please report it")
    assert found["S3040"] == ((), (), expected[1])
    assert found["S3010"][2] is None


@pytest.mark.parametrize("context", [Context(), STRICT], ids=["default", "strict"])
def test_the_fixtures_checked_unit_by_unit_in_a_pool_give_the_findings_of_one_process(
    context: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fixtures link across units (policy files naming a template's bucket) and set the
    account's Block Public Access: the units concerned are checked again on the linked model."""
    rules = sorted(CHECK_MODULES)
    here = load_paths([str(FIXTURES)], ScanOptions(root=str(FIXTURES), jobs=1))
    expected = run_checks(here.model, rules, context, workers=1)
    monkeypatch.setattr(engine, "MIN_UNITS_FOR_POOL", 2)
    pooled = load_paths([str(FIXTURES)], ScanOptions(root=str(FIXTURES), jobs=2), checks=CheckPlan(rules, context))
    assert pooled.pool_checks is not None and pooled.pool_checks.disturbed
    assert pooled.model.account_public_access_blocks
    assert_same_findings(run_checks(pooled.model, rules, context, workers=2, loaded=pooled), expected)


def test_a_pooled_scan_takes_every_per_bucket_rule_from_the_units(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = sorted(CHECK_MODULES)
    expected = run_checks(load_paths([str(tree)], ScanOptions(root=str(tree), jobs=1)).model, rules, STRICT)
    pooled = load_paths([str(tree)], ScanOptions(root=str(tree), jobs=2), checks=CheckPlan(rules, STRICT))
    assert pooled.pool_checks is not None and pooled.pool_checks.rule_ids == PER_UNIT
    prechecked = parallel.prechecked_outcomes(pooled.model, PER_UNIT, pooled.pool_checks, STRICT, False)
    assert sorted(prechecked) == PER_UNIT

    shared_out: list[list[str]] = []
    real = parallel.check_in_pool
    monkeypatch.setattr(parallel, "check_in_pool", lambda model, ids, *rest: shared_out.append(ids) or real(model, ids, *rest))
    assert_same_findings(run_checks(pooled.model, rules, STRICT, workers=2, loaded=pooled), expected)
    assert shared_out == [[rule_id for rule_id in rules if rule_id not in PER_UNIT]]  # only the whole-model rules


def test_account_settings_elsewhere_and_a_policy_in_another_file_are_judged_on_the_linked_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "site.yaml").write_text(
        "Resources:\n"
        "  Site:\n"
        "    Type: AWS::S3::Bucket\n"
        "    Properties:\n"
        "      BucketName: the-site\n"
        "      AccessControl: PublicRead\n"
    )
    (tmp_path / "site-policy.json").write_text(
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",\n'
        ' "Action": "s3:GetObject", "Resource": "arn:aws:s3:::the-site/*"}]}\n'
    )
    (tmp_path / "account").mkdir()
    (tmp_path / "account" / "main.tf").write_text(
        'resource "aws_s3_account_public_access_block" "this" {\n'
        "  block_public_acls       = true\n"
        "  ignore_public_acls      = true\n"
        "  block_public_policy     = true\n"
        "  restrict_public_buckets = true\n"
        "}\n"
    )
    rules = sorted(CHECK_MODULES)
    expected = run_checks(load_paths([str(tmp_path)], ScanOptions(root=str(tmp_path), jobs=1)).model, rules, STRICT)
    monkeypatch.setattr(engine, "MIN_UNITS_FOR_POOL", 2)
    pooled = load_paths([str(tmp_path)], ScanOptions(root=str(tmp_path), jobs=2), checks=CheckPlan(rules, STRICT))
    checks = pooled.pool_checks
    assert checks is not None and len(checks.disturbed) == 2  # the template and the policy file
    # alone, the template's bucket was public by its ACL; the account's settings block that
    on_template = [unit for unit in checks.units if unit is not None and "S3001" in unit[0]]
    assert on_template and "S3001" in on_template[0][1]
    findings = run_checks(pooled.model, rules, STRICT, workers=2, loaded=pooled)
    assert_same_findings(findings, expected)
    assert not [f for f in findings if f.rule_id in ("S3001", "S3002")]


def test_a_shared_policy_document_leaves_s3060_to_the_whole_model() -> None:
    from s3lint.model import IdentityPolicy, PolicyDocument
    from tests.model_builders import bucket, loc, val

    document = PolicyDocument("bucket", "P", loc(30), val("2012-10-17"), [])
    model = ScanModel(buckets=[bucket("Data", policies=[document])],
                      identity_policies=[IdentityPolicy("Role", loc(40), document)])
    checks = parallel.PoolChecks(["S3060", "S3040"], [({}, ())], [1], set())
    outcomes = parallel.prechecked_outcomes(model, ["S3060", "S3040"], checks, STRICT, False)
    assert sorted(outcomes) == ["S3040"]


def test_a_rule_that_breaks_on_a_unit_runs_again_on_the_whole_model(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    break_s3040(monkeypatch)
    rules = sorted(CHECK_MODULES)
    here = load_paths([str(tree)], ScanOptions(root=str(tree), jobs=1))
    expected = run_checks(here.model, rules, STRICT)
    pooled = load_paths([str(tree)], ScanOptions(root=str(tree), jobs=2), checks=CheckPlan(rules, STRICT))
    assert any("S3040" in unit[0] and unit[0]["S3040"][2] for unit in pooled.pool_checks.units if unit)
    findings = run_checks(pooled.model, rules, STRICT, workers=2, loaded=pooled)
    assert_same_findings(findings, expected)
    assert [e.message for e in pooled.model.errors] == [e.message for e in here.model.errors]
    assert any("rule S3040 (ValueError: boom)" in e.message for e in here.model.errors)

