"""`json.dumps(value, indent=2, ensure_ascii=False)`, several times faster.

With `indent`, the standard library leaves its C encoder and writes every value from Python:
a report of 20,000 findings took most of a second that way.  Here the nesting is written by
one loop, and every list or dict that holds only scalars (each finding, most of a report)
by the C encoder in one call, its line breaks and indentation given as separators.  The output is the same text, character
for character (tests/test_reporters.py compares them on generated documents); a value of any
type other than dict (with string keys), list, tuple, str, int, float, bool and None, or a
container inside itself, sends the whole value to `json.dumps`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import chain
from json.encoder import (  # C when the accelerator is there
    c_make_encoder,
    encode_basestring,
)
from typing import Any, Callable

_INDENT = "  "
_FLOAT_REPR = float.__repr__
_INT_REPR = int.__repr__


def with_list_in_pieces(text: str, key: str, depth: int, items: Iterable[str]) -> Iterator[str]:
    """`text`, a document written by `dumps_indented` in which `key`, `depth` levels in, holds
    an empty list, with that list holding `items` (each written for its place: a line break
    and its indentation first), in pieces (see `joined_in_pieces`); without items, `text`."""
    items = iter(items)
    first = next(items, None)
    if first is None:
        yield text
        return
    indent = "\n" + _INDENT * depth
    empty = indent + encode_basestring(key) + ": []"
    head, tail = text.split(empty, 1)  # a key: in a string value its quotes are escaped
    yield from joined_in_pieces(head + empty[:-1], chain((first,), items), indent + "]" + tail)


def joined_in_pieces(head: str, texts: Iterable[str], tail: str, size: int = 500) -> Iterator[str]:
    """`head + ",".join(texts) + tail`, in pieces of `size` texts: a big report is written out
    as it is made instead of held whole."""
    yield head
    batch: list[str] = []
    separator = ""
    for text in texts:
        batch.append(text)
        if len(batch) == size:
            yield separator + ",".join(batch)
            separator = ","
            batch = []
    yield (separator + ",".join(batch) if batch else "") + tail


def dumps_indented(value: Any) -> str:
    try:
        return _write(value)
    except _Unsupported:
        return json.dumps(value, indent=2, ensure_ascii=False)


class _Unsupported(Exception):
    """A value `_write` leaves to `json.dumps`: another type, a key that is not a string,
    a container inside itself."""


def _write(value: Any) -> str:
    parts: list[str] = []
    write = parts.append
    # (a dict?, iterator over its items, depth) of the open containers, innermost last
    stack: list[tuple[bool, Any, int]] = []
    open_ids: list[int] = []
    pending: Any = value
    depth = 0
    while True:
        # write `pending` (a value at `depth`), opening a container if it is one; the tests
        # are those of json's own encoder, in its order
        if isinstance(pending, str):
            write(encode_basestring(pending))
        elif pending is None or pending is True or pending is False or isinstance(pending, (int, float)):
            write(_scalar(pending))
        elif isinstance(pending, (list, tuple)):
            if not pending:
                write("[]")
            elif _PLAIN_SCALARS.issuperset(map(type, pending)):
                write(_flat(pending, depth + 1))
            else:
                _open(pending, open_ids)
                write("[")
                stack.append((False, iter(pending), depth + 1))
        elif not isinstance(pending, dict):
            raise _Unsupported
        elif not pending:
            write("{}")
        elif _PLAIN_SCALARS.issuperset(map(type, pending.values())) and _STR.issuperset(map(type, pending)):
            write(_flat(pending, depth + 1))
        else:
            _open(pending, open_ids)
            write("{")
            stack.append((True, iter(pending.items()), depth + 1))
        # find the next value to write, closing the containers that are done
        while stack:
            is_dict, items, depth = stack[-1]
            item = next(items, _DONE)
            if item is _DONE:
                stack.pop()
                open_ids.pop()
                write("\n" + _INDENT * (depth - 1) + ("}" if is_dict else "]"))
                continue
            separator = "\n" if _first_item(parts) else ",\n"
            if is_dict:
                key, pending = item
                if not isinstance(key, str):
                    raise _Unsupported
                write(separator + _INDENT * depth + encode_basestring(key) + ": ")
            else:
                pending = item
                write(separator + _INDENT * depth)
            break
        else:
            return "".join(parts)


def _open(container: Any, open_ids: list[int]) -> None:
    if id(container) in open_ids:  # json.dumps raises its own error for this
        raise _Unsupported
    open_ids.append(id(container))


_DONE = object()
_PLAIN_SCALARS = frozenset({str, int, float, bool, type(None)})
_STR = frozenset({str})


def _first_item(parts: list[str]) -> bool:
    return parts[-1] in ("{", "[")


def _flat(container: Any, depth: int) -> str:
    """A non-empty list or dict of scalars, by json's C encoder: with no indent it writes
    what it is given as separators, so these are the line breaks and indentation."""
    indent = "\n" + _INDENT * depth
    text = "".join(_flat_encoder(depth)(container, 0))
    return text[0] + indent + text[1:-1] + indent[: -len(_INDENT)] + text[-1]


@lru_cache(maxsize=None)
def _flat_encoder(depth: int) -> Callable[[Any, int], Any]:
    """What `json.dumps(value, ensure_ascii=False, separators=(",\n" + indent, ": "))` runs,
    made once a depth (making it is most of the cost of a call for a small value)."""
    item_separator = ",\n" + _INDENT * depth
    if c_make_encoder is None:  # no C accelerator: the pure-Python encoder, the same text
        encoder = json.JSONEncoder(ensure_ascii=False, separators=(item_separator, ": "))
        return lambda value, _level: encoder.iterencode(value)
    # markers (None: no cycle check; a flat value has no cycle), default (never called for
    # plain scalars), string encoder, indent, key and item separators, sort_keys, skipkeys,
    # allow_nan
    return c_make_encoder(  # type: ignore[no-any-return]
        None, json.JSONEncoder().default, encode_basestring, None, ": ", item_separator, False, False, True
    )


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return _INT_REPR(value)
    if value != value:
        return "NaN"
    if value == float("inf"):
        return "Infinity"
    if value == -float("inf"):
        return "-Infinity"
    return _FLOAT_REPR(value)
