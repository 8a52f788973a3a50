"""Values that cannot be known statically.

Two forms exist, because the two uses differ:

* `Unknown` stands for a whole value (a boolean, a list, a policy) that cannot be resolved.
  It may carry the alternatives it could take (an undecidable CloudFormation `Fn::If`).
* A *symbol* stands for an unknown part of a string: `arn:aws:s3:::<bucket:Logs>/*`.  Symbols
  compare equal to themselves, which is what links a policy's `Resource` to a bucket whose
  name is itself unknown, and what lets `${AWS::AccountId}` count as our own account.
  A symbol is written `\\ue000name\\ue001` inside the string (private-use code points that
  never occur in real templates) and shown to users as `${name}`.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

SYMBOL_OPEN = "\ue000"
SYMBOL_CLOSE = "\ue001"
_SYMBOL_RE = re.compile("\ue000([^\ue001]*)\ue001")

OUR_ACCOUNT = "AWS::AccountId"
PARTITION = "AWS::Partition"


class Unknown:
    """A value that cannot be known without deploying.  Never equal to anything known."""

    __slots__ = ("reason", "alternatives", "line", "column")

    def __init__(
        self,
        reason: str = "not known statically",
        alternatives: Iterable[Any] = (),
        line: int = 0,
        column: int = 0,
    ) -> None:
        self.reason = reason
        self.alternatives = tuple(alternatives)
        self.line = line
        self.column = column

    def __repr__(self) -> str:
        if self.alternatives:
            return f"Unknown({self.reason!r}, alternatives={self.alternatives!r})"
        return f"Unknown({self.reason!r})"

    def __bool__(self) -> bool:  # an unknown value must never pass for a known falsy one
        raise TypeError("the truth of an Unknown value is not known; test is_unknown() first")


class _NoValue:
    """Marks, among an `Unknown`'s alternatives, that the element may be absent altogether
    (CloudFormation `Fn::If [Cond, X, !Ref AWS::NoValue]` with an undecidable condition)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NO_VALUE"


NO_VALUE = _NoValue()


def is_unknown(value: Any) -> bool:
    return isinstance(value, Unknown)


def symbol(name: str) -> str:
    return f"{SYMBOL_OPEN}{name}{SYMBOL_CLOSE}"


def has_symbol(text: Any) -> bool:
    return isinstance(text, str) and SYMBOL_OPEN in text


def symbols_in(text: str) -> list[str]:
    return _SYMBOL_RE.findall(text)


def is_only_symbol(text: Any, name: str | None = None) -> bool:
    if not isinstance(text, str):
        return False
    match = _SYMBOL_RE.fullmatch(text)
    return bool(match) and (name is None or match.group(1) == name)


def render(value: Any) -> str:
    """Show a possibly symbolic value to a user."""
    if isinstance(value, Unknown):
        return "<unknown>"
    text = value if isinstance(value, str) else str(value)
    if SYMBOL_OPEN not in text:
        return text
    return _SYMBOL_RE.sub(lambda m: "${" + m.group(1) + "}", text)


def is_possible(value: Any, predicate: Any) -> bool:
    """True when the value, or one of its alternatives, could satisfy the predicate.

    An unknown value with no alternatives could be anything, so it is possible."""
    if isinstance(value, Unknown):
        if not value.alternatives:
            return True
        return any(is_possible(alt, predicate) for alt in value.alternatives)
    return bool(predicate(value))


def is_certain(value: Any, predicate: Any) -> bool:
    """True when the value is known, or all its alternatives are known, to satisfy it."""
    if isinstance(value, Unknown):
        if not value.alternatives:
            return False
        return all(is_certain(alt, predicate) for alt in value.alternatives)
    return bool(predicate(value))
