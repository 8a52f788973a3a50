"""The S3 action catalogue: every `s3:` action, its access level, and wildcard expansion.

The catalogue is `data/s3_actions.json`, generated from the AWS Service Authorization
Reference by `scripts/update_s3_actions.py`.  It is read on first use and cached.

`ALL_S3_ACTIONS` is loaded lazily too (module `__getattr__`), so importing this module costs
nothing until an action set is actually needed.
"""

from __future__ import annotations

import json
import os
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Iterable

from s3lint.model import Statement
from s3lint.symbols import Unknown, has_symbol, is_unknown, render

# os.path, not pathlib: pathlib (and the urllib.parse it imports) would be a cost of every run.
DATA_FILE = os.path.join(os.path.dirname(__file__), "data", "s3_actions.json")

LIST = "List"
READ = "Read"
WRITE = "Write"
PERMISSIONS_MANAGEMENT = "Permissions management"
TAGGING = "Tagging"
UNKNOWN_LEVEL = "Unknown"
ACCESS_LEVELS = (LIST, READ, WRITE, PERMISSIONS_MANAGEMENT, TAGGING)

if TYPE_CHECKING:
    ALL_S3_ACTIONS: frozenset[str]


@lru_cache(maxsize=1)
def _catalogue() -> dict[str, str]:
    """lower-case action name (with "s3:") -> access level; canonical spelling kept apart."""
    with open(DATA_FILE, encoding="utf-8") as handle:
        data = json.load(handle)
    return {f"s3:{name}": level for name, level in data["actions"].items()}


@lru_cache(maxsize=1)
def _by_lower_name() -> dict[str, str]:
    return {name.lower(): name for name in _catalogue()}


@lru_cache(maxsize=1)
def _all_actions() -> frozenset[str]:
    return frozenset(_catalogue())


# Every S3 action, as a function: hot paths call this instead of `from ... import
# ALL_S3_ACTIONS`, which goes through the module `__getattr__` below on every import.
all_s3_actions = _all_actions


def __getattr__(name: str) -> Any:  # PEP 562: load the catalogue only when asked for
    if name == "ALL_S3_ACTIONS":
        return _all_actions()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def canonical_action(name: str) -> str | None:
    """"S3:getobject" -> "s3:GetObject"; None when it is not a known S3 action."""
    return _by_lower_name().get(name.lower())


def is_known_s3_action(name: str) -> bool:
    return isinstance(name, str) and canonical_action(name) is not None


def access_level(action: str) -> str:
    """The access level AWS documents for an action ("Read", "Write", ...), or "Unknown"."""
    return _level_by_lower_name().get(action.lower(), UNKNOWN_LEVEL)


@lru_cache(maxsize=1)
def _level_by_lower_name() -> dict[str, str]:
    # access_level(a) == _catalogue()[canonical_action(a)], in one lookup: the public-policy
    # rules group every granted action by level, for each statement's message
    catalogue = _catalogue()
    return {lower: catalogue[name] for lower, name in _by_lower_name().items()}


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    parts = []
    for char in pattern:
        if char == "*":
            parts.append(".*")
        elif char == "?":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


@lru_cache(maxsize=4096)
def _expand_one(pattern: str) -> frozenset[str]:
    if pattern.strip() == "*":
        return _all_actions()
    service, separator, name = pattern.partition(":")
    if not separator:
        return frozenset()  # not a valid action; AWS rejects it
    if not _pattern_regex(service).fullmatch("s3"):
        return frozenset()  # another service (s3-object-lambda, iam, ...)
    if "*" not in name and "?" not in name:
        canonical = canonical_action(f"s3:{name}")
        return frozenset({canonical}) if canonical else frozenset()
    regex = _pattern_regex(name)
    return frozenset(action for action in _all_actions() if regex.fullmatch(action[3:]))


def expand_action_patterns(patterns: Iterable[Any]) -> frozenset[str]:
    """Every S3 action that any of the patterns matches (case-insensitive, `*` and `?`).

    `*` alone is every S3 action; patterns of other services and non-strings are ignored."""
    if isinstance(patterns, (list, tuple)) and len(patterns) == 1:
        # one pattern (the usual statement): its cached set as it is, no copy
        pattern = patterns[0]
        if isinstance(pattern, str) and not is_unknown(pattern):
            return _expand_one(str(pattern))
        return frozenset()
    result: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, str) and not is_unknown(pattern):
            result |= _expand_one(str(pattern))
    return frozenset(result)


def statement_actions(stmt: Statement) -> frozenset[str] | Unknown:
    """The S3 actions a statement applies to (NotAction: every action it does not list).

    Unknown when any written action is unknown or contains an unresolved part."""
    patterns: list[str] = []
    for value in stmt.actions:
        if is_unknown(value.value):
            return Unknown(f"an action of the statement is unknown ({value.value.reason})")
        if has_symbol(value.value):
            return Unknown(f"the action {render(value.value)} is not known statically")
        if isinstance(value.value, str):
            patterns.append(value.value)
    matched = expand_action_patterns(patterns)
    if stmt.not_action:
        return _all_actions() - matched
    return matched


def actions_by_level(actions: Iterable[str]) -> dict[str, list[str]]:
    """Group actions by access level, each group sorted; levels in `ACCESS_LEVELS` order."""
    groups: dict[str, list[str]] = {}
    for action in sorted(actions):
        groups.setdefault(access_level(action), []).append(action)
    order = {level: index for index, level in enumerate(ACCESS_LEVELS)}
    return dict(sorted(groups.items(), key=lambda item: order.get(item[0], len(order))))


def covers_all_actions(actions: frozenset[str] | Unknown) -> bool:
    """True when a set is every S3 action (`s3:*`, `*`, or a NotAction that excludes none)."""
    return not is_unknown(actions) and actions == _all_actions()
