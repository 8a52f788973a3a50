"""JSON text to a located tree (`LDict`/`LList`/`LStr`), strictly per RFC 8259.

Two readers that build the same tree:

- `_read_valid`, the fast one, for a document that is strict JSON: `json.loads` (in C) checks
  it and gives every value, with objects as their list of members so that duplicate keys
  survive; a walk over those values, in document order, then finds where each one starts,
  which takes only `str.find` because the values are known and there is nothing else to
  expect.  It gives up on anything else (invalid JSON, NaN, too deep, a number too long).
- `_parse`, the exact one, that decides every error and where it is: one regular expression
  finds the next token, a state variable says what may come next, and an explicit stack holds
  the open containers.  Strings with escapes are decoded by the json module's own C
  `scanstring`, so they decode exactly as `json.loads` decodes them.

Neither recurses on nesting depth (`json.loads`'s C scanner stops at the recursion limit with
a `RecursionError`, which hands the document to `_parse`); nesting deeper than `MAX_DEPTH` is
refused.

Lines are counted from a list of newline offsets built once; newlines can only occur between
tokens in strict JSON, so each token's line is found by moving forward through that list.
Columns count characters, 1-based.  Duplicate keys: the last one wins and each earlier
occurrence is recorded in `LDict.duplicate_keys`.
"""

from __future__ import annotations

import gc
import json
import re
from itertools import accumulate
from json.decoder import scanstring
from typing import Any

from s3lint.source import LDict, LList, LStr, SourceError, empty_ldict, empty_llist, mark_duplicate_free

MAX_DEPTH = 512  # far beyond any real template; keeps every consumer clear of recursion limits

_TOKEN = re.compile(
    r"""[ \t\r\n]*(?:
        "([^"\\\x00-\x1f]*)"                                  # 1 string without escapes
      | (:) | (,) | (\}) | (\]) | (\{) | (\[)                 # 2..7 punctuation
      | (")                                                   # 8 string with escapes
      | (-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)  # 9 number
      | (true|false|null)(?![A-Za-z0-9_])                     # 10 literal
    )""",
    re.VERBOSE,
)
_KEY_COLON = re.compile(r'[ \t\r\n]*"([^"\\\x00-\x1f]*)"[ \t\r\n]*:')
_WHITESPACE = re.compile(r"[ \t\r\n]*")
_NEWLINE = re.compile(r"\n")
_LITERALS = {"true": True, "false": False, "null": None}

_STRING, _COLON, _COMMA, _CLOSE_OBJECT, _CLOSE_ARRAY, _OPEN_OBJECT, _OPEN_ARRAY, _ESCAPED, _NUMBER, _LITERAL = range(1, 11)

# What the parser expects next.
_VALUE = 0  # a value
_VALUE_OR_CLOSE = 1  # a value or `]` (just after `[`)
_KEY = 2  # a key (just after `,` in an object)
_KEY_OR_CLOSE = 3  # a key or `}` (just after `{`)
_COLON_NEXT = 4  # `:` after a key
_AFTER = 5  # `,` or the closing bracket, after a value
_END = 6  # nothing: the top-level value is complete


def parse_json(text: str, path: str) -> Any:
    """Parse one JSON document; raise `SourceError` with line and column if it is not JSON."""
    if text.startswith("\ufeff"):
        text = text[1:]
    gc_was_enabled = gc.isenabled()
    try:
        gc.disable()  # the tree has no cycles; collecting while it grows only costs time
        tree = _read_valid(text)
        return _parse(text) if tree is _NOT_READ else tree
    finally:
        if gc_was_enabled:
            gc.enable()


