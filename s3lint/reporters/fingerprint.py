"""Fingerprints that let code scanning and baselines recognise a finding across runs.

* `line_hash` reproduces GitHub's `primaryLocationLineHash` (codeql-action
  `src/fingerprints.ts`): a rolling hash over the 100 characters that start at a line,
  spaces and tabs skipped, line endings normalised to LF.  Computing it here gives API
  uploads and other SARIF consumers the same value the upload action would compute.
* `finding_fingerprint` is s3lint's own: it hashes what the finding is about (rule, file,
  resource, key, message without line numbers), so it survives edits that move the
  finding to another line.
"""

from __future__ import annotations

import hashlib
import re
from itertools import accumulate
from operator import mul
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from s3lint.symbols import render

if TYPE_CHECKING:
    from s3lint.model import Finding

FINGERPRINT_KEY = "s3lint/v1"

_BLOCK_SIZE = 100
_MOD = 37
_MASK = (1 << 64) - 1
_FIRST_MOD = pow(_MOD, _BLOCK_SIZE, 1 << 64)  # 37**100 mod 2**64, the weight of the char leaving
_TAB, _SPACE, _LF, _CR = 9, 32, 10, 13
_EOF = 65535


class FileLineHashes:
    """GitHub's `primaryLocationLineHash` for the lines of one file text.

    fingerprints.ts rolls a hash over the whole file; the value it emits for a line is the
    polynomial hash of the 100 characters of its filtered stream that start at that line
    (spaces and tabs dropped, CR and CRLF turned into LF, then an EOF mark and NULs).  So
    this class builds that stream once and hashes only the lines that are asked for.  The
    `:n` suffix counts earlier lines with the same 100 characters, which is the same as
    counting equal hashes barring a 64-bit collision.
    """

    __slots__ = ("_compared", "_hashes", "_occurrence", "_starts", "_stream", "_windows")

    def __init__(self, text: str) -> None:
        filtered = _units(text).replace("\r\n", "\n").replace("\r", "\n")
        filtered = filtered.replace(" ", "").replace("\t", "")
        self._stream = filtered + chr(_EOF) + "\0" * _BLOCK_SIZE
        # where each line starts: after each line break (the sums of the lines' lengths)
        self._starts = [0, *accumulate(len(line) + 1 for line in filtered.split("\n")[:-1])]
        self._windows: list[str] | None = None  # the 100 characters from each line, when asked
        self._hashes: dict[int, str] = {}  # by line: several findings share a line
        self._occurrence: list[int] | None = None  # the `:n` of every line, once worth counting
        self._compared = 0  # windows compared by the counts so far

    def __len__(self) -> int:
        return len(self._starts)

    def get(self, line: int) -> str | None:
        """The hash of a 1-based line, or None when the file has no such line."""
        if not 1 <= line <= len(self._starts):
            return None
        known = self._hashes.get(line)
        if known is not None:
            return known
        if self._windows is None:
            stream = self._stream
            self._windows = [stream[start : start + _BLOCK_SIZE] for start in self._starts]
        window = self._windows[line - 1]
        # the rolling hash of the window, (((c0 * 37 + c1) * 37 + c2) ...) mod 2**64, as the sum
        # of each character times its power of 37: the same number, one call instead of a loop
        value = sum(map(mul, map(ord, window), _POWERS)) & _MASK
        known = self._hashes[line] = f"{value:x}:{self._occurrence_of(line)}"
        return known

    def _occurrence_of(self, line: int) -> int:
        """How many lines up to this one start with its 100 characters.  A few lines of a file
        are asked for: each is counted in C (a list's count); past a few passes over the
        file, every line's count is made at once."""
        windows = self._windows
        assert windows is not None
        if self._occurrence is None and self._compared + line <= 4 * len(windows):
            self._compared += line
            return windows[:line].count(windows[line - 1])
        if self._occurrence is None:
            seen: dict[str, int] = {}
            occurrence = []
            for window in windows:
                seen[window] = seen.get(window, 0) + 1
                occurrence.append(seen[window])
            self._occurrence = occurrence
        return self._occurrence[line - 1]


