"""atheris harness: YAML text -> located trees (s3lint.loaders.yaml_source)."""

import sys

import atheris

with atheris.instrument_imports():
    from _common import decode, run
    from s3lint.loaders.yaml_source import parse_yaml
    from s3lint.source import SourceError


def test_one_input(data: bytes) -> None:
    try:
        parse_yaml(decode(data), "fuzz.yaml")
    except SourceError:
        pass


if __name__ == "__main__":
    run(test_one_input, sys.argv)
