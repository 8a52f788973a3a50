"""Loading documents and Terraform modules, and running the rules, in several processes.

Loading: the units are planned in chunks, costliest first (`plan_chunks`); forked workers
take chunks from the costly end and send back their fragments pickled, this process takes
chunks from the cheap end between looks at what came back (`share_work`), and puts every
result back in the order of the units, so that linking, and so the report, is the same as
a load in one process.  Workers are forked: they start in a few milliseconds and inherit
every imported module (without fork, `engine.worker_count` keeps the load here).

Checking while loading: the rules that judge one bucket at a time also run on each unit as
soon as it is loaded, on the unit linked alone (`check_unit`), wherever it was loaded; only
their findings travel.  Once the scan is linked, `prechecked_outcomes` puts them end to end
in the order of the buckets, and runs a rule again here on the few units whose buckets
linking the whole scan changed (a policy file naming a template's bucket) or whose findings
depend on account-level settings set elsewhere.  So no process copies the linked model to
check it, and the checks are shared out as evenly as the loading.

Checking after linking (`check_in_pool`, for the rules left): the rules that judge one
bucket at a time run on consecutive shares of the buckets, handed out the same way to forked
workers (which inherit the linked model instead of receiving it, and send back only their
findings) and to this process, which first runs the rules that need the whole model.  Each
rule's findings on the shares are put end to end, in the order of the buckets.

Imported only when a scan is large enough to use the pool.
"""

from __future__ import annotations

import io
import os
import pickle
import sys
from concurrent.futures import Future
from typing import Any, Callable, Sequence, TypeVar

from s3lint.engine import DOCUMENT, TERRAFORM_MODULE, CheckPlan, RuleOutcome, ScanOptions, Unit, load_unit, run_check, run_rule
from s3lint.model import Finding, Fragment, ScanModel, Value
from s3lint.records import Record
from s3lint.source import Location, LStr
from s3lint.symbols import NO_VALUE

Loaded = tuple[Fragment, dict[str, str]]
# What the per-bucket rules found on one unit linked alone: by rule (by "rule#pass" for a rule
# of several passes, see `_parts`), (on its own buckets, on the buckets its attachments name
# but no file declares, the rule's internal error), a rule that found nothing left out; and
# the rules that read the account's Block Public Access settings.  None stands for a unit
# without buckets.
Found = tuple[Sequence[Finding], Sequence[Finding], "str | None"]
UnitChecks = tuple[dict[str, Found], tuple[str, ...]] | None


class PoolChecks(Record):
    """What the load's pool found on each unit linked alone (see `prechecked_outcomes`)."""

    __slots__ = ("rule_ids", "units", "declared", "disturbed")

    def __init__(self, rule_ids: list[str], units: list[UnitChecks], declared: list[int], disturbed: set[int]) -> None:
        self.rule_ids = rule_ids  # the rules run on every unit
        self.units = units  # in the order of the units
        self.declared = declared  # how many buckets each unit declares: its share of model.buckets, in order
        self.disturbed = disturbed  # the units whose buckets linking the scan changed (link.link_scan)


