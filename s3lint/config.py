"""Configuration: `[tool.s3lint]` in pyproject.toml or `.s3lint.yaml`, and rule selection.

The file is found by walking up from the current folder (the nearest one wins, as in ruff);
`--config FILE` names it instead.  Keys mirror the command-line flags.
"""

from __future__ import annotations

import os
import re
from typing import Any, Iterable

SEVERITY_NAMES = ("critical", "high", "medium", "low")
_PREFIX = re.compile(r"^[A-Z]+[0-9]*$")

# key -> the type it must have once read
CONFIG_KEYS: dict[str, type | tuple[type, ...]] = {
    "select": list,
    "ignore": list,
    "extend-select": list,
    "fail-on": str,
    "exclude": list,
    "account-id": list,
    "severity": dict,
    "var-file": list,
    "rules-dir": list,
    "strict": bool,
    "warn-unused-ignores": bool,
    "max-file-size": int,
    "file-timeout": (int, float),
    "baseline": str,
}


class ConfigError(Exception):
    """A bad configuration: the message names the file and the key."""


class FileConfig:
    """A configuration file's path and its normalized keys; empty when there is none.

    A plain class: every run builds one, and a dataclass's generated methods cost 1 ms."""

    __slots__ = ("path", "values")

    def __init__(self, path: str | None = None, values: dict[str, Any] | None = None) -> None:
        self.path = path
        self.values: dict[str, Any] = {} if values is None else values

    def __repr__(self) -> str:
        return f"FileConfig(path={self.path!r}, values={self.values!r})"


def find_config(start: str) -> str | None:
    folder = os.path.abspath(start)
    while True:
        for name in (".s3lint.yaml", ".s3lint.yml", "pyproject.toml"):
            candidate = os.path.join(folder, name)
            if os.path.isfile(candidate) and (name != "pyproject.toml" or _has_s3lint_table(candidate)):
                return candidate
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def _has_s3lint_table(path: str) -> bool:
    try:
        with open(path, encoding="utf-8") as handle:
            return "[tool.s3lint" in handle.read()
    except OSError:
        return False


def load_config(path: str) -> FileConfig:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise ConfigError(f"{path}: cannot read configuration: {error.strerror or error}") from None
    if path.endswith(".toml"):
        raw = _read_toml(path, data)
        tool = raw.get("tool")
        if isinstance(tool, dict) and "s3lint" in tool:
            table = tool["s3lint"]
        elif os.path.basename(path) == "pyproject.toml":
            table = {}
        else:  # a file of its own (`--config s3lint.toml`): the keys are at the top
            table = raw
    else:
        raw_yaml = _read_yaml(path, data)
        table = raw_yaml if raw_yaml is not None else {}
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: the s3lint configuration must be a table of keys")
    return FileConfig(path=path, values=_normalize(table, path))


def _read_toml(path: str, data: bytes) -> dict[str, Any]:
    try:
        import tomllib  # type: ignore[import-not-found]
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[import-not-found,no-redef]
    try:
        return tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None


def _read_yaml(path: str, data: bytes) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(data.decode("utf-8"), Loader=loader)  # noqa: S506 - a safe loader
    except (UnicodeDecodeError, yaml.YAMLError) as error:
        line = getattr(getattr(error, "problem_mark", None), "line", None)
        where = f":{line + 1}" if line is not None else ""
        raise ConfigError(f"{path}{where}: invalid YAML: {str(error).splitlines()[0]}") from None


def _normalize(table: dict[str, Any], path: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, value in table.items():
        norm = str(key).replace("_", "-")
        if norm not in CONFIG_KEYS:
            known = ", ".join(sorted(CONFIG_KEYS))
            raise ConfigError(f"{path}: unknown configuration key '{key}' (known keys: {known})")
        expected = CONFIG_KEYS[norm]
        if expected is list and isinstance(value, (str, int)):
            value = [str(value)]
        if expected is list and isinstance(value, list):
            value = [str(v) for v in value]
        if not isinstance(value, expected) or (expected in (int, (int, float)) and isinstance(value, bool)):
            name = expected.__name__ if isinstance(expected, type) else "number"
            raise ConfigError(f"{path}: configuration key '{key}' must be a {name}")
        values[norm] = value
    if "fail-on" in values and values["fail-on"] not in SEVERITY_NAMES:
        raise ConfigError(f"{path}: 'fail-on' must be one of {', '.join(SEVERITY_NAMES)}")
    for rule, severity in values.get("severity", {}).items():
        if severity not in SEVERITY_NAMES:
            raise ConfigError(f"{path}: severity for '{rule}' must be one of {', '.join(SEVERITY_NAMES)}")
    base = os.path.dirname(os.path.abspath(path))
    for key in ("var-file", "rules-dir"):
        if key in values:
            values[key] = [os.path.join(base, v) for v in values[key]]
    if "baseline" in values:
        values["baseline"] = os.path.join(base, values["baseline"])
    return values


def resolve_codes(codes: Iterable[str], rules: dict[str, Any], origin: str) -> set[str]:
    """Rule ids for the given ids, names or id prefixes (`S3002`, `public-policy`, `S30`)."""
    selected: set[str] = set()
    by_name = {rule.name: rule_id for rule_id, rule in rules.items()}
    for raw in codes:
        for code in (c.strip() for c in str(raw).split(",")):
            if not code:
                continue
            if code.upper() == "ALL":
                selected.update(rules)
            elif code.upper() in rules:
                selected.add(code.upper())
            elif code in by_name:
                selected.add(by_name[code])
            else:
                # A prefix is letters then digits (S30, ORG); a name is never a prefix.
                prefix = code.upper()
                matches = {rule_id for rule_id in rules if rule_id.startswith(prefix)}
                if not matches or not _PREFIX.match(prefix):
                    raise ConfigError(f"{origin}: unknown rule '{code}' (see s3lint --list-rules)")
                selected.update(matches)
    return selected


def resolve_rule(code: str, rules: dict[str, Any], origin: str) -> str:
    """The id of one rule named by id or name (no prefixes): for per-rule settings."""
    if str(code).upper() in rules:
        return str(code).upper()
    for rule_id, rule in rules.items():
        if rule.name == code:
            return rule_id
    raise ConfigError(f"{origin}: unknown rule '{code}' (see s3lint --list-rules)")


def is_explicit(code: str, rule_id: str, rule_name: str) -> bool:
    return code.upper() in ("ALL", rule_id) or code == rule_name


def select_rules(
    rules: dict[str, Any],
    *,
    select: list[str] | None,
    extend_select: list[str],
    ignore: list[str],
    origin: str,
) -> list[str]:
    """ruff's vocabulary: `select` replaces the default set, `extend-select` adds to it,
    `ignore` removes.  Opt-in rules join only when named exactly (or with ALL)."""
    chosen: set[str] = set()
    if select is None:
        chosen = {rule_id for rule_id, rule in rules.items() if rule.default}
    for codes in ([] if select is None else select, extend_select):
        matched = resolve_codes(codes, rules, origin)
        explicit = {c.strip() for raw in codes for c in str(raw).split(",")}
        for rule_id in matched:
            rule = rules[rule_id]
            if rule.default or any(is_explicit(c, rule_id, rule.name) for c in explicit):
                chosen.add(rule_id)
    chosen -= resolve_codes(ignore, rules, origin)
    return sorted(chosen)
