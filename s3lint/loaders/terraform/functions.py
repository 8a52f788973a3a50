"""The Terraform functions that appear around S3 configurations.

A function not listed here evaluates to unknown.  Every function is bounded in the size of
what it builds, and `file()`/`templatefile()` read only regular files under the scanned
root, of at most `MAX_FILE_BYTES`.
"""

from __future__ import annotations

import math
import os
import re
import stat
from typing import Any, Callable

from s3lint.loaders.terraform import hcl
from s3lint.loaders.terraform.evaluate import (
    MAX_ITEMS,
    MAX_TEXT,
    BudgetExceeded,
    EvalError,
    Evaluator,
    HDict,
    HList,
    HStr,
    JsonText,
    Lazy,
    Scope,
    TfUnknown,
    equals,
    is_unknown,
    json_text,
    to_bool,
    to_number,
    to_string,
    to_template_string,
)
from s3lint.source import LDict, LList
from s3lint.symbols import SYMBOL_CLOSE, SYMBOL_OPEN, Unknown, has_symbol

MAX_FILE_BYTES = 1_048_576
MAX_RANGE = 10_000

Function = Callable[[Evaluator, Scope, list[Any]], Any]


def call_function(ev: Evaluator, node: hcl.Call, scope: Scope) -> Any:
    name = node.name
    if name == "try":
        return _try(ev, node, scope)
    if name == "can":
        return _can(ev, node, scope)
    entry = FUNCTIONS.get(name)
    if entry is None:
        return TfUnknown(f"function {name}() is not evaluated")
    function, accepts_unknown = entry
    args = [ev.eval(arg, scope) for arg in node.args]
    if node.expand and args:
        last = args.pop()
        if is_unknown(last):
            return TfUnknown(f"{name}() of an unknown list")
        if not isinstance(last, list):
            raise EvalError("only a list can be expanded with ...")
        args.extend(last)
    if not accepts_unknown and any(isinstance(arg, Unknown) for arg in args):
        return TfUnknown(f"{name}() of an unknown value")
    return function(ev, scope, args)


def _try(ev: Evaluator, node: hcl.Call, scope: Scope) -> Any:
    for arg in node.args:
        try:
            return ev.eval(arg, scope)
        except EvalError:
            continue
    raise EvalError("no argument of try() could be evaluated")


def _can(ev: Evaluator, node: hcl.Call, scope: Scope) -> Any:
    if len(node.args) != 1:
        raise EvalError("can() takes one argument")
    try:
        value = ev.eval(node.args[0], scope)
    except EvalError:
        return False
    if is_unknown(value):
        return TfUnknown("can() of an unknown value")
    return True


def _arity(args: list[Any], low: int, high: int | None = None) -> None:
    high = low if high is None else high
    if not low <= len(args) <= high:
        raise EvalError("wrong number of arguments")


def _string(value: Any) -> str:
    if value is None:
        raise EvalError("null where a string is required")
    return to_string(value)


