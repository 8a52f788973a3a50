"""Shared by the atheris harnesses: what counts as a crash.

A harness feeds bytes to one loader.  The loader may refuse them with the one error it
documents (`SourceError` for the parsers); anything else escaping is a crash, and so is an
input that takes longer than the harness's time limit (atheris -timeout=N).  Every crash
becomes a file in tests/fixtures/hostile/ with its expected outcome in expected.json.
"""

from __future__ import annotations

import os
import sys

# Run from a checkout without installing: `python fuzz/fuzz_yaml.py`.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def decode(data: bytes) -> str:
    """Bytes as text for the parsers (the engine's own decoding is fuzzed by fuzz_document)."""
    return data.decode("utf-8", "replace")


def run(test_one_input, argv: list[str]) -> None:  # type: ignore[no-untyped-def]
    import atheris

    atheris.Setup(argv, test_one_input)
    atheris.Fuzz()