_NOT_READ = object()  # `_read_valid` leaves the document to `_parse`
_NUMBER_OR_LITERAL = re.compile(r"-?[0-9][-+.eE0-9]*|true|false|null")


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _read_valid(text: str) -> Any:
    """The located tree of strict JSON, or `_NOT_READ`.

    Between one value and the next there is only whitespace and punctuation, so the next
    string starts at the next `"`, the next object at the next `{`, and so on.  A string ends
    `len(value) + 2` characters after it starts unless it has an escape, which the next
    backslash in the text says.
    """
    try:
        loaded = json.loads(text, object_pairs_hook=tuple, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):  # not JSON, NaN, a number too long, too deep
        return _NOT_READ

    # Where each line after the first starts, and a sentinel past the end: the lengths of the
    # lines plus their newlines, summed, all in C.
    line_starts = list(accumulate(map((1).__add__, map(len, text.split("\n")))))
    next_line_start = line_starts[0]
    line_index = 0
    line = 1
    line_start = 0
    find = text.find
    search_scalar = _NUMBER_OR_LITERAL.search
    new_str = str.__new__
    next_backslash = find("\\")
    if next_backslash < 0:
        next_backslash = len(text)

    # Objects are tuples of (key, value) pairs, arrays lists; the stack holds each open
    # container's parent with the parent's remaining items.
    stack: list[tuple[Any, Any, bool]] = []
    current: Any = None
    items: Any = iter((loaded,))
    is_object = False
    root: Any = None
    pos = -1  # the last character of the last key or value read
    duplicates = 0  # keys written twice (see `mark_duplicate_free`)
    while True:
        child: Any = None
        for item in items:
            if is_object:
                key, value = item
                start = find('"', pos + 1)
                pos = start + len(key) + 1  # the closing quote, if no escapes
                if pos > next_backslash:
                    pos = scanstring(text, start + 1, True)[1] - 1
                    next_backslash = find("\\", pos)
                    if next_backslash < 0:
                        next_backslash = len(text)
                while start >= next_line_start:
                    line += 1
                    line_start = next_line_start
                    line_index += 1
                    next_line_start = line_starts[line_index]
                key_pos = (line, start - line_start + 1)
            else:
                value = item
            kind = type(value)
            if kind is str:
                start = find('"', pos + 1)
                pos = start + len(value) + 1
                if pos > next_backslash:
                    pos = scanstring(text, start + 1, True)[1] - 1
                    next_backslash = find("\\", pos)
                    if next_backslash < 0:
                        next_backslash = len(text)
            elif kind is tuple:
                start = pos = find("{", pos + 1)
            elif kind is list:
                start = pos = find("[", pos + 1)
            else:
                scalar = search_scalar(text, pos + 1)
                start = scalar.start()
                pos = scalar.end() - 1
            while start >= next_line_start:
                line += 1
                line_start = next_line_start
                line_index += 1
                next_line_start = line_starts[line_index]
            column = start - line_start + 1
            if kind is str:
                value = new_str(LStr, value)
                value.line = line
                value.column = column
            elif kind is tuple:
                child = value
                value = empty_ldict(line, column)
            elif kind is list:
                child = value
                value = empty_llist(line, column)
            if is_object:
                if key in current:
                    current.duplicate_keys.append((key, key_pos))
                    duplicates += 1
                current[key] = value
                current.key_positions[key] = key_pos
                current.value_positions[key] = (line, column)
            elif current is not None:
                current.append(value)
                current.item_positions.append((line, column))
            else:
                root = value
            if child is not None:
                break
        if child is not None:
            if len(stack) >= MAX_DEPTH:
                return _NOT_READ  # for `_parse` to say where
            stack.append((current, items, is_object))
            current = value
            items = iter(child)
            is_object = kind is tuple
        elif stack:
            current, items, is_object = stack.pop()
        else:
            mark_duplicate_free(root, duplicates)
            return root


