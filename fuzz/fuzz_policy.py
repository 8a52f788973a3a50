"""atheris harness: a policy document (JSON) through the policy engine: read_policy, the
public verdict, and every policy check on a bucket and an identity policy."""

import sys

import atheris

with atheris.instrument_imports():
    from _common import decode, run
    from s3lint.checks import CHECK_MODULES, Context
    from s3lint.engine import run_checks
    from s3lint.link import link
    from s3lint.loaders.json_source import parse_json
    from s3lint.loaders.policy_json import is_policy_document, load_policy_file
    from s3lint.policy.document import read_policy
    from s3lint.policy.public import public_policy_verdict
    from s3lint.source import SourceError

_RULES = sorted(CHECK_MODULES)


def test_one_input(data: bytes) -> None:
    text = decode(data)
    try:
        tree = parse_json(text, "policy.json")
    except SourceError:
        return
    for kind in ("bucket", "identity"):
        document = read_policy(tree, kind=kind, owner="fuzz", path="policy.json")
        if kind == "bucket":
            public_policy_verdict(document, None)
    if is_policy_document(tree):
        model = link([load_policy_file(tree, "policy.json", text)])
        run_checks(model, _RULES, Context(strict=True))
        internal = [error for error in model.errors if "internal error" in error.message]
        if internal:
            raise RuntimeError(internal[0].message)


if __name__ == "__main__":
    run(test_one_input, sys.argv)
