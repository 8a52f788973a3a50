"""YAML text to located trees (`LDict`/`LList`/`LStr`), one per YAML document.

Only PyYAML's event parser is used (libyaml when present): no Python object is ever
constructed from a tag, so `!!python/object/apply:os.system` is inert text.  The tree is built
from the event stream with an explicit stack, not by PyYAML's composer, because the composer
recurses on nesting depth (libyaml's composer even overflows the C stack and crashes the
process on 50,000 nested `[`).  Nesting deeper than `MAX_DEPTH` is refused outright.

CloudFormation short-form tags (`!Ref`, `!Sub`, `!GetAtt`, ...) become their long form,
`{"Ref": ...}`, `{"Fn::Sub": ...}`, positioned where the tag is written.

Aliases are shared, not copied, but each one counts the size of what it stands for against a
budget proportional to the input, so an alias bomb ("billion laughs") fails fast instead of
exhausting whoever walks the tree later.

Speed: after libyaml itself, the cost is Python work per event, so `_build` is one loop over
the parser's `get_event` (no generator), a mapping key is never resolved (it is text anyway),
a plain scalar is resolved only if its first character can start an implicit type, and the
value of such a scalar is remembered by its text.  tests/test_located_parsers_fast.py checks
all of it against the plain event-by-event builder this replaced.
"""

from __future__ import annotations

import gc
import re
from typing import Any, Callable

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from s3lint.source import LDict, LStr, Pos, SourceError, empty_ldict, empty_llist, mark_duplicate_free

MAX_DEPTH = 512  # far beyond any real template; keeps every consumer clear of recursion limits

_LOADER = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader

# Short-form CloudFormation tags and the long-form key each one stands for.
_SHORT_FORMS = {
    "!Ref": "Ref",
    "!Condition": "Condition",
    "!GetAtt": "Fn::GetAtt",
}
for _name in (
    "Sub", "If", "Join", "Select", "Split", "Equals", "Not", "And", "Or", "FindInMap",
    "ImportValue", "Base64", "Cidr", "GetAZs", "Transform", "Length", "ToJsonString",
):
    _SHORT_FORMS[f"!{_name}"] = f"Fn::{_name}"

_TAG = "tag:yaml.org,2002:"
_STR_TAG = _TAG + "str"

_RESOLVER = Resolver()
_CONSTRUCTOR = SafeConstructor()
_CONVERTERS = {
    _TAG + "bool": _CONSTRUCTOR.construct_yaml_bool,
    _TAG + "int": _CONSTRUCTOR.construct_yaml_int,
    _TAG + "float": _CONSTRUCTOR.construct_yaml_float,
}

# The state of the innermost open collection, kept in the `key` variable of `_build`: a mapping
# waits for its next key (`_NO_KEY`) or holds the key whose value comes next (an `LStr`, or
# `_MERGE` for `<<`); a sequence is always `_IN_SEQUENCE`; outside any collection, `_AT_ROOT`.
_NO_KEY = object()
_MERGE = object()
_IN_SEQUENCE = object()
_AT_ROOT = object()

# `Resolver.resolve` for a plain scalar, as a table: the implicit resolvers that may match a
# value starting with a given character ("" for the empty value).  Most values start with a
# letter no implicit type can start with, and are text without trying a regular expression.
# (PyYAML registers no resolver for "any first character", the key `None`.)
_IMPLICIT_RESOLVERS = {
    first: tuple(resolvers) for first, resolvers in _RESOLVER.yaml_implicit_resolvers.items() if first is not None
}
_NEW_STR = str.__new__
_PROPERTIES = re.compile(r"(?:[!&][^ \t\r\n]*[ \t\r\n]*)*")  # a node's tag and anchor, and the space after

_TEXT = object()  # a scalar stands for its text as written (an `LStr` at its position)
_UNSEEN = object()
_NULL_TAG = _TAG + "null"

# Plain scalars' values by their text (see `_plain_value`); bounded, as the text is the input's.
_PLAIN_VALUES: dict[str, Any] = {}
_PLAIN_VALUES_MAX = 10_000


