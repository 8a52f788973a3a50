"""Three-valued logic for policy questions: True, False, or None when it cannot be known.

False dominates a conjunction and True a disjunction, whatever else is unknown: a Deny that
surely misses one required action fails, even if other parts of it are unknown."""

from __future__ import annotations

from typing import Iterable, Optional

Tri = Optional[bool]


def all_true(values: Iterable[Tri]) -> Tri:
    result: Tri = True
    for value in values:
        if value is False:
            return False
        if value is None:
            result = None
    return result


def any_true(values: Iterable[Tri]) -> Tri:
    result: Tri = False
    for value in values:
        if value is True:
            return True
        if value is None:
            result = None
    return result


def conjunction(*values: Tri) -> Tri:
    return all_true(values)


def negate(value: Tri) -> Tri:
    return None if value is None else not value