def load_in_pool(
    units: list[Unit],
    options: ScanOptions,
    workers: int,
    progress: Callable[[int, int], None] | None = None,
    plan: CheckPlan | None = None,
    module_sizes: dict[str, int] | None = None,
) -> list[tuple[Loaded, UnitChecks]]:
    """`load_unit` for every unit, in `workers` processes (this one and `workers - 1` forked
    workers); results in the order of `units`.  The workers take the costliest chunks of the
    plan, this process the cheapest: what it loads itself needs no pickling either way.
    `module_sizes`: the bytes of each module folder's Terraform files, where known
    (`Discovered.module_sizes`), for `unit_cost`.

    With `plan` (rules that judge one bucket at a time, see `precheck_plan`), they also run
    on each unit as it is loaded (`check_unit`): see `prechecked_outcomes` for when what they
    found stands for the linked model."""
    from concurrent.futures import ProcessPoolExecutor

    chunks = plan_chunks([unit_cost(unit, module_sizes) for unit in units], workers)
    done = 0

    def load_here(chunk: list[int]) -> list[tuple[Loaded, UnitChecks]]:
        looked_up = plan_checks(plan) if plan is not None else None
        return [_load_and_check(units[index], options, plan, looked_up) for index in chunk]

    def count(chunk: list[int]) -> None:
        nonlocal done
        done += len(chunk)
        if progress is not None:
            progress(done, len(units))

    _import_loaders({kind for kind, _ in units})
    if plan is not None:
        _import_checks(plan.rule_ids)
    with ProcessPoolExecutor(max_workers=workers - 1, mp_context=_context()) as pool:
        per_chunk = share_work(
            chunks,
            send=lambda chunk: pool.submit(_load_chunk, [units[index] for index in chunk], options, plan),
            receive=_load_all,
            here=load_here,
            workers=workers,
            finished=count,
        )
    results: list[tuple[Loaded, UnitChecks] | None] = [None] * len(units)
    for chunk, loaded in zip(chunks, per_chunk):
        for index, result in zip(chunk, loaded):
            results[index] = result
    return [result for result in results if result is not None]


def precheck_plan(checks: CheckPlan | None) -> CheckPlan | None:
    """The part of `checks` that can run on each unit alone: the rules that judge one
    bucket at a time."""
    if checks is None:
        return None
    from s3lint.checks import CHECK_MODULES

    per_bucket = PER_BUCKET_RULES | PER_BUCKET_IF_DOCUMENTS_DISTINCT | PER_BUCKET_IN_PASSES
    rule_ids = [rule_id for rule_id in checks.rule_ids if rule_id in per_bucket and rule_id in CHECK_MODULES]
    return CheckPlan(rule_ids, checks.context, checks.debug) if rule_ids else None


# A plan's rules with their check functions looked up: (rule id, [(key, check) for each
# pass]), the key as `_parts` gives it.  Looked up once per chunk of units, not per unit.
PlanChecks = list[tuple[str, list[tuple[str, Callable[..., Any]]]]]


def plan_checks(plan: CheckPlan) -> PlanChecks:
    """The plan's checks, looked up (a check that cannot be is its rule's internal error)."""
    from s3lint.checks import load_check, load_passes

    looked_up: PlanChecks = []
    for rule_id in plan.rule_ids:
        keys = [key for key, _ in _parts(rule_id)]
        try:
            passes = load_passes(rule_id) if rule_id in PER_BUCKET_IN_PASSES else (load_check(rule_id),)
        except Exception as error:  # noqa: BLE001 - reported as the rule's internal error on each unit
            passes = tuple(_raising(error) for _ in keys)
        looked_up.append((rule_id, list(zip(keys, passes))))
    return looked_up


def _raising(error: Exception) -> Callable[..., Any]:
    def check(model: ScanModel, context: Any) -> Any:
        raise error

    return check


def _load_and_check(
    unit: Unit, options: ScanOptions, plan: CheckPlan | None, looked_up: PlanChecks | None = None
) -> tuple[Loaded, UnitChecks]:
    loaded = load_unit(unit, options)
    return loaded, (check_unit(loaded[0], plan, looked_up) if plan is not None else None)


def check_unit(fragment: Fragment, plan: CheckPlan, looked_up: PlanChecks | None = None) -> UnitChecks:
    """The plan's rules on the fragment linked alone (`link_alone`, which leaves the fragment
    as it was): on its own buckets, and apart on the buckets that only its attachments name,
    which the linked model puts after every declared bucket.  `looked_up`: `plan_checks(plan)`,
    when the caller checks several units."""
    from s3lint.caches import forget_buckets
    from s3lint.link import link_alone

    linked = link_alone(fragment)
    if not linked.buckets:
        return None
    declared = len(fragment.buckets)
    account = _Watched(linked.account_public_access_blocks)
    # no identity policies: S3060 judges them once, on the whole model (prechecked_outcomes)
    own = _share_of(linked, linked.buckets[:declared], account)
    named = _share_of(linked, linked.buckets[declared:], account) if len(linked.buckets) > declared else None
    found: dict[str, Found] = {}
    read_account = []
    context, debug = plan.context, plan.debug
    for rule_id, passes in plan_checks(plan) if looked_up is None else looked_up:
        account.read = False
        for key, check in passes:
            on_own, error = run_check(check, own, rule_id, context, debug)
            on_named: list[Finding] = []
            if named is not None:
                on_named, named_error = run_check(check, named, rule_id, context, debug)
                error = error or named_error
            if on_own or on_named or error is not None:
                # () for none: the same object for every unit, which pickle sends in one byte
                found[key] = on_own or (), on_named or (), error
        if account.read:
            read_account.append(rule_id)
    forget_buckets()  # this unit's buckets will not be asked about again
    return found, tuple(read_account)


