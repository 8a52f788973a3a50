"""s3lint's findings inside a cfn-lint run: `cfn-lint --append-rules s3lint.cfnlint_plugin t.yaml`.

cfn-lint imports this module and instantiates every `CloudFormationLintRule` subclass in it.
There is one such rule per s3lint rule, with a fixed cfn-lint id (docs/cfn-lint.md):

* `S30NN` becomes `<letter>93NN`: S3002 is E9302, S3040 is W9340, S3090 is W9390;
* the letter is the s3lint rule's default severity: critical and high are errors (`E`),
  medium and low warnings (`W`) -- cfn-lint hides informational (`I`) rules by default;
* findings of custom rules (`--rules-dir`, `rules-dir`) are `W9399`, their id in the message.

The ids do not follow configured severity overrides, so that `--ignore-checks W9340` keeps
working when the configuration changes.  s3lint's own configuration (`.s3lint.yaml`,
`[tool.s3lint]`, found from the current folder) still selects rules, sets severities, account
ids and custom rules, and s3lint's suppressions apply; cfn-lint's `--ignore-checks` and
resource `Metadata: cfn-lint: config: ignore_checks` work on the ids above as usual.

Each template is scanned once, by the first rule cfn-lint runs on it; the other rules read the
cached result.  This module imports cfn-lint, so nothing else in s3lint imports it.
"""

from __future__ import annotations

import logging
import os
from collections import OrderedDict
from typing import Any

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from s3lint.catalog import RuleInfo, load_catalog, one_paragraph

LOGGER = logging.getLogger(__name__)

CUSTOM_RULE_ID = "W9399"
ERROR_RULE_ID = "E9300"  # S3000: also used for s3lint's own configuration errors
_CACHE_SIZE = 64
_ERROR_SEVERITIES = ("critical", "high")


def cfnlint_id(rule_id: str, severity: str) -> str:
    """The cfn-lint id of an s3lint rule: `S30NN` -> `E93NN` or `W93NN`."""
    number = int(rule_id[1:]) if rule_id[:1] == "S" and rule_id[1:].isdigit() else -1
    if not 3000 <= number <= 3098:
        return CUSTOM_RULE_ID
    letter = "E" if severity in _ERROR_SEVERITIES else "W"
    return f"{letter}{9300 + number - 3000}"


def rule_ids() -> dict[str, str]:
    """s3lint rule id -> cfn-lint rule id, for every built-in rule."""
    return {rule_id: cfnlint_id(rule_id, rule.severity) for rule_id, rule in load_catalog().items()}


# ---------------------------------------------------------------------------------------
# Scanning a template with s3lint
# ---------------------------------------------------------------------------------------


class _Scan:
    """What s3lint found in one template, grouped by cfn-lint rule id."""

    def __init__(self) -> None:
        self.by_rule: dict[str, list[RuleMatch]] = {}

    def add(self, rule_id: str, match: RuleMatch) -> None:
        self.by_rule.setdefault(rule_id, []).append(match)


_scans: OrderedDict[tuple[str, int, int], _Scan] = OrderedDict()


def _scan_template(filename: str, template: Any) -> _Scan:
    try:
        stat = os.stat(filename)
    except OSError:
        return _Scan()
    key = (os.path.abspath(filename), stat.st_mtime_ns, stat.st_size)
    cached = _scans.get(key)
    if cached is None:
        cached = _run_s3lint(filename, template)
        _scans[key] = cached
        while len(_scans) > _CACHE_SIZE:
            _scans.popitem(last=False)
    return cached