# 37**99, 37**98, ..., 37**0 mod 2**64: the weight of each character of a window
_POWERS = [pow(_MOD, _BLOCK_SIZE - 1 - index, 1 << 64) for index in range(_BLOCK_SIZE)]


def line_hash(file_text: str, line: int) -> str:
    """GitHub's `primaryLocationLineHash` for one 1-based line ("" when out of range)."""
    return FileLineHashes(file_text).get(line) or ""


def line_hashes(file_text: str) -> list[str]:
    """GitHub's `primaryLocationLineHash` of every line: item i is line i + 1."""
    hashes = FileLineHashes(file_text)
    return [hashes.get(line) or "" for line in range(1, len(hashes) + 1)]


def _units(text: str) -> str:
    """The text as JavaScript sees it: one character per UTF-16 code unit."""
    if text.isascii() or max(text) <= "\uffff":
        return text
    data = text.encode("utf-16-le", "surrogatepass")
    return "".join(map(chr, memoryview(data).cast("H")))


def rolling_line_hashes(text: str) -> list[str]:
    """A line-by-line port of fingerprints.ts `hash()`, kept as the reference that
    `FileLineHashes` is tested against.  Slow: about 1 µs per character."""
    units = [ord(c) for c in _units(text)]
    window = [0] * _BLOCK_SIZE
    line_numbers = [-1] * _BLOCK_SIZE  # the line that starts at each window slot, or -1
    hashes: list[str] = []
    counts: dict[str, int] = {}
    hash_raw = 0
    index = 0
    line_number = 0
    line_start = True
    prev_cr = False

    def output() -> None:
        value = format(hash_raw, "x")
        counts[value] = counts.get(value, 0) + 1
        hashes.append(f"{value}:{counts[value]}")  # lines are emitted in order, one each
        line_numbers[index] = -1

    def update(current: int) -> None:
        nonlocal hash_raw, index
        begin = window[index]
        window[index] = current
        hash_raw = (_MOD * hash_raw + current - _FIRST_MOD * begin) & _MASK
        index = (index + 1) % _BLOCK_SIZE

    for current in units + [_EOF]:
        if current in (_SPACE, _TAB) or (prev_cr and current == _LF):
            prev_cr = False
            continue
        if current == _CR:
            current = _LF
            prev_cr = True
        else:
            prev_cr = False
        if line_numbers[index] != -1:
            output()
        if line_start:
            line_start = False
            line_number += 1
            line_numbers[index] = line_number
        if current == _LF:
            line_start = True
        update(current)

    for _ in range(_BLOCK_SIZE):  # flush the lines still inside the window
        if line_numbers[index] != -1:
            output()
        update(0)
    return hashes


_Kept = TypeVar("_Kept")

MAX_HASHED_FILE_BYTES = 64 * 1024 * 1024  # above any --max-file-size in use; bigger files get no line hashes


class LineHasher:
    """Line hashes for the files under one root.  A report comes file by file, so only the
    last files asked for are kept: each is read and hashed once, and a report on 5,000 files
    does not hold every text with its lines (over 200 MB)."""

    KEPT_FILES = 16

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self._texts: dict[str, str | None] = {}
        self._hashes: dict[str, FileLineHashes | None] = {}

    def text(self, path: str) -> str | None:
        """The file's text (`path` relative to the root), or None when it cannot be read.

        Decoded as UTF-8 with bad bytes replaced by U+FFFD, as Node does for the action."""
        if path not in self._texts:
            from s3lint.safe_read import UnreadableFile, read_regular

            full = Path(path) if Path(path).is_absolute() else self.root / path
            try:  # a file that failed to load may be a pipe, a device or huge: read only what is safe
                text: str | None = read_regular(str(full), MAX_HASHED_FILE_BYTES).decode("utf-8", errors="replace")
            except UnreadableFile:
                text = None
            _keep(self._texts, path, text, self.KEPT_FILES)
        return self._texts[path]

    def get(self, path: str, line: int) -> str | None:
        """The hash of `line` in `path`; None if the file is unreadable or has no such line."""
        if path not in self._hashes:
            text = self.text(path)
            _keep(self._hashes, path, None if text is None else FileLineHashes(text), self.KEPT_FILES)
        hashes = self._hashes[path]
        return None if hashes is None else hashes.get(line)


