"""Standalone policy files: a bucket policy or an identity policy saved as JSON (or YAML).

A document whose statements name a `Principal` (or `NotPrincipal`) is a resource policy:
it becomes a bucket-policy `Attachment` naming its bucket by the name in its `Resource`
ARNs.  Without one it is an identity policy.  The AWS CLI's `get-bucket-policy` output,
`{"Policy": "<the policy as a JSON string>"}`, is read too; positions inside the embedded
policy are mapped back to where its characters are written in the file.
"""

from __future__ import annotations

from typing import Any, Callable

from s3lint.loaders.json_source import parse_json
from s3lint.model import Attachment, BucketRef, Fragment, IdentityPolicy, LoadError
from s3lint.source import LDict, LList, LStr, Location, Pos, SourceError, pos_of
from s3lint.symbols import Unknown


def is_policy_document(tree: Any) -> bool:
    if not isinstance(tree, dict):
        return False
    if "Statement" in tree:
        return True
    return _embedded_policy(tree) is not None


def load_policy_file(tree: Any, path: str, text: str) -> Fragment:
    fragment = Fragment()
    if not isinstance(tree, dict):
        fragment.errors.append(LoadError(path, "a policy file must hold a JSON object"))
        return fragment
    document_tree: Any = tree
    if "Statement" not in tree:
        embedded = _embedded_policy(tree)
        if embedded is None:
            fragment.errors.append(LoadError(path, "the Policy string is not a JSON policy document", *_pos(tree.get("Policy"))))
            return fragment
        document_tree = embedded
        _map_to_file(document_tree, tree["Policy"], text)

    from s3lint.policy.document import read_policy

    kind = "bucket" if _names_principals(document_tree) else "identity"
    document = read_policy(document_tree, kind=kind, owner=path, path=path, default_pos=_pos(document_tree))
    loc = Location(path, *_pos(document_tree))
    if kind == "identity":
        fragment.identity_policies.append(IdentityPolicy(address=path, loc=loc, document=document))
        return fragment
    fragment.attachments.append(
        Attachment(
            kind="policy",
            bucket=BucketRef(name=_bucket_name(document)),
            payload=document,
            owner=path,
            loc=loc,
            scope=path,
        )
    )
    return fragment


def _embedded_policy(tree: dict) -> Any:
    policy = tree.get("Policy")
    if not isinstance(policy, str):
        return None
    try:
        inner = parse_json(policy, "")
    except SourceError:
        return None
    return inner if isinstance(inner, dict) and "Statement" in inner else None


def _names_principals(document: Any) -> bool:
    statements = document.get("Statement") if isinstance(document, dict) else None
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list):
        return False
    return any(isinstance(s, dict) and ("Principal" in s or "NotPrincipal" in s) for s in statements)


def _bucket_name(document: Any) -> Any:
    try:
        from s3lint.policy.resources import names_in_resources
    except ImportError:  # pragma: no cover - the policy package is part of the project
        return Unknown("the policy's bucket is not known")
    names = names_in_resources(document)
    if len(names) == 1:
        return names[0]
    if not names:
        return Unknown("the policy names no bucket in its Resource ARNs")
    return Unknown(f"the policy names several buckets: {', '.join(names)}")


def _pos(node: Any) -> Pos:
    line, column = pos_of(node)
    return (line, column or 1) if line else (1, 1)


# -- positions of an embedded document ---------------------------------------------------------


def shift_positions(tree: Any, line_offset: int, first_line_column: int) -> None:
    """Move positions parsed from an embedded string to the file: lines by `line_offset`,
    and columns of the first line by where the string starts."""

    def move(pos: Pos) -> Pos:
        line, column = pos
        if not line:
            return pos
        if line == 1:
            return (line + line_offset, column + first_line_column)
        return (line + line_offset, column)

    _remap(tree, move)


def _map_to_file(tree: Any, literal: Any, text: str) -> None:
    """Map positions inside the decoded policy string to where each character is written.

    The string literal is found in `text` from the position of the `Policy` value (its
    opening quote) and walked escape by escape, so `\\n` and `\\"` land where they stand."""
    line, column = pos_of(literal)
    if not line or not isinstance(literal, LStr):
        return
    start = _offset_of(text, line, column)
    if start is None or start >= len(text) or text[start] != '"':
        shift_positions(tree, line - 1, column)  # not JSON source (e.g. YAML): lines only
        return
    physical = _decoded_positions(text, start, line, column)
    decoded_line_starts = [0]
    for index, char in enumerate(str(literal)):
        if char == "\n":
            decoded_line_starts.append(index + 1)

    def move(pos: Pos) -> Pos:
        inner_line, inner_column = pos
        if not inner_line or inner_line > len(decoded_line_starts):
            return (line, column)
        index = decoded_line_starts[inner_line - 1] + inner_column - 1
        if 0 <= index < len(physical):
            return physical[index]
        return (line, column)

    _remap(tree, move)


def _offset_of(text: str, line: int, column: int) -> int | None:
    index = 0
    for _ in range(line - 1):
        index = text.find("\n", index)
        if index < 0:
            return None
        index += 1
    return index + column - 1


def _decoded_positions(text: str, quote: int, line: int, column: int) -> list[Pos]:
    """(line, column) in the file of each character of the decoded JSON string at `quote`."""
    positions: list[Pos] = []
    index = quote + 1
    column += 1
    length = len(text)
    while index < length and text[index] != '"':
        if text[index] == "\\" and index + 1 < length:
            width = 2
            if text[index + 1] == "u":
                width = 6
                high = text[index + 2 : index + 6]
                if (
                    len(high) == 4
                    and high[0] in "dD"
                    and high[1] in "89abAB"
                    and text[index + 6 : index + 8] == "\\u"
                ):
                    width = 12  # a surrogate pair decodes to one character
            positions.append((line, column))
            index += width
            column += width
            continue
        positions.append((line, column))
        if text[index] == "\n":  # not valid JSON inside a string, but keep counting right
            line += 1
            column = 1
        else:
            column += 1
        index += 1
    return positions


def _remap(tree: Any, move: Callable[[Pos], Pos]) -> None:
    """Apply `move` to every position in a located tree (iteratively: trees can be deep)."""
    stack = [tree]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, (LDict, LList, LStr)) and node.line:
            node.line, node.column = move((node.line, node.column))
        if isinstance(node, LDict):
            node.key_positions = {k: move(p) for k, p in node.key_positions.items()}
            node.value_positions = {k: move(p) for k, p in node.value_positions.items()}
            node.duplicate_keys = [(k, move(p)) for k, p in node.duplicate_keys]
            stack.extend(node.values())
        elif isinstance(node, LList):
            node.item_positions = [move(p) for p in node.item_positions]
            stack.extend(node)
