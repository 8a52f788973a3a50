"""A per-file time budget: one file that takes too long costs that file, never the scan.

Every loader is already bounded in the work it does (depth limits, alias budgets, evaluation
steps, collection sizes), so the budget is a last line of defence against a case nobody
thought of.  `with file_budget(seconds):` arms a real-time timer (`setitimer(ITIMER_REAL)`)
and the SIGALRM handler raises `FileTimeout`, which the engine reports as the file's one-line
S3000 "skipped: too complex".

`FileTimeout` derives from `BaseException`, not `Exception`: loaders catch `Exception` to turn
their own bugs into unknown values, and must not swallow the budget that way.

The timer works only on the main thread of a Unix process (signals are delivered there);
elsewhere (a thread, Windows) the budget is a no-op and the loaders' own bounds apply.
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import Any, Iterator

DEFAULT_FILE_TIMEOUT = 20.0  # seconds; the largest real templates load in well under one


class FileTimeout(BaseException):
    """The current file used up its time budget."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"more than {format_seconds(seconds)} s")
        self.seconds = seconds


def format_seconds(seconds: float) -> str:
    return f"{seconds:g}"


def timeout_message(seconds: float) -> str:
    return f"skipped: too complex (more than {format_seconds(seconds)} s)"


def budget_available() -> bool:
    """True where `file_budget` can interrupt work: the main thread of a Unix process."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def file_budget(seconds: float | None) -> Iterator[None]:
    """Raise `FileTimeout` in the body once `seconds` have passed; `None` or 0: no budget.

    Budgets do not nest: an inner budget replaces the outer one while it runs, and the outer
    timer is restored (with the time it had left) afterwards."""
    if not seconds or seconds <= 0 or not budget_available():
        yield
        return

    def on_alarm(signum: int, frame: Any) -> None:
        raise FileTimeout(seconds)

    previous_handler = signal.signal(signal.SIGALRM, on_alarm)
    previous_delay, previous_interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        # The alarm may go off right here, after the body finished: the handler and any
        # outer timer are restored all the same.
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
        finally:
            signal.signal(signal.SIGALRM, previous_handler if previous_handler is not None else signal.SIG_DFL)
            if previous_delay:
                signal.setitimer(signal.ITIMER_REAL, previous_delay, previous_interval)
