"""Terraform files into a small expression tree: HCL native syntax through tree-sitter, and
the JSON syntax (`.tf.json`) into the same tree.

The tree is plain Python objects with 1-based line/column on every node, so that the
evaluator never touches tree-sitter and a finding can point at the exact attribute.  Block
bodies and the expressions of arguments are converted only when first read: most of a
configuration (VPCs, instances, ...) is never looked at by an S3 linter.

Most lines of a configuration are simple (a block header, `}`, `name = "leaf"`, ...): they
are read by `parse_by_lines` without tree-sitter, and so are objects, tuples and heredocs
whose every line is simple (`_nested_value`); tree-sitter reads only the other arguments.
Any doubt sends the whole file to the general path (`parse_hcl_with_tree_sitter`), and
tests/test_terraform_speed3.py and tests/test_terraform_speed4_nested.py compare the two.

Reading Terraform is most of a scan's time, so three things are done for speed, each with
the general way it stands in for kept as the fallback (and compared with it in
tests/test_terraform_hcl_fast_paths.py): tree-sitter is given a text that parses to the
same tree from fewer tokens (`quicker_to_parse`); simple leaves, arguments and object
elements are built from the source text instead of from syntax nodes (`_leaf`); a node's
properties are read once.

Conversion recurses over expressions with a hard depth bound (`MAX_DEPTH`); anything nested
deeper becomes an `Invalid` node, which evaluates to Unknown.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, Iterator

from s3lint.model import LoadError

MAX_DEPTH = 120  # expression nesting converted; deeper input evaluates to Unknown

# ---------------------------------------------------------------------------------------
# The tree
# ---------------------------------------------------------------------------------------


class Node:
    __slots__ = ("line", "column", "end_line", "end_column")

    def at(self, pos: tuple[int, int, int, int]) -> "Node":
        self.line, self.column, self.end_line, self.end_column = pos
        return self


class Literal(Node):
    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


class Template(Node):
    """A string template.  `parts` are literal strings (escapes already decoded) and nodes.

    `content_pos` is where the first character of the content is written, which maps a
    JSON document written in a heredoc back to lines of the .tf file."""

    __slots__ = ("parts", "content_pos")

    def __init__(self, parts: list[Any], content_pos: tuple[int, int]) -> None:
        self.parts = parts
        self.content_pos = content_pos


class TemplateIf(Node):
    __slots__ = ("condition", "then_parts", "else_parts")

    def __init__(self, condition: Node, then_parts: list[Any], else_parts: list[Any]) -> None:
        self.condition = condition
        self.then_parts = then_parts
        self.else_parts = else_parts


class TemplateFor(Node):
    __slots__ = ("key_var", "value_var", "collection", "parts")

    def __init__(self, key_var: str | None, value_var: str, collection: Node, parts: list[Any]) -> None:
        self.key_var = key_var
        self.value_var = value_var
        self.collection = collection
        self.parts = parts


class TupleCons(Node):
    __slots__ = ("items",)

    def __init__(self, items: list[Node]) -> None:
        self.items = items


class ObjectCons(Node):
    """`{ key = value, ... }`; a bare identifier key is already a `Literal` string."""

    __slots__ = ("items",)

    def __init__(self, items: list[tuple[Node, Node]]) -> None:
        self.items = items


class Variable(Node):
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


class GetAttr(Node):
    __slots__ = ("target", "name")

    def __init__(self, target: Node, name: str) -> None:
        self.target = target
        self.name = name


class Index(Node):
    __slots__ = ("target", "key")

    def __init__(self, target: Node, key: Node) -> None:
        self.target = target
        self.key = key


class Splat(Node):
    """`target[*].a.b` / `target.*.a`: `steps` ("attr", name) / ("index", node) apply to each item."""

    __slots__ = ("target", "steps")

    def __init__(self, target: Node, steps: list[tuple[str, Any]]) -> None:
        self.target = target
        self.steps = steps


class Call(Node):
    __slots__ = ("name", "args", "expand")

    def __init__(self, name: str, args: list[Node], expand: bool) -> None:
        self.name = name
        self.args = args
        self.expand = expand


class Conditional(Node):
    __slots__ = ("condition", "true", "false")

    def __init__(self, condition: Node, true: Node, false: Node) -> None:
        self.condition = condition
        self.true = true
        self.false = false


class BinaryOp(Node):
    __slots__ = ("op", "left", "right")

    def __init__(self, op: str, left: Node, right: Node) -> None:
        self.op = op
        self.left = left
        self.right = right


class UnaryOp(Node):
    __slots__ = ("op", "operand")

    def __init__(self, op: str, operand: Node) -> None:
        self.op = op
        self.operand = operand


class ForExpr(Node):
    __slots__ = ("key_var", "value_var", "collection", "key", "value", "condition", "group")

    def __init__(
        self,
        key_var: str | None,
        value_var: str,
        collection: Node,
        key: Node | None,
        value: Node,
        condition: Node | None,
        group: bool,
    ) -> None:
        self.key_var = key_var
        self.value_var = value_var
        self.collection = collection
        self.key = key  # None: a tuple `[for ...]`, else an object `{for ... : k => v}`
        self.value = value
        self.condition = condition
        self.group = group


class Invalid(Node):
    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


class Attribute:
    """`name = expr`.  An attribute read from a file converts its expression on first
    access (`lazy`): a configuration holds many arguments no S3 check ever evaluates."""

    __slots__ = ("name", "_expr", "_make", "path", "line", "column", "end_line", "end_column", "location")

    def __init__(self, name: str, expr: Node | None, path: str, pos: tuple[int, int, int, int]) -> None:
        self.name = name
        self._expr = expr
        self._make: Any = None
        self.path = path
        self.line, self.column, self.end_line, self.end_column = pos
        self.location: Any = None  # its `s3lint.source.Location`, once a view has made it

    @classmethod
    def lazy(cls, name: str, path: str, pos: tuple[int, int, int, int], make: Any) -> "Attribute":
        """An attribute whose expression is `make()`, called once, when first read."""
        attribute = cls(name, None, path, pos)
        attribute._make = make
        return attribute

    @property
    def expr(self) -> Node:
        expr = self._expr
        if expr is None:
            make, self._make = self._make, None
            expr = self._expr = make()
        return expr


class Body:
    __slots__ = ("attributes", "blocks")

    def __init__(self) -> None:
        self.attributes: dict[str, Attribute] = {}
        self.blocks: list[Block] = []

    def blocks_of(self, block_type: str) -> list["Block"]:
        return [block for block in self.blocks if block.type == block_type]


class Block:
    """A block; its body is converted from the syntax tree on first access."""

    __slots__ = ("type", "labels", "path", "line", "column", "end_line", "end_column", "header_end", "_body", "_make", "header_location")

    def __init__(
        self,
        block_type: str,
        labels: list[str],
        path: str,
        pos: tuple[int, int, int, int],
        header_end: tuple[int, int],
        body: Body | None = None,
        make: Any = None,
    ) -> None:
        self.type = block_type
        self.labels = labels
        self.path = path
        self.line, self.column, self.end_line, self.end_column = pos
        self.header_end = header_end
        self._body = body
        self._make = make
        self.header_location: Any = None  # the header's `s3lint.source.Location`, once a view has made it

    @property
    def body(self) -> Body:
        if self._body is None:
            make, self._make = self._make, None
            self._body = make() if make is not None else Body()
        return self._body


class ParsedFile:
    __slots__ = ("path", "blocks", "attributes", "errors")

    def __init__(self, path: str) -> None:
        self.path = path
        self.blocks: list[Block] = []
        self.attributes: dict[str, Attribute] = {}  # a .tfvars file is only attributes
        self.errors: list[LoadError] = []


# ---------------------------------------------------------------------------------------
# Native syntax through tree-sitter
# ---------------------------------------------------------------------------------------

_PARSER: Any = None


def _parser() -> Any:
    """tree-sitter is imported only when a Terraform file is actually read."""
    global _PARSER
    if _PARSER is None:
        import tree_sitter
        import tree_sitter_hcl

        _PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_hcl.language()))
    return _PARSER


_BLOCK_HEADER = re.compile(rb'^[A-Za-z_][\w-]*(?:[ \t]+(?:"[^"\n]*"|[A-Za-z_][\w-]*))*[ \t]*\{', re.M)
MAX_RECOVERIES = 50


def parse_hcl(path: str, data: bytes) -> ParsedFile:
    """Parse one .tf/.tfvars file.  A syntax error is recorded and the top-level block it
    sits in is blanked out, so the rest of the file is still read."""
    by_lines = parse_by_lines(path, data)
    if by_lines is not None:
        return by_lines
    return parse_hcl_with_tree_sitter(path, data)


def parse_hcl_with_tree_sitter(path: str, data: bytes) -> ParsedFile:
    """`parse_hcl` for any file: the whole text through tree-sitter."""
    parsed = ParsedFile(path)
    parser = _parser()
    quicker, heredocs = quicker_to_parse(data)
    tree = parser.parse(quicker)
    if tree.root_node.has_error or not _heredocs_in_place(tree.root_node, heredocs):
        tree = parser.parse(data)  # errors are found, reported and recovered from in the text as written
    for _ in range(MAX_RECOVERIES):
        error = _first_error(tree.root_node)
        if error is None:
            break
        line, column = error.start_point.row + 1, error.start_point.column + 1
        parsed.errors.append(LoadError(path, _error_message(error, data), line, column))
        data = _blank_block_at(data, error.start_byte, _region_start(tree.root_node, error, data))
        tree = parser.parse(data)
    else:
        if _first_error(tree.root_node) is not None:
            return parsed  # hopeless: keep the errors, read nothing

    converter = _Converter(data, path)
    root = tree.root_node
    body = next((child for child in root.children if child.type == "body"), None)
    if body is None:
        return parsed
    for child in body.children:
        if child.type == "attribute":
            attribute = converter.attribute(child)
            parsed.attributes[attribute.name] = attribute
        elif child.type == "block":
            parsed.blocks.append(converter.block(child))
    return parsed


# Parsing speed.  tree-sitter-hcl makes every character of a quoted string a token of its
# own, and a configuration is mostly quoted strings.  An escape sequence is one token, so
# the text of a plain string (`"arn:aws:s3:::logs/*"`) is handed to the parser as escapes
# of the same length (`"\U0010FFFF\uFFFF\n\n"`): the tree has the same nodes at the same
# positions, and the converter reads every string from the text as written.
#
# Strings are paired from the left of each line; the rest of a line is left alone from the
# first string that holds `${` or `%{` (its quotes may be those of strings inside the
# interpolation).  Only a run of characters that cannot end or start a string, an
# interpolation, a heredoc's last line or a comment is replaced: no quote, `\`, `$`, `%`,
# brackets, tabs, `#`, line break or `*/`, and no space at either end (the parser leaves
# those out of the string's literal text node).  A run that is not the text of a string after
# all is text in a comment or a heredoc (where it changes nothing) or code between two
# strings (where the escapes are a syntax error: the text as written is then parsed again,
# see `parse_hcl`).
_QUOTED = re.compile(
    rb'"(?:'
    rb'([A-Za-z0-9_.:@+=,!?^|&<>;\'*/-][A-Za-z0-9_.:@+=,!?^|&<>;\'*/ -]{0,1021}[A-Za-z0-9_.:@+=,!?^|&<>;\'*/-])"'  # a plain string: replaced
    rb'|(?:[^"\\\n$%]|\\.|[$%](?!\{))*"'  # any other string without a template: kept
    rb"|[^\n]*"  # a template, or no closing quote: the rest of the line is kept
    rb")"
)
_AS_ESCAPES = [b""] * 1024


def _escapes(length: int) -> bytes:
    """A quoted string of `length` characters of escape sequences (the fewest tokens)."""
    text = b"\\U0010FFFF" * (length // 10) + b"\\uFFFF" * (length % 10 // 6) + b"\\n" * (length % 10 % 6 // 2)
    return b'"' + text + b"x" * (length % 2) + b'"'


def _as_escapes(match: re.Match[bytes]) -> bytes:
    text = match[1]
    if text is None or b"*/" in text:
        return match[0]
    quoted = _AS_ESCAPES[len(text)]
    if not quoted:
        quoted = _AS_ESCAPES[len(text)] = _escapes(len(text))
    return quoted


# Heredocs: every character of a heredoc's text is a token too, but blanks are skipped.  In
# the text of a heredoc, every character but blanks, `$`, `%`, braces, the interpolations
# (`${...}`, `%{...}`, each on one line, without braces or quotes inside) and the first and
# last character of each stretch of literal text between them is handed to the parser as a
# space: the literal text nodes keep their ends.  Only ASCII heredocs in which no line could
# be taken for the closing one are treated.  The parser must then find each of them exactly
# where it was found here (`_heredocs_in_place`), which proves that `<<` started a heredoc
# (not text in a string or a comment) and that it ends at the line taken for its end.
_HEREDOC_START = re.compile(rb"<<-?([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\n")
_TEMPLATE_SEQUENCE = re.compile(rb"[$%]\{[^{}\"\n]*\}")
_BLANKED = bytes(b if b in b" \t\n\r\x0b\x0c$%{}" else 32 for b in range(256))


def _blank_heredocs(data: bytes) -> tuple[bytes, list[tuple[int, int]]]:
    """`data` with the text of heredocs blanked (see above), and the (start, end) of each
    heredoc so treated, from its `<<` to the end of its closing identifier."""
    out: bytearray | None = None
    treated: list[tuple[int, int]] = []
    position = 0
    while True:
        start = _HEREDOC_START.search(data, position)
        if start is None:
            break
        identifier = start[1]
        # (`re` keeps the few identifiers in use compiled)
        end = re.compile(rb"^[ \t]*(" + re.escape(identifier) + rb")[ \t]*\n", re.M).search(data, start.end())
        if end is None:
            break  # not searched again for each later `<<`: that could take quadratic time
        position = end.end()
        text = data[start.end() : end.start()]
        sequences = _TEMPLATE_SEQUENCE.findall(text)
        if identifier in text or not text.isascii() or len(sequences) != text.count(b"${") + text.count(b"%{"):
            continue
        if out is None:
            out = bytearray(data)
        out[start.end() : end.start()] = _blank_literal_text(text)
        treated.append((start.start(), end.end(1)))
    return (bytes(out) if out is not None else data), treated


def _blank_literal_text(text: bytes) -> bytes:
    pieces: list[bytes] = []
    cursor = 0
    for sequence in _TEMPLATE_SEQUENCE.finditer(text):
        pieces.append(_blank_stretch(text[cursor : sequence.start()]))
        pieces.append(sequence[0])
        cursor = sequence.end()
    pieces.append(_blank_stretch(text[cursor:]))
    return b"".join(pieces)


def _blank_stretch(stretch: bytes) -> bytes:
    """A stretch of literal text with all but its first and last non-blank character blanked."""
    first = len(stretch) - len(stretch.lstrip())
    last = len(stretch.rstrip()) - 1
    if last - first < 2:
        return stretch
    return stretch[: first + 1] + stretch[first + 1 : last].translate(_BLANKED) + stretch[last:]


def _heredocs_in_place(root: Any, heredocs: list[tuple[int, int]]) -> bool:
    """Whether each treated heredoc is a heredoc of the parsed tree, at the very same place."""
    for start, end in heredocs:
        node = root.descendant_for_byte_range(start, end)
        while node is not None and node.type != "heredoc_template":
            node = node.parent
        if node is None or node.start_byte != start or node.end_byte != end:
            return False
    return True


def quicker_to_parse(data: bytes) -> tuple[bytes, list[tuple[int, int]]]:
    """`data` with heredocs blanked and the text of plain quoted strings replaced by escape
    sequences of the same length (see above): the same syntax tree, built from fewer tokens,
    provided the parser finds the heredocs listed, at the places given, and no error."""
    blanked, heredocs = _blank_heredocs(data)
    return _QUOTED.sub(_as_escapes, blanked), heredocs


def _first_error(root: Any) -> Any:
    if not root.has_error:
        return None
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            return node
        stack.extend(reversed([child for child in node.children if child.has_error or child.is_missing]))
    return root


def _error_message(node: Any, data: bytes) -> str:
    if node.is_missing:
        return f"syntax error: missing {node.type!r}"
    text = data[node.start_byte : node.end_byte].split(b"\n", 1)[0][:40].decode("utf-8", "replace").strip()
    return f"syntax error near {text!r}" if text else "syntax error"


def _region_start(root: Any, error: Any, data: bytes) -> int:
    """Where the damage starts: the top-level block around the error, or (for an error
    between blocks) the start of the error's line, so that a valid block before it is kept."""
    offset = error.start_byte
    body = next((child for child in root.children if child.type == "body"), root)
    for child in body.children:
        if child.start_byte <= offset < max(child.end_byte, child.start_byte + 1):
            if child.type == "block":
                return child.start_byte
            break
    return data.rfind(b"\n", 0, offset) + 1


