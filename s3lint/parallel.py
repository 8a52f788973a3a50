"""Loading documents and Terraform modules, and running the rules, in worker processes.

Each worker loads a chunk of consecutive units and sends back their fragments; the parent
puts the chunks back in the order of the units, so that linking, and so the report, is the
same as a load in one process.  Workers are forked: they start in a few milliseconds and
inherit every imported module (without fork, `engine.worker_count` keeps the load here).

After linking, the rules are shared out between this process and forked workers, which
inherit the linked model instead of receiving it, and send back only their findings.

Imported only when a scan is large enough to use the pool.
"""

from __future__ import annotations

import io
import math
import pickle
from typing import Any, Callable

from s3lint.engine import DOCUMENT, TERRAFORM_MODULE, RuleOutcome, ScanOptions, Unit, load_unit, run_rule
from s3lint.model import Fragment, ScanModel, Value
from s3lint.source import Location
from s3lint.symbols import NO_VALUE

# Chunks are small enough that a slow Terraform module does not leave the other workers
# idle at the end, and large enough that the per-chunk round trip stays negligible.
MAX_CHUNK = 24
CHUNKS_PER_WORKER = 6

Loaded = tuple[Fragment, dict[str, str]]


def load_in_pool(
    units: list[Unit],
    options: ScanOptions,
    workers: int,
    progress: Callable[[int, int], None] | None = None,
) -> list[Loaded]:
    """`load_unit` for every unit, in `workers` processes; results in the order of `units`.

    A worker that dies (killed, out of memory, a crash in a parser's C code) costs nothing
    but time: its chunks are loaded again in this process."""
    from concurrent.futures import ProcessPoolExecutor, as_completed

    chunks = chunk_bounds(len(units), workers)
    results: list[Loaded | None] = [None] * len(units)
    done = 0
    context = _context()
    _import_loaders({kind for kind, _ in units})
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = {pool.submit(_load_chunk, units[start:end], options): (start, end) for start, end in chunks}
        for future in as_completed(futures):
            start, end = futures[future]
            try:
                loaded: list[Loaded] = pickle.loads(future.result())
            except Exception:  # noqa: BLE001 - the pool broke: load this chunk here instead
                loaded = [load_unit(unit, options) for unit in units[start:end]]
            results[start:end] = loaded
            done += end - start
            if progress is not None:
                progress(done, len(units))
    return [result for result in results if result is not None]


def chunk_bounds(count: int, workers: int) -> list[tuple[int, int]]:
    """[start, end) of consecutive chunks covering `count` units."""
    if count <= 0:
        return []
    size = max(1, min(MAX_CHUNK, math.ceil(count / (workers * CHUNKS_PER_WORKER))))
    return [(start, min(start + size, count)) for start in range(0, count, size)]


def _context() -> Any:
    import multiprocessing

    return multiprocessing.get_context("fork")  # engine.worker_count asks for no pool without fork


def _import_loaders(kinds: set[str]) -> None:
    """Import the parsers once here, before forking, rather than once in every worker."""
    import importlib

    names = []
    if DOCUMENT in kinds:
        names += ["s3lint.loaders.yaml_source", "s3lint.loaders.json_source", "s3lint.loaders.cloudformation",
                  "s3lint.loaders.policy_json", "s3lint.policy.document"]
    if TERRAFORM_MODULE in kinds:
        names += ["s3lint.loaders.terraform", "s3lint.loaders.terraform.module", "s3lint.loaders.terraform.evaluate",
                  "s3lint.loaders.terraform.aws", "tree_sitter", "tree_sitter_hcl"]
    for name in names:
        try:
            importlib.import_module(name)
        except ImportError:
            pass  # the worker that needs it reports the problem for its file


def _load_chunk(units: list[Unit], options: ScanOptions) -> bytes:
    return _dumps([load_unit(unit, options) for unit in units])


