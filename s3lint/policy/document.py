"""Read a policy document (from any format) into the model's `PolicyDocument`.

The input is a located tree (`LDict`/`LList`/`LStr`) or plain dicts, lists and strings, any
part of which may be an `Unknown` or a string with symbols in it.  Reading never raises:
everything structurally wrong goes into `PolicyDocument.problems`, located as precisely as
the tree allows, and the statement is still read as far as it makes sense, so that the
semantic rules see what AWS would see if it accepted the document.

Locations: an element's `*_loc` (`principal_loc`, `action_loc`, ...) is where its key is
written; each single value (`Value.loc`, `PrincipalEntry.loc`) is where that value is written.

A wholly unknown part of a statement is kept as an `Unknown` inside the model (never
dropped), and its element name is added to `Statement.unknown_parts`:
`"Statement"` (the whole statement), `"Effect"`, `"Principal"`, `"Action"`, `"Resource"`,
`"Condition"` (the whole block: `conditions` then holds one `Condition` with operator and key
`""` and an unknown value) or `"Condition.<operator>"` (one operator's block: key `""`).
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Iterator

from s3lint.model import (
    Condition,
    PolicyDocument,
    PolicyKind,
    PolicyProblem,
    PrincipalEntry,
    Statement,
    Value,
)
from s3lint.source import LDict, LList, Location, Pos
from s3lint.symbols import NO_VALUE, Unknown, render

VALID_VERSIONS = ("2012-10-17", "2008-10-17")
PRINCIPAL_TYPES = ("AWS", "Service", "Federated", "CanonicalUser")
STATEMENT_KEYS = (
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
)
DOCUMENT_KEYS = ("Version", "Id", "Statement")
_STATEMENT_KEY_SET = frozenset(STATEMENT_KEYS)  # to check a statement's keys in one step
_DOCUMENT_KEY_SET = frozenset(DOCUMENT_KEYS)

# Base operators AWS accepts; each may carry "IfExists" and a "ForAnyValue:"/"ForAllValues:"
# prefix (except Null, which takes neither suffix).
CONDITION_OPERATORS = frozenset(
    {
        "StringEquals",
        "StringNotEquals",
        "StringEqualsIgnoreCase",
        "StringNotEqualsIgnoreCase",
        "StringLike",
        "StringNotLike",
        "NumericEquals",
        "NumericNotEquals",
        "NumericLessThan",
        "NumericLessThanEquals",
        "NumericGreaterThan",
        "NumericGreaterThanEquals",
        "DateEquals",
        "DateNotEquals",
        "DateLessThan",
        "DateLessThanEquals",
        "DateGreaterThan",
        "DateGreaterThanEquals",
        "Bool",
        "BinaryEquals",
        "IpAddress",
        "NotIpAddress",
        "ArnEquals",
        "ArnLike",
        "ArnNotEquals",
        "ArnNotLike",
        "Null",
    }
)


def split_operator(operator: str) -> tuple[str, str, bool]:
    """("ForAnyValue:StringLikeIfExists") -> ("ForAnyValue", "StringLike", True).

    The set prefix is "" when absent.  Spelling is kept as written; callers compare
    case-insensitively where AWS does."""
    prefix = ""
    base = operator
    if ":" in operator:
        prefix, _, base = operator.partition(":")
    if_exists = base.endswith("IfExists") and base != "IfExists"
    if if_exists:
        base = base[: -len("IfExists")]
    return prefix, base, if_exists


def is_valid_operator(operator: str) -> bool:
    prefix, base, if_exists = split_operator(operator)
    if prefix and prefix not in ("ForAnyValue", "ForAllValues"):
        return False
    if base == "Null" and if_exists:
        return False
    return base in CONDITION_OPERATORS


class _Reader:
    """Holds what every helper needs: the file path and the problems found so far."""

    def __init__(self, kind: PolicyKind, path: str, default_pos: Pos) -> None:
        self.kind = kind
        self.path = path
        self.default_pos = default_pos
        self.problems: list[PolicyProblem] = []

    # -- locations --------------------------------------------------------------------

    def loc(self, pos: Pos | None) -> Location:
        line, column = pos if pos and pos[0] else self.default_pos
        return Location(self.path, line or 1, column or 1)

    def node_loc(self, node: Any, fallback: Pos | None = None) -> Location:
        """Where a node is written: its own position, else `fallback`, else the default."""
        line = getattr(node, "line", 0)
        if line:  # `self.loc(pos_of(node))`, inlined as below: this runs for every element
            return Location(self.path, line, getattr(node, "column", 1) or 1)
        return self.loc(fallback)

    def key_loc(self, mapping: Any, key: str, fallback: Pos | None = None) -> Location:
        if isinstance(mapping, LDict) and key in mapping.key_positions:
            return self.loc(mapping.key_positions[key])
        return self.node_loc(mapping, fallback)

    def value_loc(self, mapping: Any, key: str, fallback: Pos | None = None) -> Location:
        """A value's location: a located value's own position, else the mapping's record."""
        value = mapping.get(key) if isinstance(mapping, dict) else None
        line = getattr(value, "line", 0)
        if line:
            return Location(self.path, line, getattr(value, "column", 1) or 1)
        if isinstance(mapping, LDict) and (key in mapping.value_positions or key in mapping.key_positions):
            return self.loc(mapping.value_pos(key))
        return self.node_loc(mapping, fallback)

    def item_loc(self, sequence: Any, index: int, fallback: Location) -> Location:
        item = sequence[index]
        line = getattr(item, "line", 0)
        if line:
            return Location(self.path, line, getattr(item, "column", 1) or 1)
        if isinstance(sequence, LList) and index < len(sequence.item_positions):
            return self.loc(sequence.item_positions[index])
        return fallback

    def problem(self, message: str, loc: Location) -> None:
        self.problems.append(PolicyProblem(message, loc))

    def report_duplicates(self, mapping: Any, where: str) -> None:
        if isinstance(mapping, LDict):
            for key, pos in mapping.duplicate_keys:
                self.problem(f"duplicate key {key!r} in {where}: only the last one counts", self.loc(pos))

    # -- the string-or-list elements -----------------------------------------------------

    def values(self, raw: Any, loc: Location, element: str, *, allow_scalars: bool = False) -> list[Value]:
        """A string-or-list element as a list of located values (Unknowns kept)."""
        if isinstance(raw, Unknown):
            return [Value(raw, self.node_loc(raw, (loc.line, loc.column)))]
        if isinstance(raw, list):
            if not raw:
                self.problem(f"{element} is an empty list", loc)
            out: list[Value] = []
            for index, item in enumerate(raw):
                item_loc = self.item_loc(raw, index, loc)
                if item is NO_VALUE:
                    continue
                if isinstance(item, (str, Unknown)) or (allow_scalars and _is_scalar(item)):
                    out.append(Value(item, item_loc))
                else:
                    self.problem(f"{element} entries must be strings, not {_type_name(item)}", item_loc)
            return out
        if isinstance(raw, str) or (allow_scalars and _is_scalar(raw)):
            return [Value(raw, loc)]
        self.problem(f"{element} must be a string or a list of strings, not {_type_name(raw)}", loc)
        return []


