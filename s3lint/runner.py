"""From settings to exit code: configuration, scan, filters, report."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass, field
from typing import Any

from s3lint import __version__
from s3lint.config import ConfigError, FileConfig, find_config, load_config, select_rules
from s3lint.model import Finding
from s3lint.report import Report, severity_rank


@dataclass(slots=True)
class Settings:
    paths: list[str]
    format: str = "text"
    output: str | None = None
    select: list[str] | None = None
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    fail_on: str = "low"
    exit_zero: bool = False
    strict: bool = False
    account_ids: list[str] = field(default_factory=list)
    var_files: list[str] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=list)
    severity_overrides: dict[str, str] = field(default_factory=dict)
    baseline: str | None = None
    write_baseline: str | None = None
    warn_unused_ignores: bool = False
    statistics: bool = False
    list_rules: bool = False
    explain: str | None = None
    dump_model: bool = False
    rules_dirs: list[str] = field(default_factory=list)
    max_file_size: int | None = None
    jobs: int | None = None
    color: str = "auto"
    debug: bool = False
    config_path: str | None = None

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
            jobs=args.jobs,
            color=args.color,
            debug=args.debug,
            config_path=config.path,
        )


def execute(settings: Settings) -> int:
    from s3lint.catalog import load_catalog

    rules = dict(load_catalog())
    if settings.rules_dirs:
        from s3lint.custom_rules import load_custom_rules

        rules.update(load_custom_rules(settings.rules_dirs, rules))
    origin = settings.config_path or "command line"
    for rule_id, severity in settings.severity_overrides.items():
        if rule_id.upper() not in rules:
            raise ConfigError(f"{origin}: 'severity' names unknown rule '{rule_id}'")
    if settings.list_rules:
        return _emit(settings, _list_rules(rules, settings.format))
    if settings.explain:
        return _emit(settings, _explain(rules, settings.explain))
    selected = select_rules(
        rules,
        select=settings.select,
        extend_select=settings.extend_select,
        ignore=settings.ignore,
        origin=origin,
    )
    report = scan(settings, rules, selected)
    if settings.dump_model:
        return 0
    if settings.write_baseline:
        from s3lint.baseline import write_baseline

        write_baseline(settings.write_baseline, report)
        print(f"s3lint: wrote {len(report.active())} findings to {settings.write_baseline}", file=sys.stderr)
        return 2 if report.errors else 0
    text = _render(report, settings)
    _emit(settings, text)
    if report.errors:
        return 2
    if settings.exit_zero:
        return 0
    threshold = severity_rank(settings.fail_on)
    failing = [f for f in report.active() if severity_rank(f.severity or "low") <= threshold]
    return 1 if failing else 0


def scan(settings: Settings, rules: dict[str, Any], selected: list[str]) -> Report:
    from s3lint.checks import Context
    from s3lint.engine import DEFAULT_MAX_FILE_SIZE, ScanOptions, error_findings, load_paths, run_checks

    root = os.getcwd()
    options = ScanOptions(
        root=root,
        exclude=settings.exclude,
        var_files=settings.var_files,
        variables=settings.variables,
        max_file_size=settings.max_file_size or DEFAULT_MAX_FILE_SIZE,
        debug=settings.debug,
    )
    loaded = load_paths(settings.paths, options)
    if settings.dump_model:
        from s3lint.dump import dump_model

        _emit(settings, dump_model(loaded.model))
        return Report([], [], {}, root)
    context = Context(account_ids=frozenset(settings.account_ids), strict=settings.strict)
    findings = run_checks(loaded.model, selected, context, debug=settings.debug)
    if settings.rules_dirs:
        from s3lint.custom_rules import run_custom_rules

        findings.extend(run_custom_rules(loaded.model, rules, selected))
    if "S3000" in selected:
        findings.extend(error_findings(loaded.model.errors))
    findings = [f for f in findings if f.certainty == "definite" or settings.strict]
    for finding in findings:
        override = settings.severity_overrides.get(finding.rule_id)
        rule = rules.get(finding.rule_id)
        finding.severity = override or finding.severity or (rule.severity if rule else "high")
    from s3lint.suppressions import apply_suppressions

    findings.extend(
        apply_suppressions(findings, loaded, rules, warn_unused=settings.warn_unused_ignores, root=root)
    )
    if settings.baseline:
        from s3lint.baseline import filter_baseline

        findings = filter_baseline(settings.baseline, findings, root)
    findings.sort(key=finding_sort_key)
    used = {f.rule_id for f in findings}
    shown_rules = {rule_id: rules[rule_id] for rule_id in rules if rule_id in selected or rule_id in used}
    return Report(
        findings=findings,
        errors=loaded.model.errors,
        rules=shown_rules,
        root=root,
        files_scanned=loaded.files_scanned,
        version=__version__,
        notes=loaded.model.notes,
    )


def _render(report: Report, settings: Settings) -> str:
    if settings.statistics:
        from s3lint.reporters.statistics import render as render_statistics

        return render_statistics(report)
    color = settings.color == "always" or (
        settings.color == "auto" and settings.output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    )
    module = {
        "text": "text",
        "json": "json_report",
        "sarif": "sarif",
        "github": "github",
        "junit": "junit",
    }[settings.format]
    import importlib

    reporter = importlib.import_module(f"s3lint.reporters.{module}")
    return reporter.render(report, color=color)


def _emit(settings: Settings, text: str) -> int:
    if settings.output:
        try:
            with open(settings.output, "w", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as error:
            raise ConfigError(f"cannot write {settings.output}: {error.strerror or error}") from None
    else:
        sys.stdout.write(text)
        if text and not text.endswith("\n"):
            sys.stdout.write("\n")
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
            }
            for r in rules.values()
        ]
        return json.dumps(rows, indent=2) + "\n"
    lines = [f"{'ID':<6}  {'NAME':<36}  {'SEVERITY':<8}  {'DEFAULT':<7}  FORMATS"]
    for r in rules.values():
        default = "on" if r.default else "opt-in"
        lines.append(f"{r.id:<6}  {r.name:<36}  {r.severity:<8}  {default:<7}  {', '.join(r.formats)}")
    return "\n".join(lines) + "\n"


def _explain(rules: dict[str, Any], code: str) -> str:
    from s3lint.catalog import rule_markdown

    wanted = code.strip()
    for rule in rules.values():
        if wanted.upper() == rule.id or wanted == rule.name:
            return rule_markdown(rule)
    raise ConfigError(f"unknown rule '{code}' (see s3lint --list-rules)")


def finding_sort_key(finding: Finding) -> tuple[str, int, int, str, str]:
    return (finding.loc.path, finding.loc.line, finding.loc.column, finding.rule_id, finding.message)
