"""A progress line on stderr for long scans, for people watching a terminal.

Shown only when stderr is a terminal, the report is not piped, the scan is not running in CI,
and more than `MIN_FILES` files are to be checked: a CI log or a file must never fill up with
carriage returns.
"""

from __future__ import annotations

import os
import time
from typing import Callable, Mapping, TextIO

MIN_FILES = 300  # smaller scans finish before a progress line would help
INTERVAL = 0.1  # seconds between redraws

# Set by the CI services that do not set CI=true themselves (most do).
_CI_VARIABLES = (
    "CI",
    "CONTINUOUS_INTEGRATION",
    "GITHUB_ACTIONS",
    "GITLAB_CI",
    "BUILDKITE",
    "CIRCLECI",
    "TRAVIS",
    "JENKINS_URL",
    "TEAMCITY_VERSION",
    "TF_BUILD",
    "BITBUCKET_BUILD_NUMBER",
    "CODEBUILD_BUILD_ID",
    "DRONE",
)

ProgressCallback = Callable[[int, int], None]


def running_in_ci(environ: Mapping[str, str]) -> bool:
    return any(environ.get(name, "").strip().lower() not in ("", "0", "false", "no") for name in _CI_VARIABLES)


def wanted(stream: TextIO, *, report_piped: bool, environ: Mapping[str, str] | None = None) -> bool:
    """Whether a progress line may be drawn on `stream` at all."""
    environ = os.environ if environ is None else environ
    if report_piped or running_in_ci(environ) or environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


class ProgressLine:
    """`progress(done, total)` redraws `s3lint: checking 120/950 files (12%)` in place."""

    def __init__(self, stream: TextIO, *, min_files: int = MIN_FILES, interval: float = INTERVAL,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.min_files = min_files
        self.interval = interval
        self.clock = clock
        self._last = float("-inf")
        self._width = 0

    def __call__(self, done: int, total: int) -> None:
        if total <= self.min_files:
            return
        now = self.clock()
        if done < total and now - self._last < self.interval:
            return
        self._last = now
        percent = done * 100 // total
        self._draw(f"s3lint: checking {done}/{total} files ({percent}%)")

    def _draw(self, text: str) -> None:
        padding = " " * max(self._width - len(text), 0)
        self._width = len(text)
        try:
            self.stream.write("\r" + text + padding)
            self.stream.flush()
        except (OSError, ValueError):
            pass

    def close(self) -> None:
        """Erase the line, so that the report starts on a clean line."""
        if self._width:
            try:
                self.stream.write("\r" + " " * self._width + "\r")
                self.stream.flush()
            except (OSError, ValueError):
                pass
            self._width = 0


def progress_for(stream: TextIO, *, report_piped: bool, enabled: bool = True,
                 environ: Mapping[str, str] | None = None) -> ProgressLine | None:
    """A progress line for `stream`, or None when none should be shown."""
    if not enabled or not wanted(stream, report_piped=report_piped, environ=environ):
        return None
    return ProgressLine(stream)
