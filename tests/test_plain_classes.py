"""The plain slotted classes that replaced `@dataclass` (start-up cost) behave as the
dataclasses did: same fields in the same order, same defaults (fresh lists and dicts per
instance), same `==`, `hash` and `repr`, and they survive pickling (worker processes).

Each reference dataclass below is the old declaration, written out again: it is the
specification, not derived from the new classes."""

from __future__ import annotations

import dataclasses
import inspect
import pickle
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from s3lint.budget import DEFAULT_FILE_TIMEOUT
from s3lint.discovery import Discovered
from s3lint.engine import DEFAULT_MAX_FILE_SIZE, CheckPlan, LoadedScan, ScanOptions
from s3lint.policy import conditions
from s3lint.policy.conditions import Operator
from s3lint.policy.encryption import SseCRequirement
from s3lint.policy.exposure import EffectiveBlock, EffectiveSetting, PublicAcl
from s3lint.policy.identity import BroadGrant, ResourceScope
from s3lint.policy.lockout import Lockout
from s3lint.policy.principals import PrincipalInfo, Principals
from s3lint.policy.public import PublicStatement, PublicVerdict, _Denial, _Grant
from s3lint.records import FrozenRecord, Record
from s3lint.policy.resources import Coverage
from s3lint.policy.targets import PolicyTarget
from s3lint.policy.transport import DenyRequirement, DenyVerdict, Scenario, Shortfall, StatementReview
from s3lint.report import Report
from s3lint.runner import Settings

REQUIRED = object()
LIST = dataclasses.field(default_factory=list)
DICT = dataclasses.field(default_factory=dict)

