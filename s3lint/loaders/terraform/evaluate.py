"""A small evaluator for Terraform expressions.

Values are plain Python: `str`, `int`/`float`, `bool`, `None`, lists and dicts; sets are
lists.  Strings, lists and objects written in the configuration come back as `HStr`/`HList`/
`HDict` (the located `LStr`/`LList`/`LDict` plus the file they were written in), so that a
policy built with `jsonencode({...})` keeps the line of every statement.

What cannot be known without applying is a `TfUnknown`.  Its `token` names what it stands
for (`var.bucket_name`, `aws_kms_key.k.arn`); interpolated into a string it becomes a symbol
(`s3lint.symbols.symbol`), so `"arn:aws:s3:::${var.bucket_name}/*"` still matches the bucket
whose name is `var.bucket_name`.

Errors that Terraform would report (a missing attribute, an index out of range) raise
`EvalError`, which `try()`/`can()` catch; `value_of` turns any of them into a `TfUnknown`.
Every evaluation is bounded: nesting depth, total steps, and the size of values built.
"""

from __future__ import annotations

import json
import math
from typing import Any, Callable, Iterable

from s3lint.loaders.terraform import hcl
from s3lint.source import LDict, LList, LStr
from s3lint.symbols import Unknown, has_symbol, symbol

MAX_NESTING = 250  # nested evaluations, references included
MAX_STEPS = 200_000  # evaluation steps for one top-level value (references included)
MAX_ITEMS = 20_000  # items in one collection built by the evaluator
MAX_TEXT = 1_000_000  # characters in one string built by the evaluator


# ---------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------


class TfUnknown(Unknown):
    """An unknown value; `token` (if any) names what it stands for, for use as a symbol."""

    __slots__ = ("token",)

    def __init__(self, reason: str = "known only after apply", token: str | None = None, alternatives: Iterable[Any] = ()) -> None:
        super().__init__(reason, alternatives)
        self.token = token

    def __repr__(self) -> str:
        return f"TfUnknown({self.reason!r}, token={self.token!r})" if self.token else super().__repr__()


class HStr(LStr):
    __slots__ = ("path",)

    def __new__(cls, value: str, line: int = 0, column: int = 0, path: str = "") -> "HStr":
        # What `LStr.__new__` does, inline: one string per evaluated literal makes this hot.
        self = str.__new__(cls, value)
        self.line = line
        self.column = column
        self.path = path
        return self


class HDict(LDict):
    __slots__ = ("path",)

    def __init__(self, *args: Any, line: int = 0, column: int = 0, path: str = "", **kwargs: Any) -> None:
        super().__init__(*args, line=line, column=column, **kwargs)
        self.path = path


class HList(LList):
    __slots__ = ("path",)

    def __init__(self, *args: Any, line: int = 0, column: int = 0, path: str = "") -> None:
        super().__init__(*args, line=line, column=column)
        self.path = path


class JsonText(str):
    """The result of `jsonencode()` (or a policy document's `.json`): the JSON text, plus the
    located value it encodes, so that a policy keeps the positions it was written at."""

    tree: Any


def json_text(tree: Any) -> JsonText:
    text = JsonText(json.dumps(tree, default=_json_default, separators=(",", ":")))
    text.tree = tree
    return text


def _json_default(value: Any) -> Any:
    if isinstance(value, TfUnknown) and value.token:
        return symbol(value.token)
    if isinstance(value, Unknown):
        return symbol("unknown")
    if isinstance(value, Lazy):
        return symbol(value.describe())
    raise TypeError(type(value).__name__)


class Lazy:
    """An object whose attributes are evaluated on demand: a resource instance, a module's
    outputs, a namespace such as `var` or `aws_s3_bucket`."""

    def get_attr(self, name: str) -> Any:
        raise EvalError(f"{self.describe()} has no attribute {name!r}")

    def index(self, key: Any) -> Any:
        raise EvalError(f"{self.describe()} cannot be indexed")

    def describe(self) -> str:
        return type(self).__name__

    def splat_items(self) -> list[Any] | None:
        """What `x[*]` iterates over, when this object stands for several instances."""
        return None