def _blank_block_at(data: bytes, offset: int, start: int) -> bytes:
    """Replace, with spaces, the region from `start` to the next line that starts a
    top-level block after `offset`, keeping newlines so that every line keeps its number."""
    next_header = _BLOCK_HEADER.search(data, offset + 1)
    while next_header is not None and next_header.start() <= start:
        next_header = _BLOCK_HEADER.search(data, next_header.end())
    end = next_header.start() if next_header else len(data)
    blanked = bytes(b if b in (10, 13) else 32 for b in data[start:end])
    if blanked == data[start:end]:  # nothing left to blank here: drop the rest
        return data[:start] + bytes(b if b in (10, 13) else 32 for b in data[start:])
    return data[:start] + blanked + data[end:]


def _pos(node: Any) -> tuple[int, int, int, int]:
    start, end = node.start_point, node.end_point
    return (start.row + 1, start.column + 1, end.row + 1, end.column + 1)


_QUOTED_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)|\$\$\{|%%\{", re.S)
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def unescape_quoted(raw: str) -> str:
    def replace(match: re.Match[str]) -> str:
        text = match.group(0)
        if text == "$${":
            return "${"
        if text == "%%{":
            return "%{"
        code = match.group(1)
        if code[0] in "uU" and len(code) > 1:
            try:
                return chr(int(code[1:], 16))
            except ValueError:
                return text
        return _SIMPLE_ESCAPES.get(code, text)

    if "\\" not in raw and "$${" not in raw and "%%{" not in raw:
        return raw
    return _QUOTED_ESCAPE.sub(replace, raw)


def unescape_heredoc(raw: str) -> str:
    return raw.replace("$${", "${").replace("%%{", "%{")


_BINARY_OPS = {"+", "-", "*", "/", "%", "==", "!=", "<", ">", "<=", ">=", "&&", "||"}

# Fast paths.  Most expressions are leaves written on one line: a plain string, a whole
# number, or a name with `.name` traversals.  Their text says everything the syntax tree
# would, so they are built from the source bytes (positions counted from the node's start:
# tree-sitter columns count bytes too) without walking tree-sitter's nodes.  Whatever does
# not match exactly (escapes, `${`, comments, line breaks, other characters) takes the
# general path, and so does a fast path that would need a different depth check.
# The quantifiers are possessive (`*+`, `++`): what follows a name, a string's text or a
# number can never be a character of it, so giving some back cannot lead to a match, and
# `re` then does not try it (trying it made a line that is not simple cost several times
# as much as a simple one).
_NAME = rb"[A-Za-z_][A-Za-z0-9_-]*+"
_PLAIN_STRING = rb'"([^"\\$%\x00-\x1f]*+)"'  # no escapes, no template sequences
_LEAF = rb"(?:" + _PLAIN_STRING + rb"|([0-9]++)|(" + _NAME + rb"(?:\." + _NAME + rb")*+))"
_LEAF_EXPRESSION = re.compile(_LEAF)  # groups: string, number, traversal
_LEAF_ATTRIBUTE = re.compile(rb"(" + _NAME + rb")[ \t]*=[ \t]*(" + _LEAF + rb")")  # name, value, then the leaf's
_OBJECT_KEY = re.compile(rb"(?:(" + _NAME + rb")|" + _PLAIN_STRING + rb")[ \t]*[=:][ \t]*")  # name, string
_KEYWORD_VALUES = {"true": True, "false": False, "null": None}


def _leaf(string: bytes | None, number: bytes | None, traversal: bytes | None, line: int, column: int) -> Node | None:
    """The node for a `_LEAF` match whose text starts at (`line`, `column`); None for a
    keyword followed by traversals (`true.x`), left to the general path."""
    if string is not None:
        return _literal(string.decode("utf-8", "replace"), line, column, column + len(string) + 2)
    if number is not None:
        return _literal(parse_number(number.decode("ascii")), line, column, column + len(number))
    assert traversal is not None
    names = traversal.decode("ascii").split(".")
    first = names[0]
    end = column + len(first)
    if first in _KEYWORD_VALUES:
        return _literal(_KEYWORD_VALUES[first], line, column, end) if len(names) == 1 else None
    # `Variable(first).at(...)`, `GetAttr(node, name).at(...)`, built directly as in `_literal`
    variable = _new_node(Variable)
    variable.name = first
    variable.line = variable.end_line = line
    variable.column = column
    variable.end_column = end
    node: Node = variable
    for name in names[1:]:
        end += len(name) + 1
        step = _new_node(GetAttr)
        step.target = node
        step.name = name
        step.line = step.end_line = line
        step.column = column
        step.end_column = end
        node = step
    return node


_new_node = object.__new__


def _literal(value: Any, line: int, column: int, end_column: int) -> Literal:
    """`Literal(value).at((line, column, line, end_column))`, built directly: the fast
    paths make one for most arguments."""
    node = _new_node(Literal)
    node.value = value
    node.line = node.end_line = line
    node.column = column
    node.end_column = end_column
    return node


# Parsing less.  Most lines of a configuration are simple: a block header (`resource "a" "b" {`),
# a closing `}`, an argument whose value is a one-line leaf (`acl = "private"`, `count = 2`,
# `bucket = aws_s3_bucket.logs.id`), an object of such leaves written one element a line
# (`tags = {` ... `}`), a comment or nothing.  Such a line means the same wherever it stands
# outside a heredoc or a comment, so these lines are read here, by one regular expression
# each, into the very nodes the converter's fast paths build.  Only the arguments with any
# other value are handed to tree-sitter, as `included_ranges` of the text (positions stay
# those of the file); where such an argument ends is guessed from the indentation.  The file
# is read by `parse_hcl_with_tree_sitter` instead whenever anything is not certain: a line
# that is neither simple nor the start of an argument, CR line ends, unbalanced braces, or
# a tree-sitter result other than exactly one error-free argument starting at the start of
# each range handed over (a heredoc or block comment running past the end of its range
# cannot give that).  Checked against the general path in
# tests/test_terraform_speed3.py.
_KEYWORDS = frozenset({b"true", b"false", b"null", b"for", b"in", b"if", b"else", b"endif", b"endfor"})
_NOT_NAMES = frozenset({b"for", b"in", b"if", b"else", b"endif", b"endfor"})  # no variable is named so
_LEAF_TEXT = rb"(?:" + _PLAIN_STRING.replace(b"(", b"(?:") + rb"|[0-9]++|" + _NAME + rb"(?:\." + _NAME + rb")*+)"  # `_LEAF` without groups
_TUPLE_ITEM = re.compile(_LEAF + rb"[ \t]*+[,\]][ \t]*+")  # the leaf's groups
_SIMPLE_LINE = re.compile(
    rb"[ \t]*+(?:"
    rb"(\})"  # 1: a block's end
    rb"|(" + _NAME + rb")((?:[ \t]++(?:\"[^\"\\$%\x00-\x1f]*+\"|" + _NAME + rb"))*+)[ \t]*+(\{)"  # 2 type, 3 labels, 4 `{`
    rb"|(" + _NAME + rb")[ \t]*+=[ \t]*+(?:(\{)|" + _LEAF + rb")"  # 5 name, 6 `{` of an object, 7-9 the leaf's groups
    rb"|(?:#|//)[^\n]*"  # a comment
    rb"|(" + _NAME + rb")((?:[ \t]++(?:\"[^\"\\$%\x00-\x1f]*+\"|" + _NAME + rb"))*+)[ \t]*+(\{)[ \t]*+(\})"  # 10-13: an empty block
    rb"|(/\*)"  # 14: a block comment starts (only the rest of its last line is read)
    rb"|(" + _NAME + rb")[ \t]*+=[ \t]*+(\{\}|\[\])"  # 15 name, 16: an empty object or tuple
    rb"|(" + _NAME + rb")[ \t]*+=[ \t]*+(" + _NAME + rb")\((" + _NAME + rb"(?:\." + _NAME + rb")*)\)"  # 17 name, 18 `f(a.b)`, 19 its argument
    rb"|(" + _NAME + rb")[ \t]*+=[ \t]*+(\[[ \t]*+" + _LEAF_TEXT + rb"(?:[ \t]*+,[ \t]*+" + _LEAF_TEXT + rb")*+[ \t]*+\])"  # 20 name, 21 `[a, "b"]`
    rb")?[ \t]*(?:\n|\Z)"
)
_COMMENT_END = re.compile(rb"\*/[ \t]*(?:\n|\Z)")
_LABEL = re.compile(rb'"([^"]*)"|(' + _NAME + rb")")
_SIMPLE_ELEMENT = re.compile(
    rb"[ \t]*+(?:"
    rb"(\})"  # 1: the object's end
    rb"|(?:(" + _NAME + rb")|" + _PLAIN_STRING + rb")[ \t]*+[=:][ \t]*+" + _LEAF +  # 2 name, 3 string key, 4-6 the leaf's groups
    rb"|(?:#|//)[^\n]*"
    rb")?[ \t]*(?:\n|\Z)"
)
_ARGUMENT_START = re.compile(rb"[ \t]*+" + _NAME + rb"[ \t]*+=(?!=)")
_RANGE_PARSER: Any = None
MAX_SHARE_OF_RANGES = 0.5  # of a file's bytes; more in complex arguments: read it whole
# A file with more calls, conditionals and brackets than this is read whole at once: it is
# seldom mostly simple lines, and finding that out would cost a good part of its parse.
MOST_OPERATORS_PER_KB = 5


def _range_parser() -> Any:
    """A parser of its own: `included_ranges` stays set on it."""
    global _RANGE_PARSER
    if _RANGE_PARSER is None:
        import tree_sitter
        import tree_sitter_hcl

        _RANGE_PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_hcl.language()))
    return _RANGE_PARSER


