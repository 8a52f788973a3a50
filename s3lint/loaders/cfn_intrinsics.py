"""Static resolution of CloudFormation intrinsic functions, parameters and conditions.

`Resolver.resolve(node)` returns a copy of a located tree in which every intrinsic that can be
decided without deploying is replaced by its value, positioned where the intrinsic is written:

* parameters take their `Default`; a parameter without one is `symbol("param:<Name>")` (a
  string only equal to itself), or an `Unknown` whose alternatives are its `AllowedValues`;
* pseudo parameters are symbols (`symbol("AWS::AccountId")`, ...); `AWS::NoValue` removes the
  key or list item that holds it (`NO_VALUE` among an `Unknown`'s alternatives);
* a `Ref` to a bucket of the template is the bucket's identity: its literal name, or the
  symbol `bucket:<LogicalId>`; other resources give symbols (`Ref:<LogicalId>`,
  `<LogicalId>.<Attribute>`), which still compare equal to themselves;
* `Fn::If` over an undecidable condition gives `Unknown(reason, alternatives=(then, else))`.

Every lookup that can loop (conditions naming each other, a bucket named after another
bucket's name) is guarded, and nesting deeper than `MAX_DEPTH` resolves to `Unknown`.

The resolved tree shares with the input every part that has nothing to resolve (most of a
template): the result, like the parsed tree, is only read, never modified.
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterable

from s3lint.source import LDict, LList, LStr, Pos, pos_of
from s3lint.symbols import NO_VALUE, Unknown, has_symbol, is_unknown, symbol

MAX_DEPTH = 100  # intrinsics and data nested deeper than this are not resolved
MAX_CHAIN = 32  # conditions naming conditions, bucket names built from bucket names
MAX_ALTERNATIVES = 16  # beyond this many combinations a string becomes one opaque symbol
MAX_TEXT = 1_000_000  # characters in one string built by Fn::Sub / Fn::Join

BUCKET_TYPE = "AWS::S3::Bucket"
PSEUDO_PARAMETERS = frozenset(
    {
        "AWS::AccountId",
        "AWS::Partition",
        "AWS::Region",
        "AWS::StackId",
        "AWS::StackName",
        "AWS::URLSuffix",
        "AWS::NotificationARNs",
    }
)
_PSEUDO_SYMBOLS = {name: symbol(name) for name in PSEUDO_PARAMETERS}
_LIST_PARAMETER_TYPES = ("CommaDelimitedList", "List<")
_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")


class SymbolicUnknown(Unknown):
    """An unknown value that stands as a named symbol wherever it is joined into a string."""

    __slots__ = ("token",)

    def __init__(self, reason: str, token: str, alternatives: Iterable[Any] = (), line: int = 0, column: int = 0) -> None:
        super().__init__(reason, alternatives, line, column)
        self.token = token


class _TooDeep(Exception):
    pass


def is_intrinsic(node: Any) -> bool:
    return isinstance(node, dict) and len(node) == 1 and _is_function_name(next(iter(node)))


def _mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _is_function_name(key: Any) -> bool:
    return isinstance(key, str) and (key == "Ref" or key.startswith("Fn::"))


# -- resolved copies ------------------------------------------------------------------------
#
# Resolving a mapping or a list gives a located copy of it with its values resolved: an
# `LDict`/`LList` at `pos_of(node)` (which reads a missing column as 1), whose positions are
# read with `key_pos`/`value_pos`/`item_pos` (which fill in missing ones), without the items
# that are `AWS::NoValue`.  For a *plain* node, as the parsers build every node, with its
# position and every key's or item's positions recorded, such a copy is the node itself over
# again.  So a plain node in which nothing changes stands for its own copy (most of a template
# holds no intrinsic at all), and one in which something changes is copied wholesale.

# Values that resolve to themselves and hold nothing to resolve.
_UNCHANGED = frozenset({LStr, int, float, bool, type(None)})

_NEW_DICT = dict.__new__  # an empty LDict/LList whose slots are then set, as their __init__ would
_NEW_LIST = list.__new__


def _is_plain_ldict(node: dict) -> bool:
    # (A recorded position is a `Pos` tuple, never empty, so `key_pos` gives it as recorded.)
    return (
        type(node) is LDict
        and (not node.line) is (not node.column)
        and node.key_positions.keys() == node.keys() == node.value_positions.keys()
    )


def _is_plain_llist(node: list) -> bool:
    return type(node) is LList and (not node.line) is (not node.column) and len(node.item_positions) == len(node)


def _copy_plain_ldict(node: LDict, changed: dict) -> LDict:
    """A plain mapping's resolved copy, with `changed` values, none of them `NO_VALUE`."""
    out = _NEW_DICT(LDict)
    out.update(node)
    out.update(changed)
    out.line = node.line
    out.column = node.column
    out.key_positions = node.key_positions.copy()
    out.value_positions = node.value_positions.copy()
    out.duplicate_keys = node.duplicate_keys.copy()
    out.no_duplicates_below = False  # a copy is no parsed tree's root
    return out


