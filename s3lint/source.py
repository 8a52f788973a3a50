"""Source positions and the located document tree that every loader produces.

A loader turns a file into plain dicts, lists and strings that also remember where they
came from: `LDict`, `LList` and `LStr` behave exactly like `dict`, `list` and `str`, and add
the 1-based line and column of the node.  Scalars that cannot carry attributes (numbers,
booleans, None) take their position from the container: `LDict.value_pos(key)` and
`LList.item_pos(index)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Pos = tuple[int, int]  # (line, column), both 1-based


# Not frozen, but hashable and never changed after creation: a frozen dataclass's __init__
# costs five times as much (`object.__setattr__` per field), and there is one Location per
# value of every file, built again when fragments come back from worker processes.
@dataclass(slots=True, unsafe_hash=True)
class Location:
    """A region of a source file: 1-based lines and columns, end column exclusive.  Treat it
    as immutable: it is hashed, and shared between findings and the model."""

    path: str
    line: int
    column: int = 1
    end_line: int = 0
    end_column: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"

    def region(self) -> tuple[int, int, int, int]:
        end_line = self.end_line or self.line
        end_column = self.end_column or (self.column + 1 if end_line == self.line else 1)
        return self.line, self.column, end_line, end_column


class LStr(str):
    """A string that knows where it was written."""

    __slots__ = ("line", "column")
    line: int
    column: int

    def __new__(cls, value: str, line: int = 0, column: int = 0) -> "LStr":
        self = str.__new__(cls, value)  # not super(): this runs for every string of every file
        self.line = line
        self.column = column
        return self


class LDict(dict):
    """A mapping that knows where it and each of its keys and values were written."""

    # `no_duplicates_below` is True only where a parser set it, on the root of a tree in which
    # no mapping has a duplicate key, so that `duplicate_keys` need not walk the tree again.
    __slots__ = ("line", "column", "key_positions", "value_positions", "duplicate_keys", "no_duplicates_below")

    def __init__(self, *args: Any, line: int = 0, column: int = 0, **kwargs: Any) -> None:
        if args or kwargs:
            super().__init__(*args, **kwargs)
        self.line = line
        self.column = column
        self.key_positions: dict[Any, Pos] = {}
        self.value_positions: dict[Any, Pos] = {}
        self.duplicate_keys: list[tuple[Any, Pos]] = []
        self.no_duplicates_below = False

    def key_pos(self, key: Any) -> Pos:
        return self.key_positions.get(key) or (self.line, self.column)

    def value_pos(self, key: Any) -> Pos:
        return self.value_positions.get(key) or self.key_pos(key)

    def set_located(self, key: Any, value: Any, key_pos: Pos, value_pos: Pos) -> None:
        if key in self:
            self.duplicate_keys.append((key, key_pos))
        self[key] = value
        self.key_positions[key] = key_pos
        self.value_positions[key] = value_pos


class LList(list):
    """A sequence that knows where it and each of its items were written."""

    __slots__ = ("line", "column", "item_positions")

    def __init__(self, *args: Any, line: int = 0, column: int = 0) -> None:
        if args:
            super().__init__(*args)
        self.line = line
        self.column = column
        self.item_positions: list[Pos] = []

    def item_pos(self, index: int) -> Pos:
        if 0 <= index < len(self.item_positions):
            return self.item_positions[index]
        return (self.line, self.column)

    def append_located(self, value: Any, pos: Pos) -> None:
        self.append(value)
        self.item_positions.append(pos)


# Parsers build hundreds of thousands of empty containers; calling the class goes through the
# generic keyword-argument constructor, which costs three times as much as these.  Each sets
# every slot its class's `__init__` sets, to the same values.
_NEW_DICT = dict.__new__
_NEW_LIST = list.__new__


def empty_ldict(line: int, column: int) -> LDict:
    """`LDict(line=line, column=column)`, faster."""
    node = _NEW_DICT(LDict)
    node.line = line
    node.column = column
    node.key_positions = {}
    node.value_positions = {}
    node.duplicate_keys = []
    node.no_duplicates_below = False
    return node


def empty_llist(line: int, column: int) -> LList:
    """`LList(line=line, column=column)`, faster."""
    node = _NEW_LIST(LList)
    node.line = line
    node.column = column
    node.item_positions = []
    return node


def pos_of(node: Any, default: Pos = (0, 0)) -> Pos:
    """The position of a located node, or `default` for a plain value."""
    line = getattr(node, "line", 0)
    if line:
        return (line, getattr(node, "column", 1) or 1)
    return default


def location_of(path: str, node: Any, default: Pos = (1, 1)) -> Location:
    line, column = pos_of(node, default)
    return Location(path, line or 1, column or 1)


class SourceError(Exception):
    """A file cannot be parsed: the message is one line, meant for the user."""

    def __init__(self, message: str, line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def mark_duplicate_free(root: Any, duplicates: int) -> None:
    """Record on a parsed tree's root that none of its mappings has a duplicate key, when a
    parser counted `duplicates` == 0 while building it (every mapping it built is counted,
    including any the tree does not hold, so 0 is always right and anything else walks)."""
    if not duplicates and type(root) is LDict:
        root.no_duplicates_below = True


def duplicate_keys(tree: Any) -> list[tuple[Any, Pos]]:
    """Every key written more than once in one mapping of a located tree, with the position
    of each repeat (the last one wins), in document order.  Walks with an explicit stack and
    visits a node shared by YAML aliases once; a tree its parser marked as free of duplicates
    (nearly every file) is not walked."""
    if getattr(tree, "no_duplicates_below", False):
        return []
    return walk_duplicate_keys(tree)


def walk_duplicate_keys(tree: Any) -> list[tuple[Any, Pos]]:
    """`duplicate_keys`, always by walking the tree (also the reference the tests compare with)."""
    found: list[tuple[Any, Pos]] = []
    seen: set[int] = set()
    stack = [tree]
    while stack:
        node = stack.pop()
        if not isinstance(node, (dict, list)) or id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, LDict):
            found.extend(node.duplicate_keys)
        stack.extend(node.values() if isinstance(node, dict) else node)
    return sorted(found, key=lambda item: item[1])