class _Watched(list):  # type: ignore[type-arg]
    """A unit's account-level Block Public Access settings, noting whether a rule looked at
    them: what such a rule found must be found again when the scan sets them elsewhere."""

    __slots__ = ("read",)

    def __init__(self, items: list[Any]) -> None:
        super().__init__(items)
        self.read = False

    def __iter__(self) -> Any:
        self.read = True
        return super().__iter__()

    def __len__(self) -> int:
        self.read = True
        return super().__len__()

    def __getitem__(self, index: Any) -> Any:
        self.read = True
        return super().__getitem__(index)


def prechecked_outcomes(
    model: ScanModel, rule_ids: list[str], checks: PoolChecks, context: Any, debug: bool
) -> dict[str, RuleOutcome]:
    """What each rule of `rule_ids` (all run on every unit) found on the linked model, from
    what it found on each unit linked alone.  A per-bucket rule's findings on the model are
    its findings on each unit's own buckets, in the order of the units, then on the buckets
    only named (which linking puts last).  A unit's findings stand when linking the scan left
    its buckets as linking it alone made them (`link_scan`) and, if the scan sets the
    account's Block Public Access, the rule did not look at the account's settings; else the
    rule runs again here on that unit's buckets in the linked model (and on every named-only
    bucket).  Left out, to be run on the whole model: a rule that broke on some unit (what it
    found before breaking depends on where it broke in one pass), and S3060 when a policy
    document is shared (see `documents_distinct`)."""
    account = bool(model.account_public_access_blocks)
    starts = [0]
    for count in checks.declared:
        starts.append(starts[-1] + count)
    distinct: bool | None = None
    outcomes: dict[str, RuleOutcome] = {}
    for rule_id in rule_ids:
        if rule_id in PER_BUCKET_IF_DOCUMENTS_DISTINCT:
            if distinct is None:
                distinct = documents_distinct(model)
            if not distinct:
                continue
        outcome = _prechecked_rule(model, rule_id, checks, starts, account, context, debug)
        if outcome is not None:
            outcomes[rule_id] = outcome, None
    return outcomes


def _parts(rule_id: str) -> list[tuple[str, int | None]]:
    """How a rule's findings on a unit are kept: (key, pass) for each of its passes, or the
    rule's id and None for a rule of one pass."""
    if rule_id not in PER_BUCKET_IN_PASSES:
        return [(rule_id, None)]
    from s3lint.checks import load_passes

    return [(f"{rule_id}#{part}", part) for part in range(len(load_passes(rule_id)))]


def _prechecked_rule(
    model: ScanModel, rule_id: str, checks: PoolChecks, starts: list[int], account: bool, context: Any, debug: bool
) -> list[Finding] | None:
    findings: list[Finding] = []
    for key, part in _parts(rule_id):
        found = _prechecked_part(model, rule_id, key, part, checks, starts, account, context, debug)
        if found is None:
            return None
        findings.extend(found)
    return findings


