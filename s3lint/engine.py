"""One scan: discover files, load them into the model, run the selected checks.

Parsers are imported only when a file of their format turns up, so that a pre-commit run
on one CloudFormation template never pays for tree-sitter, and the reverse.

Loading is the expensive part and each document or Terraform module loads on its own, so
large scans load in a pool of worker processes (`ScanOptions.jobs`); small ones, such as a
pre-commit run, load in this process and pay no pool start-up.  Either way the fragments
are linked in discovery order, so the report does not depend on the number of workers.
"""

from __future__ import annotations

import codecs
import gc
import os
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, Callable, Iterable, Iterator

from s3lint.budget import DEFAULT_FILE_TIMEOUT, FileTimeout, file_budget, timeout_message
from s3lint.discovery import discover
from s3lint.model import Finding, Fragment, LoadError, ScanModel
from s3lint.records import Record
from s3lint.source import SourceError

DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024

# Cheap tests on the text before parsing: a file with none of these cannot be ours.  A
# CloudFormation template matters only if it declares a resource the model knows (S3 in all
# its forms, IAM, CloudTrail, SAM) or a policy; a template of queues and functions alone is
# not read at all (a third of the documents of a typical repository, see docs/performance.md).
_CLOUDFORMATION_MARKERS = ("AWS::S3", "AWS::IAM::", "AWS::CloudTrail::", "AWS::Serverless::")
_POLICY_MARKERS = ("Statement",)
_PLAN_MARKERS = ("planned_values", "resource_changes")


# Plain classes (see s3lint/records.py): generating dataclass methods for them cost a
# one-file pre-commit run about a millisecond.
class ScanOptions(Record):
    __slots__ = ("root", "exclude", "var_files", "variables", "max_file_size", "debug", "file_timeout", "jobs")

    def __init__(
        self,
        root: str = ".",
        exclude: list[str] | None = None,
        var_files: list[str] | None = None,
        variables: dict[str, str] | None = None,
        max_file_size: int = DEFAULT_MAX_FILE_SIZE,
        debug: bool = False,
        file_timeout: float = DEFAULT_FILE_TIMEOUT,
        jobs: int | None = None,
    ) -> None:
        self.root = root  # finding paths are shown relative to this folder
        self.exclude: list[str] = [] if exclude is None else exclude
        self.var_files: list[str] = [] if var_files is None else var_files
        self.variables: dict[str, str] = {} if variables is None else variables
        self.max_file_size = max_file_size
        self.debug = debug
        self.file_timeout = file_timeout  # seconds per document or module; 0: no limit
        self.jobs = jobs  # worker processes for loading; None: one per CPU; 1: no pool


class CheckPlan(Record):
    """The rules a scan will run, given to the load so that a pool can run the ones that
    judge one bucket at a time on each unit as it is loaded (see parallel.check_unit)."""

    __slots__ = ("rule_ids", "context", "debug")

    def __init__(self, rule_ids: list[str], context: Any, debug: bool = False) -> None:
        self.rule_ids = rule_ids
        self.context = context
        self.debug = debug


class LoadedScan(Record):
    __slots__ = ("model", "files_scanned", "texts", "paths", "focus", "workers", "pool_checks")

    def __init__(
        self,
        model: ScanModel,
        files_scanned: int,
        texts: dict[str, str],
        paths: list[str] | None = None,
        focus: tuple[frozenset[str], tuple[str, ...]] | None = None,
        workers: int = 1,
        pool_checks: Any = None,
    ) -> None:
        self.model = model
        self.files_scanned = files_scanned
        self.texts = texts  # display path -> text, or "" for a text without suppression comments
        self.paths: list[str] = [] if paths is None else paths  # display paths of every file read
        # Named files and folders, when some files were named: findings elsewhere (sibling files
        # of a Terraform module, read only to link it) are not reported.  None: report all.
        self.focus = focus
        self.workers = workers  # processes the load used: the checks may use as many
        # What the load's pool found on each unit, with what linking did to the units
        # (parallel.PoolChecks); None: the load ran no rule.
        self.pool_checks = pool_checks

    def in_focus(self, path: str) -> bool:
        if self.focus is None or path.startswith("<"):
            return True
        files, folders = self.focus
        return path in files or any(folder == "." or path.startswith(folder + "/") for folder in folders)