def _parse(text: str) -> Any:
    newlines = [m.start() for m in _NEWLINE.finditer(text)]
    newlines.append(len(text) + 1)
    next_newline = newlines[0]
    newline_index = 0
    line = 1
    line_start = 0

    match = _TOKEN.match
    match_key = _KEY_COLON.match
    stack: list[tuple[Any, bool, Any, Any]] = []  # (container, is_object, its key in the parent, key pos)
    current: Any = None  # innermost open container
    is_object = False
    key: Any = None
    key_pos: Any = None
    root: Any = None
    state = _VALUE
    pos = 0
    duplicates = 0  # keys written twice (see `mark_duplicate_free`)

    while True:
        if state == _KEY or state == _KEY_OR_CLOSE:
            # The common case, `"name":`, in one step.
            k = match_key(text, pos)
            if k is not None:
                start = k.start(1) - 1
                pos = k.end()
                while start > next_newline:
                    line += 1
                    line_start = next_newline + 1
                    newline_index += 1
                    next_newline = newlines[newline_index]
                key = k.group(1)
                key_pos = (line, start - line_start + 1)
                state = _VALUE
                continue
        m = match(text, pos)
        if m is None:
            start = _WHITESPACE.match(text, pos).end()
            if start >= len(text):
                if state == _END:
                    mark_duplicate_free(root, duplicates)
                    return root
                raise _error(text, start, "unexpected end of file: " + _expectation(state, is_object))
            raise _error(text, start, f"unexpected character {text[start]!r}: " + _expectation(state, is_object))
        kind = m.lastindex
        pos = m.end()

        if state == _AFTER and kind == _COMMA:
            state = _KEY if is_object else _VALUE
            continue
        if (kind == _CLOSE_OBJECT and is_object and (state == _AFTER or state == _KEY_OR_CLOSE)) or (
            kind == _CLOSE_ARRAY and not is_object and current is not None and (state == _AFTER or state == _VALUE_OR_CLOSE)
        ):
            value = current
            value_pos = (current.line, current.column)
            current, is_object, key, key_pos = stack.pop()
        else:
            start = m.start(kind)
            if kind == _STRING:
                start -= 1  # the opening quote
            while start > next_newline:
                line += 1
                line_start = next_newline + 1
                newline_index += 1
                next_newline = newlines[newline_index]
            column = start - line_start + 1

            if state == _VALUE or state == _VALUE_OR_CLOSE:
                value_pos = (line, column)
                if kind == _STRING:
                    value = LStr(m.group(1), line, column)
                elif kind == _OPEN_OBJECT or kind == _OPEN_ARRAY:
                    if len(stack) >= MAX_DEPTH:
                        raise _error(text, start, f"JSON nesting deeper than {MAX_DEPTH} levels")
                    stack.append((current, is_object, key, key_pos))
                    if kind == _OPEN_OBJECT:
                        current = LDict(line=line, column=column)
                        is_object = True
                        state = _KEY_OR_CLOSE
                    else:
                        current = LList(line=line, column=column)
                        is_object = False
                        state = _VALUE_OR_CLOSE
                    continue
                elif kind == _ESCAPED:
                    decoded, pos = _scan_string(text, pos, start)
                    value = LStr(decoded, line, column)
                elif kind == _NUMBER:
                    value = _number(m.group(_NUMBER), text, start)
                elif kind == _LITERAL:
                    value = _LITERALS[m.group(_LITERAL)]
                elif kind == _CLOSE_ARRAY and current is not None and not is_object:
                    raise _error(text, start, "trailing comma before ']'")
                else:
                    raise _error(text, start, "expected a value")
            elif state == _KEY or state == _KEY_OR_CLOSE:
                if kind == _STRING:
                    key = m.group(1)
                elif kind == _ESCAPED:
                    key, pos = _scan_string(text, pos, start)
                elif kind == _CLOSE_OBJECT:
                    raise _error(text, start, "trailing comma before '}'")
                else:
                    raise _error(text, start, "expected a string as object key")
                key_pos = (line, column)
                state = _COLON_NEXT
                continue
            elif state == _COLON_NEXT:
                if kind != _COLON:
                    raise _error(text, start, "expected ':' after object key")
                state = _VALUE
                continue
            else:
                raise _error(text, start, _expectation(state, is_object))

        # A value is complete: put it into its container.
        if current is None:
            root = value
            state = _END
        elif is_object:
            if key in current:
                current.duplicate_keys.append((key, key_pos))
                duplicates += 1
            current[key] = value
            current.key_positions[key] = key_pos
            current.value_positions[key] = value_pos
            state = _AFTER
        else:
            current.append(value)
            current.item_positions.append(value_pos)
            state = _AFTER


def _scan_string(text: str, after_quote: int, start: int) -> tuple[str, int]:
    try:
        return scanstring(text, after_quote, True)
    except ValueError as error:  # json.JSONDecodeError
        reason = str(getattr(error, "msg", error)).replace(" starting at", "").lower()
        raise _error(text, getattr(error, "pos", start), f"invalid string: {reason}") from None


def _number(literal: str, text: str, start: int) -> Any:
    try:
        if "." in literal or "e" in literal or "E" in literal:
            return float(literal)
        return int(literal)
    except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
        raise _error(text, start, "number too long") from None


def _expectation(state: int, is_object: bool) -> str:
    if state == _AFTER:
        return "expected ',' or '}' after object member" if is_object else "expected ',' or ']' after array element"
    if state in (_KEY, _KEY_OR_CLOSE):
        return "expected a string as object key"
    if state == _COLON_NEXT:
        return "expected ':' after object key"
    if state == _END:
        return "extra data after the JSON value"
    return "expected a value"


def _error(text: str, index: int, message: str) -> SourceError:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return SourceError(f"JSON syntax error: {message}", line, column)
