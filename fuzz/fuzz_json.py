"""atheris harness: JSON text -> located tree (s3lint.loaders.json_source)."""

import sys

import atheris

with atheris.instrument_imports():
    from _common import decode, run
    from s3lint.loaders.json_source import parse_json
    from s3lint.source import SourceError


def test_one_input(data: bytes) -> None:
    try:
        parse_json(decode(data), "fuzz.json")
    except SourceError:
        pass


if __name__ == "__main__":
    run(test_one_input, sys.argv)
