"""Custom rules: YAML files of JSONPath assertions over the documented common model.

```yaml
id: ORG001                      # capital letters then digits; S3xxx is reserved
name: bucket-data-classification
title: Every bucket must carry a DataClassification tag
severity: medium                # critical | high | medium | low
resource: bucket                # bucket | identity-policy | trail
when: "$.declared"              # optional: the rule applies only where this matches a true value
require: "$.tags.DataClassification"   # a finding where this matches nothing (or only null/false)
# forbid: "$.acl.value"         # or: a finding where this matches a true value
message: "{address} has no DataClassification tag"
what: ...                       # optional docs, shown by --explain
```
The model's JSON shape is what `s3lint --dump-model PATH` prints (docs/model.md).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

from s3lint.catalog import RuleInfo, SEVERITIES
from s3lint.config import ConfigError
from s3lint.model import Finding, ScanModel
from s3lint.source import Location

_ID = re.compile(r"^[A-Z][A-Z0-9]*[0-9]{3,}$")
_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_KEYS = {"id", "name", "title", "severity", "default", "resource", "when", "require", "forbid",
         "message", "what", "why", "fix", "references", "tags"}
_COLLECTIONS = {"bucket": "buckets", "identity-policy": "identity_policies", "trail": "trails"}


@dataclass(frozen=True, slots=True)
class CustomRule:
    info: RuleInfo
    collection: str
    when: Any
    require: Any
    forbid: Any
    message: str


_loaded: dict[str, CustomRule] = {}


def load_custom_rules(folders: list[str], builtin: dict[str, RuleInfo]) -> dict[str, RuleInfo]:
    import yaml
    from jsonpath_ng.ext import parse as parse_path

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    found: dict[str, RuleInfo] = {}
    for folder in folders:
        if not os.path.isdir(folder):
            raise ConfigError(f"{folder}: rules folder does not exist")
        for name in sorted(os.listdir(folder)):
            if not name.endswith((".yaml", ".yml")):
                continue
            path = os.path.join(folder, name)
            try:
                with open(path, encoding="utf-8") as handle:
                    data = yaml.load(handle, Loader=loader)  # noqa: S506 - a safe loader
            except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
                raise ConfigError(f"{path}: cannot read custom rule: {str(error).splitlines()[0]}") from None
            rule = _build(data, path, builtin, found, parse_path)
            found[rule.info.id] = rule.info
            _loaded[rule.info.id] = rule
    return found


def _build(data: Any, path: str, builtin: dict[str, RuleInfo], seen: dict[str, RuleInfo], parse_path: Any) -> CustomRule:
    def fail(message: str) -> ConfigError:
        return ConfigError(f"{path}: {message}")

    if not isinstance(data, dict):
        raise fail("a custom rule must be a mapping")
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise fail(f"unknown key '{unknown[0]}' (known: {', '.join(sorted(_KEYS))})")
    for key in ("id", "name", "title", "severity", "message"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise fail(f"'{key}' is required and must be text")
    rule_id = data["id"]
    if not _ID.match(rule_id) or rule_id.startswith("S3"):
        raise fail(f"id '{rule_id}' must be capital letters then digits, and not S3xxx (reserved for built-in rules)")
    if rule_id in builtin or rule_id in seen:
        raise fail(f"id '{rule_id}' is already used by another rule")
    if not _NAME.match(data["name"]):
        raise fail(f"name '{data['name']}' must be kebab-case")
    if data["severity"] not in SEVERITIES:
        raise fail(f"severity must be one of {', '.join(SEVERITIES)}")
    resource = data.get("resource", "bucket")
    if resource not in _COLLECTIONS:
        raise fail(f"resource must be one of {', '.join(_COLLECTIONS)}")
    if ("require" in data) == ("forbid" in data):
        raise fail("give exactly one of 'require' and 'forbid'")
    compiled: dict[str, Any] = {}
    for key in ("when", "require", "forbid"):
        if key in data:
            if not isinstance(data[key], str):
                raise fail(f"'{key}' must be a JSONPath expression")
            try:
                compiled[key] = parse_path(data[key])
            except Exception as error:  # noqa: BLE001 - jsonpath-ng raises several kinds
                raise fail(f"'{key}' is not a valid JSONPath expression: {error}") from None
    default = data.get("default", True)
    if not isinstance(default, bool):
        raise fail("'default' must be true or false")
    title = data["title"].strip()
    info = RuleInfo(
        id=rule_id,
        name=data["name"],
        title=title,
        severity=data["severity"],
        default=default,
        precision="high",
        formats=("cloudformation", "terraform", "tfplan", "policy-json"),
        tags=tuple(data.get("tags") or ("custom",)),
        what=str(data.get("what") or title).strip(),
        why=str(data.get("why") or "A rule of your organisation.").strip(),
        example={},
        fix_summary=str(data.get("fix") or "See your organisation's guidance.").strip(),
        fix={},
        references=(),
    )
    return CustomRule(info, _COLLECTIONS[resource], compiled.get("when"), compiled.get("require"), compiled.get("forbid"), data["message"])


def _truthy(matches: list[Any]) -> bool:
    return any(m.value not in (None, False, "", [], {}) for m in matches)


def run_custom_rules(model: ScanModel, rules: dict[str, RuleInfo], selected: list[str]) -> list[Finding]:
    from s3lint.dump import to_data

    findings: list[Finding] = []
    for rule_id in selected:
        rule = _loaded.get(rule_id)
        if rule is None:
            continue
        for item in getattr(model, rule.collection):
            data = to_data(item)
            if rule.collection == "buckets" and not item.declared and rule.when is None:
                continue
            if rule.when is not None and not _truthy(rule.when.find(data)):
                continue
            if rule.require is not None:
                failed = not _truthy(rule.require.find(data))
            else:
                failed = _truthy(rule.forbid.find(data))
            if failed:
                loc: Location = item.loc
                findings.append(Finding(rule_id, _message(rule.message, data), loc, item.address))
    return findings


def _message(template: str, data: dict[str, Any]) -> str:
    flat = {k: v for k, v in data.items() if isinstance(v, (str, int, float, bool))}
    try:
        return template.format(**flat)
    except (KeyError, IndexError, ValueError):
        return template