class _Pending:
    """Stands in a body for an argument tree-sitter reads (`parse_by_lines`)."""

    __slots__ = ("attributes", "name", "start", "end", "row")

    def __init__(self, attributes: dict[str, Any], name: str, start: int, end: int, row: int) -> None:
        self.attributes = attributes
        self.name = name
        self.start = start  # byte range of its lines
        self.end = end
        self.row = row  # 0-based number of its first line


def _line_end(data: bytes, start: int) -> int:
    end = data.find(b"\n", start)
    return len(data) if end < 0 else end


_ARGUMENT_ENDS: dict[int, re.Pattern[bytes]] = {}


def _argument_end_pattern(indent: int) -> re.Pattern[bytes]:
    """The line break before the next line that is a `}` indented less than `indent` (one
    as much indented most likely ends an object of the argument), or a block header or the
    start of an argument indented by at most `indent`; or a heredoc's `<<ID` (group 1)."""
    pattern = _ARGUMENT_ENDS.get(indent)
    if pattern is None:
        close = rb"[ \t]{0,%d}\}[ \t]*(?:\n|\Z)|" % (indent - 1) if indent else b""
        item = _NAME + rb"[ \t]*=(?!=)|" + _NAME + rb'(?:[ \t]+(?:"[^"\n]*"|' + _NAME + rb"))*[ \t]*\{[ \t]*(?:\n|\Z)"
        pattern = _ARGUMENT_ENDS[indent] = re.compile(
            rb"\n(?=" + close + rb"[ \t]{0,%d}(?:" % indent + item + rb"))|<<-?([A-Za-z_][A-Za-z0-9_-]*)[ \t]*(?=\n)"
        )
    return pattern


def _argument_end(data: bytes, start: int, end: int) -> int:
    """The end (after its last line break) of the lines of an argument that starts on the
    line `start`..`end`: up to the next line, indented no more, that starts an item.
    Only a guess, which tree-sitter confirms (`parse_by_lines`)."""
    indent = len(data[start:end]) - len(data[start:end].lstrip(b" \t"))
    pattern = _argument_end_pattern(indent)
    size = len(data)
    position = start
    while True:
        found = pattern.search(data, position)
        if found is None:
            return size
        if found[1] is None:
            return found.end()
        # a heredoc: skip to its closing line, whatever the heredoc holds
        closing = re.compile(rb"^[ \t]*" + re.escape(found[1]) + rb"[ \t]*$", re.M).search(data, found.end() + 1)
        if closing is None:
            return size
        position = closing.end()


def parse_by_lines(path: str, data: bytes) -> ParsedFile | None:
    """`parse_hcl` read line by line, with tree-sitter for the complex arguments only
    (see above); None when the file must be read by `parse_hcl_with_tree_sitter`."""
    pending: list[_Pending] = []
    parsed = _read_lines(path, data, pending)
    if parsed is None:
        for marker in pending:
            # the body holding the marker is held by it: a reference cycle, which the loads
            # leave to reference counting alone (see `engine.paused_gc`)
            marker.attributes = {}
    return parsed