def parse_yaml(text: str, path: str) -> list[Any]:
    """Parse every document of a YAML stream; raise `SourceError` for anything malformed."""
    parser = None
    gc_was_enabled = gc.isenabled()
    try:
        gc.disable()  # the trees have no cycles; collecting while they grow only costs time
        parser = _LOADER(text)
        return _build(parser.get_event, text)
    except SourceError:
        raise
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = " ".join(part for part in (error.context, error.problem) if part) or "invalid YAML"
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        if "maximum nesting depth" in message:
            # PyYAML 6.0.4's libyaml has a nesting limit of its own; say it as we do.
            raise SourceError(f"YAML nesting deeper than {MAX_DEPTH} levels", line, column) from None
        raise SourceError(f"YAML syntax error: {_one_line(message)}", line, column) from None
    except yaml.YAMLError as error:  # ReaderError: a character YAML does not allow
        position = getattr(error, "position", None)
        line, column = _line_column(text, position) if isinstance(position, int) else (0, 0)
        reason = getattr(error, "reason", None) or str(error)
        raise SourceError(f"YAML error: {_one_line(str(reason))}", line, column) from None
    except (UnicodeError, ValueError) as error:  # e.g. a lone surrogate that cannot be encoded
        raise SourceError(f"YAML error: {_one_line(str(error))}") from None
    finally:
        if parser is not None:
            parser.dispose()
        if gc_was_enabled:
            gc.enable()