def focus_findings(findings: list[Finding], loaded: LoadedScan) -> list[Finding]:
    return [f for f in findings if loaded.in_focus(f.loc.path)]


def _focus(paths: list[str], root: str) -> tuple[frozenset[str], tuple[str, ...]] | None:
    files = [p for p in paths if not os.path.isdir(p)]
    if not files:
        return None
    folders = tuple(display_path(p, root).rstrip("/") for p in paths if os.path.isdir(p))
    return frozenset(display_path(p, root) for p in files), folders


def display_path(path: str, root: str) -> str:
    absolute = os.path.abspath(path)
    prefix = _root_prefix(root, "" if os.path.isabs(root) else os.getcwd())
    if (
        len(absolute) > len(prefix)
        and absolute.startswith(prefix)
        and not absolute.startswith("..", len(prefix))  # taken for outside below, as relpath's `..`
        and not absolute.startswith("//")  # POSIX keeps a leading `//`, which relpath then reads as `/`
    ):
        # what relpath gives for a path below the root, without its walk over components
        # (this runs for every file of a scan, some twice)
        return absolute[len(prefix) :].replace(os.sep, "/")
    root_abs = os.path.abspath(root)
    try:
        relative = os.path.relpath(absolute, root_abs)
    except ValueError:
        relative = absolute
    if relative.startswith(".."):
        relative = absolute
    return relative.replace(os.sep, "/")


def load_paths(
    paths: list[str],
    options: ScanOptions,
    progress: Callable[[int, int], None] | None = None,
    checks: CheckPlan | None = None,
) -> LoadedScan:
    """`progress(done, total)`, if given, is called after each document or Terraform module.
    `checks`: the rules the scan will run, for a pool to run some on each unit it loads."""
    from s3lint.link import link_scan

    found = discover(paths, options.exclude)
    fragments: list[Fragment] = []
    texts: dict[str, str] = {}
    for missing in found.missing:
        fragments.append(Fragment(errors=[LoadError(missing, "no such file or folder")]))
    for skipped, reason in found.skipped:
        fragments.append(Fragment(errors=[LoadError(display_path(skipped, options.root), reason)]))
    if found.notes:
        fragments.append(Fragment(notes=list(found.notes)))
    units = [(DOCUMENT, path) for path in found.documents]
    units += [(TERRAFORM_MODULE, folder) for folder in found.terraform_modules]
    plan = pool_checks = None
    with paused_gc():
        workers = worker_count(options.jobs, len(units))
        if workers > 1:
            from s3lint.parallel import PoolChecks, load_in_pool, precheck_plan

            plan = precheck_plan(checks)
            pooled = load_in_pool(units, options, workers, progress, plan, found.module_sizes)
            loaded_units = [loaded for loaded, _ in pooled]
        else:
            loaded_units = _load_here(units, options, progress)
        first_unit = len(fragments)  # the fragments before it hold no bucket and no attachment
        for fragment, unit_texts in loaded_units:
            fragments.append(fragment)
            texts.update(unit_texts)
        model, disturbed = link_scan(fragments)
        if plan is not None:
            pool_checks = PoolChecks(
                plan.rule_ids,
                [checked for _, checked in pooled],
                [len(fragment.buckets) for fragment, _ in loaded_units],
                {index - first_unit for index in disturbed},
            )
    paths_read = [display_path(p, options.root) for p in found.documents]
    for folder in found.terraform_modules:
        paths_read.extend(display_path(p, options.root) for p in _terraform_files(folder))
    return LoadedScan(
        model=model,
        files_scanned=len(paths_read),
        texts=texts,
        paths=sorted(paths_read),
        focus=_focus(paths, options.root),
        workers=workers,
        pool_checks=pool_checks,
    )


@lru_cache(maxsize=16)
def _root_prefix(root: str, cwd: str) -> str:
    """The root folder as an absolute path with a trailing separator (`cwd`: what a
    relative root is relative to, a part of the cache key)."""
    root_abs = os.path.abspath(root)
    return root_abs if root_abs.endswith(os.sep) else root_abs + os.sep