def _prechecked_part(
    model: ScanModel, rule_id: str, key: str, part: int | None, checks: PoolChecks, starts: list[int],
    account: bool, context: Any, debug: bool,
) -> list[Finding] | None:
    def again(buckets: list[Any]) -> list[Finding] | None:
        found, error = run_rule(_share_of(model, buckets), rule_id, context, debug, part)
        return None if error is not None else found

    on_own: list[Finding] = []
    on_named: list[Sequence[Finding]] = []
    named_hold = not checks.disturbed
    for index, unit in enumerate(checks.units):
        if unit is None:
            continue
        found, read_account = unit
        own, named, error = found.get(key, _NOTHING)
        if error is not None:
            return None
        stale_account = account and rule_id in read_account
        if index in checks.disturbed or stale_account:
            redone = again(model.buckets[starts[index]:starts[index + 1]])
            if redone is None:
                return None
            own = redone
        named_hold = named_hold and not stale_account
        on_own.extend(own)
        on_named.append(named)
    if named_hold:
        on_own.extend(finding for named in on_named for finding in named)
    else:
        redone = again(model.buckets[starts[-1]:])
        if redone is None:
            return None
        on_own.extend(redone)
    if rule_id in PER_BUCKET_IF_DOCUMENTS_DISTINCT:
        on_identity, error = run_rule(ScanModel(identity_policies=model.identity_policies), rule_id, context, debug)
        if error is not None:
            return None
        on_own.extend(on_identity)
    return on_own


_NOTHING: Found = ((), (), None)


def _share_of(model: ScanModel, buckets: list[Any], account: list[Any] | None = None) -> ScanModel:
    """The model with only these buckets and no identity policies (and, given, these
    account-level settings)."""
    return ScanModel(
        buckets=buckets,
        account_public_access_blocks=model.account_public_access_blocks if account is None else account,
        trails=model.trails,
        errors=model.errors,
        notes=model.notes,
        suppressions=model.suppressions,
    )


Item = TypeVar("Item")
Result = TypeVar("Result")


