"""A built-in model's code, placed at the module call that uses it.

Findings must point at the user's `module` block, never into s3lint's package.  So each
call gets its own copy of the model's syntax tree in which every position is in the call's
file:

- an argument of the model (`acl = var.acl`) is placed at the caller's argument that sets the
  variable it reads first (`acl = "public-read"`), or, for `var.versioning["enabled"]`, at
  the `enabled = ...` item when the caller wrote the object out;
- a block is placed by its `count`/`for_each` the same way (the versioning resource at
  `versioning = {...}`, the deny-insecure-transport statement at
  `attach_deny_insecure_transport_policy = true`), and its arguments that read no such
  variable go with it;
- everything else is placed at the `module` block's first line.

Values that come from the caller's arguments are evaluated in the caller's scope and keep
their own positions: a policy written in a heredoc keeps the line of each statement.

The model is parsed once.  A call's copy is made lazily, block body by block body, so that
the parts of the model a call never reaches (most policy documents, most inputs) cost nothing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Iterator

from s3lint.loaders.terraform import hcl
from s3lint.loaders.terraform.builtin_modules import BuiltinModel
from s3lint.loaders.terraform.module import META_ARGUMENTS, ModuleConfig, is_terraform_file

Span = tuple[int, int, int, int]  # line, column, end line, end column
Reference = tuple[str, "str | None"]  # a variable's name, and the key read from it if any

MAX_NODES = 200_000  # the model's files are ours and small; a bound all the same


class PlacementError(Exception):
    """The model's files could not be read: a bug in s3lint, reported as a note."""


def place_model(model: BuiltinModel, call: hcl.Block) -> ModuleConfig:
    """A module configuration of `model` whose every position is in `call`'s file."""
    parsed = _parsed_model(model.folder)
    site = _CallSite(call, model.unlocated_inputs)
    config = ModuleConfig(model.folder)
    for source in parsed.files:
        placed = hcl.ParsedFile(call.path)
        placed.blocks = [_place_block(block, site.header, site, parsed) for block in source.blocks]
        config.add(placed, override=False)
    for name, value in model.defaults.items():
        declaration = config.variables.get(name)
        if declaration is not None:
            default = hcl.Literal(value).at(site.header)
            declaration.body.attributes["default"] = hcl.Attribute("default", default, call.path, site.header)
    return config


# ---------------------------------------------------------------------------------------
# The model, parsed once
# ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class _ParsedModel:
    files: list[hcl.ParsedFile]
    references: dict[int, list[Reference]]  # id of an expression -> the variables it reads


_MODELS: dict[str, _ParsedModel] = {}  # the model's files do not change while s3lint runs


def _parsed_model(folder: str) -> _ParsedModel:
    model = _MODELS.get(folder)
    if model is None:
        files = [_parse(path) for path in _model_files(folder)]
        model = _ParsedModel(files, _references_of(files))
        _MODELS[folder] = model
    return model


def _model_files(folder: str) -> list[str]:
    try:
        names = sorted(name for name in os.listdir(folder) if is_terraform_file(name))
    except OSError as error:
        raise PlacementError(f"cannot read {folder}: {error.strerror}") from None
    return [os.path.join(folder, name) for name in names]


def _parse(path: str) -> hcl.ParsedFile:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise PlacementError(f"cannot read {path}: {error.strerror}") from None
    parsed = hcl.parse_hcl(path, data)
    if parsed.errors:
        first = parsed.errors[0]
        raise PlacementError(f"{path}:{first.line}: {first.message}")
    return parsed


def _all_blocks(blocks: list[hcl.Block]) -> Iterator[hcl.Block]:
    stack = list(blocks)
    while stack:
        block = stack.pop()
        yield block
        stack.extend(block.body.blocks)


def _references_of(files: list[hcl.ParsedFile]) -> dict[int, list[Reference]]:
    """The variables every argument of the model reads, locals looked through."""
    blocks = list(_all_blocks([block for parsed in files for block in parsed.blocks]))
    local_exprs = {name: a.expr for b in blocks if b.type == "locals" for name, a in b.body.attributes.items()}
    local_refs: dict[str, list[Reference]] = {}

    def expand(expr: hcl.Node) -> list[Reference]:
        out: list[Reference] = []
        for kind, name, key in _direct_references(expr):
            if kind == "var":
                out.append((name, key))
                continue
            if name not in local_refs:
                local_refs[name] = []  # a local that reads itself reads nothing more
                local_refs[name] = expand(local_exprs[name]) if name in local_exprs else []
            out.extend(local_refs[name])
        return out

    return {id(a.expr): expand(a.expr) for b in blocks for a in b.body.attributes.values()}


def _direct_references(expr: hcl.Node) -> list[tuple[str, str, str | None]]:
    """("var" | "local", name, key) for each `var.x`, `var.x["k"]`, `var.x.k` and `local.x`
    in `expr`, in the order they are written."""
    found: list[tuple[str, str, str | None]] = []
    stack: list[Any] = [expr]
    seen = 0
    while stack and seen < MAX_NODES:
        seen += 1
        node = stack.pop()
        if isinstance(node, (list, tuple)):
            stack.extend(reversed(node))
            continue
        if not isinstance(node, hcl.Node):
            continue
        keyed = _keyed_variable(node)
        if keyed is not None:
            found.append(("var", keyed[0], keyed[1]))
        elif isinstance(node, hcl.GetAttr) and isinstance(node.target, hcl.Variable) and node.target.name in ("var", "local"):
            found.append((node.target.name, node.name, None))
        else:
            stack.extend(reversed([getattr(node, slot, None) for slot in _child_slots(type(node))]))
    return found


