"""From settings to exit code: configuration, scan, filters, report.

Exit codes (as ruff's): 0 nothing at or above `fail-on`; 1 findings; 2 a usage or configuration
error, or a file that could not be read or parsed (the other files are still reported).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from s3lint import __version__
from s3lint.config import ConfigError, FileConfig, find_config, load_config, resolve_codes, resolve_rule, select_rules
from s3lint.records import Record

if TYPE_CHECKING:  # the model is imported only when something is scanned
    from collections.abc import Iterable

    from s3lint.model import Finding
    from s3lint.report import Report

_SURROGATE = re.compile("[\ud800-\udfff]")
UNUSED_SUPPRESSION_RULE = "S3090"
PARSE_ERROR_RULE = "S3000"


class Settings(Record):
    """What one run does: the command line and the configuration file, merged.

    A plain class (see s3lint/records.py): every run builds one, and generating a
    dataclass's methods for its 31 fields cost a pre-commit run several milliseconds."""

    __slots__ = (  # noqa: RUF023 - the fields' order, as repr shows them
        "paths", "format", "output", "select", "extend_select", "ignore", "fail_on", "exit_zero",
        "strict", "account_ids", "var_files", "variables", "exclude", "severity_overrides",
        "baseline", "write_baseline", "warn_unused_ignores", "statistics", "list_rules", "explain",
        "dump_model", "rules_dirs", "max_file_size", "file_timeout", "jobs", "color", "debug",
        "config_path", "sarif_suppressed", "progress", "code_sources",
    )

    def __init__(
        self,
        paths: list[str],
        format: str = "text",
        output: str | None = None,
        select: list[str] | None = None,
        extend_select: list[str] | None = None,
        ignore: list[str] | None = None,
        fail_on: str = "low",
        exit_zero: bool = False,
        strict: bool = False,
        account_ids: list[str] | None = None,
        var_files: list[str] | None = None,
        variables: dict[str, str] | None = None,
        exclude: list[str] | None = None,
        severity_overrides: dict[str, str] | None = None,
        baseline: str | None = None,
        write_baseline: str | None = None,
        warn_unused_ignores: bool = False,
        statistics: bool = False,
        list_rules: bool = False,
        explain: str | None = None,
        dump_model: bool = False,
        rules_dirs: list[str] | None = None,
        max_file_size: int | None = None,
        file_timeout: float | None = None,
        jobs: int | None = None,
        color: str = "auto",
        debug: bool = False,
        config_path: str | None = None,
        sarif_suppressed: str = "include",
        progress: bool = True,
        code_sources: list[tuple[str, list[str]]] | None = None,
    ) -> None:
        self.paths = paths
        self.format = format
        self.output = output
        self.select = select
        self.extend_select: list[str] = [] if extend_select is None else extend_select
        self.ignore: list[str] = [] if ignore is None else ignore
        self.fail_on = fail_on
        self.exit_zero = exit_zero
        self.strict = strict
        self.account_ids: list[str] = [] if account_ids is None else account_ids
        self.var_files: list[str] = [] if var_files is None else var_files
        self.variables: dict[str, str] = {} if variables is None else variables
        self.exclude: list[str] = [] if exclude is None else exclude
        self.severity_overrides: dict[str, str] = {} if severity_overrides is None else severity_overrides
        self.baseline = baseline
        self.write_baseline = write_baseline
        self.warn_unused_ignores = warn_unused_ignores
        self.statistics = statistics
        self.list_rules = list_rules
        self.explain = explain
        self.dump_model = dump_model
        self.rules_dirs: list[str] = [] if rules_dirs is None else rules_dirs
        self.max_file_size = max_file_size
        self.file_timeout = file_timeout
        self.jobs = jobs
        self.color = color
        self.debug = debug
        self.config_path = config_path
        self.sarif_suppressed = sarif_suppressed  # "include" | "omit"
        self.progress = progress  # a progress line on a terminal for long scans
        # Where each list of rule codes came from, to name it in errors:
        # (origin, codes), e.g. ("pyproject.toml: key 'ignore'", ["S9999"]) or ("--select", [...]).
        self.code_sources: list[tuple[str, list[str]]] = [] if code_sources is None else code_sources

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> "Settings":
        config = FileConfig()
        if args.config:
            config = load_config(args.config)
        elif not args.isolated:
            found = find_config(os.getcwd())
            if found:
                config = load_config(found)
        values = config.values
        variables: dict[str, str] = {}
        for item in args.var or []:
            if "=" not in item:
                raise ConfigError(f"--var expects NAME=VALUE, got '{item}'")
            name, value = item.split("=", 1)
            variables[name.strip()] = value
        sources: list[tuple[str, list[str]]] = []
        for key in ("select", "extend-select", "ignore"):
            if key in values:
                sources.append((f"{config.path}: key '{key}'", values[key]))
        for flag, given in (("--select", args.select), ("--extend-select", args.extend_select), ("--ignore", args.ignore)):
            if given:
                sources.append((flag, given))
        return cls(
            paths=args.paths or ["."],
            format=args.format or "text",
            output=args.output,
            select=args.select if args.select is not None else values.get("select"),
            extend_select=(values.get("extend-select", []) + (args.extend_select or [])),
            ignore=(values.get("ignore", []) + (args.ignore or [])),
            fail_on=args.fail_on or values.get("fail-on", "low"),
            exit_zero=args.exit_zero,
            strict=args.strict or values.get("strict", False),
            account_ids=(values.get("account-id", []) + (args.account_id or [])),
            var_files=(values.get("var-file", []) + (args.var_file or [])),
            variables=variables,
            exclude=(values.get("exclude", []) + (args.exclude or [])),
            severity_overrides=dict(values.get("severity", {})),
            baseline=args.baseline or values.get("baseline"),
            write_baseline=args.write_baseline,
            warn_unused_ignores=args.warn_unused_ignores or values.get("warn-unused-ignores", False),
            statistics=args.statistics,
            list_rules=args.list_rules,
            explain=args.explain,
            dump_model=args.dump_model,
            rules_dirs=(values.get("rules-dir", []) + (args.rules_dir or [])),
            max_file_size=args.max_file_size or values.get("max-file-size"),
            file_timeout=args.file_timeout if args.file_timeout is not None else values.get("file-timeout"),
            jobs=args.jobs,
            color=args.color,
            debug=args.debug,
            config_path=config.path,
            sarif_suppressed=args.sarif_suppressed or "include",
            progress=not args.no_progress,
            code_sources=sources,
        )