# What one unit of loading work is: a JSON/YAML document, or a Terraform root module folder.
DOCUMENT = "document"
TERRAFORM_MODULE = "terraform"
Unit = tuple[str, str]

# Fewer units than this load in this process: forking workers, importing the parsers before
# the fork and sending fragments back costs more than it saves on a few files, and a
# pre-commit run (a handful of changed files) must not pay for a pool.
MIN_UNITS_FOR_POOL = 48


def worker_count(jobs: int | None, units: int) -> int:
    """How many processes load `units` units of work (1: this process, no pool).  `jobs` is
    a maximum (None or 0: one per CPU): a small input loads here whatever it says."""
    if units < MIN_UNITS_FOR_POOL or not hasattr(os, "fork"):
        # Without fork (Windows), workers would be spawned and re-run `python -m s3lint`'s
        # entry point; the scan loads here instead.
        return 1
    wanted = jobs if jobs is not None and jobs > 0 else (os.cpu_count() or 1)
    return max(1, min(wanted, units))


def load_unit(unit: Unit, options: ScanOptions) -> tuple[Fragment, dict[str, str]]:
    """Load one document or Terraform module: its fragment, and the texts it read."""
    from s3lint.suppressions import may_hold_suppressions

    kind, path = unit
    texts: dict[str, str] = {}
    loader = load_document if kind == DOCUMENT else load_terraform_module
    fragment = _guarded(loader, path, options, texts)
    # The texts are kept for their suppression comments only: an empty text stands for one
    # without any (most files), which saves the memory and a pool's pickling of the text.
    return fragment, {shown: text if may_hold_suppressions(text) else "" for shown, text in texts.items()}


def _load_here(
    units: list[Unit], options: ScanOptions, progress: Callable[[int, int], None] | None
) -> list[tuple[Fragment, dict[str, str]]]:
    loaded = []
    for done, unit in enumerate(units, start=1):
        loaded.append(load_unit(unit, options))
        if progress is not None:
            progress(done, len(units))
    return loaded


@contextmanager
def paused_gc() -> Iterator[None]:
    """Loading and checking allocate millions of objects that mostly stay alive until the
    report: the cyclic collector would rescan them again and again (a quarter of the run
    time) and find little to free.  Reference counting frees the garbage: the loaders leave
    no reference cycle behind (tests/test_gc.py holds them to that on every fixture), so
    nothing is left for the collector while it is paused.

    On the way out, what is alive is moved out of the collector's sight (`gc.freeze`): the
    objects allocated while it was paused all sit in the youngest generation, and the first
    collection after `gc.enable` would otherwise walk every one of them (over a second on
    1,000 files, for nothing: they are the model, alive until the report is written)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.enable()


def _terraform_files(folder: str) -> list[str]:
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    return [os.path.join(folder, name) for name in names if name.endswith((".tf", ".tf.json"))]


def _guarded(loader: Any, path: str, options: ScanOptions, texts: dict[str, str]) -> Fragment:
    """A loader bug must cost one file, not the scan: report it as that file's error."""
    try:
        with file_budget(options.file_timeout):
            return loader(path, options, texts)
    except FileTimeout as timeout:
        return Fragment(errors=[LoadError(display_path(path, options.root), timeout_message(timeout.seconds))])
    except SourceError as error:
        return Fragment(errors=[LoadError(display_path(path, options.root), error.message, error.line, error.column)])
    except RecursionError:
        return Fragment(errors=[LoadError(display_path(path, options.root), "too deeply nested to analyse")])
    except Exception as error:  # noqa: BLE001 - reported to the user as an internal error
        detail = _traceback() if options.debug else f"{type(error).__name__}: {error}"
        message = f"internal error while reading this file ({detail.strip()}); please report it"
        return Fragment(errors=[LoadError(display_path(path, options.root), message)])


def _traceback() -> str:
    import traceback  # only for --debug: it costs a pre-commit run 3 ms to import

    return traceback.format_exc()


