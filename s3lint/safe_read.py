"""Reading a file that someone else controls: only regular files, never more than a limit.

A scanned tree may hold a named pipe called `template.yaml` (opening it blocks for ever), a
symbolic link to `/dev/zero` (reading it never ends) or to a device whose opening has side
effects, or a file that grows while it is read.  `read_regular` looks before it opens
(`stat`: only regular files are opened at all), opens without blocking, checks again on the
open descriptor (the path may have been swapped in between), and reads at most the limit.
"""

from __future__ import annotations

import os
import stat

# What a non-regular file is, for the message.
_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class UnreadableFile(Exception):
    """A file that is not read: the message is one line, meant for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def kind_of(mode: int) -> str:
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


# Opening never blocks (a pipe swapped in after the stat) nor takes a terminal.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)


def read_regular(path: str, max_bytes: int) -> bytes:
    """The bytes of the regular file at `path` (symbolic links followed), at most `max_bytes`.

    Raises `UnreadableFile` with a one-line reason for anything else: a missing file, a loop
    of links, no permission, a pipe or device, or a file larger than the limit."""
    try:
        info = os.stat(path)
    except OSError as error:
        raise UnreadableFile(f"cannot read file: {error.strerror or error}") from None
    if not stat.S_ISREG(info.st_mode):
        raise UnreadableFile(f"skipped: {kind_of(info.st_mode)}, not a regular file")
    if info.st_size > max_bytes:
        raise UnreadableFile(too_large(info.st_size, max_bytes))
    try:
        descriptor = os.open(path, _OPEN_FLAGS)
    except OSError as error:
        raise UnreadableFile(f"cannot read file: {error.strerror or error}") from None
    try:
        opened = os.fstat(descriptor)
        if not stat.S_ISREG(opened.st_mode):  # swapped for something else since the stat
            raise UnreadableFile(f"skipped: {kind_of(opened.st_mode)}, not a regular file")
        chunks: list[bytes] = []
        remaining = max_bytes + 1  # one byte more tells a file that grew past the limit
        # Reads of the size the file says it has, plus one byte: not a megabyte's buffer
        # for every small file, and a short read that brings all of it ends the reading
        # without a second read to find the end.  A file that says 0 (/proc) is read a page
        # at a time.
        per_read = min(max(opened.st_size + 1, 4096), 1 << 20)
        while remaining > 0:
            wanted = min(remaining, per_read)
            chunk = os.read(descriptor, wanted)
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
            if max_bytes + 1 - remaining == opened.st_size and len(chunk) < wanted:
                break
    except OSError as error:
        raise UnreadableFile(f"cannot read file: {error.strerror or error}") from None
    finally:
        os.close(descriptor)
    data = b"".join(chunks)
    if len(data) > max_bytes:
        raise UnreadableFile(f"skipped: file is larger than the limit of {max_bytes} bytes")
    return data


def too_large(size: int, max_bytes: int) -> str:
    return f"skipped: file is {size} bytes, larger than the limit of {max_bytes} bytes"


def is_within(path: str, root: str) -> bool:
    """True when `path`, with every link resolved, is `root` or lies below it."""
    real = os.path.realpath(path)
    base = os.path.realpath(root)
    return real == base or real.startswith(base.rstrip(os.sep) + os.sep)