def _keep(kept: dict[str, _Kept], path: str, value: _Kept, most: int) -> None:
    """Keep `value` for `path`, forgetting the oldest file kept beyond `most`."""
    kept[path] = value
    if len(kept) > most:
        del kept[next(iter(kept))]


# ---------------------------------------------------------------------------------------
# s3lint's own fingerprint
# ---------------------------------------------------------------------------------------

LINE_REFERENCE_TEXT = (
    r"\b(lines?|L)\s*(\d+)(\s*(-|–|to|and)\s*\d+)?\b"  # "line 12", "lines 3-5", "L12"
    r"|\.(ya?ml|json|tf|template|hcl)(:\d+){1,2}\b"  # "template.yaml:12:5"
    r"|\b(col(umn)?)\s*\d+\b"  # "column 7"
)


def _either_case(word: str) -> str:
    """`word` as a pattern that matches what it matches with IGNORECASE, without the flag:
    each letter as the class of every character IGNORECASE takes for it (a test checks each
    against the whole of Unicode)."""
    pattern = ""
    for letter in word:
        same = {letter.lower(), letter.upper(), *_IGNORECASE_ALSO.get(letter, "")}
        pattern += "[" + "".join(sorted(same)) + "]"
    return pattern


# The characters outside ASCII that IGNORECASE also takes for an ASCII letter
_IGNORECASE_ALSO = {"i": "\u0130\u0131", "s": "\u017f", "k": "\u212a"}

# LINE_REFERENCE_TEXT, as the engine can search it fast.  Every match starts with l, c or a
# dot: a pattern that starts with a class of characters, and is not case-insensitive, is
# searched by skipping in C to the next such character (3x faster over a report than
# trying the pattern at every position).  The first character is taken, then looked back
# at: `\b` before it is "no word character before it".  The same matches (see the tests).
_L, _C = _either_case("l"), _either_case("c")
_LINE_REFERENCE = re.compile(
    "[lLcC.](?:"
    + f"(?<={_L})(?<!\\w.)(?:{_either_case('ine')}{_either_case('s')}?)?\\s*\\d+"
    + f"(?:\\s*(?:-|–|{_either_case('to')}|{_either_case('and')})\\s*\\d+)?\\b"
    + f"|(?<=\\.)(?:{_either_case('y')}{_either_case('a')}?{_either_case('ml')}|{_either_case('json')}"
    + f"|{_either_case('tf')}|{_either_case('template')}|{_either_case('hcl')})(?::\\d+){{1,2}}\\b"
    + f"|(?<={_C})(?<!\\w.){_either_case('ol')}(?:{_either_case('umn')})?\\s*\\d+\\b"
    + ")"
)


def normalize_message(message: str) -> str:
    """The message without line or column numbers, symbols rendered, spaces folded."""
    text = _LINE_REFERENCE.sub(_strip_numbers, render(message))
    return " ".join(text.split())


def _strip_numbers(match: re.Match[str]) -> str:
    return re.sub(r"\d+", "#", match.group(0))


# A position some checks append to their keys ("Bucket@12:5", "Policy#0:14"): dropped, so the
# fingerprint does not change when the finding moves.  The message still tells apart two
# findings whose keys differed only there.
_KEY_POSITION = re.compile(r"(@\d+:\d+|:\d+)$")


def finding_fingerprint(finding: Finding) -> str:
    """A 32-hex-digit hash of what the finding is about, independent of where it sits."""
    parts = (
        finding.rule_id,
        finding.loc.path.replace("\\", "/"),
        render(finding.resource),
        _KEY_POSITION.sub("", render(finding.key)),
        normalize_message(finding.message),
    )
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]