def _read_lines(path: str, data: bytes, pending: list[_Pending]) -> ParsedFile | None:
    """`parse_by_lines`, which puts in `pending` the argument it leaves to tree-sitter."""
    if b"\r" in data:
        return None
    if (data.count(b"(") + data.count(b"?") + data.count(b"[")) * 1000 > len(data) * MOST_OPERATORS_PER_KB:
        return None  # mostly complex arguments, most likely: see MAX_SHARE_OF_RANGES
    parsed = ParsedFile(path)
    # the bodies of the open blocks, innermost last; the block itself goes alongside
    stack: list[tuple[Block, dict[str, Any], list[Block]]] = []
    attributes: dict[str, Any] = parsed.attributes
    blocks: list[Block] = parsed.blocks
    simple_line = _SIMPLE_LINE.match
    size = len(data)
    in_ranges = 0  # bytes of the arguments left to tree-sitter
    most_in_ranges = size * MAX_SHARE_OF_RANGES
    start = 0
    number = 0
    # One turn a line; `start` is where the line starts, `number` its 1-based number.
    while start < size:
        number += 1
        if data[start] == 10:  # an empty line (what `simple_line` would find, sooner)
            start += 1
            continue
        match = simple_line(data, start)
        kind = match.lastindex if match is not None else 0
        name_group = 5  # where an argument's name is, for all but kinds 16, 19 and 21
        if kind == 7:  # `name = "string"`
            text = match[7]
            column = match.start(7) - start  # of the opening quote, 1-based
            value: Node | None = _literal(text.decode("utf-8", "replace"), number, column, column + len(text) + 2)
        elif kind == 1:  # `}`
            if not stack:
                return None
            block = stack.pop()[0]
            block.end_line = number
            block.end_column = match.start(1) - start + 2
            if stack:
                attributes, blocks = stack[-1][1], stack[-1][2]
            else:
                attributes, blocks = parsed.attributes, parsed.blocks
            start = match.end()
            continue
        elif kind == 4 or kind == 13:  # a block header, or an empty block on one line
            first = 2 if kind == 4 else 10
            block_type = match[first]
            labels: list[str] = []
            if match[first + 1]:
                for label in _LABEL.finditer(match[first + 1]):
                    if label[2] is not None:
                        if label[2] in _KEYWORDS:
                            return None
                        labels.append(label[2].decode("ascii"))
                    else:
                        labels.append(label[1].decode("utf-8", "replace"))
            if block_type in _KEYWORDS:
                return None
            body = Body()
            column = match.start(first) - start + 1
            header_end = (number, match.start(first + 2) - start + 2)
            if kind == 13:
                pos = (number, column, number, match.start(13) - start + 2)
                blocks.append(Block(block_type.decode("ascii"), labels, path, pos, header_end, body=body))
                start = match.end()
                continue
            block = Block(block_type.decode("ascii"), labels, path, (number, column, 0, 0), header_end, body=body)  # its end is set at its `}`
            blocks.append(block)
            stack.append((block, body.attributes, body.blocks))
            attributes, blocks = body.attributes, body.blocks
            start = match.end()
            continue
        elif kind == 14:  # `/*`: skip to the line it ends on, which must end there
            close = _COMMENT_END.search(data, match.end(14))
            if close is None or data.find(b"*/", match.end(14)) != close.start():
                return None
            number += data.count(b"\n", start, close.end()) - (1 if data[close.end() - 1 : close.end()] == b"\n" else 0)
            start = close.end()
            continue
        elif kind == 0 or kind is None:
            if match is not None:  # blank, or a comment
                start = match.end()
                continue
            value = None
        elif kind == 9:  # `name = a.b.c`
            traversal = match[9]
            value = None if traversal.split(b".", 1)[0] in _NOT_NAMES else _leaf(None, None, traversal, number, match.start(9) - start + 1)
        elif kind == 8:  # `name = 12`
            digits = match[8]
            column = match.start(8) - start + 1
            value = _literal(parse_number(digits.decode("ascii")), number, column, column + len(digits))
        elif kind == 16:  # `name = {}`, `name = []`
            name_group = 15
            column = match.start(16) - start + 1
            empty = ObjectCons([]) if match[16] == b"{}" else TupleCons([])
            value = empty.at((number, column, number, column + 2))
        elif kind == 19:  # `name = f(a.b)`: a function of one name (`type = list(string)`)
            name_group = 17
            function, argument = match[18], match[19]
            value = None
            if function not in _KEYWORDS and argument.split(b".", 1)[0] not in _NOT_NAMES:
                leaf = _leaf(None, None, argument, number, match.start(19) - start + 1)
                if leaf is not None:
                    column = match.start(18) - start + 1
                    value = Call(function.decode("ascii"), [leaf], False).at((number, column, number, match.end(19) - start + 2))
        elif kind == 21:  # `name = [a.b, "c", 1]`: leaves on one line
            name_group = 20
            value = _simple_tuple(data, match.start(21), match.end(21), number, start)
        else:  # kind 6: `name = {`, an object of one leaf element a line, up to its `}`
            value, last_line, after = _simple_object(data, match.end(), number, match.start(6) - start + 1)
        if value is not None and match[name_group] not in _KEYWORDS:
            # an argument read here; the object of kind 6 ends on a later line
            end_line, next_start = (last_line, after) if kind == 6 else (number, match.end())
            name = match[name_group].decode("ascii")
            attributes[name] = Attribute(name, value, path, (number, match.start(name_group) - start + 1, end_line, value.end_column))
            number, start = end_line, next_start
            continue
        end = _line_end(data, start)
        argument = _ARGUMENT_START.match(data, start, end)
        if argument is None:
            return None
        # an object or tuple over several lines, a template, ...: read here when its lines allow
        indent = start
        while data[indent] in (32, 9):
            indent += 1
        name_end = argument.end() - 1
        while data[name_end - 1] in (32, 9):
            name_end -= 1
        if data[indent:name_end] not in _KEYWORDS:
            value_start = argument.end()
            while value_start < end and data[value_start] in (32, 9):
                value_start += 1
            nested = _nested_value(data, value_start, number, start)
            if nested is not None:
                value, end_line, next_start = nested
                name = data[indent:name_end].decode("ascii")
                attributes[name] = Attribute(name, value, path, (number, indent - start + 1, end_line, value.end_column))
                number, start = end_line, next_start
                continue
        # any other argument: its lines go to tree-sitter
        stop = _argument_end(data, start, end)
        in_ranges += stop - start
        if in_ranges > most_in_ranges or (in_ranges > 2048 and in_ranges * 3 > stop * 2):
            # Mostly complex arguments (so far): tree-sitter reads the whole text sooner
            # than it hops over many ranges.
            return None
        name = data[start : argument.end() - 1].strip(b" \t").decode("ascii")
        marker = _Pending(attributes, name, start, stop, number - 1)
        attributes[name] = marker
        pending.append(marker)
        number += data.count(b"\n", start, stop) - 1
        start = stop
    if stack:
        return None
    if pending:
        try:
            if not _parse_pending(path, data, pending):
                return None
        except Exception:  # noqa: BLE001 - tree-sitter refusing the ranges: the general path reads the file
            return None
    return parsed


def _leaf_span(match: re.Match[bytes], first: int) -> tuple[int, int]:
    """Where the leaf of `match` starts and ends, its groups (string, number, traversal)
    numbered from `first`: a string's group leaves out the quotes."""
    if match[first] is not None:
        return match.start(first) - 1, match.end(first) + 1
    group = first + 1 if match[first + 1] is not None else first + 2
    return match.start(group), match.end(group)


def _simple_tuple(data: bytes, first: int, end: int, number: int, line_start: int) -> Node | None:
    """The tuple of leaves written from `first` (its `[`) to `end` (after its `]`) on line
    `number`, which starts at `line_start` (`_SIMPLE_LINE` has checked its form); None when
    an item is a leaf the converter leaves to the general path."""
    items: list[Node] = []
    position = first + 1
    while position < end:
        while data[position] in (32, 9):  # blanks before the item
            position += 1
        match = _TUPLE_ITEM.match(data, position, end)
        if match is None:
            return None
        traversal = match[3]
        if traversal is not None and traversal.split(b".", 1)[0] in _NOT_NAMES:
            return None
        leaf = _leaf(match[1], match[2], traversal, number, position - line_start + 1)
        if leaf is None:
            return None
        items.append(leaf)
        position = match.end()
    return TupleCons(items).at((number, first - line_start + 1, number, end - line_start + 1))


def _simple_object(data: bytes, start: int, number: int, brace_column: int) -> tuple[Node | None, int, int]:
    """The object opened by `{` at (`number`, `brace_column`) when each line from `start` up
    to its `}` is one leaf element (or nothing): (ObjectCons, the line of `}`, where the
    next line starts); (None, 0, 0) otherwise."""
    items: list[tuple[Node, Node]] = []
    simple_element = _SIMPLE_ELEMENT.match
    size = len(data)
    open_line = number
    while start < size:
        number += 1
        match = simple_element(data, start)
        if match is None:
            return None, 0, 0
        kind = match.lastindex
        if kind == 1:
            close = match.start(1) - start + 2
            return ObjectCons(items).at((open_line, brace_column, number, close)), number, match.end()
        if kind is not None:
            name = match[2]
            if name is not None:
                if name in _KEYWORDS:
                    return None, 0, 0
                column = match.start(2) - start + 1
                key: Node = _literal(name.decode("ascii"), number, column, column + len(name))
            else:
                string = match[3]
                column = match.start(3) - start
                key = _literal(string.decode("utf-8", "replace"), number, column, column + len(string) + 2)
            traversal = match[6]
            if traversal is not None and traversal.split(b".", 1)[0] in _NOT_NAMES:
                return None, 0, 0
            value = _leaf(match[4], match[5], traversal, number, _leaf_span(match, 4)[0] - start + 1)
            if value is None:
                return None, 0, 0
            items.append((key, value))
        start = match.end()
    return None, 0, 0


# Nested values.  Most arguments left to tree-sitter above are policies written with
# `jsonencode({` ... `})`, and lists or objects over several lines: an object or tuple
# opened at the end of a line, one element a line, each element a value on its line (a leaf,
# a template of plain text and `${a.b}` interpolations, a tuple of those) or an object or
# tuple opened at the end of the line, closed by a line of its own.  These are read here into
# the nodes the converter builds from tree-sitter's tree; any other line (a comment, an
# expression, two elements on a line, an escape, a missing comma between tuple items, ...)
# leaves the argument to tree-sitter as before.  Checked against the general path in
# tests/test_terraform_speed4_nested.py.
_TRAVERSAL = _NAME + rb"(?:\." + _NAME + rb")*+"
_TEMPLATE_STRING = rb'"((?:[^"\\$%\x00-\x1f]++|\$\{' + _TRAVERSAL + rb"\})*+)\""  # plain text and `${a.b}`
_INLINE_VALUE = rb"(?:" + _TEMPLATE_STRING + rb"|([0-9]++)|(" + _TRAVERSAL + rb"))"  # string or template, number, traversal
_INLINE_TEXT = _INLINE_VALUE.replace(b"(", b"(?:").replace(b"(?:?:", b"(?:")  # without groups
_NESTED_LINE = re.compile(
    rb"[ \t]*+(?:(?:(" + _NAME + rb")|" + _PLAIN_STRING + rb")[ \t]*+[=:][ \t]*+)?"  # 1 name key, 2 string key (object elements)
    rb"(?:(\{)|(\[)"  # 3 an object, 4 a tuple: opened at the line's end
    rb"|(\[[ \t]*+" + _INLINE_TEXT + rb"(?:[ \t]*+,[ \t]*+" + _INLINE_TEXT + rb")*+[ \t]*+\])"  # 5 a tuple on the line
    rb"|" + _INLINE_VALUE + rb")"  # 6 string or template, 7 number, 8 traversal
    rb"[ \t]*+(,?)[ \t]*+(?:\n|\Z)"  # 9 a comma after it
)
_NESTED_CLOSE = re.compile(rb"[ \t]*+([}\]])(\)?)[ \t]*+(,?)[ \t]*+(?:\n|\Z)")  # 1 `}`/`]`, 2 `)` of the call, 3 a comma
_INLINE_ITEM = re.compile(_INLINE_VALUE + rb"[ \t]*+[,\]][ \t]*+")  # groups of `_INLINE_VALUE`
_INTERPOLATION = re.compile(rb"\$\{(" + _TRAVERSAL + rb")\}")
_BLANK_LINE = re.compile(rb"[ \t]*+\n")
_NESTED_OPENING = re.compile(rb"(?:(" + _NAME + rb")\()?([{\[])[ \t]*+(?:\n|\Z)")  # 1 `f(` of `f({`, 2 `{` or `[`
MAX_NESTING = 20  # of objects and tuples read here (far from `MAX_DEPTH`); deeper: tree-sitter


def _inline_value(match: re.Match[bytes], first: int, number: int, line_start: int) -> Node | None:
    """The value of `match`'s `_INLINE_VALUE` groups numbered from `first` (string or
    template, number, traversal) on line `number`, which starts at `line_start`; None where
    the converter's result could differ (a keyword with traversals, `for`, ...)."""
    text = match[first]
    if text is not None:
        column = match.start(first) - line_start  # of the opening quote, 1-based
        if b"${" not in text:
            return _leaf(text, None, None, number, column)
        parts: list[Any] = []
        cursor = 0
        for interpolation in _INTERPOLATION.finditer(text):
            if interpolation.start() > cursor:
                parts.append(text[cursor : interpolation.start()].decode("utf-8", "replace"))
            traversal = interpolation[1]
            if traversal.split(b".", 1)[0] in _NOT_NAMES:
                return None
            leaf = _leaf(None, None, traversal, number, column + 1 + interpolation.start(1))
            if leaf is None:
                return None
            parts.append(leaf)
            cursor = interpolation.end()
        if cursor < len(text):
            parts.append(text[cursor:].decode("utf-8", "replace"))
        return Template(parts, (number, column + 1)).at((number, column, number, column + len(text) + 2))
    traversal = match[first + 2]
    if traversal is not None and traversal.split(b".", 1)[0] in _NOT_NAMES:
        return None
    group = first + 1 if traversal is None else first + 2
    return _leaf(None, match[first + 1], traversal, number, match.start(group) - line_start + 1)