def _build(get_event: Callable[[], Any], text: str) -> list[Any]:
    """Turn the event stream into located trees, one per document, with an explicit stack.

    One loop, with the innermost collection in local variables, because this runs once per
    event (a large template has hundreds of thousands): each event computes the `value` it
    stands for and its position, and the tail of the loop puts it into its collection.
    """
    documents: list[Any] = []
    # Per open collection: its parent's (container, key, key_pos, merges), then its own
    # (result, anchor, event count when it opened, position).
    stack: list[tuple[Any, Any, Pos, list[Any] | None, Any, str | None, int, Pos]] = []
    container: Any = None  # the innermost open LDict/LList
    key: Any = _AT_ROOT
    key_pos: Pos = (0, 0)
    merges: list[Any] | None = None  # values of the `<<` keys of the innermost mapping
    anchors: dict[str, tuple[Any, int]] = {}  # anchor -> (value, expanded node count)
    open_anchors: set[str] = set()
    root: Any = None
    # Aliases are shared, but each counts what it stands for: an alias bomb fails fast.
    count = 0
    budget = max(100_000, 20 * len(text))
    duplicates = 0  # keys written twice in the current document (see `mark_duplicate_free`)

    # Names used for every event, as locals (the loop is the whole cost of parsing).
    scalar_event, new_str, located_str, implicit_first = ScalarEvent, _NEW_STR, LStr, _IMPLICIT_RESOLVERS
    no_key, in_sequence, merge, at_root = _NO_KEY, _IN_SEQUENCE, _MERGE, _AT_ROOT

    while True:
        event = get_event()
        kind = type(event)
        if kind is scalar_event:
            count += 1
            if count > budget:
                raise _bomb(budget, event)
            mark = event.start_mark
            line = mark.line + 1
            column = mark.column + 1
            raw = event.value
            if key is no_key:  # a mapping key: always text, whatever it looks like
                if raw == "<<" and event.tag is None and event.implicit[0]:
                    key = merge
                else:
                    key = new_str(located_str, raw)
                    key.line = line
                    key.column = column
                key_pos = (line, column)
                if event.anchor:
                    anchors[event.anchor] = (key, 1)
                continue
            if event.tag is None and (raw[:1] not in implicit_first or not event.implicit[0]):
                value = new_str(located_str, raw)  # text no implicit type can match, or quoted
                value.line = line
                value.column = column
            else:
                value = _scalar_value(event, text, line, column)
            if event.anchor:
                anchors[event.anchor] = (value, 1)
            # The commonest cases of the tail below, here to save a jump.
            if key is in_sequence:
                container.append(value)
                container.item_positions.append((line, column))
                continue
            if key is not merge and key is not at_root:
                if key in container:
                    container.duplicate_keys.append((key, key_pos))
                    duplicates += 1
                container[key] = value
                container.key_positions[key] = key_pos
                container.value_positions[key] = (line, column)
                key = no_key
                continue
            pos = (line, column)

        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            count += 1
            if count > budget:
                raise _bomb(budget, event)
            mark = event.start_mark
            line = mark.line + 1
            column = mark.column + 1
            if len(stack) >= MAX_DEPTH:
                raise SourceError(f"YAML nesting deeper than {MAX_DEPTH} levels", line, column)
            if key is _NO_KEY:
                raise SourceError("YAML mapping keys must be plain values, not lists or mappings", line, column)
            pos = (line, column)
            opened: Any = empty_ldict(line, column) if kind is MappingStartEvent else empty_llist(line, column)
            result = opened
            short = _SHORT_FORMS.get(event.tag) if event.tag else None
            if short is not None:  # `!GetAtt [Resource, Attribute]` included: the list is the long form's value
                result = empty_ldict(line, column)
                result.set_located(short, opened, pos, pos)
            anchor = event.anchor
            if anchor:
                open_anchors.add(anchor)
            stack.append((container, key, key_pos, merges, result, anchor, count, pos))
            container = opened
            key = _NO_KEY if kind is MappingStartEvent else _IN_SEQUENCE
            merges = None
            continue

        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            if merges:
                _apply_merges(container, merges)
            container, key, key_pos, merges, value, anchor, start_count, pos = stack.pop()
            if anchor:
                open_anchors.discard(anchor)
                anchors[anchor] = (value, count - start_count + 1)

        elif kind is AliasEvent:
            mark = event.start_mark
            line = mark.line + 1
            column = mark.column + 1
            name = event.anchor
            if name in open_anchors:
                raise SourceError(f"recursive YAML alias *{name} refers to a node that contains it", line, column)
            if name not in anchors:
                raise SourceError(f"YAML alias *{name} refers to no anchor", line, column)
            value, size = anchors[name]
            count += size
            if count > budget:
                raise _bomb(budget, event)
            if key is _NO_KEY:
                if isinstance(value, (dict, list)):
                    raise SourceError("YAML mapping keys must be plain values, not lists or mappings", line, column)
                key = LStr("null" if value is None else str(value), line, column)
                key_pos = (line, column)
                continue
            pos = (line, column)

        elif kind is DocumentStartEvent:
            anchors = {}  # anchors are scoped to their document
            open_anchors = set()
            root = None
            duplicates = 0
            continue
        elif kind is DocumentEndEvent:
            mark_duplicate_free(root, duplicates)
            documents.append(root)
            continue
        elif event is None:  # past the end of the stream
            return documents
        else:  # the stream's start and end
            continue

        # A value is complete: put it into the innermost collection.
        if key is _IN_SEQUENCE:
            container.append(value)
            container.item_positions.append(pos)
        elif key is _AT_ROOT:
            root = value
        elif key is _MERGE:
            if merges is None:
                merges = []
            merges.append(value)
            key = _NO_KEY
        else:
            if key in container:
                container.duplicate_keys.append((key, key_pos))
                duplicates += 1
            container[key] = value
            container.key_positions[key] = key_pos
            container.value_positions[key] = pos
            key = _NO_KEY


def _scalar_value(event: Any, text: str, line: int, column: int) -> Any:
    """The value of a scalar that may not be text: a plain one that may be typed, or a tagged one."""
    tag = event.tag
    raw = event.value
    if tag is None or tag == "!":
        if not event.implicit[0]:
            return LStr(raw, line, column)
        value = _PLAIN_VALUES.get(raw, _UNSEEN)
        if value is _UNSEEN:
            value = _plain_value(raw, line, column)
    else:
        short = _SHORT_FORMS.get(tag)
        if short is not None:
            return _short_form(short, event, text, line, column)
        value = _typed_value(tag, raw, line, column)
    return LStr(raw, line, column) if value is _TEXT else value


def _plain_value(raw: str, line: int, column: int) -> Any:
    """What a plain scalar that may be typed stands for: its value, or `_TEXT`.

    Only the text decides, so the answer is remembered (`true`, `80` and `2012-10-17` come back
    thousands of times)."""
    tag = _STR_TAG
    for implicit_tag, pattern in _IMPLICIT_RESOLVERS.get(raw[:1], ()):
        if pattern.match(raw):
            tag = implicit_tag
            break
    value = _typed_value(tag, raw, line, column)
    if len(_PLAIN_VALUES) < _PLAIN_VALUES_MAX:
        _PLAIN_VALUES[raw] = value
    return value


