"""Plain slotted records that compare, hash and show themselves as `@dataclass` would.

`@dataclass` builds each class's methods by compiling source text when the module is
imported: for the policy verdicts, the runner's settings, the catalogue and the check
context that was about a third of a one-file pre-commit run.  A record class lists its fields in `__slots__` (in the order
`@dataclass` would show them) and writes its `__init__` by hand; equality, hashing and
repr live here, once.  tests/test_plain_classes.py keeps each class equal in behaviour to
the dataclass it replaces.
"""

from __future__ import annotations

from reprlib import recursive_repr
from typing import Any


class Record:
    """Compared and shown by its fields, like `@dataclass(eq=True)`; mutable, so unhashable."""

    __slots__ = ()
    __hash__ = None  # type: ignore[assignment]  # as @dataclass(eq=True) without frozen

    def _values(self) -> tuple[Any, ...]:
        return tuple([getattr(self, name) for name in self.__slots__])

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()  # type: ignore[attr-defined]

    @recursive_repr()
    def __repr__(self) -> str:
        shown = ", ".join([f"{name}={getattr(self, name)!r}" for name in self.__slots__])
        return f"{self.__class__.__qualname__}({shown})"


class FrozenRecord(Record):
    """Also hashed by its fields, like `@dataclass(frozen=True)`: read-only by convention.

    Assignment is not refused (a guarding `__setattr__` would slow every `__init__` on the
    checks' hot paths); nothing assigns to these after creation."""

    __slots__ = ()

    def __hash__(self) -> int:
        return hash(self._values())