def _keyed_variable(node: hcl.Node) -> tuple[str, str] | None:
    """`var.x["k"]` or `var.x.k` as ("x", "k")."""
    if isinstance(node, hcl.Index):
        target, key = node.target, _static_string(node.key)
    elif isinstance(node, hcl.GetAttr):
        target, key = node.target, node.name
    else:
        return None
    if key is not None and isinstance(target, hcl.GetAttr) and isinstance(target.target, hcl.Variable) and target.target.name == "var":
        return (target.name, key)
    return None


def _static_string(node: Any) -> str | None:
    if isinstance(node, hcl.Literal) and isinstance(node.value, str):
        return node.value
    if isinstance(node, hcl.Template) and len(node.parts) == 1 and isinstance(node.parts[0], str):
        return node.parts[0]
    return None


# ---------------------------------------------------------------------------------------
# Where the caller set a variable
# ---------------------------------------------------------------------------------------


class _CallSite:
    def __init__(self, call: hcl.Block, unlocated: frozenset[str]) -> None:
        self.path = call.path
        self.header: Span = (call.line, call.column, call.header_end[0], call.header_end[1])
        self.arguments = {name: a for name, a in call.body.attributes.items() if name not in META_ARGUMENTS}
        self.unlocated = unlocated

    def locate(self, references: list[Reference], fallback: Span) -> Span:
        """Where the caller set the first of these variables, or `fallback`."""
        chosen: str | None = None
        span = fallback
        for name, key in references:
            if name in self.unlocated or name not in self.arguments or chosen not in (None, name):
                continue
            argument = self.arguments[name]
            if chosen is None:
                chosen, span = name, (argument.line, argument.column, argument.end_line, argument.end_column)
            item = _object_item(argument.expr, key) if key is not None else None
            if item is not None:
                return item
        return span


def _object_item(expr: hcl.Node, key: str) -> Span | None:
    """Where `key = value` is written in an object literal `{ ... }`."""
    if not isinstance(expr, hcl.ObjectCons):
        return None
    for key_node, value_node in expr.items:
        if _static_string(key_node) == key:
            return (key_node.line, key_node.column, value_node.end_line, value_node.end_column)
    return None


# ---------------------------------------------------------------------------------------
# Copies with new positions
# ---------------------------------------------------------------------------------------


def _place_block(block: hcl.Block, inherited: Span, site: _CallSite, model: _ParsedModel) -> hcl.Block:
    body = block.body
    expansion = body.attributes.get("count") or body.attributes.get("for_each")
    span = site.locate(model.references[id(expansion.expr)], inherited) if expansion is not None else inherited

    def make() -> hcl.Body:
        placed = hcl.Body()
        for name, attribute in body.attributes.items():
            at = site.locate(model.references[id(attribute.expr)], span)
            placed.attributes[name] = hcl.Attribute(name, _copy_expression(attribute.expr, at), site.path, at)
        placed.blocks = [_place_block(child, span, site, model) for child in body.blocks]
        return placed

    return hcl.Block(block.type, list(block.labels), site.path, span, (span[2], span[3]), make=make)


def _copy_expression(root: hcl.Node, span: Span) -> hcl.Node:
    """A copy of an expression tree with every node at `span`."""
    order: list[hcl.Node] = []  # children before their parents
    stack: list[tuple[hcl.Node, bool]] = [(root, False)]
    while stack and len(order) < MAX_NODES:
        node, children_done = stack.pop()
        if children_done:
            order.append(node)
            continue
        stack.append((node, True))
        stack.extend((child, False) for child in _child_nodes(node))
    if stack:
        return hcl.Invalid("expression too large").at(span)
    copies: dict[int, hcl.Node] = {}
    for node in order:
        kind = type(node)
        clone = object.__new__(kind)
        for slot in _child_slots(kind):
            setattr(clone, slot, _with_copies(getattr(node, slot, None), copies))
        clone.at(span)
        if isinstance(clone, hcl.Template):
            clone.content_pos = (span[0], span[1])
        copies[id(node)] = clone
    return copies[id(root)]


def _child_nodes(node: hcl.Node) -> Iterator[hcl.Node]:
    pending: list[Any] = [getattr(node, slot, None) for slot in _child_slots(type(node))]
    while pending:
        value = pending.pop()
        if isinstance(value, hcl.Node):
            yield value
        elif isinstance(value, (list, tuple)):
            pending.extend(value)


def _with_copies(value: Any, copies: dict[int, hcl.Node]) -> Any:
    """A slot's value with its nodes replaced by their copies; lists and tuples of nodes
    (call arguments, object items, template parts) nest two deep at most."""
    if isinstance(value, hcl.Node):
        return copies[id(value)]
    if isinstance(value, list):
        return [_with_copies(item, copies) for item in value]
    if isinstance(value, tuple):
        return tuple(_with_copies(item, copies) for item in value)
    return value


_SLOTS: dict[type, tuple[str, ...]] = {}


def _child_slots(kind: type) -> tuple[str, ...]:
    """A syntax node's attributes other than its position, in the order they are written."""
    slots = _SLOTS.get(kind)
    if slots is None:
        names: list[str] = []
        for cls in reversed(kind.__mro__):
            names.extend(getattr(cls, "__slots__", ()))
        slots = tuple(n for n in names if n not in ("line", "column", "end_line", "end_column"))
        _SLOTS[kind] = slots
    return slots


__all__ = ["PlacementError", "place_model"]