class EvalError(Exception):
    """What Terraform would report as an error; `try()` and `can()` catch it."""


class BudgetExceeded(Exception):
    """Evaluation took too long or nested too deep: the value is unknown, not an error."""


def is_unknown(value: Any) -> bool:
    return isinstance(value, Unknown)


def contains_unknown(value: Any, limit: int = 100_000) -> bool:
    stack = [value]
    seen = 0
    while stack and seen < limit:
        seen += 1
        item = stack.pop()
        if isinstance(item, Unknown):
            return True
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def unknown_from(value: Any, suffix: str) -> TfUnknown:
    """An unknown derived from another: `var.x` unknown makes `var.x.id` unknown too."""
    token = getattr(value, "token", None)
    return TfUnknown(getattr(value, "reason", "not known statically"), f"{token}{suffix}" if token else None)


def type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "object"
    return "object"


# ---------------------------------------------------------------------------------------
# Scopes
# ---------------------------------------------------------------------------------------


class Scope:
    """What names mean while one expression is evaluated: the module instance it belongs to
    (`var`, `local`, resources, ...) and local names (`each`, `count`, for-expression and
    dynamic-block iterators)."""

    __slots__ = ("module", "names")

    def __init__(self, module: Any, names: dict[str, Any] | None = None) -> None:
        self.module = module
        self.names = names or {}

    def child(self, names: dict[str, Any]) -> "Scope":
        merged = dict(self.names)
        merged.update(names)
        return Scope(self.module, merged)

    def lookup(self, name: str) -> Any:
        if name in self.names:
            return self.names[name]
        if self.module is None:
            raise EvalError(f"unknown name {name!r}")
        return self.module.root_value(name)


# ---------------------------------------------------------------------------------------
# The evaluator
# ---------------------------------------------------------------------------------------