def load_rules(settings: Settings) -> tuple[dict[str, Any], dict[str, Any]]:
    """(every rule's RuleInfo by id, the custom rules by id), with the settings checked
    against them: ConfigError names the file and key, or the flag, of a bad rule code."""
    from s3lint.catalog import load_catalog

    rules: dict[str, Any] = dict(load_catalog())
    custom: dict[str, Any] = {}
    if settings.rules_dirs:
        from s3lint.custom_rules import load_custom_rules

        custom = load_custom_rules(settings.rules_dirs, rules)
        rules.update({rule_id: rule.info for rule_id, rule in custom.items()})
    _check_settings(settings, rules)
    return rules, custom


def execute(settings: Settings) -> int:
    rules, custom = load_rules(settings)
    if settings.list_rules:
        return _emit(settings, _list_rules(rules, settings.format))
    if settings.explain:
        return _emit(settings, _explain(rules, settings.explain))
    selected = selected_rules(settings, rules)
    if settings.dump_model:
        return dump(settings)
    report = scan(settings, rules, selected, custom)
    if settings.write_baseline:
        from s3lint.baseline import write_baseline

        written = write_baseline(settings.write_baseline, report)
        print(f"s3lint: wrote {written} findings to the baseline {settings.write_baseline}", file=sys.stderr)
        return 2 if report.errors else 0
    _emit(settings, _render(report, settings))
    return exit_code(report, settings)


def _check_settings(settings: Settings, rules: dict[str, Any]) -> None:
    """Every rule code the user wrote must name a rule: errors name where it was written."""
    for origin, codes in settings.code_sources:
        resolve_codes(codes, rules, origin)
    origin = f"{settings.config_path}: key 'severity'"
    settings.severity_overrides = {
        resolve_rule(code, rules, origin): severity for code, severity in settings.severity_overrides.items()
    }
    if settings.list_rules and settings.format not in ("text", "json"):
        raise ConfigError(f"--list-rules prints text or json, not {settings.format}")
    if settings.statistics and settings.format not in ("text", "json"):
        raise ConfigError(f"--statistics prints text or json, not {settings.format}")


def selected_rules(settings: Settings, rules: dict[str, Any]) -> list[str]:
    selected = select_rules(
        rules,
        select=settings.select,
        extend_select=settings.extend_select,
        ignore=settings.ignore,
        origin=settings.config_path or "command line",
    )
    if settings.warn_unused_ignores and UNUSED_SUPPRESSION_RULE in rules and UNUSED_SUPPRESSION_RULE not in selected:
        selected = sorted({*selected, UNUSED_SUPPRESSION_RULE})  # the flag asks for the rule
    return selected