# class -> (frozen, [(field, default)]): the dataclass declarations these classes replace.
SPECS: dict[type, tuple[bool, list[tuple[str, Any]]]] = {
    Scenario: (True, [("description", REQUIRED), ("keys", REQUIRED), ("notes", DICT),
                      ("ignored_keys", frozenset())]),
    DenyRequirement: (True, [("scenario", REQUIRED), ("actions", REQUIRED), ("parts", REQUIRED),
                             ("relevant_keys", REQUIRED), ("everyone", True)]),
    Shortfall: (True, [("text", REQUIRED), ("loc", REQUIRED), ("definite", True)]),
    StatementReview: (False, [(name, REQUIRED) for name in (
        "statement", "document", "relevant", "effect", "principal", "condition", "actions",
        "actions_ok", "coverage", "shortfalls")]),
    DenyVerdict: (False, [(name, REQUIRED) for name in (
        "enforced", "documents", "enforcing", "near_misses", "uncovered", "doubts")]),
    EffectiveSetting: (True, [("name", REQUIRED), ("value", REQUIRED), ("loc", REQUIRED),
                              ("source", REQUIRED), ("explicit", False)]),
    EffectiveBlock: (True, [("settings", REQUIRED)]),
    PublicAcl: (True, [(name, REQUIRED) for name in (
        "target", "loc", "group", "permissions", "definite", "what")]),
    PublicStatement: (False, [("statement", REQUIRED), ("actions", REQUIRED), ("definite", REQUIRED),
                              ("actions_unknown", False), ("removed", frozenset()), ("reason", ""),
                              ("granted", frozenset()), ("condition_unknown", False)]),
    PublicVerdict: (False, [("state", REQUIRED), ("statements", LIST), ("reason", "")]),
    _Grant: (False, [(name, REQUIRED) for name in (
        "stmt", "principals", "definite", "restricted", "actions", "actions_unknown", "coverage")]),
    _Denial: (False, [(name, REQUIRED) for name in ("stmt", "definite", "actions", "actions_unknown")]),
    PrincipalInfo: (True, [("entry", REQUIRED), ("everyone", REQUIRED), ("account", None),
                           ("service", None), ("federated", None), ("canonical_user", None)]),
    Principals: (True, [("everyone", REQUIRED), ("entries", ()), ("negated", False), ("unknown", False),
                        ("missing", False), ("accounts", dataclasses.field(default_factory=frozenset))]),
    ResourceScope: (True, [(name, REQUIRED) for name in ("all_buckets", "all_objects", "account", "loc", "text")]),
    BroadGrant: (False, [("statement", REQUIRED), ("document", REQUIRED), ("scope", REQUIRED),
                         ("full_access", REQUIRED), ("full_access_loc", REQUIRED), ("make_public", DICT),
                         ("make_public_loc", None), ("effect", True)]),
    Operator: (True, [(name, REQUIRED) for name in (
        "written", "base", "family", "negated", "pattern", "if_exists", "set_prefix")]),
    SseCRequirement: (True, [(name, REQUIRED) for name in ("statement", "document", "condition", "certain")]),
    Coverage: (True, [("bucket_arn", REQUIRED), ("objects", REQUIRED), ("some_objects", None)]),
    PolicyTarget: (True, [("bucket", REQUIRED), ("document", REQUIRED), ("access_point", None)]),
    Lockout: (False, [(name, REQUIRED) for name in (
        "statement", "document", "kind", "certain", "denied_all", "reason", "loc")] + [("together_with", LIST)]),
    Settings: (False, [("paths", REQUIRED), ("format", "text"), ("output", None), ("select", None),
                       ("extend_select", LIST), ("ignore", LIST), ("fail_on", "low"), ("exit_zero", False),
                       ("strict", False), ("account_ids", LIST), ("var_files", LIST), ("variables", DICT),
                       ("exclude", LIST), ("severity_overrides", DICT), ("baseline", None),
                       ("write_baseline", None), ("warn_unused_ignores", False), ("statistics", False),
                       ("list_rules", False), ("explain", None), ("dump_model", False), ("rules_dirs", LIST),
                       ("max_file_size", None), ("file_timeout", None), ("jobs", None), ("color", "auto"),
                       ("debug", False), ("config_path", None), ("sarif_suppressed", "include"),
                       ("progress", True), ("code_sources", LIST)]),
    ScanOptions: (False, [("root", "."), ("exclude", LIST), ("var_files", LIST), ("variables", DICT),
                          ("max_file_size", DEFAULT_MAX_FILE_SIZE), ("debug", False),
                          ("file_timeout", DEFAULT_FILE_TIMEOUT), ("jobs", None)]),
    LoadedScan: (False, [("model", REQUIRED), ("files_scanned", REQUIRED), ("texts", REQUIRED), ("paths", LIST),
                         ("focus", None), ("workers", 1), ("pool_checks", None)]),
    CheckPlan: (False, [("rule_ids", REQUIRED), ("context", REQUIRED), ("debug", False)]),
    Discovered: (False, [("documents", LIST), ("terraform_modules", LIST), ("missing", LIST),
                         ("skipped", LIST), ("notes", LIST), ("module_sizes", DICT)]),
    Report: (False, [("findings", REQUIRED), ("errors", REQUIRED), ("rules", REQUIRED), ("root", REQUIRED),
                     ("files_scanned", 0), ("version", ""), ("notes", LIST), ("files", LIST)]),
}

CLASSES = list(SPECS)


def _reference(cls: type) -> type:
    """The old dataclass, under the same (qualified) name, so that its repr is comparable."""
    frozen, fields = SPECS[cls]
    declared = []
    for name, default in fields:
        if default is REQUIRED:
            declared.append((name, Any))
        elif isinstance(default, dataclasses.Field):
            declared.append((name, Any, dataclasses.field(default_factory=default.default_factory)))
        else:
            declared.append((name, Any, default))
    reference = dataclasses.make_dataclass(cls.__name__, declared, frozen=frozen, slots=True)
    reference.__qualname__ = cls.__qualname__
    return reference


REFERENCES = {cls: _reference(cls) for cls in CLASSES}