def _is_scalar(value: Any) -> bool:
    return isinstance(value, (str, bool, int, float))


def _type_name(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if value is None:
        return "null"
    return type(value).__name__


def read_policy(
    tree: Any,
    *,
    kind: PolicyKind,
    owner: str,
    path: str,
    default_pos: tuple[int, int] = (1, 1),
    anchor_pos: tuple[int, int] | None = None,
) -> PolicyDocument:
    """Read one policy document; never raises for bad input (see the module docstring).

    `anchor_pos` is where the document is introduced (the `PolicyDocument:` key): a YAML
    block mapping starts at its first key, one line below, so findings about the document
    as a whole point at the anchor instead."""
    reader = _Reader(kind, path, default_pos)
    doc_loc = reader.node_loc(tree)
    if anchor_pos is not None and anchor_pos[0] and anchor_pos[0] < doc_loc.line:
        doc_loc = Location(path, anchor_pos[0], anchor_pos[1] or 1)

    if isinstance(tree, str) and not isinstance(tree, Unknown):
        tree = _parse_json_text(tree, reader, doc_loc)
        if tree is None:
            return PolicyDocument(kind, owner, doc_loc, Value(None, doc_loc, False), [], reader.problems)

    if isinstance(tree, Unknown):
        return PolicyDocument(kind, owner, doc_loc, Value(tree, doc_loc, False), [], [], unknown=tree)

    if not isinstance(tree, dict):
        reader.problem(f"a policy document must be a JSON object, not {_type_name(tree)}", doc_loc)
        return PolicyDocument(kind, owner, doc_loc, Value(None, doc_loc, False), [], reader.problems)

    reader.report_duplicates(tree, "the policy document")
    if not _DOCUMENT_KEY_SET.issuperset(tree):
        for key in tree:
            if key not in DOCUMENT_KEYS:
                reader.problem(f"unknown policy element {key!r}", reader.key_loc(tree, key))

    version = _read_version(tree, reader, doc_loc)
    statements: list[Statement] = []
    unknown: Unknown | None = None

    if "Statement" not in tree:
        reader.problem("the policy has no Statement", doc_loc)
    else:
        raw = tree["Statement"]
        stmt_loc = reader.value_loc(tree, "Statement")
        if isinstance(raw, Unknown) and not raw.alternatives:
            unknown = raw
        else:
            for index, node, fallback, conditional in _statement_nodes(raw, stmt_loc, reader):
                statements.append(_read_statement(node, index, fallback, conditional, reader))
            if isinstance(raw, list) and not raw:
                reader.problem("Statement is an empty list", stmt_loc)

    return PolicyDocument(kind, owner, doc_loc, version, statements, reader.problems, unknown)


def _parse_json_text(text: str, reader: _Reader, loc: Location) -> Any:
    """A policy given as a JSON string (a Terraform heredoc, a JSON-in-YAML string)."""
    try:
        return json.loads(text)
    except ValueError as error:
        line = getattr(error, "lineno", 1)
        where = Location(reader.path, loc.line + line - 1, 1) if loc.line else loc
        reader.problem(f"the policy is not valid JSON: {getattr(error, 'msg', error)}", where)
        return None


def _read_version(tree: dict, reader: _Reader, doc_loc: Location) -> Value:
    if "Version" not in tree:
        return Value(None, doc_loc, explicit=False)
    raw = tree["Version"]
    loc = reader.value_loc(tree, "Version")
    if not isinstance(raw, Unknown) and raw not in VALID_VERSIONS:
        reader.problem(
            f"Version must be \"2012-10-17\" (or the obsolete \"2008-10-17\"), not {_show(raw)}", loc
        )
    return Value(raw, loc)


def _statement_nodes(raw: Any, loc: Location, reader: _Reader) -> Iterator[tuple[int, Any, Location, bool]]:
    """(index, statement node, its location, conditional) for each statement to read.

    An `Unknown` with alternatives (an undecidable `Fn::If`) yields each dict alternative, or
    each dict in a list alternative, marked conditional; `NO_VALUE` alternatives yield nothing."""
    if isinstance(raw, dict):
        yield 0, raw, reader.node_loc(raw, (loc.line, loc.column)), False
        return
    if isinstance(raw, Unknown):
        yield from _alternative_nodes(raw, 0, reader.node_loc(raw, (loc.line, loc.column)), reader)
        return
    if not isinstance(raw, list):
        reader.problem(f"Statement must be a list or an object, not {_type_name(raw)}", loc)
        return
    for index, item in enumerate(raw):
        item_loc = reader.item_loc(raw, index, loc)
        if item is NO_VALUE:
            continue
        if isinstance(item, Unknown):
            yield from _alternative_nodes(item, index, item_loc, reader)
        else:
            yield index, item, item_loc, False


def _alternative_nodes(raw: Unknown, index: int, loc: Location, reader: _Reader) -> Iterator[tuple[int, Any, Location, bool]]:
    if not raw.alternatives:
        yield index, raw, loc, False  # read as a wholly unknown statement
        return
    for alternative in _flatten_alternatives(raw.alternatives):
        if alternative is NO_VALUE:
            continue
        if isinstance(alternative, list):
            for inner_index, inner in enumerate(alternative):
                if inner is NO_VALUE:
                    continue
                yield index, inner, reader.item_loc(alternative, inner_index, loc), True
        else:
            yield index, alternative, reader.node_loc(alternative, (loc.line, loc.column)), True


def _flatten_alternatives(alternatives: Iterable[Any]) -> Iterator[Any]:
    """Nested `Fn::If`s give Unknowns among alternatives: walk them without recursion."""
    stack = list(reversed(list(alternatives)))
    while stack:
        item = stack.pop()
        if isinstance(item, Unknown) and item.alternatives:
            stack.extend(reversed(item.alternatives))
        else:
            yield item


def _unknown_statement(raw: Unknown, index: int, loc: Location, conditional: bool) -> Statement:
    """A statement that cannot be read at all: every part is unknown, so no rule mistakes
    it for a harmless one."""
    return Statement(
        index=index,
        loc=loc,
        sid=None,
        effect=Value(raw, loc),
        principals=[PrincipalEntry("?", raw, loc)],
        not_principal=False,
        principal_loc=loc,
        actions=[Value(raw, loc)],
        not_action=False,
        action_loc=loc,
        resources=[Value(raw, loc)],
        not_resource=False,
        resource_loc=loc,
        conditions=[Condition("", "", [Value(raw, loc)], loc)],
        condition_loc=loc,
        conditional=conditional,
        unknown_parts=["Statement"],
    )


def _empty_statement(index: int, loc: Location, conditional: bool) -> Statement:
    """What is left of a statement that is not an object: nothing that grants or denies."""
    return Statement(
        index=index,
        loc=loc,
        sid=None,
        effect=Value(None, loc, explicit=False),
        principals=None,
        not_principal=False,
        principal_loc=None,
        actions=[],
        not_action=False,
        action_loc=None,
        resources=[],
        not_resource=False,
        resource_loc=None,
        conditions=[],
        conditional=conditional,
    )


def _read_statement(node: Any, index: int, loc: Location, conditional: bool, reader: _Reader) -> Statement:
    if isinstance(node, Unknown):
        return _unknown_statement(node, index, loc, conditional)
    if not isinstance(node, dict):
        reader.problem(f"a statement must be an object, not {_type_name(node)}", loc)
        return _empty_statement(index, loc, conditional)

    reader.report_duplicates(node, "the statement")
    where = f"statement {index + 1}" if "Sid" not in node else f"statement {_show(node['Sid'])}"
    unknown_parts: list[str] = []
    if not _STATEMENT_KEY_SET.issuperset(node):
        for key in node:
            if key not in STATEMENT_KEYS:
                reader.problem(f"unknown element {key!r} in {where}", reader.key_loc(node, key, (loc.line, loc.column)))

    sid_raw = node.get("Sid")
    sid = sid_raw if isinstance(sid_raw, str) else None
    if sid_raw is not None and not isinstance(sid_raw, str) and not isinstance(sid_raw, Unknown):
        reader.problem(f"Sid must be a string in {where}", reader.value_loc(node, "Sid", (loc.line, loc.column)))

    effect = _read_effect(node, loc, where, reader, unknown_parts)
    principals, not_principal, principal_loc = _read_principal(node, loc, where, reader, unknown_parts)
    actions, not_action, action_loc = _read_pair(node, "Action", loc, where, reader, unknown_parts)
    resources, not_resource, resource_loc = _read_pair(node, "Resource", loc, where, reader, unknown_parts)
    conditions, condition_loc = _read_conditions(node, loc, where, reader, unknown_parts)

    return Statement(
        index=index,
        loc=loc,
        sid=sid,
        effect=effect,
        principals=principals,
        not_principal=not_principal,
        principal_loc=principal_loc,
        actions=actions,
        not_action=not_action,
        action_loc=action_loc,
        resources=resources,
        not_resource=not_resource,
        resource_loc=resource_loc,
        conditions=conditions,
        condition_loc=condition_loc,
        conditional=conditional,
        unknown_parts=unknown_parts,
    )


def _read_effect(node: dict, loc: Location, where: str, reader: _Reader, unknown_parts: list[str]) -> Value:
    if "Effect" not in node:
        reader.problem(f"{where} has no Effect", loc)
        return Value(None, loc, explicit=False)
    raw = node["Effect"]
    effect_loc = reader.value_loc(node, "Effect", (loc.line, loc.column))
    if isinstance(raw, Unknown):
        unknown_parts.append("Effect")
    elif raw not in ("Allow", "Deny"):
        reader.problem(f"Effect must be \"Allow\" or \"Deny\", not {_show(raw)} in {where}", effect_loc)
    return Value(raw, effect_loc)


def _read_principal(
    node: dict, loc: Location, where: str, reader: _Reader, unknown_parts: list[str]
) -> tuple[list[PrincipalEntry] | None, bool, Location | None]:
    has_principal = "Principal" in node
    has_not = "NotPrincipal" in node
    fallback = (loc.line, loc.column)
    if has_principal and has_not:
        reader.problem(
            f"{where} has both Principal and NotPrincipal", reader.key_loc(node, "NotPrincipal", fallback)
        )
    if not has_principal and not has_not:
        if reader.kind != "identity":
            reader.problem(f"{where} has no Principal: a {_kind_name(reader.kind)} needs one", loc)
        return None, False, None
    key = "Principal" if has_principal else "NotPrincipal"
    key_loc = reader.key_loc(node, key, fallback)
    if reader.kind == "identity":
        reader.problem(f"{where} has a {key}, which an identity-based policy must not have", key_loc)
    raw = node[key]
    value_loc = reader.value_loc(node, key, fallback)
    entries: list[PrincipalEntry] = []
    if isinstance(raw, Unknown):
        unknown_parts.append("Principal")
        entries.append(PrincipalEntry("?", raw, value_loc))
    elif isinstance(raw, str):
        if raw == "*":
            entries.append(PrincipalEntry("*", raw, value_loc))
        else:
            reader.problem(
                f"{key} must be \"*\" or an object such as {{\"AWS\": ...}}, not {_show(raw)} in {where}",
                value_loc,
            )
            entries.append(PrincipalEntry("AWS", raw, value_loc))
    elif isinstance(raw, dict):
        reader.report_duplicates(raw, f"the {key} of {where}")
        if not raw:
            reader.problem(f"{key} is empty in {where}", value_loc)
        for principal_type, principal_values in raw.items():
            type_loc = reader.key_loc(raw, principal_type, (value_loc.line, value_loc.column))
            if principal_type not in PRINCIPAL_TYPES:
                reader.problem(
                    f"unknown principal type {principal_type!r} in {where} "
                    f"(expected one of {', '.join(PRINCIPAL_TYPES)})",
                    type_loc,
                )
                continue
            values_loc = reader.value_loc(raw, principal_type, (type_loc.line, type_loc.column))
            for value in reader.values(principal_values, values_loc, f"{key}.{principal_type}"):
                entries.append(PrincipalEntry(principal_type, value.value, value.loc))  # type: ignore[arg-type]
    else:
        reader.problem(f"{key} must be \"*\" or an object, not {_type_name(raw)} in {where}", value_loc)
    return entries, has_not and not has_principal, key_loc


def _read_pair(
    node: dict, name: str, loc: Location, where: str, reader: _Reader, unknown_parts: list[str]
) -> tuple[list[Value], bool, Location | None]:
    """Action/NotAction or Resource/NotResource."""
    negated = f"Not{name}"
    fallback = (loc.line, loc.column)
    if name in node and negated in node:
        reader.problem(f"{where} has both {name} and {negated}", reader.key_loc(node, negated, fallback))
    if name not in node and negated not in node:
        reader.problem(f"{where} has no {name} or {negated}", loc)
        return [], False, None
    key = name if name in node else negated
    raw = node[key]
    if isinstance(raw, Unknown):
        unknown_parts.append(name)
    values = reader.values(raw, reader.value_loc(node, key, fallback), key)
    return values, key == negated, reader.key_loc(node, key, fallback)


def _read_conditions(
    node: dict, loc: Location, where: str, reader: _Reader, unknown_parts: list[str]
) -> tuple[list[Condition], Location | None]:
    if "Condition" not in node:
        return [], None
    fallback = (loc.line, loc.column)
    block_loc = reader.key_loc(node, "Condition", fallback)
    raw = node["Condition"]
    if isinstance(raw, Unknown):
        unknown_parts.append("Condition")
        return [Condition("", "", [Value(raw, block_loc)], block_loc)], block_loc
    if not isinstance(raw, dict):
        reader.problem(f"Condition must be an object, not {_type_name(raw)} in {where}", block_loc)
        return [], block_loc
    reader.report_duplicates(raw, f"the Condition of {where}")
    conditions: list[Condition] = []
    for operator, keys in raw.items():
        operator_loc = reader.key_loc(raw, operator, (block_loc.line, block_loc.column))
        if not isinstance(operator, str) or not is_valid_operator(operator):
            reader.problem(f"unknown condition operator {_show(operator)} in {where}", operator_loc)
        if isinstance(keys, Unknown):
            unknown_parts.append(f"Condition.{operator}")
            conditions.append(Condition(str(operator), "", [Value(keys, operator_loc)], operator_loc))
            continue
        if not isinstance(keys, dict):
            reader.problem(
                f"the {operator} condition must map condition keys to values, not be {_type_name(keys)}",
                operator_loc,
            )
            continue
        reader.report_duplicates(keys, f"the {operator} condition of {where}")
        for key, raw_values in keys.items():
            key_loc = reader.key_loc(keys, key, (operator_loc.line, operator_loc.column))
            values_loc = reader.value_loc(keys, key, (key_loc.line, key_loc.column))
            values = reader.values(raw_values, values_loc, f"the {operator} {key} condition", allow_scalars=True)
            conditions.append(Condition(str(operator), str(key), values, key_loc))
    return conditions, block_loc


def _kind_name(kind: PolicyKind) -> str:
    return {"bucket": "bucket policy", "access_point": "access point policy", "identity": "identity policy"}[kind]


def _show(value: Any) -> str:
    if isinstance(value, str):
        return json.dumps(render(value))
    if value is None:
        return "null"
    return render(value)