def _list(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        raise EvalError("an object where a list is required")
    raise EvalError("a list is required")


def _check_size(count: int) -> None:
    if count > MAX_ITEMS:
        raise BudgetExceeded("collection too large")


def _map_text(text: str, transform: Callable[[str], str]) -> str:
    """Apply a string function to the literal parts only: a symbol's name must not change."""
    if SYMBOL_OPEN not in text:
        return transform(text)
    pieces = re.split(f"({SYMBOL_OPEN}[^{SYMBOL_CLOSE}]*{SYMBOL_CLOSE})", text)
    return "".join(piece if piece.startswith(SYMBOL_OPEN) else transform(piece) for piece in pieces)


def _located_string(ev: Evaluator, text: str, like: Any = None) -> HStr:
    line = getattr(like, "line", 0)
    column = getattr(like, "column", 0)
    path = getattr(like, "path", ev.path)
    if len(text) > MAX_TEXT:
        raise BudgetExceeded("string too long")
    return HStr(text, line, column, path)


# -- encoding ------------------------------------------------------------------------------


def _jsonencode(ev: Evaluator, scope: Scope, args: list[Any]) -> Any:
    _arity(args, 1)
    return json_text(args[0])


def _jsondecode(ev: Evaluator, scope: Scope, args: list[Any]) -> Any:
    _arity(args, 1)
    text = args[0]
    if isinstance(text, JsonText):
        return text.tree
    text = _string(text)
    try:
        return parse_json_located(text, getattr(text, "path", ev.path), getattr(text, "line", 0), getattr(text, "column", 0))
    except ValueError as error:
        if has_symbol(text):
            return TfUnknown("JSON built from values known only after apply")
        raise EvalError(str(error)) from None


def parse_json_located(text: str, path: str, line: int, column: int) -> Any:
    """JSON text into HDict/HList/HStr, with positions moved to where the text is written
    (`line`/`column` of its first character; 0 when unknown).  ValueError when invalid."""
    tree = hcl._load_json_or_raise(text, path or "<json>")
    return relocate_json(tree, path, line, column)


def relocate_json(tree: Any, path: str, line: int, column: int) -> Any:
    """Copy a parsed JSON tree into located nodes of `path`, shifting positions by the place
    where the JSON text starts.  Iterative: the input controls the depth."""

    def move(pos: tuple[int, int]) -> tuple[int, int]:
        if not line or not pos or not pos[0]:
            return (0, 0)
        row, col = pos
        return (line + row - 1, column + col - 1 if row == 1 else col)

    def convert(node: Any) -> Any:
        own = move((getattr(node, "line", 0), getattr(node, "column", 0)))
        if isinstance(node, dict):
            return HDict(line=own[0], column=own[1], path=path)
        if isinstance(node, list):
            return HList(line=own[0], column=own[1], path=path)
        if isinstance(node, str):
            return HStr(node, own[0], own[1], path)
        return node

    root = convert(tree)
    stack: list[tuple[Any, Any]] = [(tree, root)]
    while stack:
        source, target = stack.pop()
        if isinstance(source, dict):
            key_positions = getattr(source, "key_positions", {})
            value_positions = getattr(source, "value_positions", {})
            for key, value in source.items():
                child = convert(value)
                target.set_located(str(key), child, move(key_positions.get(key, (0, 0))), move(value_positions.get(key, (0, 0))))
                if isinstance(value, (dict, list)):
                    stack.append((value, child))
        elif isinstance(source, list):
            positions = getattr(source, "item_positions", [])
            for i, value in enumerate(source):
                child = convert(value)
                target.append_located(child, move(positions[i] if i < len(positions) else (0, 0)))
                if isinstance(value, (dict, list)):
                    stack.append((value, child))
    return root


# -- files -----------------------------------------------------------------------------------


def read_confined(ev: Evaluator, scope: Scope, relative: str) -> tuple[str, str]:
    """(text, display path) of a file named by the configuration, relative to the root
    module's folder; only regular files under the scanned root, of bounded size."""
    if has_symbol(relative):
        raise _UnknownPath()
    module = scope.module
    base = getattr(module, "cwd", ".")
    display = os.path.normpath(os.path.join(base, relative))
    real = os.path.realpath(display)
    root = os.path.realpath(ev.root)
    if real != root and not real.startswith(root.rstrip(os.sep) + os.sep):
        raise EvalError(f"{relative}: outside the scanned folder, not read")
    try:
        info = os.stat(real)
    except OSError:
        raise EvalError(f"{relative}: no such file") from None
    if not stat.S_ISREG(info.st_mode):
        raise EvalError(f"{relative}: not a regular file")
    if info.st_size > MAX_FILE_BYTES:
        raise EvalError(f"{relative}: larger than {MAX_FILE_BYTES} bytes, not read")
    try:
        with open(real, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise EvalError(f"{relative}: {error.strerror}") from None
    return data.decode("utf-8", "replace"), display


class _UnknownPath(Exception):
    pass


def _file(ev: Evaluator, scope: Scope, args: list[Any]) -> Any:
    _arity(args, 1)
    try:
        text, display = read_confined(ev, scope, _string(args[0]))
    except _UnknownPath:
        return TfUnknown("file() of a path known only after apply")
    return HStr(text, 1, 1, display)


class _TemplateModule:
    """What a template file sees: only the variables passed to it (and functions)."""

    def __init__(self, cwd: str) -> None:
        self.cwd = cwd

    def root_value(self, name: str) -> Any:
        raise EvalError(f"{name!r} is not available in a template")


def _templatefile(ev: Evaluator, scope: Scope, args: list[Any]) -> Any:
    _arity(args, 2)
    variables = args[1]
    if is_unknown(variables):
        return TfUnknown("templatefile() with unknown variables")
    if not isinstance(variables, dict):
        raise EvalError("templatefile() variables must be an object")
    try:
        text, display = read_confined(ev, scope, _string(args[0]))
    except _UnknownPath:
        return TfUnknown("templatefile() of a path known only after apply")
    cache: dict[str, Any] = ev.__dict__.setdefault("_templates", {})
    template = cache.get(display)
    if template is None:
        try:
            template = hcl.parse_template(text, display)
        except ValueError as error:
            raise EvalError(f"{display}: {error}") from None
        cache[display] = template
    inner = Scope(_TemplateModule(getattr(scope.module, "cwd", ".")), {str(k): v for k, v in variables.items()})
    saved = ev.path
    ev.path = display
    try:
        value = ev.eval(template, inner)
    finally:
        ev.path = saved
    if isinstance(value, str):
        if str(value).count("\n") == text.count("\n"):
            return HStr(str(value), 1, 1, display)  # lines of the output are lines of the file
        # Directives or multi-line values moved the lines: point at the call instead.
        return HStr(str(value), 0, 0, ev.path)
    return value


def _path_only(function: Callable[[str], str]) -> Function:
    def run(ev: Evaluator, scope: Scope, args: list[Any]) -> Any:
        _arity(args, 1)
        return _located_string(ev, function(_string(args[0])))

    return run


# -- collections -----------------------------------------------------------------------------


def _merge(ev: Evaluator, scope: Scope, args: list[Any]) -> Any:
    result = HDict(path=ev.path)
    first = next((a for a in args if isinstance(a, dict)), None)
    if first is not None:
        result.line, result.column, result.path = first.line if isinstance(first, LDict) else 0, getattr(first, "column", 0), getattr(first, "path", ev.path)
    for arg in args:
        if arg is None:
            continue
        if not isinstance(arg, dict):
            raise EvalError("merge() takes objects")
        ev.guard(len(arg))
        for key, value in arg.items():
            if isinstance(arg, LDict) and getattr(arg, "path", None) == result.path:
                result.set_located(key, value, arg.key_pos(key), arg.value_pos(key))
            else:
                result[key] = value
        _check_size(len(result))
    return result


def _concat(ev: Evaluator, scope: Scope, args: list[Any]) -> Any:
    result = HList(path=ev.path)
    first = next((a for a in args if isinstance(a, list)), None)
    if isinstance(first, LList):
        result.line, result.column, result.path = first.line, first.column, getattr(first, "path", ev.path)
    for arg in args:
        items = _list(arg)
        ev.guard(len(items))
        same_file = isinstance(arg, LList) and getattr(arg, "path", None) == result.path
        for i, item in enumerate(items):
            result.append_located(item, arg.item_pos(i) if same_file else (0, 0))  # type: ignore[union-attr]
        _check_size(len(result))
    return result


def _flatten(ev: Evaluator, scope: Scope, args: list[Any]) -> Any:
    _arity(args, 1)
    result = HList(path=ev.path)
    stack: list[Any] = [iter(_list(args[0]))]
    while stack:
        item = next(stack[-1], _END)
        if item is _END:
            stack.pop()
            continue
        ev.guard()
        if isinstance(item, Unknown):
            return TfUnknown("flatten() of an unknown value")
        if isinstance(item, list):
            if len(stack) > 100:
                raise BudgetExceeded("lists nested too deeply")
            stack.append(iter(item))
        else:
            result.append_located(item, (getattr(item, "line", 0), getattr(item, "column", 0)))
            _check_size(len(result))
    return result


_END = object()


def _length(ev: Evaluator, scope: Scope, args: list[Any]) -> Any:
    _arity(args, 1)
    value = args[0]
    if isinstance(value, Lazy):
        value = getattr(value, "as_collection", lambda: None)()
        if value is None:
            raise EvalError("length() of an object")
    if isinstance(value, str):
        if has_symbol(value):
            return TfUnknown("length of a string known only after apply")
        return len(value)
    if isinstance(value, (list, dict)):
        return len(value)
    raise EvalError("length() of a value without length")


def _tolist(ev: Evaluator, scope: Scope, args: list[Any]) -> Any:
    _arity(args, 1)
    if args[0] is None:
        return None
    return _list(args[0])


def _toset(ev: Evaluator, scope: Scope, args: list[Any]) -> Any:
    _arity(args, 1)
    if args[0] is None:
        return None
    return _distinct_sorted(_list(args[0]))


def _distinct_sorted(items: list[Any]) -> list[Any]:
    """A Terraform set: no duplicates; strings come out in lexical order."""
    for item in items:
        if isinstance(item, Unknown):
            return TfUnknown("a set with an unknown element")  # type: ignore[return-value]
    out = _unique(items)
    if all(isinstance(item, str) for item in out):
        out.sort(key=str)
    return HList(out)


def _tomap(ev: Evaluator, scope: Scope, args: list[Any]) -> Any:
    _arity(args, 1)
    if args[0] is None or isinstance(args[0], dict):
        return args[0]
    raise EvalError("tomap() takes an object")


def _lookup(ev: Evaluator, scope: Scope, args: list[Any]) -> Any:
    _arity(args, 2, 3)
    mapping, key = args[0], args[1]
    if isinstance(mapping, Unknown) or isinstance(key, Unknown):
        return TfUnknown("lookup() in an unknown map")
    if not isinstance(mapping, dict):
        raise EvalError("lookup() takes a map")
    key = _string(key)
    if key in mapping:
        return mapping[key]
    if len(args) == 3:
        return args[2]
    raise EvalError(f"key {key!r} not found")


def _coalesce(ev: Evaluator, scope: Scope, args: list[Any]) -> Any:
    for arg in args:
        if isinstance(arg, Unknown):
            return TfUnknown("coalesce() of an unknown value")
        if arg is None or (isinstance(arg, str) and arg == ""):
            continue
        return arg
    raise EvalError("coalesce() found no non-null argument")


def _coalescelist(ev: Evaluator, scope: Scope, args: list[Any]) -> Any:
    for arg in args:
        if isinstance(arg, Unknown):
            return TfUnknown("coalescelist() of an unknown value")
        if _list(arg):
            return arg
    raise EvalError("coalescelist() found no non-empty list")


def _keys(ev: Evaluator, scope: Scope, args: list[Any]) -> Any:
    _arity(args, 1)
    mapping = args[0]
    if isinstance(mapping, Lazy):
        mapping = getattr(mapping, "as_collection", lambda: None)()
    if not isinstance(mapping, dict):
        raise EvalError("keys() takes a map")
    return HList(sorted(mapping, key=str))


def _values(ev: Evaluator, scope: Scope, args: list[Any]) -> Any:
    _arity(args, 1)
    mapping = args[0]
    if isinstance(mapping, Lazy):
        mapping = getattr(mapping, "as_collection", lambda: None)()
    if not isinstance(mapping, dict):
        raise EvalError("values() takes a map")
    return HList([mapping[key] for key in sorted(mapping, key=str)])


def _contains(ev: Evaluator, scope: Scope, args: list[Any]) -> Any:
    _arity(args, 2)
    found: Any = False
    for item in _list(args[0]):
        result = equals(item, args[1])
        if result is True:
            return True
        if isinstance(result, Unknown):
            found = result
    return found


def _element(ev: Evaluator, scope: Scope, args: list[Any]) -> Any:
    _arity(args, 2)
    items = _list(args[0])
    if not items:
        raise EvalError("element() of an empty list")
    return items[int(to_number(args[1])) % len(items)]


def _compact(ev: Evaluator, scope: Scope, args: list[Any]) -> Any:
    _arity(args, 1)
    return HList([item for item in _list(args[0]) if item is not None and item != ""])


def _distinct(ev: Evaluator, scope: Scope, args: list[Any]) -> Any:
    _arity(args, 1)
    items = _list(args[0])
    ev.guard(len(items))
    return HList(_unique(items))


def _unique(items: list[Any]) -> list[Any]:
    """The items without those `equals` calls equal to an earlier one, first ones kept.

    Known values are compared through a hashable key, so that `toset(range(10000))` is not
    fifty million comparisons; only values holding something unknown are compared pairwise,
    among themselves (such a value is never equal to a fully known one)."""
    out: list[Any] = []
    keys: set[Any] = set()
    unkeyed: list[Any] = []
    for item in items:
        key = _hash_key(item)
        if key is None:
            if not any(equals(item, seen) is True for seen in unkeyed):
                unkeyed.append(item)
                out.append(item)
        elif key not in keys:
            keys.add(key)
            out.append(item)
    return out


_KEY_DEPTH = 32  # deeper values are compared pairwise


def _hash_key(value: Any, depth: int = 0) -> Any:
    """A hashable key equal for values `equals` calls equal; None when the value holds
    anything unknown (or is too deep to key)."""
    if isinstance(value, str):
        return ("s", str(value))  # `equals` holds two strings equal exactly when their text is
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, (int, float)):
        return None if value != value else ("n", value)  # NaN equals nothing
    if value is None:
        return ("z",)
    if depth >= _KEY_DEPTH:
        return None
    if isinstance(value, list):
        keys = [_hash_key(item, depth + 1) for item in value]
        return None if any(k is None for k in keys) else ("l", tuple(keys))
    if isinstance(value, dict):
        pairs = [(str(k), _hash_key(v, depth + 1)) for k, v in value.items()]
        return None if any(k is None for _, k in pairs) else ("d", frozenset(pairs))
    return None


def _one(ev: Evaluator, scope: Scope, args: list[Any]) -> Any:
    _arity(args, 1)
    if args[0] is None:
        return None
    items = _list(args[0])
    if len(items) > 1:
        raise EvalError("one() of a list with more than one element")
    return items[0] if items else None


def _zipmap(ev: Evaluator, scope: Scope, args: list[Any]) -> Any:
    _arity(args, 2)
    keys, values = _list(args[0]), _list(args[1])
    if len(keys) != len(values):
        raise EvalError("zipmap() of lists of different lengths")
    result = HDict(path=ev.path)
    for key, value in zip(keys, values):
        if isinstance(key, Unknown):
            return TfUnknown("zipmap() with an unknown key")
        result[_string(key)] = value
    return result


def _range(ev: Evaluator, scope: Scope, args: list[Any]) -> Any:
    _arity(args, 1, 3)
    numbers = [to_number(a) for a in args]
    if len(numbers) == 1:
        start, stop, step = 0, numbers[0], 1
    elif len(numbers) == 2:
        start, stop, step = numbers[0], numbers[1], 1 if numbers[1] >= numbers[0] else -1
    else:
        start, stop, step = numbers
    if step == 0:
        raise EvalError("range() step must not be zero")
    span = stop - start
    count = 0 if (step > 0 and span <= 0) or (step < 0 and span >= 0) else math.ceil(span / step)
    if count > MAX_RANGE:
        raise BudgetExceeded("range() too long")
    ev.guard(count)
    return HList([start + i * step for i in range(count)])


def _keys_of_sets(function: Callable[[list[list[Any]]], list[Any]]) -> Function:
    def run(ev: Evaluator, scope: Scope, args: list[Any]) -> Any:
        lists = [_list(a) for a in args]
        ev.guard(sum(len(items) for items in lists))
        return _distinct_sorted(function(lists))

    return run


def _reverse(ev: Evaluator, scope: Scope, args: list[Any]) -> Any:
    _arity(args, 1)
    return HList(list(reversed(_list(args[0]))))


def _sort(ev: Evaluator, scope: Scope, args: list[Any]) -> Any:
    _arity(args, 1)
    return HList(sorted(_string(item) for item in _list(args[0])))


def _slice(ev: Evaluator, scope: Scope, args: list[Any]) -> Any:
    _arity(args, 3)
    items = _list(args[0])
    start, end = int(to_number(args[1])), int(to_number(args[2]))
    if not 0 <= start <= end <= len(items):
        raise EvalError("slice() out of range")
    return HList(items[start:end])


def _index_of(ev: Evaluator, scope: Scope, args: list[Any]) -> Any:
    _arity(args, 2)
    for position, item in enumerate(_list(args[0])):
        if equals(item, args[1]) is True:
            return position
    raise EvalError("index(): value not found")


# -- strings ---------------------------------------------------------------------------------


def _format(ev: Evaluator, scope: Scope, args: list[Any]) -> Any:
    if not args:
        raise EvalError("format() needs a format string")
    spec = _string(args[0])
    values = list(args[1:])
    position = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal position
        flags, width, precision, verb = match.group(1), match.group(2), match.group(3), match.group(4)
        if verb == "%":
            return "%"
        if position >= len(values):
            raise EvalError("format(): not enough arguments")
        value = values[position]
        position += 1
        if isinstance(value, Unknown):
            return to_template_string(value)
        if verb in ("s", "v"):
            text = _string(value) if not isinstance(value, (list, dict)) else json_text(value)
        elif verb == "q":
            text = '"' + _string(value).replace("\\", "\\\\").replace('"', '\\"') + '"'
        elif verb == "d":
            text = str(int(to_number(value)))
        elif verb in ("f", "e", "E", "g"):
            text = f"%{'.' + precision if precision else ''}{verb}" % float(to_number(value))
        elif verb == "t":
            text = "true" if to_bool(value) else "false"
        elif verb in ("x", "X", "o", "b"):
            number = int(to_number(value))
            text = {"x": f"{number:x}", "X": f"{number:X}", "o": f"{number:o}", "b": f"{number:b}"}[verb]
        else:
            raise EvalError(f"format(): unsupported verb %{verb}")
        if width:
            text = text.ljust(int(width)) if "-" in flags else text.rjust(int(width), "0" if "0" in flags else " ")
        return text

    text = re.sub(r"%([-+ 0#]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])", replace, spec)
    return _located_string(ev, text)


def _formatlist(ev: Evaluator, scope: Scope, args: list[Any]) -> Any:
    if not args:
        raise EvalError("formatlist() needs a format string")
    lengths = {len(a) for a in args[1:] if isinstance(a, list)}
    if len(lengths) > 1:
        raise EvalError("formatlist(): lists of different lengths")
    count = lengths.pop() if lengths else 1
    _check_size(count)
    out = HList()
    for i in range(count):
        row = [args[0]] + [a[i] if isinstance(a, list) else a for a in args[1:]]
        out.append(_format(ev, scope, row))
    return out


def _join(ev: Evaluator, scope: Scope, args: list[Any]) -> Any:
    if len(args) < 2:
        raise EvalError("join() needs a separator and lists")
    separator = _string(args[0])
    items: list[str] = []
    for arg in args[1:]:
        for item in _list(arg):
            ev.guard()
            items.append(to_template_string(item))
    return _located_string(ev, separator.join(items))


def _split(ev: Evaluator, scope: Scope, args: list[Any]) -> Any:
    _arity(args, 2)
    separator, text = _string(args[0]), _string(args[1])
    if not separator:
        raise EvalError("split() with an empty separator")
    pieces = text.split(separator)
    _check_size(len(pieces))
    return HList(pieces)


def _string_function(transform: Callable[[str], str]) -> Function:
    def run(ev: Evaluator, scope: Scope, args: list[Any]) -> Any:
        _arity(args, 1)
        return _located_string(ev, _map_text(_string(args[0]), transform), args[0])

    return run


def _replace(ev: Evaluator, scope: Scope, args: list[Any]) -> Any:
    _arity(args, 3)
    subject, search, replacement = args
    search = _string(search)
    replacement_text = to_template_string(replacement)

    def apply(text: str) -> str:
        if len(search) > 1 and search.startswith("/") and search.endswith("/"):
            try:
                return re.sub(search[1:-1], replacement_text.replace("\\", "\\\\").replace("$", "\\"), text)
            except re.error:
                raise EvalError("replace(): invalid regular expression") from None
        return text.replace(search, replacement_text)

    if isinstance(subject, JsonText):
        # A policy document with placeholders (terraform-aws-modules): replace in the
        # located tree too, so that the policy keeps its positions.
        return json_text(_replace_in_tree(subject.tree, apply))
    text = _string(subject)
    result = apply(text)
    if len(result) > MAX_TEXT:
        raise BudgetExceeded("string too long")
    return _located_string(ev, result, subject)


def _replace_in_tree(tree: Any, apply: Callable[[str], str]) -> Any:
    def convert(node: Any) -> Any:
        if isinstance(node, HStr):
            return HStr(apply(str(node)), node.line, node.column, node.path)
        if isinstance(node, str) and not isinstance(node, JsonText):
            return apply(node)
        if isinstance(node, dict):
            return HDict(line=getattr(node, "line", 0), column=getattr(node, "column", 0), path=getattr(node, "path", ""))
        if isinstance(node, list):
            return HList(line=getattr(node, "line", 0), column=getattr(node, "column", 0), path=getattr(node, "path", ""))
        return node

    root = convert(tree)
    stack = [(tree, root)]
    while stack:
        source, target = stack.pop()
        if isinstance(source, dict):
            for key, value in source.items():
                child = convert(value)
                new_key = apply(key) if isinstance(key, str) else key
                if isinstance(source, LDict):
                    target.set_located(new_key, child, source.key_pos(key), source.value_pos(key))
                else:
                    target[new_key] = child
                if isinstance(value, (dict, list)):
                    stack.append((value, child))
        elif isinstance(source, list):
            for i, value in enumerate(source):
                child = convert(value)
                target.append_located(child, source.item_pos(i) if isinstance(source, LList) else (0, 0))
                if isinstance(value, (dict, list)):
                    stack.append((value, child))
    return root


def _substr(ev: Evaluator, scope: Scope, args: list[Any]) -> Any:
    _arity(args, 3)
    text = _string(args[0])
    if has_symbol(text):
        return TfUnknown("substr() of a value known only after apply")
    offset, length = int(to_number(args[1])), int(to_number(args[2]))
    if offset < 0:
        offset = max(0, len(text) + offset)
    return _located_string(ev, text[offset:] if length < 0 else text[offset : offset + length])


def _affix(kind: str) -> Function:
    def run(ev: Evaluator, scope: Scope, args: list[Any]) -> Any:
        _arity(args, 2)
        text, affix = _string(args[0]), _string(args[1])
        if kind == "startswith":
            return text.startswith(affix) if not has_symbol(text[: len(affix)]) else TfUnknown("prefix unknown")
        if kind == "endswith":
            return text.endswith(affix) if not has_symbol(text[-len(affix) :] if affix else "") else TfUnknown("suffix unknown")
        if kind == "trimprefix":
            return _located_string(ev, text[len(affix) :] if affix and text.startswith(affix) else text, args[0])
        return _located_string(ev, text[: -len(affix)] if affix and text.endswith(affix) else text, args[0])

    return run


def _trim(ev: Evaluator, scope: Scope, args: list[Any]) -> Any:
    _arity(args, 2)
    return _located_string(ev, _string(args[0]).strip(_string(args[1])), args[0])


# -- numbers and conversions -----------------------------------------------------------------


def _numbers(function: Callable[[list[Any]], Any]) -> Function:
    def run(ev: Evaluator, scope: Scope, args: list[Any]) -> Any:
        if not args:
            raise EvalError("a number is required")
        return function([to_number(a) for a in args])

    return run


def _tostring(ev: Evaluator, scope: Scope, args: list[Any]) -> Any:
    _arity(args, 1)
    if args[0] is None:
        return None
    return _located_string(ev, _string(args[0]), args[0])


def _tonumber(ev: Evaluator, scope: Scope, args: list[Any]) -> Any:
    _arity(args, 1)
    return None if args[0] is None else to_number(args[0])


def _tobool(ev: Evaluator, scope: Scope, args: list[Any]) -> Any:
    _arity(args, 1)
    return None if args[0] is None else to_bool(args[0])


def _identity(ev: Evaluator, scope: Scope, args: list[Any]) -> Any:
    _arity(args, 1)
    return args[0]


FUNCTIONS: dict[str, tuple[Function, bool]] = {
    # name: (function, whether it handles unknown arguments itself)
    "jsonencode": (_jsonencode, True),
    "jsondecode": (_jsondecode, False),
    "file": (_file, False),
    "templatefile": (_templatefile, True),
    "merge": (_merge, False),
    "concat": (_concat, False),
    "format": (_format, True),
    "formatlist": (_formatlist, False),
    "join": (_join, False),
    "lower": (_string_function(str.lower), False),
    "upper": (_string_function(str.upper), False),
    "title": (_string_function(str.title), False),
    "trimspace": (_string_function(str.strip), False),
    "chomp": (_string_function(lambda s: s.rstrip("\r\n")), False),
    "tolist": (_tolist, False),
    "toset": (_toset, False),
    "tomap": (_tomap, False),
    "coalesce": (_coalesce, True),
    "coalescelist": (_coalescelist, True),
    "lookup": (_lookup, True),
    "length": (_length, False),
    "flatten": (_flatten, False),
    "keys": (_keys, False),
    "values": (_values, False),
    "contains": (_contains, False),
    "element": (_element, False),
    "compact": (_compact, False),
    "distinct": (_distinct, False),
    "one": (_one, False),
    "zipmap": (_zipmap, False),
    "range": (_range, False),
    "reverse": (_reverse, False),
    "sort": (_sort, False),
    "slice": (_slice, False),
    "index": (_index_of, False),
    "setunion": (_keys_of_sets(lambda lists: [x for items in lists for x in items]), False),
    "setintersection": (
        _keys_of_sets(lambda lists: [x for x in (lists[0] if lists else []) if all(any(equals(x, y) is True for y in other) for other in lists[1:])]),
        False,
    ),
    "setsubtract": (
        _keys_of_sets(lambda lists: [x for x in lists[0] if not any(equals(x, y) is True for y in lists[1])] if len(lists) == 2 else []),
        False,
    ),
    "split": (_split, False),
    "replace": (_replace, False),
    "substr": (_substr, False),
    "startswith": (_affix("startswith"), False),
    "endswith": (_affix("endswith"), False),
    "trimprefix": (_affix("trimprefix"), False),
    "trimsuffix": (_affix("trimsuffix"), False),
    "trim": (_trim, False),
    "max": (_numbers(max), False),
    "min": (_numbers(min), False),
    "abs": (_numbers(lambda ns: abs(ns[0])), False),
    "ceil": (_numbers(lambda ns: int(-(-ns[0] // 1))), False),
    "floor": (_numbers(lambda ns: int(ns[0] // 1)), False),
    "tostring": (_tostring, False),
    "tonumber": (_tonumber, False),
    "tobool": (_tobool, False),
    "sensitive": (_identity, True),
    "nonsensitive": (_identity, True),
    "basename": (_path_only(os.path.basename), False),
    "dirname": (_path_only(os.path.dirname), False),
}

__all__ = ["FUNCTIONS", "call_function", "parse_json_located", "read_confined", "relocate_json"]
