"""Caches of what the rules ask about one bucket at a time.

The rules ask the same questions of a bucket one after the other (which of its ARNs a
Resource covers, how a message names it), so the answers are cached.  A pool's worker checks
each unit as it loads it (parallel.check_unit) and then never sees those buckets again:
`forget_buckets` empties these caches after each unit, so that the answers of thousands of
buckets do not pile up in every process (~8 MB each on the issue's 5,000 files).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable, TypeVar

Function = TypeVar("Function", bound=Callable[..., Any])

_BUCKET_CACHES: list[Any] = []


def bucket_cache(maxsize: int) -> Callable[[Function], Function]:
    """`functools.lru_cache(maxsize)`, for an answer about one bucket."""

    def decorate(function: Function) -> Function:
        cached = lru_cache(maxsize=maxsize)(function)
        _BUCKET_CACHES.append(cached)
        return cached  # type: ignore[return-value]

    return decorate


def forget_buckets() -> None:
    for cache in _BUCKET_CACHES:
        cache.cache_clear()