class Evaluator:
    """One per loaded module tree: holds the step budget and the root that file reads are
    confined to."""

    def __init__(self, root: str, max_steps: int = MAX_STEPS) -> None:
        self.root = root
        self.max_steps = max_steps
        self.steps = 0
        self.depth = 0
        self.path = ""  # the file of the expression being evaluated

    # -- entry points -----------------------------------------------------------------------

    def value_of(self, attribute: hcl.Attribute | None, scope: Scope) -> Any:
        """An attribute's value; never raises: anything wrong gives a `TfUnknown`."""
        if attribute is None:
            return None
        if self.depth == 0:
            self.steps = 0  # each top-level evaluation has its own budget: one runaway
            # expression must not leave every later one unknown
        saved = self.path
        self.path = attribute.path
        try:
            return self.eval(attribute.expr, scope)  # `self.attribute`, inline: this runs for every argument
        except EvalError as error:
            return TfUnknown(f"invalid: {error}")
        except BudgetExceeded as error:
            return TfUnknown(str(error))
        except RecursionError:
            return TfUnknown("nested too deeply")
        except Exception as error:  # noqa: BLE001 - a bug must not stop the scan
            return TfUnknown(f"not evaluated ({type(error).__name__})")
        finally:
            self.path = saved

    def attribute(self, attribute: hcl.Attribute, scope: Scope) -> Any:
        saved = self.path
        self.path = attribute.path
        try:
            return self.eval(attribute.expr, scope)
        finally:
            self.path = saved

    def expression(self, node: hcl.Node, scope: Scope, path: str) -> Any:
        """Like `value_of`, for a bare expression written in `path`."""
        return self.value_of(hcl.Attribute("", node, path, (node.line, node.column, node.end_line, node.end_column)), scope)

    def eval(self, node: hcl.Node, scope: Scope) -> Any:
        steps = self.steps = self.steps + 1
        if steps > self.max_steps:
            raise BudgetExceeded("evaluation budget exhausted")
        depth = self.depth
        if depth >= MAX_NESTING:
            raise BudgetExceeded("expressions nested too deeply")
        self.depth = depth + 1
        try:
            return _DISPATCH[type(node)](self, node, scope)
        finally:
            self.depth = depth

    def guard(self, cost: int = 1) -> None:
        """Count work done outside `eval` (loops in functions and for expressions)."""
        self.steps += cost
        if self.steps > self.max_steps:
            raise BudgetExceeded("evaluation budget exhausted")

    # -- nodes ------------------------------------------------------------------------------

    def _literal(self, node: hcl.Literal, scope: Scope) -> Any:
        value = node.value
        if isinstance(value, str):
            return HStr(value, node.line, node.column, self.path)
        return value

    def _invalid(self, node: hcl.Invalid, scope: Scope) -> Any:
        return TfUnknown(node.reason)

    def _template(self, node: hcl.Template, scope: Scope) -> Any:
        parts = node.parts
        if len(parts) == 1 and isinstance(parts[0], hcl.Node) and not isinstance(parts[0], (hcl.TemplateIf, hcl.TemplateFor)):
            return self.eval(parts[0], scope)  # "${x}" is x itself, whatever its type
        out: list[str] = []
        self._render(parts, scope, out)
        text = "".join(out)
        line, column = node.content_pos
        return HStr(text, line, column, self.path)

    def _render(self, parts: list[Any], scope: Scope, out: list[str]) -> None:
        size = 0
        for part in parts:
            if isinstance(part, str):
                out.append(part)
            elif isinstance(part, hcl.TemplateIf):
                condition = self.eval(part.condition, scope)
                if is_unknown(condition):
                    out.append(symbol(f"?{part.line}:{part.column}"))
                else:
                    self._render(part.then_parts if to_bool(condition) else part.else_parts, scope, out)
            elif isinstance(part, hcl.TemplateFor):
                collection = self.eval(part.collection, scope)
                if is_unknown(collection):
                    out.append(symbol(f"?{part.line}:{part.column}"))
                    continue
                for key, value in iterate(collection):
                    self.guard()
                    names = {part.value_var: value}
                    if part.key_var:
                        names[part.key_var] = key
                    self._render(part.parts, scope.child(names), out)
            else:
                out.append(to_template_string(self.eval(part, scope), part))
            size += len(out[-1]) if out else 0
            if size > MAX_TEXT:
                raise BudgetExceeded("string too long")

    def _tuple(self, node: hcl.TupleCons, scope: Scope) -> Any:
        result = HList(line=node.line, column=node.column, path=self.path)
        for item in node.items:
            result.append_located(self.eval(item, scope), (item.line, item.column))
        return result

    def _object(self, node: hcl.ObjectCons, scope: Scope) -> Any:
        result = HDict(line=node.line, column=node.column, path=self.path)
        for key_node, value_node in node.items:
            if type(key_node) is hcl.Literal and type(key_node.value) is str:
                # A written key (the usual case): what `eval` does, without building the
                # located string that `str(key)` below would drop again.
                steps = self.steps = self.steps + 1
                if steps > self.max_steps:
                    raise BudgetExceeded("evaluation budget exhausted")
                if self.depth >= MAX_NESTING:
                    raise BudgetExceeded("expressions nested too deeply")
                result.set_located(key_node.value, self.eval(value_node, scope), (key_node.line, key_node.column), (value_node.line, value_node.column))
                continue
            key = self.eval(key_node, scope)
            if is_unknown(key):
                return TfUnknown("an object key is unknown")
            if isinstance(key, bool):
                key = "true" if key else "false"
            elif isinstance(key, (int, float)):
                key = format_number(key)
            if not isinstance(key, str):
                raise EvalError(f"an object key must be a string, not {type_name(key)}")
            result.set_located(str(key), self.eval(value_node, scope), (key_node.line, key_node.column), (value_node.line, value_node.column))
        return result

    def _variable(self, node: hcl.Variable, scope: Scope) -> Any:
        return scope.lookup(node.name)

    def _get_attr(self, node: hcl.GetAttr, scope: Scope) -> Any:
        return get_attr(self.eval(node.target, scope), node.name)

    def _index(self, node: hcl.Index, scope: Scope) -> Any:
        target = self.eval(node.target, scope)
        key = self.eval(node.key, scope)
        return index(target, key)

    def _splat(self, node: hcl.Splat, scope: Scope) -> Any:
        target = self.eval(node.target, scope)
        if is_unknown(target):
            return unknown_from(target, "[*]")
        if target is None:
            return HList(path=self.path)
        expanded = target.splat_items() if isinstance(target, Lazy) else None
        items = expanded if expanded is not None else target if isinstance(target, list) else [target]
        result = HList(line=node.line, column=node.column, path=self.path)
        for item in items:
            self.guard()
            for kind, step in node.steps:
                if kind == "attr":
                    item = get_attr(item, step)
                else:
                    item = index(item, self.eval(step, scope))
            result.append_located(item, (node.line, node.column))
        return result

    def _call(self, node: hcl.Call, scope: Scope) -> Any:
        from s3lint.loaders.terraform.functions import call_function

        return call_function(self, node, scope)

    def _conditional(self, node: hcl.Conditional, scope: Scope) -> Any:
        condition = self.eval(node.condition, scope)
        if not is_unknown(condition):
            return self.eval(node.true if to_bool(condition) else node.false, scope)
        alternatives = []
        for branch in (node.true, node.false):
            try:
                alternatives.append(self.eval(branch, scope))
            except EvalError:
                continue
        if len(alternatives) == 2 and _same(alternatives[0], alternatives[1]):
            return alternatives[0]
        flat: list[Any] = []
        for alternative in alternatives:
            if isinstance(alternative, Unknown) and alternative.alternatives:
                flat.extend(alternative.alternatives)
            else:
                flat.append(alternative)
        unknown = TfUnknown("depends on a value known only at plan time", alternatives=flat)
        unknown.line, unknown.column = node.line, node.column
        return unknown

    def _unary(self, node: hcl.UnaryOp, scope: Scope) -> Any:
        operand = self.eval(node.operand, scope)
        if is_unknown(operand):
            return TfUnknown("unknown operand")
        if node.op == "!":
            return not to_bool(operand)
        if node.op == "-":
            return -to_number(operand)
        raise EvalError(f"unknown operator {node.op}")

    def _binary(self, node: hcl.BinaryOp, scope: Scope) -> Any:
        op = node.op
        left = self.eval(node.left, scope)
        if op in ("&&", "||"):
            if not is_unknown(left) and to_bool(left) == (op == "||"):
                return op == "||"
            right = self.eval(node.right, scope)
            if not is_unknown(right) and to_bool(right) == (op == "||"):
                return op == "||"
            if is_unknown(left) or is_unknown(right):
                return TfUnknown("unknown operand")
            return op == "&&"  # neither side decided it: both true for &&, both false for ||
        right = self.eval(node.right, scope)
        if op in ("==", "!="):
            equal = equals(left, right)
            if is_unknown(equal):
                return equal
            return equal if op == "==" else not equal
        if is_unknown(left) or is_unknown(right):
            return TfUnknown("unknown operand")
        a, b = to_number(left), to_number(right)
        if op == "+":
            return normalize_number(a + b)
        if op == "-":
            return normalize_number(a - b)
        if op == "*":
            return normalize_number(a * b)
        if op == "/":
            if b == 0:
                raise EvalError("division by zero")
            return normalize_number(a / b)
        if op == "%":
            if b == 0:
                raise EvalError("division by zero")
            return normalize_number(math.fmod(a, b))
        if op == "<":
            return a < b
        if op == ">":
            return a > b
        if op == "<=":
            return a <= b
        if op == ">=":
            return a >= b
        raise EvalError(f"unknown operator {op}")

    def _for(self, node: hcl.ForExpr, scope: Scope) -> Any:
        collection = self.eval(node.collection, scope)
        if is_unknown(collection):
            return TfUnknown("iterates over an unknown collection")
        is_object = node.key is not None
        result_list = HList(line=node.line, column=node.column, path=self.path)
        result_dict = HDict(line=node.line, column=node.column, path=self.path)
        groups: dict[str, list[Any]] = {}
        count = 0
        for key, value in iterate(collection):
            count += 1
            if count > MAX_ITEMS:
                raise BudgetExceeded("for expression over too many items")
            self.guard()
            names = {node.value_var: value}
            if node.key_var:
                names[node.key_var] = key
            inner = scope.child(names)
            if node.condition is not None:
                keep = self.eval(node.condition, inner)
                if is_unknown(keep):
                    return TfUnknown("for expression filter is unknown")
                if not to_bool(keep):
                    continue
            if not is_object:
                result_list.append_located(self.eval(node.value, inner), (node.value.line, node.value.column))
                continue
            out_key = self.eval(node.key, inner)  # type: ignore[arg-type]
            if is_unknown(out_key):
                return TfUnknown("for expression key is unknown")
            out_key = to_string(out_key)
            out_value = self.eval(node.value, inner)
            if node.group:
                groups.setdefault(out_key, []).append(out_value)
            elif out_key in result_dict:
                raise EvalError(f"duplicate key {out_key!r} in for expression")
            else:
                result_dict.set_located(out_key, out_value, (node.key.line, node.key.column), (node.value.line, node.value.column))  # type: ignore[union-attr]
        if not is_object:
            return result_list
        if node.group:
            for key, values in groups.items():
                result_dict[key] = HList(values, path=self.path)
        return result_dict