def _dumps(result: Any) -> bytes:
    """What a worker sends back, pickled with `_FragmentPickler`."""
    buffer = io.BytesIO()
    _FragmentPickler(buffer, pickle.HIGHEST_PROTOCOL).dump(result)
    return buffer.getvalue()


class _FragmentPickler(pickle.Pickler):
    """Locations and Values are most of a fragment's objects: rebuilding them from their
    fields is about twice as fast as pickle's generic path for slotted classes.  NO_VALUE
    is compared by identity, so it must come back as the parent's own object."""

    def reducer_override(self, obj: Any) -> Any:
        kind = type(obj)
        if kind is Location:
            return Location, (obj.path, obj.line, obj.column, obj.end_line, obj.end_column)
        if kind is Value:
            return Value, (obj.value, obj.loc, obj.explicit)
        if obj is NO_VALUE:
            return "NO_VALUE"
        return NotImplemented


# Relative cost of each rule on a large scan (CPU seconds on the synthetic 1,000
# files, rounded): the rules that review every policy statement against every bucket ARN
# dominate.  Unlisted rules are cheap.
RULE_COST = {
    "S3012": 4.0, "S3020": 4.0, "S3021": 4.0, "S3070": 4.0, "S3071": 4.0,
    "S3002": 2.0, "S3061": 1.5, "S3060": 1.0, "S3003": 0.6, "S3004": 0.4,
}
CHEAP_RULE_COST = 0.2

# What the forked check workers inherit: set just before the pool starts, cleared after.
_CHECK_JOB: tuple[ScanModel, Any, bool] | None = None


def share_rules(rule_ids: list[str], workers: int) -> list[list[str]]:
    """Rules in at most `workers` groups of about equal cost (largest first to the lightest
    group); each group keeps the rules' order."""
    groups: list[list[str]] = [[] for _ in range(min(workers, len(rule_ids)))]
    costs = [0.0] * len(groups)
    for rule_id in sorted(rule_ids, key=lambda rule: -RULE_COST.get(rule, CHEAP_RULE_COST)):
        lightest = costs.index(min(costs))
        groups[lightest].append(rule_id)
        costs[lightest] += RULE_COST.get(rule_id, CHEAP_RULE_COST)
    order = {rule_id: index for index, rule_id in enumerate(rule_ids)}
    return [sorted(group, key=order.__getitem__) for group in groups if group]


def check_in_pool(model: ScanModel, rule_ids: list[str], context: Any, debug: bool, workers: int) -> dict[str, RuleOutcome]:
    """`run_rule` for every rule: the first group here, the others in forked workers at the
    same time.  A worker that fails costs time only: its rules run here instead."""
    global _CHECK_JOB
    from concurrent.futures import ProcessPoolExecutor

    from s3lint.checks import load_check

    for rule_id in rule_ids:
        load_check(rule_id)  # import the rule modules once, before the fork
    groups = share_rules(rule_ids, workers)
    outcomes: dict[str, RuleOutcome] = {}
    _CHECK_JOB = (model, context, debug)
    try:
        with ProcessPoolExecutor(max_workers=max(1, len(groups) - 1), mp_context=_context()) as pool:
            futures = [(pool.submit(_check_group, group), group) for group in groups[1:]]
            for rule_id in groups[0]:
                outcomes[rule_id] = run_rule(model, rule_id, context, debug)
            for future, group in futures:
                try:
                    outcomes.update(pickle.loads(future.result()))
                except Exception:  # noqa: BLE001 - the pool broke: run these rules here instead
                    outcomes.update({rule_id: run_rule(model, rule_id, context, debug) for rule_id in group})
    finally:
        _CHECK_JOB = None
    return outcomes


def _check_group(rule_ids: list[str]) -> bytes:
    assert _CHECK_JOB is not None, "check workers are forked from check_in_pool"
    model, context, debug = _CHECK_JOB
    return _dumps({rule_id: run_rule(model, rule_id, context, debug) for rule_id in rule_ids})
