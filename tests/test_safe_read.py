"""read_regular: the whole file, up to the limit, whatever its size says."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from s3lint.safe_read import UnreadableFile, read_regular


@pytest.mark.parametrize("size", [0, 1, 4095, 4096, 4097, 65536, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 3_000_001])
def test_a_file_is_read_whole(tmp_path: Path, size: int) -> None:
    data = os.urandom(size)
    path = tmp_path / "f.bin"
    path.write_bytes(data)
    assert read_regular(str(path), 3_000_001) == data


def test_a_file_at_the_limit_is_read_and_one_byte_more_is_not(tmp_path: Path) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(b"x" * 100)
    assert read_regular(str(path), 100) == b"x" * 100
    with pytest.raises(UnreadableFile, match="larger than the limit"):
        read_regular(str(path), 99)


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs Linux /proc")
def test_a_file_whose_size_says_nothing_is_read_to_its_end() -> None:
    # /proc files are regular files of size 0 that hold text: read until the end, a page at a time
    data = read_regular("/proc/self/status", 1 << 20)
    assert data.startswith(b"Name:") and data.endswith(b"\n") and len(data) > 100


def test_a_file_that_grew_past_its_size_is_read_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The size is a hint: a file longer than its stat says (it grew) is still read to its end."""
    path = tmp_path / "f.bin"
    data = os.urandom(10_000)
    path.write_bytes(data)
    real_fstat = os.fstat

    class Smaller:
        def __init__(self, info: os.stat_result) -> None:
            self.st_mode = info.st_mode
            self.st_size = 1000

    monkeypatch.setattr(os, "fstat", lambda descriptor: Smaller(real_fstat(descriptor)))
    assert read_regular(str(path), 20_000) == data


def test_short_reads_before_the_end_go_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file system may return fewer bytes than asked before the end (FUSE, NFS)."""
    path = tmp_path / "f.bin"
    data = os.urandom(10_000)
    path.write_bytes(data)
    real_read = os.read
    monkeypatch.setattr(os, "read", lambda descriptor, wanted: real_read(descriptor, min(wanted, 700)))
    assert read_regular(str(path), 20_000) == data