_DISPATCH: dict[type, Callable[[Evaluator, Any, Scope], Any]] = {
    hcl.Literal: Evaluator._literal,
    hcl.Invalid: Evaluator._invalid,
    hcl.Template: Evaluator._template,
    hcl.TupleCons: Evaluator._tuple,
    hcl.ObjectCons: Evaluator._object,
    hcl.Variable: Evaluator._variable,
    hcl.GetAttr: Evaluator._get_attr,
    hcl.Index: Evaluator._index,
    hcl.Splat: Evaluator._splat,
    hcl.Call: Evaluator._call,
    hcl.Conditional: Evaluator._conditional,
    hcl.UnaryOp: Evaluator._unary,
    hcl.BinaryOp: Evaluator._binary,
    hcl.ForExpr: Evaluator._for,
    hcl.TemplateIf: lambda ev, node, scope: ev._template(hcl.Template([node], (node.line, node.column)), scope),
    hcl.TemplateFor: lambda ev, node, scope: ev._template(hcl.Template([node], (node.line, node.column)), scope),
}


# ---------------------------------------------------------------------------------------
# Operations on values
# ---------------------------------------------------------------------------------------


def get_attr(target: Any, name: str) -> Any:
    if isinstance(target, Lazy):
        return target.get_attr(name)
    if isinstance(target, dict):
        if name in target:
            return target[name]
        raise EvalError(f"object has no attribute {name!r}")
    if is_unknown(target):
        return unknown_from(target, f".{name}")
    if target is None:
        raise EvalError(f"attempt to get attribute {name!r} from null")
    raise EvalError(f"a {type_name(target)} has no attribute {name!r}")


