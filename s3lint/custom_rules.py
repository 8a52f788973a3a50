"""Custom rules: YAML files of JSONPath conditions over the documented common model.

```yaml
id: ORG001                      # capital letters then 3+ digits; S3xxx is reserved
name: bucket-data-classification
title: Every bucket must carry a DataClassification tag
severity: medium                # critical | high | medium | low
resource: bucket                # bucket | identity-policy | trail | account-public-access-block
when: "$.declared"              # optional: the rule applies only where this holds
require: "$.tags.DataClassification"   # a finding where this does not hold
# forbid: {path: "$.acl.value", in: [public-read, public-read-write]}   # or: where this holds
message: "{address} has no DataClassification tag"
what: ...                       # optional docs, shown by --explain
```

A condition is a JSONPath expression (jsonpath-ng, with its extensions), which holds when it
matches a value that is not null, false or empty; or a mapping `{path: EXPR, <test>: ...}`
with one test of `equals`, `not-equals`, `in`, `not-in`, `matches` (a regular expression),
which holds when a matched value passes it.  A model `Value` ({"value", "loc", "explicit"})
is compared by its `value`.  The JSON shape is what `s3lint --dump-model PATH` prints
(docs/model.md).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, fields
from typing import Any, Callable

from s3lint.catalog import SEVERITIES, RuleInfo
from s3lint.config import ConfigError
from s3lint.model import AccountPublicAccessBlock, Bucket, Finding, IdentityPolicy, ScanModel, Trail
from s3lint.source import Location

_ID = re.compile(r"^[A-Z][A-Z0-9]*[0-9]{3,}$")
_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_KEYS = {"id", "name", "title", "severity", "default", "resource", "when", "require", "forbid",
         "message", "what", "why", "fix", "references", "tags"}
_TESTS = ("equals", "not-equals", "in", "not-in", "matches")
_FIRST_FIELD = re.compile(r"^\$\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)")

# resource kind -> (ScanModel attribute, model class)
RESOURCES: dict[str, tuple[str, type]] = {
    "bucket": ("buckets", Bucket),
    "identity-policy": ("identity_policies", IdentityPolicy),
    "trail": ("trails", Trail),
    "account-public-access-block": ("account_public_access_blocks", AccountPublicAccessBlock),
}


@dataclass(frozen=True, slots=True)
class Condition:
    """One compiled condition: a JSONPath and an optional test on the values it matches."""

    text: str
    path: Any  # a compiled jsonpath-ng expression
    test: Callable[[Any], bool] | None = None  # None: the value is truthy


@dataclass(frozen=True, slots=True)
class CustomRule:
    info: RuleInfo
    collection: str  # ScanModel attribute
    when: Condition | None
    require: Condition | None
    forbid: Condition | None
    message: str
    path: str  # the file it came from


def load_custom_rules(folders: list[str], builtin: dict[str, RuleInfo]) -> dict[str, CustomRule]:
    """Every rule in the folders (`*.yaml`, `*.yml`), by id.  ConfigError names the file and
    the problem for anything wrong."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    found: dict[str, CustomRule] = {}
    for folder in folders:
        if not os.path.isdir(folder):
            raise ConfigError(f"{folder}: custom rules folder does not exist")
        names = sorted(n for n in os.listdir(folder) if n.endswith((".yaml", ".yml")))
        if not names:
            raise ConfigError(f"{folder}: no custom rules (*.yaml) in this folder")
        for name in names:
            path = os.path.join(folder, name)
            try:
                with open(path, encoding="utf-8") as handle:
                    data = yaml.load(handle, Loader=loader)  # noqa: S506 - a safe loader
            except (OSError, UnicodeDecodeError) as error:
                raise ConfigError(f"{path}: cannot read custom rule: {error}") from None
            except yaml.YAMLError as error:
                mark = getattr(error, "problem_mark", None)
                where = f":{mark.line + 1}" if mark is not None else ""
                problem = getattr(error, "problem", None) or str(error).splitlines()[0]
                raise ConfigError(f"{path}{where}: custom rule is not valid YAML: {problem}") from None
            rule = build_rule(data, path, builtin, found)
            found[rule.info.id] = rule
    return found