def share_work(
    items: list[Item],
    send: Callable[[Item], Future[bytes]],
    receive: Callable[[bytes], Result],
    here: Callable[[Item], Result],
    workers: int,
    finished: Callable[[Item], None] | None = None,
    first: Callable[[], None] | None = None,
) -> list[Result]:
    """Every item done, by a worker (`send` submits it, `receive` reads what came back) or in
    this process (`here`): the workers take items from the front of the list, this process
    from the back, between looks at what came back, so all finish at about the same time
    whatever each item costs.  Two items are queued a worker (one running, one waiting), so
    that none idles while this process is busy with an item of its own.  A worker that fails
    (killed, out of memory, a crash in C code) costs time only: its item is done here.
    Results come in the order of `items`; `finished(item)` is called as each is done, and
    `first()`, work of this process only, runs once the workers have their first items."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_INTERVAL)
    try:
        return _share_work(items, send, receive, here, workers, finished, first)
    finally:
        sys.setswitchinterval(interval)


# How often (seconds) this process's main thread offers the interpreter lock to its other
# threads while work is shared.  The pool's own thread, which reads what the workers send back
# (a pipe buffer at a time) and hands them their next items, needs the lock for each step;
# with the default 5 ms it waited while this process worked on an item of its own, and a
# worker with a big result waited on a full pipe.  Measured in turns on the 1,000
# files: -4 % wall, -3 to -8 % CPU.
SWITCH_INTERVAL = 0.0005


def _share_work(
    items: list[Item],
    send: Callable[[Item], Future[bytes]],
    receive: Callable[[bytes], Result],
    here: Callable[[Item], Result],
    workers: int,
    finished: Callable[[Item], None] | None,
    first: Callable[[], None] | None,
) -> list[Result]:
    from concurrent.futures import FIRST_COMPLETED, wait

    results: list[Result | None] = [None] * len(items)
    front, back = 0, len(items)  # items[front:back] are still to be handed out
    in_flight: dict[Future[bytes], int] = {}
    broken = False

    def keep(index: int, result: Result) -> None:
        results[index] = result
        if finished is not None:
            finished(items[index])

    while front < back or in_flight:
        while not broken and front < back and len(in_flight) < 2 * (workers - 1):
            try:
                in_flight[send(items[front])] = front
            except Exception:  # noqa: BLE001 - the pool broke: this process does the rest
                broken = True
                break
            front += 1
        if first is not None:
            first()
            first = None
        done = [future for future in in_flight if future.done()]
        if not done and front < back:
            back -= 1
            keep(back, here(items[back]))
            continue
        if not done:
            done = list(wait(in_flight, return_when=FIRST_COMPLETED).done)
        for future in done:
            index = in_flight.pop(future)
            try:
                result = receive(future.result())
            except Exception:  # noqa: BLE001 - the pool broke: do this item here instead
                broken = True
                result = here(items[index])
            keep(index, result)
    if first is not None:  # there was no item
        first()
    return results  # type: ignore[return-value] - every item was kept


# Microseconds of loading per byte, by kind, and per unit (measured on the synthetic
# 1,000 files): only the proportions matter, to hand out the costliest units first.
COST_PER_BYTE = {".tf": 0.9, ".json": 0.2, "": 0.5}
COST_PER_UNIT = 300.0


def unit_cost(unit: Unit, module_sizes: dict[str, int] | None = None) -> float:
    """What loading a unit will cost, roughly, from the size of its files (of a module, as
    `module_sizes` has it, if it has)."""
    kind, path = unit
    try:
        if kind == DOCUMENT:
            per_byte = COST_PER_BYTE[".json"] if path.endswith(".json") else COST_PER_BYTE[""]
            return COST_PER_UNIT + per_byte * os.stat(path).st_size
        if module_sizes is not None and path in module_sizes:
            return COST_PER_UNIT + COST_PER_BYTE[".tf"] * module_sizes[path]
        size = 0
        with os.scandir(path) as entries:
            for entry in entries:
                if entry.name.endswith((".tf", ".tf.json")) and entry.is_file():
                    size += entry.stat().st_size
        return COST_PER_UNIT + COST_PER_BYTE[".tf"] * size
    except OSError:
        return COST_PER_UNIT  # the loader reports the problem


# A chunk holds at most this many units (each chunk is one round trip); as the work runs out,
# chunks shrink to a fraction of what is left per worker, so that the workers finish together.
MAX_CHUNK = 24
SHARE_OF_THE_REST = 4


def plan_chunks(costs: list[float], workers: int) -> list[list[int]]:
    """Unit indices in chunks, costliest units first (guided self-scheduling): each chunk is
    about 1/SHARE_OF_THE_REST of what is left per worker, so the big units start early and
    the last chunks are small, and no worker is left with a long chunk while the others idle."""
    order = sorted(range(len(costs)), key=lambda index: -costs[index])
    remaining = sum(costs)
    smallest = remaining / (workers * 16 * SHARE_OF_THE_REST)
    chunks: list[list[int]] = []
    chunk: list[int] = []
    chunk_cost = 0.0
    for index in order:
        chunk.append(index)
        chunk_cost += costs[index]
        if len(chunk) >= MAX_CHUNK or chunk_cost >= max(smallest, remaining / (workers * SHARE_OF_THE_REST)):
            chunks.append(chunk)
            remaining -= chunk_cost
            chunk, chunk_cost = [], 0.0
    if chunk:
        chunks.append(chunk)
    return chunks


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


def _import_checks(rule_ids: list[str]) -> None:
    """Import the rules (and the policy modules they use) once here, before forking."""
    from s3lint.checks import load_check

    for rule_id in rule_ids:
        load_check(rule_id)


def _load_chunk(units: list[Unit], options: ScanOptions, plan: CheckPlan | None) -> bytes:
    # Each unit is pickled as soon as it is loaded and checked, and its objects freed: a worker
    # then holds one unit's objects at a time, not a chunk's (24 of the costliest modules are
    # ~100 MB).
    buffer = io.BytesIO()
    looked_up = plan_checks(plan) if plan is not None else None
    for unit in units:
        _dump_into(buffer, _load_and_check(unit, options, plan, looked_up))
    return buffer.getvalue()


def _load_all(blob: bytes) -> list[Any]:
    """What `_load_chunk` pickled, one object after the other."""
    stream = io.BytesIO(blob)
    loaded = []
    while stream.tell() < len(blob):
        loaded.append(pickle.load(stream))
    return loaded


def _dumps(result: Any) -> bytes:
    """What a worker sends back, pickled with `_reducers()`."""
    buffer = io.BytesIO()
    _dump_into(buffer, result)
    return buffer.getvalue()


def _dump_into(buffer: io.BytesIO, result: Any) -> None:
    pickler = pickle.Pickler(buffer, pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _reducers()
    pickler.dump(result)


# Locations, Values and located strings are most of a fragment's objects, and findings of
# what the checks send back: rebuilding them from their fields is faster than pickle's
# generic path for slotted classes (which builds a dict of each object's slots).  A dispatch
# table is looked up only for these classes, where a `reducer_override` would be called for
# every object.  NO_VALUE is compared by identity, so
# it must come back as the parent's own object.
_REDUCERS: dict[type, Callable[[Any], Any]] = {
    Location: lambda loc: (Location, (loc.path, loc.line, loc.column, loc.end_line, loc.end_column)),
    Value: lambda value: (Value, (value.value, value.loc, value.explicit)),
    LStr: lambda text: (LStr, (str(text), text.line, text.column)),
    Finding: lambda found: (Finding, (found.rule_id, found.message, found.loc, found.resource, found.certainty,
                                      found.severity, found.key, found.suppression)),
    type(NO_VALUE): lambda _: "NO_VALUE",
}


def _reducers() -> dict[type, Callable[[Any], Any]]:
    evaluate = sys.modules.get("s3lint.loaders.terraform.evaluate")
    if evaluate is None:  # no Terraform loaded in this process: no HStr to send
        return _REDUCERS
    return {**_REDUCERS, evaluate.HStr: lambda text: (evaluate.HStr, (str(text), text.line, text.column, text.path))}


# Rules that judge the buckets one at a time, in the model's order, in a single pass, and read
# nothing else of the model but the account-wide lists (account Block Public Access): their
# findings on the whole model are their findings on consecutive shares of the buckets, put end
# to end.  The others (a second pass over the buckets, a set over all buckets, identity
# policies, trails, documents seen once across buckets) run on the whole model in this process.
# tests/test_jobs.py holds every rule listed here to that on the fixtures, one bucket a share.
PER_BUCKET_RULES = frozenset({
    "S3001", "S3002", "S3004", "S3005", "S3006", "S3010", "S3012", "S3013", "S3014",
    "S3020", "S3021", "S3040", "S3041", "S3061", "S3070", "S3071",
})
# Rules of two passes over the buckets (their buckets, then their access points or uploaded
# objects), each of which judges the buckets one at a time as above: on each unit the pool
# runs the passes apart (see `load_passes`), and puts each pass's findings end to end.
PER_BUCKET_IN_PASSES = frozenset({"S3003", "S3011"})
# S3060 reads the bucket policies bucket by bucket, then the identity policies, and skips a
# document it has already judged.  When no policy document is shared (nearly always: a shared
# one is judged whole, see `documents_distinct`) it never skips, and is per bucket too, with
# the identity policies given to the last share only.
PER_BUCKET_IF_DOCUMENTS_DISTINCT = frozenset({"S3060"})

# Shares of the buckets per process: enough that the processes finish the checks together
# whatever each share costs (buckets differ a lot), few enough that handing them out is free.
SHARES_PER_PROCESS = 6

# What the forked check workers inherit: set just before the pool starts, cleared after.
_CHECK_JOB: tuple[ScanModel, list[str], Any, bool] | None = None

Share = tuple[int, int]  # [start, end) in model.buckets


def bucket_weights(model: ScanModel) -> list[int]:
    """What checking each bucket costs, roughly: the policy rules review every statement."""
    weights = []
    for bucket in model.buckets:
        weight = 1
        for document in bucket.policies:
            weight += len(document.statements)
        for access_point in bucket.access_points:
            if access_point.policy is not None:
                weight += len(access_point.policy.statements)
        weights.append(weight)
    return weights


def share_buckets(weights: list[int], count: int) -> list[Share]:
    """At most `count` consecutive shares of the buckets, of about equal weight, none empty
    (one empty share when there is no bucket)."""
    if count <= 1 or not weights:
        return [(0, len(weights))]
    each = sum(weights) / count
    cuts = []
    index, running, target = 0, 0.0, each
    for _ in range(count - 1):
        # a bucket goes to the share its middle falls in
        while index < len(weights) and running + weights[index] / 2 <= target:
            running += weights[index]
            index += 1
        cuts.append(index)
        target += each
    bounds = [0, *cuts, len(weights)]
    return [(bounds[i], bounds[i + 1]) for i in range(count) if bounds[i] < bounds[i + 1]]


def documents_distinct(model: ScanModel) -> bool:
    """No policy document object is attached to two buckets or access points, or is also an
    identity policy's: S3060 then never meets a document twice."""
    from s3lint.policy.targets import resource_policies

    documents = [target.document for target in resource_policies(model)]
    documents += [policy.document for policy in model.identity_policies]
    return len({id(document) for document in documents}) == len(documents)


