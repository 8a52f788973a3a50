"""atheris harness: a whole document through the engine (decoding, YAML/JSON, CloudFormation
with its intrinsics, policy files, Terraform plans), then every check.  The engine turns any
loader error into an S3000 error, so an exception escaping here is a crash."""

import os
import sys
import tempfile

import atheris

with atheris.instrument_imports():
    from _common import run
    from s3lint.checks import CHECK_MODULES, Context
    from s3lint.engine import ScanOptions, load_paths, run_checks

_FOLDER = tempfile.mkdtemp(prefix="s3lint-fuzz-")
_OPTIONS = ScanOptions(root=_FOLDER, jobs=1, file_timeout=0)  # atheris -timeout measures time
_RULES = sorted(CHECK_MODULES)


def test_one_input(data: bytes) -> None:
    suffix = (".yaml", ".json", ".template")[data[0] % 3] if data else ".yaml"
    path = os.path.join(_FOLDER, "template" + suffix)
    with open(path, "wb") as handle:
        handle.write(data[1:])
    loaded = load_paths([path], _OPTIONS)
    run_checks(loaded.model, _RULES, Context(strict=True))
    internal = [error for error in loaded.model.errors if "internal error" in error.message]
    if internal:
        raise RuntimeError(internal[0].message)
    os.remove(path)


if __name__ == "__main__":
    run(test_one_input, sys.argv)