def _inline_tuple(data: bytes, first: int, end: int, number: int, line_start: int) -> Node | None:
    """The tuple written from `first` (its `[`) to `end` (after its `]`) on line `number`
    (`_NESTED_LINE` has checked its form); None as for `_inline_value`."""
    items: list[Node] = []
    position = first + 1
    while position < end:
        while data[position] in (32, 9):  # blanks before the item
            position += 1
        match = _INLINE_ITEM.match(data, position, end)
        if match is None:
            return None
        item = _inline_value(match, 1, number, line_start)
        if item is None:
            return None
        items.append(item)
        position = match.end()
    return TupleCons(items).at((number, first - line_start + 1, number, end - line_start + 1))


class _Open:
    """An object or tuple being read by `_nested_value`."""

    __slots__ = ("node", "items", "key", "comma_due")

    def __init__(self, node: ObjectCons | TupleCons, key: Node | None) -> None:
        self.node = node  # its position is complete once its closing line is read
        self.items: list[Any] = node.items
        self.key = key  # the key it is the value of, in the enclosing object
        self.comma_due = False  # a tuple item without a comma was read: only `]` may follow


def _nested_value(data: bytes, start: int, number: int, line_start: int) -> tuple[Node, int, int] | None:
    """The value written from `start` on line `number` (which starts at `line_start`) to the
    end of its last line, when every line is of the forms above: (its node, the number of
    its last line, where the next line starts); None otherwise."""
    if data.startswith(b"<<", start):
        return _heredoc_value(data, start, number, line_start)
    size = len(data)
    opening = _NESTED_OPENING.match(data, start)
    if opening is None:
        # a value on one line: only a tuple or a template (the other values make a simple line)
        line = _NESTED_LINE.match(data, start)
        if line is None or line[1] is not None or line[2] is not None or line[9]:
            return None
        if line[5] is not None:
            value = _inline_tuple(data, line.start(5), line.end(5), number, line_start)
        elif line[6] is not None and b"${" in line[6]:
            value = _inline_value(line, 6, number, line_start)
        else:
            return None
        if value is None:
            return None
        return value, number, line.end()
    function = opening[1]
    if function is not None and function in _KEYWORDS:
        return None
    column = opening.start(2) - line_start + 1
    outer: ObjectCons | TupleCons = ObjectCons([]) if opening[2] == b"{" else TupleCons([])
    outer.line, outer.column = number, column
    stack = [_Open(outer, None)]
    position = opening.end()
    while position < size:
        number += 1
        line_start = position
        close = _NESTED_CLOSE.match(data, position)
        if close is not None:
            frame = stack.pop()
            node = frame.node
            if (close[1] == b"}") != isinstance(node, ObjectCons):
                return None
            node.end_line = number
            node.end_column = close.start(1) - line_start + 2
            if not stack:  # the outermost: ends the argument
                if close[3] or (close[2] != b"") != (function is not None):
                    return None
                if function is None:
                    return node, number, close.end()
                call = Call(function.decode("ascii"), [node], False)
                return call.at((outer.line, column - len(function) - 1, number, node.end_column + 1)), number, close.end()
            if close[2]:
                return None
            enclosing = stack[-1]
            if not _add_item(enclosing, frame.key, node, bool(close[3])):
                return None
            position = close.end()
            continue
        blank = _BLANK_LINE.match(data, position)
        if blank is not None:
            position = blank.end()
            continue
        line = _NESTED_LINE.match(data, position)
        if line is None:
            return None
        position = line.end()
        frame = stack[-1]
        key: Node | None = None
        name, string = line[1], line[2]
        if isinstance(frame.node, ObjectCons):
            if name is not None:
                if name in _KEYWORDS:
                    return None
                key_column = line.start(1) - line_start + 1
                key = _literal(name.decode("ascii"), number, key_column, key_column + len(name))
            elif string is not None:
                key_column = line.start(2) - line_start
                key = _literal(string.decode("utf-8", "replace"), number, key_column, key_column + len(string) + 2)
            else:
                return None
        elif name is not None or string is not None:
            return None
        if line[3] is not None or line[4] is not None:  # an object or a tuple opened
            if line[9] or len(stack) >= MAX_NESTING or frame.comma_due:
                return None
            group = 3 if line[3] is not None else 4
            opened: ObjectCons | TupleCons = ObjectCons([]) if group == 3 else TupleCons([])
            opened.line, opened.column = number, line.start(group) - line_start + 1
            stack.append(_Open(opened, key))
            continue
        if line[5] is not None:
            value = _inline_tuple(data, line.start(5), line.end(5), number, line_start)
        else:
            value = _inline_value(line, 6, number, line_start)
        if value is None or not _add_item(frame, key, value, bool(line[9])):
            return None
    return None


# A heredoc (`<<ID` ... `ID`, policies are often written so) is read here when its text is
# ASCII, holds no `%`, no `$` but those of `${a.b}` interpolations and not its identifier
# (which could end it early), and its closing line ends with a line break: then its lines are
# literal text, as tree-sitter reads them.
_HEREDOC_OPENING = re.compile(rb"<<([A-Za-z_][A-Za-z0-9_-]*+)[ \t]*+\n")
_HEREDOC_CLOSINGS: dict[bytes, re.Pattern[bytes]] = {}


def _heredoc_value(data: bytes, start: int, number: int, line_start: int) -> tuple[Node, int, int] | None:
    """`_nested_value` for a heredoc starting at `start` (its `<<`)."""
    opening = _HEREDOC_OPENING.match(data, start)
    if opening is None:
        return None
    identifier = opening[1]
    closing_pattern = _HEREDOC_CLOSINGS.get(identifier)
    if closing_pattern is None:
        if len(_HEREDOC_CLOSINGS) > 100:
            _HEREDOC_CLOSINGS.clear()
        closing_pattern = _HEREDOC_CLOSINGS[identifier] = re.compile(rb"^[ \t]*+(" + identifier + rb")[ \t]*+\n", re.M)  # (tree-sitter wants the line break)
    content_start = opening.end()
    closing = closing_pattern.search(data, content_start)
    if closing is None:
        return None
    content = data[content_start : closing.start()]
    if identifier in content or not content.isascii() or b"%" in content or b"\x00" in content:
        return None
    parts: list[Any] = []
    cursor = 0
    line = number + 1
    line_offset = 0  # where `line` starts in `content`
    for interpolation in _INTERPOLATION.finditer(content):
        if interpolation.start() > cursor:
            parts.append(content[cursor : interpolation.start()].decode("ascii"))
        line += content.count(b"\n", line_offset, interpolation.start())
        line_offset = content.rfind(b"\n", 0, interpolation.start()) + 1
        traversal = interpolation[1]
        if traversal.split(b".", 1)[0] in _NOT_NAMES:
            return None
        leaf = _leaf(None, None, traversal, line, interpolation.start(1) - line_offset + 1)
        if leaf is None:
            return None
        parts.append(leaf)
        cursor = interpolation.end()
    if content.count(b"$") != sum(1 for part in parts if not isinstance(part, str)):
        return None  # a `$` outside `${a.b}`
    if cursor < len(content):
        parts.append(content[cursor:].decode("ascii"))
    last_line = number + 1 + content.count(b"\n")
    pos = (number, start - line_start + 1, last_line, closing.end(1) - closing.start() + 1)
    return Template(parts, (number + 1, 1)).at(pos), last_line, closing.end()


def _add_item(frame: _Open, key: Node | None, value: Node, comma: bool) -> bool:
    """Adds an element to the object or tuple of `frame`; False where tree-sitter would not
    read it so (a tuple item after one without a comma)."""
    if key is not None:
        frame.items.append((key, value))
        return True
    if frame.comma_due:
        return False
    frame.items.append(value)
    frame.comma_due = not comma
    return True


def _parse_pending(path: str, data: bytes, pending: list[_Pending]) -> bool:
    """Reads the arguments `parse_by_lines` left to tree-sitter into their bodies; False
    when tree-sitter does not find exactly one error-free argument in each range."""
    import tree_sitter

    # the ranges, and the text tree-sitter reads: each range made quicker to parse (the
    # text between the ranges is never read)
    # Arguments with only blank lines between them are one range: tree-sitter takes a
    # while to move from one range to the next.
    spans: list[list[int]] = []  # [start, end, row]
    for item in pending:
        if spans and not data[spans[-1][1] : item.start].strip():
            spans[-1][1] = item.end
        else:
            spans.append([item.start, item.end, item.row])
    ranges = []
    pieces: list[bytes] = []
    heredocs: list[tuple[int, int]] = []
    cursor = 0
    for start, end, row in spans:
        end_row = row + data.count(b"\n", start, end)
        end_column = end - (data.rfind(b"\n", start, end) + 1 if end_row > row else start)
        ranges.append(tree_sitter.Range((row, 0), (end_row, end_column), start, end))
        quicker, treated = quicker_to_parse(data[start:end])
        pieces.append(data[cursor:start])
        pieces.append(quicker)
        heredocs.extend((start + first, start + last) for first, last in treated)
        cursor = end
    pieces.append(data[cursor:])
    quicker = b"".join(pieces)
    parser = _range_parser()
    parser.included_ranges = ranges
    tree = parser.parse(quicker)
    root = tree.root_node
    if root.has_error or not _heredocs_in_place(root, heredocs):
        return False
    body = next((child for child in root.children if child.type == "body"), None)
    if body is None:
        return False
    found = [child for child in body.children if child.type != "comment"]
    if len(found) != len(pending):
        return False
    converter = _Converter(data, path)
    for node, item in zip(found, pending):
        if node.type != "attribute" or node.start_byte < item.start or node.end_byte > item.end:
            return False
        if data[item.start : node.start_byte].strip(b" \t"):
            return False
        attribute = converter.attribute(node)
        if attribute.name != item.name:
            return False
        if item.attributes.get(item.name) is item:
            item.attributes[item.name] = attribute
    return True