def _share_model(model: ScanModel, share: Share, last: bool) -> ScanModel:
    start, end = share
    shared = _share_of(model, model.buckets[start:end])
    if last:
        shared.identity_policies = model.identity_policies
    return shared


def check_in_pool(model: ScanModel, rule_ids: list[str], context: Any, debug: bool, workers: int) -> dict[str, RuleOutcome]:
    """`run_rule` for every rule, in `workers` processes: the per-bucket rules run on
    consecutive shares of the buckets, handed out as in `share_work` to forked workers (which
    inherit the model) and to this process, which first runs the whole-model rules.  The
    findings of each rule on the shares are put end to end, in the order of the buckets."""
    global _CHECK_JOB
    from concurrent.futures import ProcessPoolExecutor

    _import_checks(rule_ids)
    by_bucket = PER_BUCKET_RULES
    if PER_BUCKET_IF_DOCUMENTS_DISTINCT.intersection(rule_ids) and documents_distinct(model):
        by_bucket = by_bucket | PER_BUCKET_IF_DOCUMENTS_DISTINCT
    per_bucket = [rule_id for rule_id in rule_ids if rule_id in by_bucket]
    whole = [rule_id for rule_id in rule_ids if rule_id not in by_bucket]
    if not per_bucket:  # nothing to share out
        return {rule_id: run_rule(model, rule_id, context, debug) for rule_id in rule_ids}
    shares = share_buckets(bucket_weights(model), SHARES_PER_PROCESS * workers)
    last = len(shares) - 1
    outcomes: dict[str, RuleOutcome] = {}
    _CHECK_JOB = (model, per_bucket, context, debug)
    try:
        with ProcessPoolExecutor(max_workers=workers - 1, mp_context=_context()) as pool:
            parts = share_work(
                [(share, index == last) for index, share in enumerate(shares)],
                send=lambda item: pool.submit(_check_share, *item),
                receive=pickle.loads,
                here=lambda item: _run_share(model, item[0], item[1], per_bucket, context, debug),
                workers=workers,
                first=lambda: outcomes.update((rule_id, run_rule(model, rule_id, context, debug)) for rule_id in whole),
            )
    finally:
        _CHECK_JOB = None
    for rule_id in per_bucket:
        rule_parts = [part[rule_id] for part in parts]
        if any(error is not None for _, error in rule_parts):
            # Rare: a rule that broke.  What it found before breaking depends on where it
            # broke in a single pass over every bucket: take that pass.
            outcomes[rule_id] = run_rule(model, rule_id, context, debug)
        else:
            outcomes[rule_id] = [finding for found, _ in rule_parts for finding in found], None
    return outcomes


def _run_share(
    model: ScanModel, share: Share, last: bool, rule_ids: list[str], context: Any, debug: bool
) -> dict[str, RuleOutcome]:
    shared = _share_model(model, share, last)
    return {rule_id: run_rule(shared, rule_id, context, debug) for rule_id in rule_ids}


def _check_share(share: Share, last: bool) -> bytes:
    assert _CHECK_JOB is not None, "check workers are forked from check_in_pool"
    model, rule_ids, context, debug = _CHECK_JOB
    return _dumps(_run_share(model, share, last, rule_ids, context, debug))