# Hashable values of a few kinds (a frozen record is hashed by its fields).
GIVEN_VALUES = st.one_of(st.booleans(), st.integers(), st.text(max_size=5),
                         st.tuples(st.integers(), st.text(max_size=3)), st.frozensets(st.integers(), max_size=3))
VALUES = st.one_of(st.none(), GIVEN_VALUES)


def _ids(cls: type) -> str:
    return cls.__name__


@pytest.mark.parametrize("cls", CLASSES, ids=_ids)
def test_fields_and_parameters_in_the_dataclass_order(cls: type) -> None:
    names = [name for name, _ in SPECS[cls][1]]
    assert cls.__slots__ == tuple(names)
    assert list(inspect.signature(cls).parameters) == names
    assert issubclass(cls, FrozenRecord) == SPECS[cls][0]
    assert issubclass(cls, Record)
    assert not hasattr(cls(*range(len(names))), "__dict__")  # slotted: no stray attributes


@pytest.mark.parametrize("cls", CLASSES, ids=_ids)
def test_defaults_as_the_dataclass_gave_them(cls: type) -> None:
    required = [name for name, default in SPECS[cls][1] if default is REQUIRED]
    args = [f"value of {name}" for name in required]
    ours, theirs = cls(*args), REFERENCES[cls](*args)
    for name, _ in SPECS[cls][1]:
        assert getattr(ours, name) == getattr(theirs, name), name
    another = cls(*args)
    for name, default in SPECS[cls][1]:
        if isinstance(default, dataclasses.Field) and default.default_factory in (list, dict):
            assert getattr(ours, name) is not getattr(another, name), f"{name} is shared"


@pytest.mark.parametrize("cls", CLASSES, ids=_ids)
@given(data=st.data())
def test_eq_hash_repr_pickle_as_the_dataclass(cls: type, data: st.DataObject) -> None:
    frozen, fields = SPECS[cls]
    # A field with a fresh list or dict by default takes None for "the default" (no caller
    # passes None for it); any other value is kept as given, as by the dataclass.
    strategies = [GIVEN_VALUES if isinstance(default, dataclasses.Field) else VALUES for _, default in fields]
    values = [data.draw(strategy, label=name) for strategy, (name, _) in zip(strategies, fields)]
    others = [data.draw(strategy, label=f"other {name}") for strategy, (name, _) in zip(strategies, fields)]
    ours, theirs = cls(*values), REFERENCES[cls](*values)
    other_ours, other_theirs = cls(*others), REFERENCES[cls](*others)

    assert repr(ours) == repr(theirs)
    assert (ours == cls(*values)) is True
    assert (ours == other_ours) == (theirs == other_theirs)
    assert (ours != other_ours) == (theirs != other_theirs)
    assert ours != theirs  # another class: never equal, as two dataclasses are not
    assert ours.__eq__(theirs) is NotImplemented
    if frozen:
        assert hash(ours) == hash(theirs)  # the same hash: set orders stay as they were
    else:
        with pytest.raises(TypeError):
            hash(ours)
    copy = pickle.loads(pickle.dumps(ours, pickle.HIGHEST_PROTOCOL))
    assert copy == ours and copy.__class__ is cls


def test_repr_of_a_record_that_contains_itself_stops() -> None:
    verdict = PublicVerdict("public")
    verdict.statements.append(verdict)  # type: ignore[arg-type]
    assert repr(verdict) == "PublicVerdict(state='public', statements=[...], reason='')"


def test_private_ranges_are_built_once_on_first_use() -> None:
    conditions.rfc1918_networks.cache_clear()
    assert conditions.cidr_is_narrow("10.1.0.0/16") is True
    assert conditions.cidr_is_narrow("172.0.0.0/7") is False  # broader than /8, not private
    assert conditions.cidr_is_narrow("172.16.0.0/12") is True
    assert [str(net) for net in conditions.rfc1918_networks()] == ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]
    assert conditions.rfc1918_networks.cache_info().misses == 1