def build_rule(data: Any, path: str, builtin: dict[str, RuleInfo], seen: dict[str, CustomRule]) -> CustomRule:
    def fail(message: str) -> ConfigError:
        return ConfigError(f"{path}: {message}")

    if not isinstance(data, dict):
        raise fail("a custom rule must be a mapping of keys (id, name, title, severity, require or forbid, message)")
    unknown = sorted(str(k) for k in set(data) - _KEYS)
    if unknown:
        raise fail(f"unknown key '{unknown[0]}' (known keys: {', '.join(sorted(_KEYS))})")
    for key in ("id", "name", "title", "severity", "message"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise fail(f"'{key}' is required and must be text")
    rule_id = data["id"].strip()
    if not _ID.match(rule_id) or rule_id.startswith("S3"):
        raise fail(f"id '{rule_id}' must be capital letters then 3 or more digits (e.g. ORG001), and not S3xxx, which is reserved for built-in rules")
    if rule_id in builtin:
        raise fail(f"id '{rule_id}' is already used by a built-in rule")
    if rule_id in seen:
        raise fail(f"id '{rule_id}' is already used by {seen[rule_id].path}")
    name = data["name"].strip()
    if not _NAME.match(name):
        raise fail(f"name '{name}' must be kebab-case, e.g. bucket-data-classification")
    taken = [r.id for r in builtin.values() if r.name == name] + [r.info.id for r in seen.values() if r.info.name == name]
    if taken:
        raise fail(f"name '{name}' is already used by rule {taken[0]}")
    if data["severity"] not in SEVERITIES:
        raise fail(f"severity must be one of {', '.join(SEVERITIES)}, not '{data['severity']}'")
    resource = data.get("resource", "bucket")
    if resource not in RESOURCES:
        raise fail(f"resource must be one of {', '.join(RESOURCES)}, not '{resource}'")
    collection, model_class = RESOURCES[resource]
    if ("require" in data) == ("forbid" in data):
        raise fail("give exactly one of 'require' (a finding where it does not hold) and 'forbid' (a finding where it holds)")
    conditions = {key: _condition(data[key], key, model_class, resource, fail) for key in ("when", "require", "forbid") if key in data}
    default = data.get("default", True)
    if not isinstance(default, bool):
        raise fail("'default' must be true or false")
    tags = data.get("tags") or ["custom"]
    if not isinstance(tags, list) or not all(isinstance(t, str) and t for t in tags):
        raise fail("'tags' must be a list of words")
    for key in ("what", "why", "fix"):
        if key in data and not isinstance(data[key], str):
            raise fail(f"'{key}' must be text (markdown)")
    _check_message(data["message"], model_class, fail)
    title = data["title"].strip().rstrip(".")
    info = RuleInfo(
        id=rule_id,
        name=name,
        title=title,
        severity=data["severity"],
        default=default,
        precision="high",
        formats=("cloudformation", "terraform", "tfplan", "policy-json"),
        tags=tuple(tags),
        what=str(data.get("what") or title).strip(),
        why=str(data.get("why") or "A rule of your organisation.").strip(),
        example={},
        fix_summary=str(data.get("fix") or "See your organisation's guidance.").strip(),
        fix={},
        references=_references(data.get("references"), fail),
    )
    return CustomRule(info, collection, conditions.get("when"), conditions.get("require"),
                      conditions.get("forbid"), data["message"], path)


def _check_message(template: str, model_class: type, fail: Callable[[str], ConfigError]) -> None:
    import string

    allowed = {f.name for f in fields(model_class)} | {"name"}
    try:
        names = [field for _, field, _, _ in string.Formatter().parse(template) if field is not None]
    except ValueError as error:
        raise fail(f"'message' is not a valid template: {error} (write {{{{ and }}}} for literal braces)") from None
    for field in names:
        if field.split(".")[0].split("[")[0] not in allowed:
            raise fail(f"'message' uses {{{field}}}, which is not one of {', '.join('{' + a + '}' for a in sorted(allowed))}")


def _references(value: Any, fail: Callable[[str], ConfigError]) -> tuple[Any, ...]:
    from s3lint.catalog import Reference

    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(r, dict) and set(r) == {"title", "url"} for r in value):
        raise fail("'references' must be a list of {title, url}")
    return tuple(Reference(str(r["title"]).strip(), str(r["url"]).strip()) for r in value)


def _condition(value: Any, key: str, model_class: type, resource: str, fail: Callable[[str], ConfigError]) -> Condition:
    from jsonpath_ng.exceptions import JSONPathError
    from jsonpath_ng.ext import parse as parse_path

    test: Callable[[Any], bool] | None = None
    if isinstance(value, dict):
        unknown = sorted(str(k) for k in set(value) - {"path", *_TESTS})
        given = [t for t in _TESTS if t in value]
        if unknown or "path" not in value or len(given) != 1:
            raise fail(f"'{key}' as a mapping needs 'path' and exactly one of {', '.join(_TESTS)}")
        test = _test(given[0], value[given[0]], key, fail)
        value = value["path"]
    if not isinstance(value, str) or not value.strip():
        raise fail(f"'{key}' must be a JSONPath expression such as \"$.tags.DataClassification\"")
    text = value.strip()
    try:
        compiled = parse_path(text)
    except (JSONPathError, Exception) as error:  # noqa: BLE001 - ply raises several kinds
        raise fail(f"'{key}' is not a valid JSONPath expression ({text}): {error}") from None
    # A misspelt field would silently never match: check the first one against the model.
    first = _FIRST_FIELD.match(text)
    known = [f.name for f in fields(model_class)]
    if first and first.group(1) not in known:
        raise fail(f"'{key}' refers to '{first.group(1)}', which a {resource} does not have (fields: {', '.join(known)})")
    return Condition(text, compiled, test)