def _copy_plain_llist(node: LList, changed: dict) -> LList:
    """A plain list's resolved copy, with `changed` items, none of them `NO_VALUE`."""
    out = _NEW_LIST(LList)
    out.extend(node)
    for index, item in changed.items():
        out[index] = item
    out.line = node.line
    out.column = node.column
    out.item_positions = node.item_positions.copy()
    return out


def _copy_dict(node: dict, changed: dict) -> LDict:
    """Any mapping's resolved copy, with `changed` values (`NO_VALUE` drops the key)."""
    line, column = pos_of(node)
    out = LDict(line=line, column=column)
    located = isinstance(node, LDict)
    for key, value in node.items():
        resolved = changed.get(key, value)
        if resolved is NO_VALUE:
            continue
        out[key] = resolved
        if located:
            out.key_positions[key] = node.key_pos(key)
            out.value_positions[key] = node.value_pos(key)
    if located:
        out.duplicate_keys = list(node.duplicate_keys)
    return out


def _copy_list(node: list, changed: dict) -> LList:
    """Any list's resolved copy, with `changed` items (`NO_VALUE` drops the item)."""
    line, column = pos_of(node)
    out = LList(line=line, column=column)
    located = isinstance(node, LList)
    for index, item in enumerate(node):
        resolved = changed.get(index, item)
        if resolved is NO_VALUE:
            continue
        out.append_located(resolved, node.item_pos(index) if located else pos_of(item))
    return out