def index(target: Any, key: Any) -> Any:
    if isinstance(target, Lazy):
        return target.index(key)
    if is_unknown(target):
        return unknown_from(target, f"[{_show_key(key)}]")
    if is_unknown(key):
        return TfUnknown("index is unknown")
    if isinstance(target, list):
        position = to_number(key)
        if not isinstance(position, int) and not float(position).is_integer():
            raise EvalError("index must be a whole number")
        position = int(position)
        if 0 <= position < len(target):
            return target[position]
        raise EvalError(f"index {position} out of range (length {len(target)})")
    if isinstance(target, dict):
        key = to_string(key)
        if key in target:
            return target[key]
        raise EvalError(f"key {key!r} not found")
    if target is None:
        raise EvalError("attempt to index null")
    raise EvalError(f"a {type_name(target)} cannot be indexed")


def _show_key(key: Any) -> str:
    if isinstance(key, str):
        return json.dumps(str(key))
    if is_unknown(key):
        return "*"
    return str(key)


def iterate(collection: Any) -> list[tuple[Any, Any]]:
    """(key, value) pairs as Terraform iterates them: lists by index, maps by sorted key."""
    if isinstance(collection, Lazy):
        collection = getattr(collection, "as_collection", lambda: None)()
        if collection is None:
            raise EvalError("cannot iterate over this object")
    if isinstance(collection, dict):
        return [(key, collection[key]) for key in sorted(collection)]
    if isinstance(collection, list):
        return list(enumerate(collection))
    if collection is None:
        raise EvalError("cannot iterate over null")
    raise EvalError(f"cannot iterate over a {type_name(collection)}")


