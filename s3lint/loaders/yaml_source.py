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
"""

from __future__ import annotations

from typing import Any

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

from s3lint.source import LDict, LList, LStr, Pos, SourceError

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
_MERGE_TAG = _TAG + "merge"

_RESOLVER = Resolver()
_CONSTRUCTOR = SafeConstructor()
_CONVERTERS = {
    _TAG + "bool": _CONSTRUCTOR.construct_yaml_bool,
    _TAG + "int": _CONSTRUCTOR.construct_yaml_int,
    _TAG + "float": _CONSTRUCTOR.construct_yaml_float,
}

_MAPPING = 0
_SEQUENCE = 1
_NO_KEY = object()  # a mapping frame waiting for its next key
_MERGE = object()  # the pending key is `<<`


class _Frame:
    """One open collection on the build stack."""

    __slots__ = ("kind", "container", "result", "anchor", "key", "key_pos", "merges", "start_count", "pos")

    def __init__(self, kind: int, container: Any, result: Any, anchor: str | None, start_count: int, pos: Pos) -> None:
        self.kind = kind
        self.container = container  # the LDict/LList being filled
        self.result = result  # what the parent receives: the container, or its short-form wrapper
        self.anchor = anchor
        self.key: Any = _NO_KEY
        self.key_pos: Pos = (0, 0)
        self.merges: list[Any] = []  # values of `<<` merge keys, applied when the mapping closes
        self.start_count = start_count
        self.pos = pos


def parse_yaml(text: str, path: str) -> list[Any]:
    """Parse every document of a YAML stream; raise `SourceError` for anything malformed."""
    builder = _Builder(text)
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            builder.feed(event)
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
    return builder.documents


class _Builder:
    """Turns the event stream into located trees, one event at a time."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.documents: list[Any] = []
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int]] = {}  # anchor -> (value, expanded node count)
        self.open_anchors: set[str] = set()
        self.root: Any = None
        self.count = 0
        self.budget = max(100_000, 20 * len(text))

    # -- events ---------------------------------------------------------------------------

    def feed(self, event: Any) -> None:
        kind = type(event)
        if kind is ScalarEvent:
            self._scalar(event)
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            self._start(event, _MAPPING if kind is MappingStartEvent else _SEQUENCE)
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            self._end()
        elif kind is AliasEvent:
            self._alias(event)
        elif kind is DocumentStartEvent:
            self.anchors = {}  # anchors are scoped to their document
            self.open_anchors = set()
            self.root = None
        elif kind is DocumentEndEvent:
            self.documents.append(self.root)

    def _scalar(self, event: Any) -> None:
        self._count(1, event)
        line, column = event.start_mark.line + 1, event.start_mark.column + 1
        frame = self.stack[-1] if self.stack else None
        if frame is not None and frame.kind == _MAPPING and frame.key is _NO_KEY:
            tag = event.tag
            if tag is None and event.implicit[0] and _RESOLVER.resolve(ScalarNode, event.value, event.implicit) == _MERGE_TAG:
                frame.key = _MERGE
            else:
                frame.key = LStr(event.value, line, column)
            frame.key_pos = (line, column)
            if event.anchor:
                self.anchors[event.anchor] = (frame.key, 1)
            return
        value = self._scalar_value(event, line, column)
        if event.anchor:
            self.anchors[event.anchor] = (value, 1)
        self._add(value, (line, column))

    def _scalar_value(self, event: Any, line: int, column: int) -> Any:
        tag = event.tag
        raw = event.value
        if tag is None or tag == "!":
            if event.implicit[0]:
                tag = _RESOLVER.resolve(ScalarNode, raw, event.implicit)
            else:
                tag = _STR_TAG
        if tag == _STR_TAG:
            return LStr(raw, line, column)
        short = _SHORT_FORMS.get(tag)
        if short is not None:
            inner_line, inner_column = self._after_properties(event.start_mark)
            inner: Any = LStr(raw, inner_line, inner_column)
            if short == "Fn::GetAtt":
                resource, _, attribute = raw.partition(".")
                inner = LList(line=inner_line, column=inner_column)
                inner.append_located(LStr(resource, inner_line, inner_column), (inner_line, inner_column))
                if _:
                    attribute_column = inner_column + len(resource) + 1
                    inner.append_located(LStr(attribute, inner_line, attribute_column), (inner_line, attribute_column))
            wrapper = LDict(line=line, column=column)
            wrapper.set_located(short, inner, (line, column), (inner_line, inner_column))
            return wrapper
        if tag == _TAG + "null":
            return None
        converter = _CONVERTERS.get(tag)
        if converter is None:
            return LStr(raw, line, column)  # timestamps, binary, unknown tags: the text as written
        try:
            return converter(ScalarNode(tag, raw))
        except (ValueError, KeyError, IndexError, TypeError, ConstructorError, OverflowError):
            raise SourceError(f"YAML error: {raw[:40]!r} is not a valid {tag.rsplit(':', 1)[-1]}", line, column) from None

    def _after_properties(self, mark: Any) -> Pos:
        """Where a tagged scalar's text starts: past its tag and anchor."""
        text = self.text
        index = mark.index
        line, column = mark.line + 1, mark.column + 1
        length = len(text)
        while index < length and text[index] in "!&":
            while index < length and text[index] not in " \t\r\n":
                index += 1
                column += 1
            while index < length and text[index] in " \t\r\n":
                if text[index] == "\n":
                    line += 1
                    column = 1
                else:
                    column += 1
                index += 1
        return line, column

    def _start(self, event: Any, kind: int) -> None:
        self._count(1, event)
        line, column = event.start_mark.line + 1, event.start_mark.column + 1
        if len(self.stack) >= MAX_DEPTH:
            raise SourceError(f"YAML nesting deeper than {MAX_DEPTH} levels", line, column)
        parent = self.stack[-1] if self.stack else None
        if parent is not None and parent.kind == _MAPPING and parent.key is _NO_KEY:
            raise SourceError("YAML mapping keys must be plain values, not lists or mappings", line, column)
        container: Any = LDict(line=line, column=column) if kind == _MAPPING else LList(line=line, column=column)
        result = container
        short = _SHORT_FORMS.get(event.tag) if event.tag else None
        if short is not None:  # `!GetAtt [Resource, Attribute]` included: the list is the long form's value
            result = LDict(line=line, column=column)
            result.set_located(short, container, (line, column), (line, column))
        if event.anchor:
            self.open_anchors.add(event.anchor)
        self.stack.append(_Frame(kind, container, result, event.anchor, self.count, (line, column)))

    def _end(self) -> None:
        frame = self.stack.pop()
        if frame.merges:
            _apply_merges(frame.container, frame.merges)
        if frame.anchor:
            self.open_anchors.discard(frame.anchor)
            self.anchors[frame.anchor] = (frame.result, self.count - frame.start_count + 1)
        self._add(frame.result, frame.pos)

    def _alias(self, event: Any) -> None:
        line, column = event.start_mark.line + 1, event.start_mark.column + 1
        name = event.anchor
        if name in self.open_anchors:
            raise SourceError(f"recursive YAML alias *{name} refers to a node that contains it", line, column)
        if name not in self.anchors:
            raise SourceError(f"YAML alias *{name} refers to no anchor", line, column)
        value, size = self.anchors[name]
        self._count(size, event)
        frame = self.stack[-1] if self.stack else None
        if frame is not None and frame.kind == _MAPPING and frame.key is _NO_KEY:
            if isinstance(value, (dict, list)):
                raise SourceError("YAML mapping keys must be plain values, not lists or mappings", line, column)
            frame.key = LStr("null" if value is None else str(value), line, column)
            frame.key_pos = (line, column)
            return
        self._add(value, (line, column))

    # -- helpers -------------------------------------------------------------------------

    def _add(self, value: Any, pos: Pos) -> None:
        if not self.stack:
            self.root = value
            return
        frame = self.stack[-1]
        if frame.kind == _SEQUENCE:
            frame.container.append_located(value, pos)
            return
        key = frame.key
        frame.key = _NO_KEY
        if key is _MERGE:
            frame.merges.append(value)
            return
        frame.container.set_located(key, value, frame.key_pos, pos)

    def _count(self, nodes: int, event: Any) -> None:
        self.count += nodes
        if self.count > self.budget:
            mark = event.start_mark
            raise SourceError(
                f"YAML alias expansion exceeds {self.budget} nodes (possible alias bomb)",
                mark.line + 1,
                mark.column + 1,
            )


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