def _run_s3lint(filename: str, template: Any) -> _Scan:
    from s3lint.catalog import CatalogError
    from s3lint.cli import build_parser
    from s3lint.config import ConfigError
    from s3lint.engine import display_path
    from s3lint.reporters._common import message_with_resource
    from s3lint.runner import Settings, load_rules, scan, selected_rules

    result = _Scan()
    try:
        # The same settings as `s3lint FILE` run here: configuration found from this folder.
        settings = Settings.from_args(build_parser().parse_args(["--no-progress", "--", filename]))
        rules, custom = load_rules(settings)
        report = scan(settings, rules, selected_rules(settings, rules), custom)
    except (ConfigError, CatalogError) as error:
        message = f"S3000 s3lint configuration error: {error}"
        result.add(ERROR_RULE_ID, RuleMatch([], message, location=(0, 0, 0, 1)))
        return result
    shown = display_path(filename, os.getcwd())
    resources = template.get("Resources") if isinstance(template, dict) else None
    for error in report.errors:
        if error.path == shown:
            line, column = max(error.line, 1) - 1, max(error.column, 1) - 1
            message = f"S3000 parse-error: {error.message}"
            result.add(ERROR_RULE_ID, RuleMatch([], message, location=(line, column, line, column + 1)))
    for finding in report.active():
        if finding.loc.path != shown or finding.rule_id == "S3000":
            continue
        rule = report.rules.get(finding.rule_id)
        name = rule.name if rule is not None else ""
        severity = finding.severity or (rule.severity if rule is not None else "medium")
        message = f"{finding.rule_id} {name} [{severity}]: {message_with_resource(finding)}"
        line, column, end_line, end_column = finding.loc.region()
        location = (max(line, 1) - 1, max(column, 1) - 1, max(end_line, 1) - 1, max(end_column, 1) - 1)
        # The resource the finding is shown in, so that cfn-lint's resource Metadata
        # (`cfn-lint: config: ignore_checks`) applies to it as to cfn-lint's own rules.
        owner = _resource_at(resources, location[0]) or finding.resource
        path: list[Any] = ["Resources", owner] if isinstance(resources, dict) and owner in resources else []
        builtin = _BUILTIN.get(finding.rule_id)
        target = cfnlint_id(finding.rule_id, builtin.severity) if builtin is not None else CUSTOM_RULE_ID
        result.add(target, RuleMatch(path, message, location=location))
    return result


def _resource_at(resources: Any, line: int) -> str | None:
    """The logical id of the resource whose text spans the 0-based `line` (cfn-lint's decoded
    nodes carry start and end marks)."""
    if not isinstance(resources, dict):
        return None
    best: tuple[int, str] | None = None
    for name, value in resources.items():
        start, end = getattr(value, "start_mark", None), getattr(value, "end_mark", None)
        key_start = getattr(name, "start_mark", None)
        first = key_start.line if key_start is not None else getattr(start, "line", None)
        # A block's end mark is where the next one starts: the latest start wins.
        if first is not None and end is not None and first <= line <= end.line:
            if best is None or first > best[0]:
                best = (first, str(name))
    return best[1] if best else None


# ---------------------------------------------------------------------------------------
# The cfn-lint rules
# ---------------------------------------------------------------------------------------


class S3LintRule(CloudFormationLintRule):
    """Base of the generated rules; its empty id keeps cfn-lint from registering it."""

    id = ""
    s3lint_ids: tuple[str, ...] = ()

    def match(self, cfn: Any) -> list[RuleMatch]:
        filename = getattr(cfn, "filename", None)
        if not filename or filename == "-":
            LOGGER.warning("s3lint: a template read from standard input is not checked; pass its file name")
            return []
        return list(_scan_template(filename, cfn.template).by_rule.get(self.id, ()))


def _rule_class(cfn_id: str, rule: RuleInfo | None) -> type:
    if rule is None:
        attributes = {
            "id": cfn_id,
            "shortdesc": "s3lint custom rule",
            "description": "A finding of a custom s3lint rule (--rules-dir); the message starts with its id.",
            "source_url": "https://github.com/s3lint/s3lint/blob/main/docs/custom-rules.md",
            "tags": ["s3lint", "s3", "custom"],
        }
    else:
        attributes = {
            "id": cfn_id,
            "shortdesc": f"{rule.title} (s3lint {rule.id})",
            "description": one_paragraph(rule.what),
            "source_url": rule.help_uri,
            "tags": ["s3lint", "s3", *[t for t in rule.tags if "/" not in t]],
            "s3lint_ids": (rule.id,),
        }
    return type(f"S3Lint{cfn_id}", (S3LintRule,), attributes)


_BUILTIN: dict[str, RuleInfo] = load_catalog()


def _define_rules() -> dict[str, type]:
    classes: dict[str, type] = {}
    for rule_id, rule in _BUILTIN.items():
        cfn_id = cfnlint_id(rule_id, rule.severity)
        classes[f"S3Lint{cfn_id}"] = _rule_class(cfn_id, rule)
    classes[f"S3Lint{CUSTOM_RULE_ID}"] = _rule_class(CUSTOM_RULE_ID, None)
    return classes


# cfn-lint finds rules by looking for classes among the module's attributes.
globals().update(_define_rules())