def _test(kind: str, expected: Any, key: str, fail: Callable[[str], ConfigError]) -> Callable[[Any], bool]:
    if kind in ("in", "not-in"):
        if not isinstance(expected, list):
            raise fail(f"'{key}.{kind}' must be a list of values")
        choices = list(expected)
        return (lambda v: v in choices) if kind == "in" else (lambda v: v not in choices)
    if kind == "matches":
        if not isinstance(expected, str):
            raise fail(f"'{key}.matches' must be a regular expression")
        try:
            pattern = re.compile(expected)
        except re.error as error:
            raise fail(f"'{key}.matches' is not a valid regular expression: {error}") from None
        return lambda v: isinstance(v, str) and pattern.search(v) is not None
    if kind == "equals":
        return lambda v: v == expected
    return lambda v: v != expected


# ---------------------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Outcome:
    holds: bool  # a known value passed
    unknown: bool  # a matched value could not be known statically
    loc: dict[str, Any] | None  # where the first passing value was written


def _is_value(data: Any) -> bool:
    return isinstance(data, dict) and "value" in data and "loc" in data and "explicit" in data


def _is_unknown(data: Any) -> bool:
    return isinstance(data, dict) and "unknown" in data and set(data) <= {"unknown", "alternatives"}


def _located(match: Any) -> dict[str, Any] | None:
    """The `loc` of the matched value, or of the nearest enclosing object that has one."""
    datum = match
    while datum is not None:
        value = datum.value
        if isinstance(value, dict) and isinstance(value.get("loc"), dict):
            return value["loc"]
        datum = datum.context
    return None


def evaluate(condition: Condition, data: dict[str, Any]) -> _Outcome:
    outcome = _Outcome(False, False, None)
    # jsonpath-ng's filters rewrite the data they walk: each evaluation gets its own copy.
    for match in condition.path.find(_copy(data)):
        value = match.value
        if _is_value(value):
            value = value["value"]
        if _is_unknown(value):
            outcome.unknown = True
            continue
        passed = condition.test(value) if condition.test else value not in (None, False, "", [], {})
        if passed:
            outcome.holds = True
            outcome.loc = _located(match)
            break
    return outcome


def _copy(data: Any) -> Any:
    """A deep copy of plain JSON data, without recursion (the model can nest deeply)."""
    root: list[Any] = [None]
    stack: list[tuple[Any, Any, Any]] = [(data, root, 0)]
    while stack:
        source, parent, key = stack.pop()
        if isinstance(source, dict):
            copy: Any = {}
            parent[key] = copy
            stack.extend((v, copy, k) for k, v in source.items())
        elif isinstance(source, list):
            copy = [None] * len(source)
            parent[key] = copy
            stack.extend((v, copy, i) for i, v in enumerate(source))
        else:
            parent[key] = source
    return root[0]


def run_custom_rules(model: ScanModel, custom: dict[str, CustomRule], selected: list[str]) -> list[Finding]:
    """Findings of the selected custom rules.  A bucket known only from a policy (not declared
    in the scan) has no settings to judge and is skipped."""
    from s3lint.dump import to_data

    findings: list[Finding] = []
    cache: dict[int, dict[str, Any]] = {}
    for rule_id in selected:
        rule = custom.get(rule_id)
        if rule is None:
            continue
        for item in getattr(model, rule.collection):
            if isinstance(item, Bucket) and not item.declared:
                continue
            data = cache.get(id(item))
            if data is None:
                data = cache[id(item)] = to_data(item)
            finding = _judge(rule, item, data)
            if finding is not None:
                findings.append(finding)
    return findings


def _judge(rule: CustomRule, item: Any, data: dict[str, Any]) -> Finding | None:
    if rule.when is not None and not evaluate(rule.when, data).holds:
        return None
    loc: Location = item.loc
    value_loc: dict[str, Any] | None = None
    if rule.require is not None:
        outcome = evaluate(rule.require, data)
        if outcome.holds:
            return None
        certainty = "possible" if outcome.unknown else "definite"
    else:
        assert rule.forbid is not None
        outcome = evaluate(rule.forbid, data)
        if outcome.holds:
            certainty, value_loc = "definite", outcome.loc
        elif outcome.unknown:
            certainty = "possible"
        else:
            return None
    if value_loc and isinstance(value_loc.get("path"), str) and isinstance(value_loc.get("line"), int):
        loc = Location(value_loc["path"], value_loc["line"], value_loc.get("column") or 1)
    return Finding(rule.info.id, _message(rule.message, item, data), loc, item.address,
                   certainty=certainty, key=rule.info.id)  # type: ignore[arg-type]


def _message(template: str, item: Any, data: dict[str, Any]) -> str:
    values: dict[str, Any] = {k: v for k, v in data.items() if isinstance(v, (str, int, float, bool))}
    name = data.get("name")
    if _is_value(name) and isinstance(name["value"], str):
        values["name"] = name["value"]
    values.setdefault("name", values.get("address", ""))
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError, AttributeError):
        return template