class _Converter:
    """Turns tree-sitter nodes of one file into the tree above.

    Every argument of every file passes through here, and each property read on a
    tree-sitter node builds a Python object: a node's `type` is read once and handed on
    with it, `children` (cached by the node) is used instead of `child(i)` (not cached),
    and a string literal is sliced from the source between its quotes.  The tree is free
    of syntax errors here (`parse_hcl` blanks them out first)."""

    __slots__ = ("data", "path")

    def __init__(self, data: bytes, path: str) -> None:
        self.data = data
        self.path = path

    def text(self, node: Any) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8", "replace")

    # -- structure ------------------------------------------------------------------------

    def attribute(self, node: Any) -> Attribute:
        start, end = node.start_byte, node.end_byte
        match = _LEAF_ATTRIBUTE.fullmatch(self.data, start, end)
        if match is not None:
            at = node.start_point
            line, column = at.row + 1, at.column + 1
            expr = _leaf(match[3], match[4], match[5], line, column + match.start(2) - start)
            if expr is not None:
                pos = (line, column, line, column + end - start)
                return Attribute(match[1].decode("ascii"), expr, self.path, pos)
        return self._attribute(node)

    def _attribute(self, node: Any) -> Attribute:
        """`attribute` read from the syntax tree (any attribute)."""
        children = node.children
        expr_node = None
        for child in children:
            if child.type == "expression":
                expr_node = child
                break
        pos = _pos(node)
        name = self.text(children[0])
        if expr_node is None:
            return Attribute(name, Invalid("missing value").at(pos), self.path, pos)
        return Attribute.lazy(name, self.path, pos, lambda: self._expression(expr_node, 0))

    def block(self, node: Any) -> Block:
        block_type = ""
        labels: list[str] = []
        header_end = None
        body_node = None
        for child in node.children:
            kind = child.type
            if kind == "identifier":
                if not block_type:
                    block_type = self.text(child)
                else:
                    labels.append(self.text(child))
            elif kind == "string_lit":
                labels.append(self.string_lit(child))
            elif kind == "block_start":
                end = child.end_point
                header_end = (end.row + 1, end.column + 1)
            elif kind == "body":
                body_node = child
        if header_end is None:
            start = node.start_point
            header_end = (start.row + 1, start.column + 2)

        def make() -> Body:
            return self.body(body_node) if body_node is not None else Body()

        return Block(block_type, labels, self.path, _pos(node), header_end, make=make)

    def body(self, node: Any) -> Body:
        body = Body()
        for child in node.children:
            kind = child.type
            if kind == "attribute":
                attribute = self.attribute(child)
                body.attributes[attribute.name] = attribute
            elif kind == "block":
                body.blocks.append(self.block(child))
        return body

    # -- expressions ------------------------------------------------------------------------

    def expression(self, node: Any, depth: int) -> Node:
        return self._of_kind(node, node.type, depth)

    def _expression(self, node: Any, depth: int) -> Node:
        """`expression(node, depth)` for a node known to be an `expression`."""
        if depth > MAX_DEPTH:
            return Invalid("expression nested too deeply").at(_pos(node))
        if depth < MAX_DEPTH:  # the leaf itself is converted one level down
            match = _LEAF_EXPRESSION.fullmatch(self.data, node.start_byte, node.end_byte)
            if match is not None:
                at = node.start_point
                leaf = _leaf(match[1], match[2], match[3], at.row + 1, at.column + 1)
                if leaf is not None:
                    return leaf
        return self._expression_node(node, depth)

    def _of_kind(self, node: Any, kind: str, depth: int) -> Node:
        """`expression(node, depth)` with `node.type` already read."""
        if depth > MAX_DEPTH:
            return Invalid("expression nested too deeply").at(_pos(node))
        if kind == "expression":
            return self._expression_node(node, depth)
        method = self._DISPATCH.get(kind)
        if method is None:
            return Invalid(f"unsupported syntax {kind}").at(_pos(node))
        return method(self, node, depth)

    def _expression_node(self, node: Any, depth: int) -> Node:
        children = node.children
        if len(children) == 1:  # the usual case (no traversal, comment or parentheses): `_chain`'s first step
            only = children[0]
            kind = only.type
            if kind != "comment" and kind != "(":
                return self._of_kind(only, kind, depth + 1)
        kinds = [c.type for c in children]
        if "comment" in kinds:
            children = [c for c, kind in zip(children, kinds) if kind != "comment"]
            kinds = [kind for kind in kinds if kind != "comment"]
        if not children:
            return Invalid("empty expression").at(_pos(node))
        return self._chain(children, kinds, depth)

    def _chain(self, children: list[Any], kinds: list[str], depth: int) -> Node:
        """A base expression followed by traversals (`.a`, `[0]`, `[*]`), which tree-sitter
        gives as siblings (also inside operations).  `kinds` are the children's types."""
        first = children[0]
        if kinds[0] == "(":
            inner = next((c for c, kind in zip(children, kinds) if kind == "expression"), None)
            base = self._expression(inner, depth + 1) if inner is not None else Invalid("empty parentheses").at(_pos(first))
            index = next((i for i, kind in enumerate(kinds) if kind == ")"), len(children) - 1) + 1
        else:
            base = self._of_kind(first, kinds[0], depth + 1)
            index = 1
        if index >= len(children):
            return base
        start = first.start_point
        line, column = start.row + 1, start.column + 1
        for postfix, kind in zip(children[index:], kinds[index:]):
            end = postfix.end_point
            pos = (line, column, end.row + 1, end.column + 1)
            if kind == "get_attr":
                base = GetAttr(base, self._attr_name(postfix)).at(pos)
            elif kind == "index":
                base = Index(base, self._index_key(postfix, depth)).at(pos)
            elif kind == "splat":
                base = Splat(base, self._splat_steps(postfix, depth)).at(pos)
        return base

    def _attr_name(self, node: Any) -> str:
        ident = next((c for c in node.children if c.type == "identifier"), None)
        return self.text(ident) if ident is not None else ""

    def _index_key(self, node: Any, depth: int) -> Node:
        children = node.children
        if not children:
            return Invalid("bad index").at(_pos(node))
        inner = children[0]
        if inner.type == "legacy_index":
            digits = self.text(inner)[1:]
            try:
                return Literal(int(digits)).at(_pos(inner))
            except ValueError:
                return Invalid("bad index").at(_pos(inner))
        expr = next((c for c in inner.children if c.type == "expression"), None)
        return self._expression(expr, depth + 1) if expr is not None else Invalid("bad index").at(_pos(node))

    def _splat_steps(self, node: Any, depth: int) -> list[tuple[str, Any]]:
        steps: list[tuple[str, Any]] = []
        children = node.children
        for child in children[0].children if children else []:
            kind = child.type
            if kind == "get_attr":
                steps.append(("attr", self._attr_name(child)))
            elif kind == "index":
                steps.append(("index", self._index_key(child, depth)))
        return steps

    def _literal_value(self, node: Any, depth: int) -> Node:
        inner = node.children[0]
        pos = _pos(node)
        kind = inner.type
        if kind == "string_lit":
            return Literal(self.string_lit(inner)).at(pos)
        if kind == "numeric_lit":
            return Literal(parse_number(self.text(inner))).at(pos)
        if kind == "bool_lit":
            return Literal(self.text(inner) == "true").at(pos)
        if kind == "null_lit":
            return Literal(None).at(pos)
        return Invalid(f"unsupported literal {kind}").at(pos)

    def string_lit(self, node: Any) -> str:
        """The text between the quotes, escapes decoded."""
        data = self.data
        start = node.start_byte
        end = node.end_byte
        if end - start >= 2 and data[start] == 34 and data[end - 1] == 34:  # `"` ... `"`
            return unescape_quoted(data[start + 1 : end - 1].decode("utf-8", "replace"))
        children = node.children  # not reached for a well-formed string; kept for safety
        if children and children[0].type == "quoted_template_start":
            start = children[0].end_byte
        if len(children) > 1 and children[-1].type == "quoted_template_end":
            end = children[-1].start_byte
        return unescape_quoted(data[start:end].decode("utf-8", "replace"))

    def _collection_value(self, node: Any, depth: int) -> Node:
        inner = node.children[0]
        pos = _pos(node)
        if inner.type == "tuple":
            items = [self._expression(c, depth + 1) for c in inner.children if c.type == "expression"]
            return TupleCons(items).at(pos)
        items_: list[tuple[Node, Node]] = []
        for elem in inner.children:
            if elem.type != "object_elem":
                continue
            item = self._simple_item(elem, depth) if depth + 2 <= MAX_DEPTH else None  # its values are two levels down
            if item is None:
                item = self._object_item(elem, depth)
            if item is not None:
                items_.append(item)
        return ObjectCons(items_).at(pos)

    def _object_item(self, elem: Any, depth: int) -> tuple[Node, Node] | None:
        """(key, value) of an `object_elem` read from the syntax tree; None when malformed."""
        exprs = [c for c in elem.children if c.type == "expression"]
        if len(exprs) != 2:
            return None
        return (self._object_key(exprs[0], depth), self._expression(exprs[1], depth + 1))

    def _simple_item(self, elem: Any, depth: int) -> tuple[Node, Node] | None:
        """`_object_item` for an element whose key is a name or a plain string on the line of
        its `=`/`:`: the key is read from the text, and so is the value when it is a leaf.
        None for any other element."""
        data = self.data
        start, end = elem.start_byte, elem.end_byte
        match = _OBJECT_KEY.match(data, start, end)
        if match is None:
            return None
        at = elem.start_point
        line, column = at.row + 1, at.column + 1
        name, string = match[1], match[2]
        if name is not None:
            key_text = name.decode("ascii")
            if key_text in _KEYWORD_VALUES:
                return None  # `true = 1`: a literal key, left to the general path
            key: Node = _literal(key_text, line, column, column + len(name))
        else:
            key = _literal(string.decode("utf-8", "replace"), line, column, column + len(string) + 2)
        value_start = match.end()
        leaf = _LEAF_EXPRESSION.fullmatch(data, value_start, end)
        if leaf is not None:
            value = _leaf(leaf[1], leaf[2], leaf[3], line, column + value_start - start)
            return (key, value) if value is not None else None
        value_node = elem.children[-1]
        if value_node.start_byte != value_start or value_node.type != "expression":
            return None  # a comment between: left to the general path
        return key, self._expression(value_node, depth + 1)

    def _object_key(self, node: Any, depth: int) -> Node:
        """A bare identifier key is its own name, not a variable reference."""
        children = [c for c in node.children if c.type != "comment"]
        if len(children) == 1 and children[0].type == "variable_expr":
            return Literal(self.text(children[0])).at(_pos(node))
        return self._expression(node, depth + 1)

    def _variable_expr(self, node: Any, depth: int) -> Node:
        return Variable(self.text(node)).at(_pos(node))

    def _function_call(self, node: Any, depth: int) -> Node:
        children = node.children
        name = self.text(children[0])
        args: list[Node] = []
        expand = False
        arguments = next((c for c in children if c.type == "function_arguments"), None)
        if arguments is not None:
            for child in arguments.children:
                kind = child.type
                if kind == "expression":
                    args.append(self._expression(child, depth + 1))
                elif kind == "ellipsis":
                    expand = True
        return Call(name, args, expand).at(_pos(node))

    def _conditional(self, node: Any, depth: int) -> Node:
        exprs = [c for c in node.children if c.type == "expression"]
        if len(exprs) != 3:
            return Invalid("bad conditional").at(_pos(node))
        cond, true, false = (self._expression(e, depth + 1) for e in exprs)
        return Conditional(cond, true, false).at(_pos(node))

    def _operation(self, node: Any, depth: int) -> Node:
        inner = node.children[0]
        pos = _pos(node)
        children = []
        kinds = []
        for child in inner.children:
            kind = child.type
            if kind != "comment":
                children.append(child)
                kinds.append(kind)
        operators: list[int] = []
        nesting = 0
        for i, (child, kind) in enumerate(zip(children, kinds)):
            if kind == "(":
                nesting += 1
            elif kind == ")":
                nesting -= 1
            elif nesting == 0 and not child.is_named:
                operators.append(i)
        inner_kind = inner.type
        if inner_kind == "unary_operation" and operators and operators[0] == 0 and len(children) > 1:
            return UnaryOp(self.text(children[0]), self._chain(children[1:], kinds[1:], depth + 1)).at(pos)
        if inner_kind == "binary_operation" and operators:
            split = operators[0]
            op = self.text(children[split])
            if op in _BINARY_OPS and 0 < split < len(children) - 1:
                left = self._chain(children[:split], kinds[:split], depth + 1)
                right = self._chain(children[split + 1 :], kinds[split + 1 :], depth + 1)
                return BinaryOp(op, left, right).at(pos)
        return Invalid("bad operation").at(pos)

    def _for_expr(self, node: Any, depth: int) -> Node:
        inner = node.children[0]
        pos = _pos(node)
        parts = inner.children
        intro = next((c for c in parts if c.type == "for_intro"), None)
        if intro is None:
            return Invalid("bad for expression").at(pos)
        names = [self.text(c) for c in intro.children if c.type == "identifier"]
        coll_node = next((c for c in intro.children if c.type == "expression"), None)
        if not names or coll_node is None:
            return Invalid("bad for expression").at(pos)
        key_var, value_var = (names[0], names[1]) if len(names) > 1 else (None, names[0])
        collection = self._expression(coll_node, depth + 1)
        exprs = [c for c in parts if c.type == "expression"]
        cond_node = next((c for c in parts if c.type == "for_cond"), None)
        condition = None
        if cond_node is not None:
            cond_expr = next((c for c in cond_node.children if c.type == "expression"), None)
            if cond_expr is not None:
                condition = self._expression(cond_expr, depth + 1)
        group = any(c.type == "ellipsis" for c in parts)
        if inner.type == "for_object_expr":
            if len(exprs) < 2:
                return Invalid("bad for expression").at(pos)
            key = self._expression(exprs[0], depth + 1)
            value = self._expression(exprs[1], depth + 1)
            return ForExpr(key_var, value_var, collection, key, value, condition, group).at(pos)
        if not exprs:
            return Invalid("bad for expression").at(pos)
        return ForExpr(key_var, value_var, collection, None, self._expression(exprs[0], depth + 1), condition, False).at(pos)

    # -- templates --------------------------------------------------------------------------

    def _template_expr(self, node: Any, depth: int) -> Node:
        inner = node.children[0]
        pos = _pos(node)
        kind = inner.type
        if kind == "quoted_template":
            children = list(inner.children)
            start = children[0].end_byte if children and children[0].type == "quoted_template_start" else inner.start_byte
            end = children[-1].start_byte if len(children) > 1 and children[-1].type == "quoted_template_end" else inner.end_byte
            parts = self._template_parts(children, start, end, depth, heredoc=False)
            inner_start = inner.start_point
            content = (inner_start.row + 1, inner_start.column + 2)
            return Template(parts, content).at(pos)
        if kind == "heredoc_template":
            return self._heredoc(inner, depth, pos)
        return Invalid(f"unsupported template {kind}").at(pos)

    def _heredoc(self, node: Any, depth: int, pos: tuple[int, int, int, int]) -> Node:
        children = node.children
        kinds = [c.type for c in children]
        start_marker = next((c for c, kind in zip(children, kinds) if kind == "heredoc_start"), None)
        identifiers = [c for c, kind in zip(children, kinds) if kind == "heredoc_identifier"]
        if not identifiers:
            return Invalid("bad heredoc").at(pos)
        newline = self.data.find(b"\n", identifiers[0].end_byte)
        start = newline + 1 if newline >= 0 else identifiers[0].end_byte
        if len(identifiers) > 1:
            closing = identifiers[-1]
            end = self.data.rfind(b"\n", 0, closing.start_byte) + 1
            end = max(end, start)
        else:
            end = node.end_byte
        inner = [c for c, kind in zip(children, kinds) if kind in ("template_interpolation", "template_directive")]
        parts = self._template_parts(inner, start, end, depth, heredoc=True)
        indent = 0
        if start_marker is not None and self.text(start_marker).startswith("<<-"):
            parts, indent = _strip_indent(parts)
        content = (identifiers[0].start_point.row + 2, 1 + indent)
        return Template(parts, content).at(pos)

    def _template_parts(
        self, children: list[Any], start: int, end: int, depth: int, *, heredoc: bool, strip_start: bool = False, strip_end: bool = False
    ) -> list[Any]:
        """Literal text is taken from the bytes between the interpolations, not from
        tree-sitter's literal nodes, which drop whitespace.  `~` strip markers remove the
        whitespace next to them (`strip_start`/`strip_end`: markers of an enclosing directive)."""
        unescape = unescape_heredoc if heredoc else unescape_quoted
        data = self.data
        parts: list[Any] = []
        cursor = start
        strip_next = strip_start
        for child in children:
            kind = child.type
            if kind != "template_interpolation" and kind != "template_directive":
                continue
            child_start = child.start_byte
            if child_start < cursor or child_start > end:
                continue
            literal = unescape(data[cursor:child_start].decode("utf-8", "replace"))
            strip_before, strip_after = _strip_markers(child, kind)
            if strip_next:
                literal = literal.lstrip()
            if strip_before:
                literal = literal.rstrip()
            if literal:
                parts.append(literal)
            strip_next = strip_after
            if kind == "template_interpolation":
                expr = next((c for c in child.children if c.type == "expression"), None)
                parts.append(self._expression(expr, depth + 1) if expr is not None else Invalid("empty interpolation").at(_pos(child)))
            else:
                parts.append(self._directive(child, depth, heredoc))
            cursor = child.end_byte
        literal = unescape(data[cursor:end].decode("utf-8", "replace"))
        if strip_next:
            literal = literal.lstrip()
        if strip_end:
            literal = literal.rstrip()
        if literal:
            parts.append(literal)
        return parts

    def _directive(self, node: Any, depth: int, heredoc: bool) -> Node:
        pos = _pos(node)
        if not node.children:
            return Invalid("bad template directive").at(pos)
        inner = node.children[0]
        children = list(inner.children)
        kinds = [c.type for c in children]

        def body(items: list[Any], opener: Any, closer: Any) -> list[Any]:
            stop = closer.start_byte if closer is not None else inner.end_byte
            return self._template_parts(
                items, opener.end_byte, stop, depth, heredoc=heredoc,
                strip_start=_marker_flags(opener)[1], strip_end=closer is not None and _marker_flags(closer)[0],
            )

        inner_kind = inner.type
        if inner_kind == "template_if" and children:
            intro = children[0]
            cond_node = next((c for c in intro.children if c.type == "expression"), None)
            if cond_node is None:
                return Invalid("bad template if").at(pos)
            else_index = next((i for i, kind in enumerate(kinds) if kind == "template_else_intro"), None)
            end_index = next((i for i, kind in enumerate(kinds) if kind == "template_if_end"), len(children))
            closer = children[end_index] if end_index < len(children) else None
            then_end = else_index if else_index is not None else end_index
            then_closer = children[then_end] if then_end < len(children) else None
            then_parts = body(children[1:then_end], intro, then_closer)
            else_parts: list[Any] = []
            if else_index is not None:
                else_parts = body(children[else_index + 1 : end_index], children[else_index], closer)
            return TemplateIf(self._expression(cond_node, depth + 1), then_parts, else_parts).at(pos)
        if inner_kind == "template_for" and children:
            intro = children[0]
            names = [self.text(c) for c in intro.children if c.type == "identifier"]
            coll = next((c for c in intro.children if c.type == "expression"), None)
            if not names or coll is None:
                return Invalid("bad template for").at(pos)
            end_index = next((i for i, kind in enumerate(kinds) if kind == "template_for_end"), len(children))
            closer = children[end_index] if end_index < len(children) else None
            parts = body(children[1:end_index], intro, closer)
            key_var, value_var = (names[0], names[1]) if len(names) > 1 else (None, names[0])
            return TemplateFor(key_var, value_var, self._expression(coll, depth + 1), parts).at(pos)
        return Invalid("unsupported template directive").at(pos)

    _DISPATCH: dict[str, Any] = {}