def exit_code(report: Report, settings: Settings) -> int:
    from s3lint.report import severity_rank

    if report.errors:
        return 2
    if settings.exit_zero:
        return 0
    threshold = severity_rank(settings.fail_on)
    failing = [f for f in report.active() if severity_rank(f.severity or "low") <= threshold]
    return 1 if failing else 0


def _scan_options(settings: Settings, root: str) -> Any:
    from s3lint.budget import DEFAULT_FILE_TIMEOUT
    from s3lint.engine import DEFAULT_MAX_FILE_SIZE, ScanOptions

    return ScanOptions(
        root=root,
        exclude=settings.exclude,
        var_files=settings.var_files,
        variables=settings.variables,
        max_file_size=settings.max_file_size or DEFAULT_MAX_FILE_SIZE,
        file_timeout=DEFAULT_FILE_TIMEOUT if settings.file_timeout is None else settings.file_timeout,
        debug=settings.debug,
        jobs=settings.jobs,
    )


def _load(settings: Settings, root: str, checks: Any = None) -> Any:
    from s3lint.engine import load_paths

    progress = None
    if settings.progress:
        from s3lint.progress import progress_for

        piped = settings.output is None and not _isatty(sys.stdout)
        progress = progress_for(sys.stderr, report_piped=piped)
    try:
        return load_paths(settings.paths, _scan_options(settings, root), progress=progress, checks=checks)
    finally:
        if progress is not None:
            progress.close()


def dump(settings: Settings) -> int:
    from s3lint.dump import dump_model

    loaded = _load(settings, os.getcwd())
    _emit(settings, dump_model(loaded.model))
    return 2 if loaded.model.errors else 0


def scan(settings: Settings, rules: dict[str, Any], selected: list[str], custom: dict[str, Any] | None = None) -> Report:
    from s3lint.checks import Context
    from s3lint.engine import CheckPlan, error_findings, focus_findings, run_checks
    from s3lint.report import Report, finding_order

    root = os.getcwd()
    context = Context(account_ids=frozenset(settings.account_ids), strict=settings.strict)
    loaded = _load(settings, root, CheckPlan(selected, context, settings.debug))
    findings = run_checks(loaded.model, selected, context, debug=settings.debug, workers=loaded.workers, loaded=loaded)
    loaded.pool_checks = None  # what the pool found is in `findings` now: free the rest
    if custom:
        from s3lint.custom_rules import run_custom_rules

        findings.extend(run_custom_rules(loaded.model, custom, selected))
    if PARSE_ERROR_RULE in selected:
        findings.extend(error_findings(loaded.model.errors))
    findings = focus_findings(findings, loaded)

    from s3lint.suppressions import apply_suppressions

    # Suppressions see the "possible" findings too, so that a comment silencing one is not
    # called unused in a run without --strict.
    problems = apply_suppressions(
        findings,
        loaded,
        rules,
        selected=selected,
        report_problems=UNUSED_SUPPRESSION_RULE in selected,
        warn_unused=settings.warn_unused_ignores,
        root=root,
    )
    # Files outside the focus were read only for context (the rest of a Terraform module):
    # their suppressions are not judged either.
    problems = focus_findings(problems, loaded)
    findings = [f for f in findings if f.certainty == "definite" or settings.strict] + problems
    for finding in findings:
        override = settings.severity_overrides.get(finding.rule_id)
        rule = rules.get(finding.rule_id)
        finding.severity = override or finding.severity or (rule.severity if rule else "high")
    findings = _printable_findings(findings)
    notes = [_printable(note) for note in loaded.model.notes]
    errors = [_printable_error(error) for error in loaded.model.errors]
    if settings.baseline and not settings.write_baseline:
        from s3lint.baseline import filter_baseline

        scanned = {_printable(path) for path in loaded.paths if loaded.in_focus(path)}
        findings, outcome = filter_baseline(settings.baseline, findings, scanned)
        notes.extend(outcome.notes(settings.baseline))
    findings.sort(key=finding_order)
    used = {f.rule_id for f in findings}
    shown_rules = {rule_id: rules[rule_id] for rule_id in rules if rule_id in selected or rule_id in used}
    return Report(
        findings=findings,
        errors=errors,
        rules=shown_rules,
        root=_printable(root),
        files_scanned=loaded.files_scanned,
        version=__version__,
        notes=notes,
        files=[_printable(path) for path in loaded.paths],
    )


def _has_surrogates(text: str) -> bool:
    # isascii() is a flag look-up for str: nearly every text is settled without the regex
    return not text.isascii() and _SURROGATE.search(text) is not None


