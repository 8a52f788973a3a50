"""JSON text to a located tree (`LDict`/`LList`/`LStr`), strictly per RFC 8259.

`json.loads` gives no positions, so this is a small parser of its own: one regular expression
finds the next token, a state variable says what may come next, and an explicit stack holds
the open containers (no recursion, so nesting depth cannot overflow Python's stack; nesting
deeper than `MAX_DEPTH` is refused).  Strings with escapes are decoded by the json module's
own C `scanstring`, so they decode exactly as `json.loads` decodes them.

Lines are counted from a list of newline offsets built once; newlines can only occur between
tokens in strict JSON, so each token's line is found by moving forward through that list.
Columns count characters, 1-based.  Duplicate keys: the last one wins and each earlier
occurrence is recorded in `LDict.duplicate_keys`.
"""

from __future__ import annotations

import gc
import re
from json.decoder import scanstring
from typing import Any

from s3lint.source import LDict, LList, LStr, SourceError

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
        return _parse(text)
    finally:
        if gc_was_enabled:
            gc.enable()


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