def _short_form(long_form: str, event: Any, text: str, line: int, column: int) -> LDict:
    """`!Ref x` as `{"Ref": "x"}`, `!GetAtt a.b` as `{"Fn::GetAtt": ["a", "b"]}`, positioned
    where the tag is written; the value's own position is where its text starts."""
    raw = event.value
    inner_line, inner_column = _after_tag(event, text, line, column)
    inner: Any = LStr(raw, inner_line, inner_column)
    if long_form == "Fn::GetAtt":
        resource, _, attribute = raw.partition(".")
        inner = empty_llist(inner_line, inner_column)
        inner.append_located(LStr(resource, inner_line, inner_column), (inner_line, inner_column))
        if _:
            attribute_column = inner_column + len(resource) + 1
            inner.append_located(LStr(attribute, inner_line, attribute_column), (inner_line, attribute_column))
    wrapper = empty_ldict(line, column)
    wrapper.set_located(long_form, inner, (line, column), (inner_line, inner_column))
    return wrapper


def _typed_value(tag: str, raw: str, line: int, column: int) -> Any:
    """A scalar's value by its (resolved or explicit) tag, or `_TEXT`."""
    if tag == _NULL_TAG:
        return None
    converter = _CONVERTERS.get(tag)
    if converter is None:
        return _TEXT  # strings, timestamps, binary, unknown tags: the text as written
    try:
        return converter(ScalarNode(tag, raw))
    except (ValueError, KeyError, IndexError, TypeError, ConstructorError, OverflowError):
        raise SourceError(f"YAML error: {raw[:40]!r} is not a valid {tag.rsplit(':', 1)[-1]}", line, column) from None


# What may follow the one space after a tag for `_after_tag` to know the value starts there:
# anything but the end, more space, or another property (a tag or an anchor).
_NOT_A_VALUE_START = frozenset(("", " ", "\t", "\r", "\n", "!", "&"))


def _after_tag(event: Any, text: str, line: int, column: int) -> Pos:
    """`_after_properties(text, event.start_mark)` without the regular expression in the usual
    case, `!Ref Name`: the tag written as the event gives it, no anchor, one space, the value.
    (`line` and `column` are the event's start; tests/test_document_speed3.py compares both.)"""
    tag = event.tag
    start = event.start_mark.index
    end = start + len(tag)
    if (
        event.anchor is None
        and text.startswith(tag, start)
        and text[end : end + 1] == " "
        and text[end + 1 : end + 2] not in _NOT_A_VALUE_START
    ):
        return line, column + len(tag) + 1
    return _after_properties(text, event.start_mark)


def _after_properties(text: str, mark: Any) -> Pos:
    """Where a tagged scalar's text starts: past its tag and anchor."""
    start = mark.index
    end = _PROPERTIES.match(text, start).end()
    newlines = text.count("\n", start, end)
    if newlines:
        return mark.line + 1 + newlines, end - text.rfind("\n", start, end)
    return mark.line + 1, mark.column + 1 + end - start


def _bomb(budget: int, event: Any) -> SourceError:
    mark = event.start_mark
    return SourceError(f"YAML alias expansion exceeds {budget} nodes (possible alias bomb)", mark.line + 1, mark.column + 1)


def _apply_merges(mapping: LDict, merges: list[Any]) -> None:
    """`<<: *base` (or a list of them): keys written in the mapping win, then earlier sources."""
    sources: list[Any] = []
    for merge in merges:
        sources.extend(merge if isinstance(merge, list) else [merge])
    for source in sources:
        if not isinstance(source, dict):
            continue
        for key, value in source.items():
            if key in mapping:
                continue
            mapping[key] = value
            if isinstance(source, LDict):
                mapping.key_positions[key] = source.key_pos(key)
                mapping.value_positions[key] = source.value_pos(key)


def _line_column(text: str, index: int) -> Pos:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _one_line(message: str) -> str:
    return " ".join(message.split())