def _printable(text: str) -> str:
    """Text that can be written out as UTF-8.  A file name that is not UTF-8 reaches Python
    with its bad bytes as lone surrogates, which would fail the whole report (JSON, SARIF,
    fingerprints): they are shown as U+FFFD, as `ls` shows them."""
    if not _has_surrogates(text):
        return text
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a surrogate that does not stand for a byte
        return _SURROGATE.sub("\ufffd", text)


# The texts of a finding that end up in a report
_FINDING_TEXTS = attrgetter("message", "resource", "key", "loc.path")


def _printable_findings(findings: list[Finding]) -> list[Finding]:
    # one look at all the texts at once: nearly every report has no surrogate at all
    texts = [text for f in findings for text in _FINDING_TEXTS(f) if isinstance(text, str)]
    if not _has_surrogates("".join(texts)):
        return findings
    return [_printable_finding(f) for f in findings]


def _printable_finding(finding: Finding) -> Finding:
    if not any(_has_surrogates(text) for text in _FINDING_TEXTS(finding) if isinstance(text, str)):
        return finding
    from dataclasses import replace

    finding.message = _printable(finding.message)
    finding.resource = _printable(finding.resource)
    finding.key = _printable(finding.key)
    finding.loc = replace(finding.loc, path=_printable(finding.loc.path))
    return finding


def _printable_error(error: Any) -> Any:
    if not (_has_surrogates(error.path) or _has_surrogates(error.message)):
        return error
    from s3lint.model import LoadError

    return LoadError(_printable(error.path), _printable(error.message), error.line, error.column)


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def _render(report: Report, settings: Settings) -> str | Iterable[str]:
    if settings.statistics:
        if settings.format == "json":
            return _statistics_json(report)
        from s3lint.reporters.statistics import render as render_statistics

        return render_statistics(report)
    color = settings.color == "always" or (
        settings.color == "auto" and settings.output is None and _isatty(sys.stdout) and "NO_COLOR" not in os.environ
    )
    if settings.format == "sarif":
        from s3lint.reporters.sarif import render_pieces as sarif_pieces

        return sarif_pieces(report, include_suppressed=settings.sarif_suppressed == "include")
    if settings.format == "json":
        from s3lint.reporters.json_report import render_pieces

        return render_pieces(report)
    from s3lint.reporters import get_renderer

    return get_renderer(settings.format)(report, color=color)


def _statistics_json(report: Report) -> str:
    import json
    from collections import Counter

    from s3lint.reporters._common import active, all_findings, rule_name

    shown = active(all_findings(report))
    counts = Counter(f.rule_id for f in shown)
    rows = [
        {"rule_id": rule_id, "name": rule_name(report, rule_id), "count": count}
        for rule_id, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
    return json.dumps(rows, indent=2) + "\n"


def _emit(settings: Settings, text: str | Iterable[str]) -> int:
    """Write the output, given whole or in pieces (a big report is written as it is made)."""
    pieces = [text] if isinstance(text, str) else text
    if settings.output:
        try:
            with open(settings.output, "w", encoding="utf-8") as handle:
                for piece in pieces:
                    handle.write(piece)
        except OSError as error:
            raise ConfigError(f"cannot write {settings.output}: {error.strerror or error}") from None
    else:
        last = ""
        for piece in pieces:
            if piece:
                sys.stdout.write(piece)
                last = piece
        if last and not last.endswith("\n"):
            sys.stdout.write("\n")
        sys.stdout.flush()
    return 0


def _list_rules(rules: dict[str, Any], output_format: str) -> str:
    if output_format == "json":
        import json

        rows = [
            {
                "id": r.id,
                "name": r.name,
                "title": r.title,
                "severity": r.severity,
                "default": r.default,
                "formats": list(r.formats),
                "help_uri": r.help_uri if r.id.startswith("S3") else None,
            }
            for r in rules.values()
        ]
        return json.dumps(rows, indent=2) + "\n"
    width = max([len(r.name) for r in rules.values()] + [4])
    lines = [f"{'ID':<6}  {'NAME':<{width}}  {'SEVERITY':<8}  {'DEFAULT':<7}  FORMATS"]
    for r in rules.values():
        default = "on" if r.default else "opt-in"
        lines.append(f"{r.id:<6}  {r.name:<{width}}  {r.severity:<8}  {default:<7}  {', '.join(r.formats)}")
    return "\n".join(lines) + "\n"


def _explain(rules: dict[str, Any], code: str) -> str:
    from s3lint.catalog import rule_markdown

    wanted = code.strip()
    for rule in rules.values():
        if wanted.upper() == rule.id or wanted == rule.name:
            return rule_markdown(rule)
    raise ConfigError(f"unknown rule '{code}' (see s3lint --list-rules)")