def read_text(path: str, max_size: int) -> str:
    """Read a file as text: UTF-8 (a BOM is accepted), or UTF-16/32 with a BOM."""
    from s3lint.safe_read import UnreadableFile, read_regular

    try:  # only regular files: a named pipe would block, /dev/zero would never end
        data = read_regular(path, max_size)
    except UnreadableFile as error:
        raise SourceError(error.message) from None
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding)
            except UnicodeDecodeError as error:
                raise SourceError(f"not valid {encoding.upper()} text: {error.reason}") from None
    if b"\0" in data[:8192]:
        raise SourceError("binary file, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise SourceError(f"not valid UTF-8 text (byte 0x{data[error.start]:02x})", line) from None


def _looks_like_ours(text: str) -> bool:
    return any(m in text for m in _CLOUDFORMATION_MARKERS + _POLICY_MARKERS + _PLAN_MARKERS)


def load_document(path: str, options: ScanOptions, texts: dict[str, str]) -> Fragment:
    shown = display_path(path, options.root)
    text = read_text(path, options.max_file_size)
    texts[shown] = text  # for its suppression comments, even when it is not ours: read once
    if not _looks_like_ours(text):
        return Fragment()
    merged = Fragment()
    for index, tree in enumerate(_parse_document(text, shown)):
        fragment = _load_tree(tree, shown, text)
        if fragment is None:
            continue
        if index:  # each YAML document is its own template: keep their logical ids apart
            _rescope(fragment, f"{shown}#{index}")
        _extend(merged, fragment)
    return merged


def _rescope(fragment: Fragment, scope: str) -> None:
    for bucket in fragment.buckets:
        bucket.scope = scope
    for attachment in fragment.attachments:
        attachment.scope = scope


def _extend(target: Fragment, extra: Fragment) -> None:
    target.buckets.extend(extra.buckets)
    target.attachments.extend(extra.attachments)
    target.account_public_access_blocks.extend(extra.account_public_access_blocks)
    target.identity_policies.extend(extra.identity_policies)
    target.trails.extend(extra.trails)
    target.errors.extend(extra.errors)
    target.notes.extend(extra.notes)
    target.suppressions.extend(extra.suppressions)


def _parse_document(text: str, shown: str) -> list[Any]:
    stripped = text.lstrip()
    if shown.endswith(".json") or stripped.startswith(("{", "[")):
        from s3lint.loaders.json_source import parse_json

        try:
            return [parse_json(text, shown)]
        except SourceError:
            if shown.endswith(".json"):
                raise
    from s3lint.loaders.yaml_source import parse_yaml

    return parse_yaml(text, shown)


def _load_tree(tree: Any, shown: str, text: str) -> Fragment | None:
    from s3lint.loaders import cloudformation

    if cloudformation.is_cloudformation(tree):
        return _with_duplicate_keys(cloudformation.load_cloudformation(tree, shown), tree, shown)
    if "planned_values" in text or "resource_changes" in text:
        from s3lint.loaders import tfplan

        if tfplan.is_terraform_plan(tree):
            return _with_duplicate_keys(tfplan.load_plan(tree, shown), tree, shown)
    from s3lint.loaders import policy_json

    if policy_json.is_policy_document(tree):
        return policy_json.load_policy_file(tree, shown, text)
    return None


def _with_duplicate_keys(fragment: Fragment, tree: Any, shown: str) -> Fragment:
    """A key written twice is legal to the parsers and the last one wins, as in
    CloudFormation; it is almost always a mistake (a bad merge), so each repeat is reported.
    Policy files are left to S3060, which reports their duplicate keys already."""
    from s3lint.source import duplicate_keys

    for key, (line, column) in duplicate_keys(tree):
        fragment.errors.append(LoadError(shown, f"duplicate key {str(key)!r}: only the last one counts", line, column))
    return fragment


# A root module none of whose files names one of these declares nothing the model knows
# and calls no module that could: nothing in it can feed an S3 resource, so it is not read.
# (A folder that names any of them is read whole: its variables and locals may matter.)
_TERRAFORM_MARKERS = (b"aws_s3", b"aws_iam", b"aws_cloudtrail", b"module")


def terraform_module_matters(folder: str, max_size: int, comments: dict[str, str] | None = None, root: str = ".") -> bool:
    """Whether the folder can feed an S3 resource: one of its Terraform files names a marker,
    or cannot be judged (unreadable, or larger than `max_size`: the loader reports it).  With
    `comments`, every file is read, once, and its suppression comments (`comment_text`) put
    there by its path as shown from `root`."""
    from s3lint.safe_read import UnreadableFile, read_regular
    from s3lint.suppressions import COMMENT_SCAN_BYTES, comment_text_of

    limit = max_size if comments is None else max(max_size, COMMENT_SCAN_BYTES)
    matters = False
    for path in _terraform_files(folder):
        try:
            data: bytes | None = read_regular(path, limit)
        except UnreadableFile:
            data = None
        if comments is not None:
            comments[display_path(path, root)] = "" if data is None else comment_text_of(data)
        matters = matters or data is None or len(data) > max_size or any(marker in data for marker in _TERRAFORM_MARKERS)
        if matters and comments is None:
            return True
    return matters


def load_terraform_module(folder: str, options: ScanOptions, texts: dict[str, str]) -> Fragment:
    from s3lint.loaders.terraform import load_module

    # The files' suppression comments are kept here rather than read again by the process
    # that applies them (with a pool, this runs in a worker; most files have none and send
    # ""), from the same read that tells whether the folder matters at all.
    if not terraform_module_matters(folder, options.max_file_size, texts, options.root):
        return Fragment()
    return load_module(
        folder,
        root=os.path.abspath(options.root),
        var_files=options.var_files,
        variables=options.variables,
    )


def run_checks(
    model: ScanModel, rule_ids: Iterable[str], context: Any, debug: bool = False, workers: int = 1,
    loaded: LoadedScan | None = None,
) -> list[Finding]:
    """The findings of the selected rules, in the order of `rule_ids`.  With `workers` > 1
    the rules run in that many processes (this one included), each on the same model; what
    the load's pool found already on each unit (`loaded.pool_checks`) is used where it holds."""
    from s3lint.checks import CHECK_MODULES

    runnable = [rule_id for rule_id in rule_ids if rule_id in CHECK_MODULES]
    with paused_gc():
        outcomes: dict[str, RuleOutcome] = {}
        if loaded is not None and loaded.pool_checks is not None:
            from s3lint.parallel import prechecked_outcomes

            checked = [rule_id for rule_id in runnable if rule_id in loaded.pool_checks.rule_ids]
            outcomes = prechecked_outcomes(model, checked, loaded.pool_checks, context, debug)
        rest = [rule_id for rule_id in runnable if rule_id not in outcomes]
        if workers > 1 and len(rest) > 1:
            from s3lint.parallel import check_in_pool

            outcomes.update(check_in_pool(model, rest, context, debug, workers))
        else:
            outcomes.update((rule_id, run_rule(model, rule_id, context, debug)) for rule_id in rest)
    findings: list[Finding] = []
    for rule_id in runnable:
        found, error = outcomes[rule_id]
        findings.extend(found)
        if error is not None:
            model.errors.append(LoadError("<s3lint>", error))
    return findings


RuleOutcome = tuple[list[Finding], "str | None"]  # the rule's findings, and its internal error


def run_rule(model: ScanModel, rule_id: str, context: Any, debug: bool = False, part: int | None = None) -> RuleOutcome:
    """One rule's findings (`part`: only those of its pass of that index, see
    `checks.load_passes`); a broken rule keeps what it found and must not hide the others."""
    from s3lint.checks import load_check, load_passes

    try:
        check = load_check(rule_id) if part is None else load_passes(rule_id)[part]
    except Exception as error:  # noqa: BLE001 - reported to the user as an internal error
        return [], _internal_error(rule_id, error, debug)
    return run_check(check, model, rule_id, context, debug)


def run_check(check: Any, model: ScanModel, rule_id: str, context: Any, debug: bool = False) -> RuleOutcome:
    """`run_rule` with the rule's check function (or pass) already looked up."""
    found: list[Finding] = []
    try:
        found.extend(check(model, context))
    except Exception as error:  # noqa: BLE001 - reported to the user as an internal error
        return found, _internal_error(rule_id, error, debug)
    return found, None


def _internal_error(rule_id: str, error: Exception, debug: bool) -> str:
    detail = _traceback() if debug else f"{type(error).__name__}: {error}"
    return f"internal error in rule {rule_id} ({detail.strip()}); please report it"


def error_findings(errors: list[LoadError]) -> list[Finding]:
    from s3lint.report import parse_error_finding

    return [parse_error_finding(error) for error in errors]