class Resolver:
    """Resolves intrinsics against one template's Parameters, Mappings, Conditions and Resources."""

    def __init__(self, template: Any) -> None:
        template = _mapping(template)
        self.parameters = _mapping(template.get("Parameters"))
        self.mappings = _mapping(template.get("Mappings"))
        self.conditions = _mapping(template.get("Conditions"))
        self.resources = _mapping(template.get("Resources"))
        self._condition_cache: dict[str, bool | None] = {}
        self._conditions_in_progress: set[str] = set()
        self._identities: dict[str, str] = {}
        self._identities_in_progress: set[str] = set()
        self._chain = 0  # lookups in progress that may lead to further lookups
        self._types: dict[str, str | None] = {}  # resource_type's answers, as Refs repeat
        self._parameter_texts: dict[str, str] = {}  # parameters that resolve to a plain string

    # -- public ---------------------------------------------------------------------------

    def resolve(self, node: Any) -> Any:
        """`node` resolved (a copy where anything in it changes); `NO_VALUE` if it is
        `Ref: AWS::NoValue`."""
        try:
            return self._resolve(node, 0)
        except _TooDeep:
            line, column = pos_of(node)
            return Unknown("nested too deeply to resolve", line=line, column=column)

    def condition(self, name: Any, depth: int = 0) -> bool | None:
        """The value of a named condition: True, False, or None when it cannot be decided."""
        if not isinstance(name, str):
            return None
        if name in self._condition_cache:
            return self._condition_cache[name]
        if name in self._conditions_in_progress or name not in self.conditions or self._chain >= MAX_CHAIN:
            return None  # a cycle, a condition that does not exist, or a chain too long to follow
        self._conditions_in_progress.add(name)
        self._chain += 1
        try:
            result = self._condition_expression(self.conditions[name], depth + 1)
        except _TooDeep:
            result = None
        finally:
            self._conditions_in_progress.discard(name)
            self._chain -= 1
        self._condition_cache[name] = result
        return result

    def resource_type(self, logical_id: Any) -> str | None:
        if not isinstance(logical_id, str):
            return None
        if logical_id in self._types:
            return self._types[logical_id]
        resource = self.resources.get(logical_id)
        kind = resource.get("Type") if isinstance(resource, dict) else None
        found = self._types[logical_id] = kind if isinstance(kind, str) else None
        return found

    def bucket_identity(self, logical_id: str, depth: int = 0) -> str:
        """What `Ref` to the bucket gives: its name when the template fixes it, else a symbol."""
        if logical_id in self._identities:
            return self._identities[logical_id]
        fallback = symbol(f"bucket:{logical_id}")
        if logical_id in self._identities_in_progress or self._chain >= MAX_CHAIN:
            return fallback  # a name built from itself, or from a chain too long to follow
        self._identities_in_progress.add(logical_id)
        self._chain += 1
        try:
            properties = _mapping(_mapping(self.resources.get(logical_id)).get("Properties"))
            identity = fallback
            if "BucketName" in properties:
                try:
                    name = self._resolve(properties["BucketName"], depth + 1)
                except _TooDeep:
                    name = None
                if isinstance(name, str) and name:
                    identity = str(name)
                elif isinstance(name, SymbolicUnknown):
                    identity = symbol(name.token)
        finally:
            self._identities_in_progress.discard(logical_id)
            self._chain -= 1
        self._identities[logical_id] = identity
        return identity

    def as_string(self, value: Any, pos: Pos) -> Any:
        """A resolved value as it would appear inside a string (`Fn::Sub`, `Fn::Join`)."""
        return self._concat([value], pos)

    # -- the walk ---------------------------------------------------------------------------

    def _resolve(self, node: Any, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise _TooDeep
        if isinstance(node, dict):
            return self._resolve_mapping(node, depth)
        if isinstance(node, list):
            return self._resolve_list(node, depth)
        if isinstance(node, str) and not isinstance(node, LStr):
            return LStr(node)
        return node

    # The walk over every mapping and list of every resource read: it calls `_resolve_mapping`
    # and `_resolve_list` directly for the parsers' own node types, as `_resolve` would (a
    # non-empty node's children are never nested too deeply once the node itself is not).

    def _resolve_mapping(self, node: dict, depth: int) -> Any:
        if len(node) == 1:  # `is_intrinsic(node)`, inlined
            name = next(iter(node))
            if isinstance(name, str) and (name == "Ref" or name.startswith("Fn::")):
                return self._intrinsic(node, depth)
        if node and depth >= MAX_DEPTH:
            raise _TooDeep  # as `_resolve` of any child would
        changed: dict[Any, Any] | None = None
        for key, value in node.items():
            kind = type(value)
            if kind in _UNCHANGED:
                continue
            if kind is LDict:
                resolved = self._resolve_mapping(value, depth + 1)
            elif kind is LList:
                resolved = self._resolve_list(value, depth + 1)
            else:
                resolved = self._resolve(value, depth + 1)
            if resolved is not value:
                if changed is None:
                    changed = {}
                changed[key] = resolved
        if _is_plain_ldict(node):
            if changed is None:
                return node
            if NO_VALUE not in changed.values():
                return _copy_plain_ldict(node, changed)
        return _copy_dict(node, changed or {})

    def _resolve_list(self, node: list, depth: int) -> list:
        if node and depth >= MAX_DEPTH:
            raise _TooDeep
        changed: dict[int, Any] | None = None
        for index, item in enumerate(node):
            kind = type(item)
            if kind in _UNCHANGED:
                continue
            if kind is LDict:
                resolved = self._resolve_mapping(item, depth + 1)
            elif kind is LList:
                resolved = self._resolve_list(item, depth + 1)
            else:
                resolved = self._resolve(item, depth + 1)
            if resolved is not item:
                if changed is None:
                    changed = {}
                changed[index] = resolved
        if _is_plain_llist(node):
            if changed is None:
                return node
            if NO_VALUE not in changed.values():
                return _copy_plain_llist(node, changed)
        return _copy_list(node, changed or {})

    def _intrinsic(self, node: dict, depth: int) -> Any:
        name, argument = next(iter(node.items()))
        line = getattr(node, "line", 0)
        pos = (line, getattr(node, "column", 1) or 1) if line else (0, 0)  # pos_of(node)
        if name == "Ref":
            return self._ref(argument, pos, depth)
        handler = _HANDLERS.get(name)
        if handler is None:
            return Unknown(f"{name} is not resolved statically", line=pos[0], column=pos[1])
        return handler(self, argument, pos, depth + 1)

    # -- Ref and Fn::GetAtt ----------------------------------------------------------------

    def _ref(self, name: Any, pos: Pos, depth: int) -> Any:
        if isinstance(name, dict) and is_intrinsic(name):  # not valid CloudFormation, but seen
            name = self._resolve(name, depth + 1)
        if not isinstance(name, str):
            return _unknown("Ref needs a name", pos)
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in PSEUDO_PARAMETERS:
            if name == "AWS::NotificationARNs":
                return SymbolicUnknown("the stack's notification ARNs", name, line=pos[0], column=pos[1])
            return LStr(_PSEUDO_SYMBOLS[name], *pos)
        if name in self.parameters:
            return self._parameter(name, pos, depth)
        resource_type = self.resource_type(name)
        if resource_type == BUCKET_TYPE:
            return LStr(self.bucket_identity(name, depth + 1), *pos)
        if resource_type is not None:
            return LStr(symbol(f"Ref:{name}"), *pos)
        reason = f"Ref to {name}, which the template does not define"
        return SymbolicUnknown(reason, f"Ref:{name}", line=pos[0], column=pos[1])

    def _parameter(self, name: str, pos: Pos, depth: int) -> Any:
        text = self._parameter_texts.get(name)
        if text is not None:  # the usual case, decided by an earlier Ref to it
            return LStr(text, *pos)
        declaration = _mapping(self.parameters.get(name))
        kind = declaration.get("Type")
        kind = kind if isinstance(kind, str) else "String"
        is_list = kind.startswith(_LIST_PARAMETER_TYPES) or (kind.startswith("AWS::SSM::Parameter::Value<List<"))
        default = declaration.get("Default")
        token = f"param:{name}"
        if default is not None and not kind.startswith("AWS::SSM::Parameter::Value"):
            if is_list and isinstance(default, str):
                out = LList(line=pos[0], column=pos[1])
                for part in default.split(","):
                    out.append_located(LStr(part.strip(), *pos), pos)
                return out
            if isinstance(default, (dict, list)):
                return SymbolicUnknown(f"parameter {name} has a malformed Default", token, line=pos[0], column=pos[1])
            if isinstance(default, str):
                self._parameter_texts[name] = default
                return LStr(default, *pos)
            return default
        allowed = declaration.get("AllowedValues")
        if isinstance(allowed, list) and allowed and all(isinstance(v, (str, int, float)) for v in allowed) and not is_list:
            alternatives = tuple(LStr(v, *pos) if isinstance(v, str) else v for v in allowed)
            return SymbolicUnknown(f"parameter {name} has no default", token, alternatives, line=pos[0], column=pos[1])
        if is_list:
            return SymbolicUnknown(f"parameter {name} has no default", token, line=pos[0], column=pos[1])
        self._parameter_texts[name] = symbol(token)
        return LStr(symbol(token), *pos)

    def _get_att(self, argument: Any, pos: Pos, depth: int) -> Any:
        if isinstance(argument, str):
            logical_id, _, attribute = argument.partition(".")
        elif isinstance(argument, list) and len(argument) == 2:
            logical_id = argument[0]
            attribute = self._resolve(argument[1], depth + 1)
        else:
            return _unknown("Fn::GetAtt needs [resource, attribute]", pos)
        if not isinstance(logical_id, str) or not isinstance(attribute, str) or has_symbol(attribute):
            return _unknown("Fn::GetAtt with an attribute not known statically", pos)
        resource_type = self.resource_type(logical_id)
        if resource_type == BUCKET_TYPE:
            value = _bucket_attribute(self.bucket_identity(logical_id, depth + 1), attribute)
            if value is not None:
                return LStr(value, *pos)
        if resource_type is None:
            return SymbolicUnknown(
                f"Fn::GetAtt to {logical_id}, which the template does not define",
                f"{logical_id}.{attribute}",
                line=pos[0],
                column=pos[1],
            )
        return LStr(symbol(f"{logical_id}.{attribute}"), *pos)

    # -- string functions ------------------------------------------------------------------

    def _sub(self, argument: Any, pos: Pos, depth: int) -> Any:
        variables: dict = {}
        template = argument
        if isinstance(argument, list):
            if len(argument) != 2 or not isinstance(argument[1], dict):
                return _unknown("Fn::Sub needs a string or [string, variables]", pos)
            template, variables = argument
        if not isinstance(template, str):
            return _unknown("Fn::Sub needs a template string", pos)
        parts: list[Any] = []
        index = 0
        for match in _SUB_VARIABLE.finditer(template):
            parts.append(template[index : match.start()])
            index = match.end()
            name = match.group(1)
            if name.startswith("!"):  # `${!Literal}` is written out as `${Literal}`
                parts.append("${" + name[1:] + "}")
                continue
            name = name.strip()
            if name in variables:
                parts.append(self._resolve(variables[name], depth + 1))
            elif "." in name and name not in self.parameters and name not in PSEUDO_PARAMETERS:
                parts.append(self._get_att(name, pos, depth))
            else:
                parts.append(self._ref(name, pos, depth))
        parts.append(template[index:])
        return self._concat(parts, pos)

    def _join(self, argument: Any, pos: Pos, depth: int) -> Any:
        if not isinstance(argument, list) or len(argument) != 2:
            return _unknown("Fn::Join needs [delimiter, list]", pos)
        delimiter = self._resolve(argument[0], depth + 1)
        items = self._resolve(argument[1], depth + 1)
        if not isinstance(delimiter, str) or has_symbol(delimiter):
            return _unknown("Fn::Join with a delimiter not known statically", pos)
        if not isinstance(items, list):
            return self._opaque(items, pos, "Fn::Join of a list not known statically")
        parts: list[Any] = []
        for index, item in enumerate(items):
            if index:
                parts.append(delimiter)
            parts.append(item)
        return self._concat(parts, pos)

    def _concat(self, parts: list[Any], pos: Pos) -> Any:
        """Join resolved parts into one string, or an `Unknown` over a few possible strings.

        Each option is kept as a list of pieces and joined once at the end (adding to a
        string part by part is quadratic), and a string longer than `MAX_TEXT` is not built:
        bucket names built from bucket names built from ... double at every step."""
        for part in parts:
            if not isinstance(part, str):
                break
        else:  # the usual case, every part a string: one option, joined as is
            if sum(map(len, parts)) > MAX_TEXT:
                return _unknown("a string too long to resolve", pos)
            return LStr("".join(parts), *pos)
        pieces: list[list[str]] = [[]]
        length = 0
        for part in parts:
            choices = self._string_choices(part, pos)
            if len(pieces) * len(choices) > MAX_ALTERNATIVES:
                choices = [self._symbol_for(part, pos)]
            length += max((len(choice) for choice in choices), default=0)
            if length > MAX_TEXT:
                return _unknown("a string too long to resolve", pos)
            if len(choices) == 1:
                for option in pieces:
                    option.append(choices[0])
            else:
                pieces = [option + [choice] for option in pieces for choice in choices]
        options = ["".join(option) for option in pieces]
        if len(options) == 1:
            return LStr(options[0], *pos)
        unique = list(dict.fromkeys(options))
        if len(unique) == 1:
            return LStr(unique[0], *pos)
        return Unknown(
            "built from values not known statically",
            tuple(LStr(option, *pos) for option in unique),
            line=pos[0],
            column=pos[1],
        )

    def _string_choices(self, part: Any, pos: Pos) -> list[str]:
        if isinstance(part, str):
            return [str(part)]
        if isinstance(part, bool):
            return ["true" if part else "false"]
        if isinstance(part, (int, float)):
            return [str(part)]
        if part is NO_VALUE or part is None:
            return [""]
        if is_unknown(part) and part.alternatives and not isinstance(part, SymbolicUnknown):
            choices: list[str] = []
            for alternative in part.alternatives:
                if is_unknown(alternative) or isinstance(alternative, (dict, list)):
                    return [self._symbol_for(part, pos)]
                choices.extend(self._string_choices(alternative, pos))
            return list(dict.fromkeys(choices))
        return [self._symbol_for(part, pos)]

    def _symbol_for(self, part: Any, pos: Pos) -> str:
        if isinstance(part, SymbolicUnknown):
            return symbol(part.token)
        if isinstance(part, str):
            return str(part)
        line, column = pos_of(part, pos)
        return symbol(f"unknown@{line}:{column}")

    def _opaque(self, value: Any, pos: Pos, reason: str) -> Any:
        if isinstance(value, SymbolicUnknown):
            return LStr(symbol(value.token), *pos)
        return _unknown(reason, pos)

    def _select(self, argument: Any, pos: Pos, depth: int) -> Any:
        if not isinstance(argument, list) or len(argument) != 2:
            return _unknown("Fn::Select needs [index, list]", pos)
        index = self._resolve(argument[0], depth + 1)
        items = self._resolve(argument[1], depth + 1)
        if isinstance(index, str) and index.strip().isdigit():
            index = int(index)
        if not isinstance(index, int) or isinstance(index, bool) or not isinstance(items, list):
            return _unknown("Fn::Select over values not known statically", pos)
        if not 0 <= index < len(items):
            return _unknown("Fn::Select index out of range", pos)
        return items[index]

    def _split(self, argument: Any, pos: Pos, depth: int) -> Any:
        if not isinstance(argument, list) or len(argument) != 2:
            return _unknown("Fn::Split needs [delimiter, string]", pos)
        delimiter = self._resolve(argument[0], depth + 1)
        source = self._resolve(argument[1], depth + 1)
        if not isinstance(delimiter, str) or not delimiter or has_symbol(delimiter) or not isinstance(source, str):
            return _unknown("Fn::Split of a string not known statically", pos)
        out = LList(line=pos[0], column=pos[1])
        for part in str(source).split(str(delimiter)):
            out.append_located(LStr(part, *pos), pos)
        return out

    def _find_in_map(self, argument: Any, pos: Pos, depth: int) -> Any:
        if not isinstance(argument, list) or len(argument) < 3:
            return _unknown("Fn::FindInMap needs [map, key, key]", pos)
        map_name, top, second = (self._resolve(part, depth + 1) for part in argument[:3])
        table = self.mappings.get(map_name) if isinstance(map_name, str) and not has_symbol(map_name) else None
        if not isinstance(table, dict):
            return _unknown("Fn::FindInMap over a mapping not known statically", pos)
        if not isinstance(second, str) or has_symbol(second):
            return _unknown("Fn::FindInMap with a key not known statically", pos)
        if isinstance(top, str) and not has_symbol(top):
            entry = table.get(str(top))
            if not isinstance(entry, dict) or str(second) not in entry:
                return _unknown(f"Fn::FindInMap: {map_name} has no {top}/{second}", pos)
            return self._resolve(entry[str(second)], depth + 1)
        # The top-level key is not known (e.g. the region): the value is one of the column's.
        alternatives: list[Any] = []
        for entry in table.values():
            if isinstance(entry, dict) and str(second) in entry:
                value = self._resolve(entry[str(second)], depth + 1)
                if value not in alternatives:
                    alternatives.append(value)
        if alternatives and len(alternatives) <= MAX_ALTERNATIVES:
            return Unknown("Fn::FindInMap with a key not known statically", tuple(alternatives), line=pos[0], column=pos[1])
        return _unknown("Fn::FindInMap with a key not known statically", pos)

    def _if(self, argument: Any, pos: Pos, depth: int) -> Any:
        if not isinstance(argument, list) or len(argument) != 3:
            return _unknown("Fn::If needs [condition, value if true, value if false]", pos)
        name = argument[0]
        decided = self.condition(name, depth + 1)
        if decided is True:
            return self._resolve(argument[1], depth + 1)
        if decided is False:
            return self._resolve(argument[2], depth + 1)
        when_true = self._resolve(argument[1], depth + 1)
        when_false = self._resolve(argument[2], depth + 1)
        return Unknown(
            f"condition {name} is not known statically",
            (when_true, when_false),
            line=pos[0],
            column=pos[1],
        )

    def _import_value(self, argument: Any, pos: Pos, depth: int) -> Any:
        name = self._resolve(argument, depth + 1)
        if isinstance(name, str):
            return LStr(symbol(f"import:{name}"), *pos)
        return _unknown("Fn::ImportValue of a name not known statically", pos)

    def _length(self, argument: Any, pos: Pos, depth: int) -> Any:
        items = self._resolve(argument, depth + 1)
        if isinstance(items, list) and not any(is_unknown(item) for item in items):
            return len(items)
        return _unknown("Fn::Length of a list not known statically", pos)

    def _to_json_string(self, argument: Any, pos: Pos, depth: int) -> Any:
        value = self._resolve(argument, depth + 1)
        if _fully_known(value):
            return LStr(json.dumps(value, separators=(",", ":")), *pos)
        return _unknown("Fn::ToJsonString of a value not known statically", pos)

    def _not_static(self, argument: Any, pos: Pos, depth: int) -> Any:
        return _unknown("not resolved statically", pos)

    # -- conditions ------------------------------------------------------------------------

    def _condition_expression(self, node: Any, depth: int) -> bool | None:
        if depth > MAX_DEPTH:
            raise _TooDeep
        if isinstance(node, bool):
            return node
        if isinstance(node, str) and node.lower() in ("true", "false"):
            return node.lower() == "true"
        if not isinstance(node, dict) or len(node) != 1:
            return None
        name, argument = next(iter(node.items()))
        if name == "Condition":
            return self.condition(argument, depth + 1)
        if name == "Fn::Equals":
            if not isinstance(argument, list) or len(argument) != 2:
                return None
            return _equals(self._resolve(argument[0], depth + 1), self._resolve(argument[1], depth + 1))
        if not isinstance(argument, list):
            return None
        values = [self._condition_expression(item, depth + 1) for item in argument]
        if name == "Fn::Not":
            return None if len(values) != 1 or values[0] is None else not values[0]
        if name == "Fn::And":
            if any(value is False for value in values):
                return False
            return None if any(value is None for value in values) else True
        if name == "Fn::Or":
            if any(value is True for value in values):
                return True
            return None if any(value is None for value in values) else False
        return None


_HANDLERS = {
    "Fn::GetAtt": Resolver._get_att,
    "Fn::Sub": Resolver._sub,
    "Fn::Join": Resolver._join,
    "Fn::Select": Resolver._select,
    "Fn::Split": Resolver._split,
    "Fn::FindInMap": Resolver._find_in_map,
    "Fn::If": Resolver._if,
    "Fn::ImportValue": Resolver._import_value,
    "Fn::Length": Resolver._length,
    "Fn::ToJsonString": Resolver._to_json_string,
    "Fn::Base64": Resolver._not_static,
    "Fn::Cidr": Resolver._not_static,
    "Fn::GetAZs": Resolver._not_static,
    "Fn::Transform": Resolver._not_static,
}


def _unknown(reason: str, pos: Pos) -> Unknown:
    return Unknown(reason, line=pos[0], column=pos[1])


_REGION = symbol("AWS::Region")
_URL_SUFFIX = symbol("AWS::URLSuffix")
_ARN_PREFIX = f"arn:{symbol('AWS::Partition')}:s3:::"


def _bucket_attribute(identity: str, attribute: str) -> str | None:
    region = _REGION
    suffix = _URL_SUFFIX
    if attribute == "Arn":
        return _ARN_PREFIX + identity
    if attribute == "DomainName":
        return f"{identity}.s3.{suffix}"
    if attribute == "RegionalDomainName":
        return f"{identity}.s3.{region}.{suffix}"
    if attribute == "DualStackDomainName":
        return f"{identity}.s3.dualstack.{region}.{suffix}"
    if attribute == "WebsiteURL":
        return f"http://{identity}.s3-website-{region}.{suffix}"
    return None


def _scalar_text(value: Any) -> str | None:
    """How CloudFormation compares a value in Fn::Equals: as its string form."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


def _equals(left: Any, right: Any) -> bool | None:
    lefts = _candidates(left)
    rights = _candidates(right)
    if lefts is None or rights is None:
        return None
    results: set[bool | None] = set()
    for a in lefts:
        for b in rights:
            results.add(_equal_scalars(a, b))
    return results.pop() if len(results) == 1 else None


def _candidates(value: Any) -> list[Any] | None:
    if is_unknown(value):
        if not value.alternatives or len(value.alternatives) > MAX_ALTERNATIVES:
            return None
        out: list[Any] = []
        for alternative in value.alternatives:
            if is_unknown(alternative):
                return None
            out.append(alternative)
        return out
    return [value]


def _equal_scalars(a: Any, b: Any) -> bool | None:
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return False
        results = {_equal_scalars(x, y) for x, y in zip(a, b)}
        if False in results:
            return False
        return None if None in results else True
    text_a, text_b = _scalar_text(a), _scalar_text(b)
    if text_a is None or text_b is None:
        return None
    if text_a == text_b:
        return True
    if has_symbol(text_a) or has_symbol(text_b):
        return None  # a symbol may take any value, including the other side's
    return False


def _fully_known(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if is_unknown(item) or item is NO_VALUE or has_symbol(item):
            return False
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return True
