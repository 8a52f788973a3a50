"""A big SARIF log's results written in several processes.

Once the scan is over, writing the report is the last work left, and all of it in this
process.  A SARIF result costs ~50 µs (its fingerprints hash the lines around it): 17,000
results took ~0.9 s.  Each result's text depends on that finding alone, so `texts_in_parts`
hands the first parts of the list to forked children, each of which writes its part's texts,
joined, to a file of its own, while this process makes the last part; then it reads the
children's texts back in order.  A child that cannot be forked or does not finish cleanly
costs time only: its part is made here.

Not for the JSON report: its findings cost ~11 µs each, and a forked child's first write to
each page of the objects it shares with this process (a reference count) copies that page,
in both processes.  Measured on 17,000 findings, two processes took as long as one.

Imported only to write SARIF.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator, Sequence
from typing import IO, TypeVar

Item = TypeVar("Item")

# Fewer results than this are written here (~0.1 s of work): forking, a few milliseconds for a
# big process, and the pages it copies would cost about what a second process saves.
MIN_ITEMS = 2000


def split_count(jobs: int | None, items: int) -> int:
    """How many processes write `items` texts (1: this process alone).  `jobs` is a maximum,
    as for the load (None or 0: one per CPU)."""
    if items < MIN_ITEMS or not hasattr(os, "fork"):
        return 1
    wanted = jobs if jobs is not None and jobs > 0 else (os.cpu_count() or 1)
    return max(1, min(wanted, items // (MIN_ITEMS // 2)))


def texts_in_parts(items: Sequence[Item], text_of: Callable[[Item], str], parts: int) -> Iterator[str]:
    """Texts that `",".join` into `",".join(text_of(item) for item in items)`: each of the
    first `parts - 1` consecutive parts of `items` as one text made by a forked child, then
    the texts of the last part, made here while the children work."""
    parts = min(parts, len(items))
    if parts <= 1:
        yield from map(text_of, items)
        return
    bounds = [len(items) * part // parts for part in range(parts + 1)]
    children = [_start(items[bounds[part]:bounds[part + 1]], text_of) for part in range(parts - 1)]
    own = list(map(text_of, items[bounds[-2]:]))
    for part, child in enumerate(children):
        text = _finish(child)
        yield text if text is not None else ",".join(map(text_of, items[bounds[part]:bounds[part + 1]]))
    yield from own


_Child = tuple[int, IO[bytes]] | None  # (pid, the file it writes to), None when it could not start


def _start(items: Sequence[Item], text_of: Callable[[Item], str]) -> _Child:
    import tempfile  # here: it costs a few milliseconds to import

    try:
        output = tempfile.TemporaryFile()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:
        output.close()
        return None
    if pid == 0:  # the child: never returns
        status = 1
        try:
            gc.disable()  # a collection would touch, and so copy, every page of the parent's heap
            output.write(",".join(map(text_of, items)).encode("utf-8", "surrogatepass"))
            output.flush()
            status = 0
        finally:
            os._exit(status)  # no atexit handlers, no flushing of the parent's buffered output
    return pid, output


def _finish(child: _Child) -> str | None:
    """What the child wrote, or None if it did not finish cleanly."""
    if child is None:
        return None
    pid, output = child
    with output:
        try:
            _, status = os.waitpid(pid, 0)
        except ChildProcessError:
            return None
        if os.waitstatus_to_exitcode(status) != 0:
            return None
        output.seek(0)
        return output.read().decode("utf-8", "surrogatepass")