def equals(left: Any, right: Any) -> Any:
    """Terraform `==`: type-aware; unknown when either side (or a symbol in a string) is."""
    if is_unknown(left) or is_unknown(right) or isinstance(left, Lazy) or isinstance(right, Lazy):
        if left is right:
            return True
        return TfUnknown("compares an unknown value")
    if isinstance(left, str) and isinstance(right, str):
        if str(left) == str(right):
            return True
        if has_symbol(left) or has_symbol(right):
            return TfUnknown("compares a value known only after apply")
        return False
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if isinstance(left, (int, float)) and isinstance(right, (int, float)):
        return left == right
    if left is None or right is None:
        return left is None and right is None
    if isinstance(left, list) and isinstance(right, list):
        if len(left) != len(right):
            return False
        results = [equals(a, b) for a, b in zip(left, right)]
        if any(r is False for r in results):
            return False
        return TfUnknown("compares unknown values") if any(is_unknown(r) for r in results) else True
    if isinstance(left, dict) and isinstance(right, dict):
        if set(left) != set(right):
            return False
        results = [equals(left[k], right[k]) for k in left]
        if any(r is False for r in results):
            return False
        return TfUnknown("compares unknown values") if any(is_unknown(r) for r in results) else True
    return False


def _same(a: Any, b: Any) -> bool:
    try:
        result = equals(a, b)
    except Exception:  # noqa: BLE001
        return False
    return result is True


def to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and str(value) in ("true", "false"):
        return str(value) == "true"
    raise EvalError(f"a {type_name(value)} is not a bool")


def to_number(value: Any) -> int | float:
    if isinstance(value, bool):
        raise EvalError("a bool is not a number")
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str) and not has_symbol(value):
        try:
            return hcl.parse_number_strict(str(value).strip())
        except ValueError:
            pass
    raise EvalError(f"a {type_name(value)} is not a number")


def normalize_number(value: int | float) -> int | float:
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise EvalError("number out of range")
        if value.is_integer() and abs(value) < 2**53:
            return int(value)
    return value


def format_number(value: int | float) -> str:
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return repr(value)
    return str(value)


def to_string(value: Any) -> str:
    """Terraform's automatic conversion to string (numbers and bools convert)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return format_number(value)
    raise EvalError(f"a {type_name(value)} is not a string")


def to_template_string(value: Any, node: hcl.Node | None = None) -> str:
    """A value interpolated into a string; unknowns become symbols."""
    if isinstance(value, Unknown):
        token = getattr(value, "token", None)
        if token:
            return symbol(token)
        where = f"{node.line}:{node.column}" if node is not None else "?"
        return symbol(f"?{where}")
    if isinstance(value, Lazy):
        raise EvalError("cannot interpolate an object")
    if value is None:
        raise EvalError("cannot interpolate null")
    return to_string(value)


def strip_located(value: Any) -> Any:
    """A plain copy (for `jsondecode`-free comparison in tests and debugging)."""
    if isinstance(value, dict):
        return {str(k): strip_located(v) for k, v in value.items()}
    if isinstance(value, list):
        return [strip_located(v) for v in value]
    if isinstance(value, str) and not isinstance(value, JsonText):
        return str(value)
    return value


__all__ = [
    "BudgetExceeded",
    "EvalError",
    "Evaluator",
    "HDict",
    "HList",
    "HStr",
    "JsonText",
    "Lazy",
    "Scope",
    "TfUnknown",
    "contains_unknown",
    "equals",
    "format_number",
    "get_attr",
    "index",
    "is_unknown",
    "iterate",
    "json_text",
    "to_bool",
    "to_number",
    "to_string",
    "to_template_string",
]
