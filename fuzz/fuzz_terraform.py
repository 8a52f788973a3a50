"""atheris harness: a Terraform file through the HCL parser, the evaluator and the AWS
mapping (s3lint.loaders.terraform.load_module), then every check."""

import os
import sys
import tempfile

import atheris

with atheris.instrument_imports():
    from _common import run
    from s3lint.checks import CHECK_MODULES, Context
    from s3lint.engine import run_checks
    from s3lint.link import link
    from s3lint.loaders.terraform import load_module

_FOLDER = tempfile.mkdtemp(prefix="s3lint-fuzz-tf-")
_RULES = sorted(CHECK_MODULES)


def test_one_input(data: bytes) -> None:
    path = os.path.join(_FOLDER, "main.tf")
    with open(path, "wb") as handle:
        handle.write(data)
    model = link([load_module(_FOLDER, root=_FOLDER)])
    run_checks(model, _RULES, Context(strict=True))
    internal = [error for error in model.errors if "internal error" in error.message]
    if internal:
        raise RuntimeError(internal[0].message)


if __name__ == "__main__":
    run(test_one_input, sys.argv)