_Converter._DISPATCH = {
    "literal_value": _Converter._literal_value,
    "collection_value": _Converter._collection_value,
    "variable_expr": _Converter._variable_expr,
    "function_call": _Converter._function_call,
    "conditional": _Converter._conditional,
    "operation": _Converter._operation,
    "for_expr": _Converter._for_expr,
    "template_expr": _Converter._template_expr,
}


def _marker_flags(node: Any) -> tuple[bool, bool]:
    """(`~` right after the opening `${`/`%{`, `~` right before the closing `}`) of one
    interpolation or directive tag."""
    children = list(node.children)
    leading = len(children) > 1 and children[1].type == "strip_marker"
    trailing = len(children) > 1 and children[-2].type == "strip_marker"
    return leading, trailing


def _strip_markers(node: Any, kind: str) -> tuple[bool, bool]:
    """Whether the whitespace before and after an interpolation or a whole directive goes
    (`kind`: the node's type)."""
    if kind == "template_interpolation":
        return _marker_flags(node)
    children = node.children
    tags = children[0].children if children else None
    if not tags:
        return False, False
    return _marker_flags(tags[0])[0], _marker_flags(tags[-1])[1]


def _strip_indent(parts: list[Any]) -> tuple[list[Any], int]:
    """`<<-` heredocs: remove the smallest indentation of the content's lines."""
    skeleton = "".join(part if isinstance(part, str) else "x" for part in parts)
    widths = [len(line) - len(line.lstrip(" \t")) for line in skeleton.split("\n") if line.strip(" \t")]
    indent = min(widths) if widths else 0
    if not indent:
        return parts, 0
    pattern = re.compile("(^|\n)[ \t]{0,%d}" % indent)
    out: list[Any] = []
    at_line_start = True
    for part in parts:
        if isinstance(part, str):
            if at_line_start:
                text = pattern.sub(r"\1", part)
            else:  # the text before the first newline continues a line: keep it
                head, sep, tail = part.partition("\n")
                text = head + sep + pattern.sub(r"\1", tail) if sep else part
            out.append(text)
            at_line_start = part.endswith("\n")
        else:
            out.append(part)
            at_line_start = False
    return out, indent


def parse_number(text: str) -> int | float:
    try:
        return int(text)
    except ValueError:
        try:
            value = float(text)
        except ValueError:
            return 0
        return int(value) if value.is_integer() and abs(value) < 2**63 else value


def parse_expression(text: str, path: str = "<expression>") -> Node:
    """One HCL expression (a `--var` value, a JSON-syntax template)."""
    parsed = parse_hcl(path, b"x = " + text.encode("utf-8") + b"\n")
    attribute = parsed.attributes.get("x")
    if attribute is None or parsed.errors:
        raise ValueError(parsed.errors[0].message if parsed.errors else "not an expression")
    return attribute.expr


# ---------------------------------------------------------------------------------------
# JSON syntax (.tf.json, .tfvars.json)
# ---------------------------------------------------------------------------------------

# Keys of a JSON body that are nested blocks rather than object-valued arguments.  Terraform
# decides this from the provider schema; these are the block types this loader reads.
JSON_BLOCK_TYPES = frozenset(
    {
        "versioning", "logging", "server_side_encryption_configuration", "rule",
        "apply_server_side_encryption_by_default", "grant", "object_lock_configuration", "website",
        "versioning_configuration", "access_control_policy", "grantee", "owner",
        "public_access_block_configuration", "vpc_configuration", "event_selector", "data_resource",
        "advanced_event_selector", "field_selector", "statement", "principals", "not_principals",
        "condition", "inline_policy", "lifecycle", "default_retention", "dynamic", "content",
    }
)
_JSON_LABELS = {"resource": 2, "data": 2, "module": 1, "variable": 1, "output": 1, "provider": 1}


def parse_tf_json(path: str, text: str) -> ParsedFile:
    parsed = ParsedFile(path)
    try:
        tree = _load_json(text, path)
    except _JsonProblem as problem:
        parsed.errors.append(LoadError(path, problem.message, problem.line, problem.column))
        return parsed
    if not isinstance(tree, dict):
        parsed.errors.append(LoadError(path, "a .tf.json file must hold a JSON object", 1, 1))
        return parsed
    builder = _JsonBuilder(path)
    for key, value in _items(tree):
        pos = _key_pos(tree, key)
        if key == "locals":
            for entry in value if isinstance(value, list) else [value]:
                block = Block("locals", [], path, pos, pos[:2], body=builder.body(entry, "locals"))
                parsed.blocks.append(block)
        elif key in _JSON_LABELS:
            parsed.blocks.extend(builder.labelled(key, value, _JSON_LABELS[key], pos))
        elif key == "terraform":
            parsed.blocks.append(Block("terraform", [], path, pos, pos[:2], body=builder.body(value, "terraform")))
    return parsed


def parse_tfvars_json(path: str, text: str) -> ParsedFile:
    parsed = ParsedFile(path)
    try:
        tree = _load_json(text, path)
    except _JsonProblem as problem:
        parsed.errors.append(LoadError(path, problem.message, problem.line, problem.column))
        return parsed
    builder = _JsonBuilder(path, templates=False)
    if isinstance(tree, dict):
        for key, value in _items(tree):
            pos = _key_pos(tree, key)
            parsed.attributes[key] = Attribute(key, builder.expression(value, pos, 0), path, pos)
    return parsed


class _JsonProblem(Exception):
    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def _load_json(text: str, path: str = "<json>") -> Any:
    """A located JSON tree (positions on every node) when the project's JSON reader is
    available, else the plain tree of `json.loads`."""
    try:
        from s3lint.loaders.json_source import parse_json
    except ImportError:
        parse_json = None
    if parse_json is not None:
        try:
            return parse_json(text, path)
        except RecursionError:
            raise _JsonProblem("invalid JSON: nested too deeply", 1, 1) from None
        except Exception as error:  # the reader's SourceError, or anything unexpected
            raise _JsonProblem(
                f"invalid JSON: {getattr(error, 'message', error)}", getattr(error, "line", 1) or 1, getattr(error, "column", 1) or 1
            ) from None
    try:
        plain = json.loads(text)
    except ValueError as error:
        raise _JsonProblem(f"invalid JSON: {getattr(error, 'msg', error)}", getattr(error, "lineno", 1), getattr(error, "colno", 1)) from None
    except RecursionError:
        raise _JsonProblem("invalid JSON: nested too deeply", 1, 1) from None
    return _located_by_yaml(text, plain, path)


def _located_by_yaml(text: str, plain: Any, path: str) -> Any:
    """Positions from the YAML reader (JSON is nearly YAML), used only when it reads the very
    same value as the JSON parser."""
    if not isinstance(plain, (dict, list)):
        return plain
    try:
        from s3lint.loaders.yaml_source import parse_yaml

        documents = parse_yaml(text, path)
    except Exception:  # noqa: BLE001 - positions are a nicety; the JSON value stands
        return plain
    if len(documents) == 1 and documents[0] == plain:
        return documents[0]
    return plain


def _items(mapping: dict) -> Iterator[tuple[str, Any]]:
    return iter(list(mapping.items()))


def _key_pos(mapping: Any, key: Any) -> tuple[int, int, int, int]:
    key_pos = getattr(mapping, "key_pos", None)
    if key_pos is not None:
        line, column = key_pos(key)
        if line:
            return (line, column, line, column + 1)
    line, column = getattr(mapping, "line", 0) or 1, getattr(mapping, "column", 0) or 1
    return (line, column, line, column + 1)


class _JsonBuilder:
    def __init__(self, path: str, templates: bool = True) -> None:
        self.path = path
        self.templates = templates

    def labelled(self, block_type: str, value: Any, depth: int, pos: tuple[int, int, int, int]) -> list[Block]:
        """`{"resource": {"aws_s3_bucket": {"x": {...}}}}` into blocks with their labels."""
        blocks: list[Block] = []
        stack: list[tuple[Any, list[str], tuple[int, int, int, int]]] = [(value, [], pos)]
        while stack:
            node, labels, node_pos = stack.pop(0)
            if len(labels) == depth:
                for body_value in node if isinstance(node, list) else [node]:
                    body = self.body(body_value, block_type)
                    blocks.append(Block(block_type, labels, self.path, node_pos, node_pos[:2], body=body))
                continue
            if isinstance(node, dict):
                for key, child in _items(node):
                    stack.append((child, labels + [str(key)], _key_pos(node, key)))
            elif isinstance(node, list):
                for item in node:
                    stack.append((item, labels, node_pos))
        return blocks

    def body(self, value: Any, block_type: str, depth: int = 0) -> Body:
        body = Body()
        if not isinstance(value, dict) or depth > MAX_DEPTH:
            return body
        for key, child in _items(value):
            pos = _key_pos(value, key)
            if key == "//":
                continue  # a JSON-syntax comment
            if block_type == "locals" or key not in JSON_BLOCK_TYPES or not isinstance(child, (dict, list)):
                body.attributes[key] = Attribute(key, self.expression(child, pos, 0), self.path, pos)
                continue
            if key == "dynamic":
                body.blocks.extend(self.labelled("dynamic", child, 1, pos))
                continue
            for item in child if isinstance(child, list) else [child]:
                if isinstance(item, dict):
                    body.blocks.append(Block(key, [], self.path, pos, pos[:2], body=self.body(item, key, depth + 1)))
        return body

    def expression(self, value: Any, pos: tuple[int, int, int, int], depth: int) -> Node:
        if depth > MAX_DEPTH:
            return Invalid("value nested too deeply").at(pos)
        own = (getattr(value, "line", 0), getattr(value, "column", 0))
        if own[0]:
            pos = (own[0], own[1], own[0], own[1] + 1)
        if isinstance(value, str):
            if self.templates and ("${" in value or "%{" in value):
                return self.template(value, pos)
            return Literal(str(value)).at(pos)
        if isinstance(value, list):
            return TupleCons([self.expression(item, _item_pos(value, i, pos), depth + 1) for i, item in enumerate(value)]).at(pos)
        if isinstance(value, dict):
            items = [
                (Literal(str(key)).at(_key_pos(value, key)), self.expression(child, _value_pos(value, key, pos), depth + 1))
                for key, child in _items(value)
            ]
            return ObjectCons(items).at(pos)
        return Literal(value).at(pos)

    def template(self, text: str, pos: tuple[int, int, int, int]) -> Node:
        try:
            template = parse_template(text, self.path)
        except Exception:  # noqa: BLE001 - any parser trouble makes the value unknown
            return Invalid("invalid template").at(pos)
        _relocate(template, pos)
        assert isinstance(template, Template)
        template.content_pos = pos[:2]
        return template


def _relocate(root: Node, pos: tuple[int, int, int, int]) -> None:
    """Every node of a template parsed out of a JSON string is located at that string."""
    stack: list[Any] = [root]
    seen = 0
    while stack and seen < 100_000:
        seen += 1
        node = stack.pop()
        if isinstance(node, Node):
            node.at(pos)
            for name in _child_slots(node):
                stack.append(getattr(node, name, None))
        elif isinstance(node, (list, tuple)):
            stack.extend(node)


def _child_slots(node: Node) -> tuple[str, ...]:
    slots: list[str] = []
    for cls in type(node).__mro__:
        slots.extend(getattr(cls, "__slots__", ()))
    return tuple(s for s in slots if s not in ("line", "column", "end_line", "end_column"))


def _item_pos(sequence: Any, index: int, fallback: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    item_pos = getattr(sequence, "item_pos", None)
    if item_pos is not None:
        line, column = item_pos(index)
        if line:
            return (line, column, line, column + 1)
    return fallback


def _value_pos(mapping: Any, key: Any, fallback: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    value_pos = getattr(mapping, "value_pos", None)
    if value_pos is not None:
        line, column = value_pos(key)
        if line:
            return (line, column, line, column + 1)
    return fallback


def parse_number_strict(text: str) -> int | float:
    """A number written as text (`"10"` converts to 10 in Terraform); ValueError otherwise."""
    try:
        return int(text)
    except ValueError:
        value = float(text)  # raises ValueError for non-numbers
        if math.isnan(value) or math.isinf(value):
            raise ValueError(text) from None
        return int(value) if value.is_integer() and abs(value) < 2**53 else value


TEMPLATE_MARKER = "S3LINT_TEMPLATE_END"


def parse_template(text: str, path: str) -> Node:
    """A whole string as a template (a `templatefile()` file, a JSON-syntax string).

    tree-sitter-hcl parses configuration files only, so the text is read as the content of
    a heredoc; positions inside are those of the heredoc (one line down)."""
    source = f"x = <<{TEMPLATE_MARKER}\n{text}\n{TEMPLATE_MARKER}\n".encode("utf-8")
    parsed = parse_hcl(path, source)
    attribute = parsed.attributes.get("x")
    if attribute is None or parsed.errors or not isinstance(attribute.expr, Template):
        raise ValueError(parsed.errors[0].message if parsed.errors else "not a template")
    template = attribute.expr
    parts = list(template.parts)
    if parts and isinstance(parts[-1], str) and parts[-1].endswith("\n"):
        parts[-1] = parts[-1][:-1]
        if not parts[-1]:
            parts.pop()
    template.parts = parts
    return template


def _load_json_or_raise(text: str, path: str = "<json>") -> Any:
    try:
        return _load_json(text, path)
    except _JsonProblem as problem:
        raise ValueError(problem.message) from None
