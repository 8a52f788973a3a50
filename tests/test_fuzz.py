"""Fuzzing every loader and the policy engine with hypothesis, bounded for CI.

Each property: whatever the input, the loader either returns its result or raises the one
exception it documents (`SourceError` for the parsers; the model loaders never raise), in
bounded time.  The longer-running atheris harnesses are in fuzz/ (see fuzz/README.md); a
crash either finds becomes a file in tests/fixtures/hostile/.
"""

from __future__ import annotations

import json
import os
import tempfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from s3lint.model import Fragment
from s3lint.source import SourceError

FUZZ = settings(
    max_examples=100,
    deadline=2000,  # milliseconds per example: a slow example is a bug of its own
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,  # CI runs must be reproducible; fuzz/ is where randomness explores
    database=None,
)

# -- inputs ----------------------------------------------------------------------------------

_JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20)
_KEYS = st.sampled_from(
    ["Effect", "Principal", "Action", "NotAction", "Resource", "NotResource", "Condition", "Sid", "AWS",
     "Service", "Federated", "CanonicalUser", "Version", "Statement", "Type", "Properties", "Bool",
     "StringEquals", "StringLike", "IpAddress", "aws:SecureTransport", "aws:SourceVpce", "Ref", "Fn::Sub",
     "Fn::If", "Fn::Join", "Fn::GetAtt", "Fn::Select", "BucketName", "AccessControl", "PolicyDocument"]
) | st.text(max_size=8)
_POLICY_STRINGS = st.sampled_from(
    ["Allow", "Deny", "*", "s3:*", "s3:Get*", "s3:PutObject", "arn:aws:s3:::b/*", "arn:aws:s3:::*",
     "arn:aws:iam::111122223333:root", "111122223333", "true", "false", "2012-10-17", "10.0.0.0/8",
     "AWS::S3::Bucket", "AWS::S3::BucketPolicy", "PublicRead", "a*b?c", ""]
)
json_trees = st.recursive(
    _JSON_SCALARS | _POLICY_STRINGS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_KEYS, children, max_size=5),
    max_leaves=40,
)
_PUNCTUATION = st.sampled_from(list('{}[]:,"\\ \n\t-&*!|>?#%@`\'') + ["!Ref ", "!Sub ", "<<: ", "--- ", "\ufeff", "\x00"])
text_soup = st.lists(_PUNCTUATION | st.text(max_size=6) | _POLICY_STRINGS, max_size=60).map("".join)


def _mutated_json(tree: object, cut: int) -> str:
    text = json.dumps(tree)
    return text[: cut % (len(text) + 1)]


# -- parsers -----------------------------------------------------------------------------------


@FUZZ
@given(text_soup)
def test_yaml_parser_raises_only_source_errors(text: str) -> None:
    from s3lint.loaders.yaml_source import parse_yaml

    try:
        parse_yaml(text, "f.yaml")
    except SourceError as error:
        assert "\n" not in error.message and error.line >= 0


@FUZZ
@given(text_soup | json_trees.map(json.dumps), st.integers(min_value=0))
def test_json_parser_raises_only_source_errors(text: str, cut: int) -> None:
    from s3lint.loaders.json_source import parse_json

    for candidate in (text, text[: cut % (len(text) + 1)]):
        try:
            parse_json(candidate, "f.json")
        except SourceError as error:
            assert "\n" not in error.message and error.line >= 1


@FUZZ
@given(text_soup)
def test_hcl_parser_never_raises(text: str) -> None:
    from s3lint.loaders.terraform.hcl import parse_hcl

    parsed = parse_hcl("main.tf", text.encode("utf-8", "surrogatepass"))
    assert all("\n" not in error.message for error in parsed.errors)


# -- model loaders -------------------------------------------------------------------------------


def _template(resources: dict) -> dict:
    return {"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}


_resource = st.fixed_dictionaries(
    {"Type": st.sampled_from(["AWS::S3::Bucket", "AWS::S3::BucketPolicy", "AWS::IAM::Policy", "AWS::CloudTrail::Trail"]),
     "Properties": json_trees}
)


@FUZZ
@given(st.dictionaries(st.sampled_from(["A", "B", "C"]), _resource | json_trees, max_size=3), json_trees)
def test_cloudformation_loader_returns_a_fragment(resources: dict, extra: object) -> None:
    from s3lint.loaders.cloudformation import load_cloudformation
    from s3lint.loaders.json_source import parse_json

    template = _template(resources)
    template["Conditions"] = {"C": extra}
    template["Parameters"] = {"P": extra}
    tree = parse_json(json.dumps(template), "t.json")
    assert isinstance(load_cloudformation(tree, "t.json"), Fragment)


@FUZZ
@given(json_trees)
def test_policy_file_loader_returns_a_fragment(statement: object) -> None:
    from s3lint.loaders.json_source import parse_json
    from s3lint.loaders.policy_json import is_policy_document, load_policy_file

    text = json.dumps({"Version": "2012-10-17", "Statement": statement})
    tree = parse_json(text, "p.json")
    if is_policy_document(tree):
        assert isinstance(load_policy_file(tree, "p.json", text), Fragment)


@FUZZ
@given(json_trees, json_trees)
def test_plan_loader_returns_a_fragment(values: object, changes: object) -> None:
    from s3lint.loaders.json_source import parse_json
    from s3lint.loaders.tfplan import load_plan

    plan = {
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": [{"address": "aws_s3_bucket.a", "type": "aws_s3_bucket", "mode": "managed", "name": "a", "values": values}], "child_modules": values}},
        "resource_changes": changes,
    }
    assert isinstance(load_plan(parse_json(json.dumps(plan), "plan.json"), "plan.json"), Fragment)


_HCL_VALUES = st.sampled_from(
    ['"public-read"', "true", "1e9", "range(100000000)", "local.a", "local.b", "var.v", "[for x in range(5) : x]",
     '{ a = 1 }', 'jsonencode({ Statement = [] })', 'file("/dev/zero")', 'file("../../etc/passwd")', "null",
     "toset(local.a)", "concat(local.a, local.a)", '"${local.a}${local.a}"', "count.index", "each.key", "1 / 0",
     'regex("(a+)+$", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaa!")', "length(local.b)", "-", "(", "}"]
)


@settings(FUZZ, max_examples=60)
@given(st.lists(_HCL_VALUES, min_size=3, max_size=3), st.sampled_from(["acl", "count", "for_each", "policy", "bucket"]))
def test_terraform_loader_returns_a_fragment(values: list[str], argument: str) -> None:
    from s3lint.loaders.terraform import load_module

    a, b, c = values
    text = (
        f"locals {{\n  a = {a}\n  b = {b}\n}}\n"
        f'variable "v" {{ default = {c} }}\n'
        f'resource "aws_s3_bucket" "x" {{\n  bucket = "b"\n  {argument} = {c}\n}}\n'
        f'resource "aws_s3_bucket_policy" "p" {{\n  bucket = aws_s3_bucket.x.id\n  policy = {a}\n}}\n'
    )
    with tempfile.TemporaryDirectory() as folder:
        with open(os.path.join(folder, "main.tf"), "w", encoding="utf-8") as handle:
            handle.write(text)
        assert isinstance(load_module(folder, root=folder), Fragment)


# -- the policy engine and the checks ----------------------------------------------------------


@FUZZ
@given(json_trees, st.sampled_from(["bucket", "identity"]))
def test_policy_engine_reads_any_tree(statement: object, kind: str) -> None:
    from s3lint.loaders.json_source import parse_json
    from s3lint.policy.document import read_policy
    from s3lint.policy.public import public_policy_verdict

    tree = parse_json(json.dumps({"Version": "2012-10-17", "Statement": statement}), "p.json")
    document = read_policy(tree, kind=kind, owner="b", path="p.json")
    if kind == "bucket":
        public_policy_verdict(document, None)


@settings(FUZZ, max_examples=60)
@given(st.lists(json_trees, min_size=1, max_size=3))
def test_every_check_runs_on_any_policy(statements: list[object]) -> None:
    from s3lint.checks import CHECK_MODULES, Context
    from s3lint.engine import run_checks
    from s3lint.link import link
    from s3lint.loaders.cloudformation import load_cloudformation
    from s3lint.loaders.json_source import parse_json

    resources = {
        "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "b"}},
        "Policy": {"Type": "AWS::S3::BucketPolicy", "Properties": {"Bucket": {"Ref": "Bucket"}, "PolicyDocument": {"Statement": statements}}},
        "Role": {"Type": "AWS::IAM::Policy", "Properties": {"PolicyDocument": {"Statement": statements}}},
    }
    tree = parse_json(json.dumps(_template(resources)), "t.json")
    model = link([load_cloudformation(tree, "t.json")])
    run_checks(model, sorted(CHECK_MODULES), Context(account_ids=frozenset({"111122223333"}), strict=True))
    assert not [error for error in model.errors if error.path == "<s3lint>"], model.errors


# -- the atheris harnesses, on the hostile corpus ------------------------------------------------


def test_the_atheris_harnesses_run_the_hostile_corpus(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each harness of fuzz/ takes every file of the hostile corpus as an input without a
    crash (with atheris replaced by a stand-in when it is not installed), so the harnesses
    stay in step with the code and the corpus seeds them."""
    import contextlib
    import importlib
    import sys
    import types
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    if "atheris" not in sys.modules:
        try:
            import atheris  # noqa: F401
        except ImportError:
            stand_in = types.ModuleType("atheris")
            stand_in.instrument_imports = contextlib.nullcontext  # type: ignore[attr-defined]
            monkeypatch.setitem(sys.modules, "atheris", stand_in)
    monkeypatch.syspath_prepend(str(repo / "fuzz"))
    corpus = sorted(path for path in (repo / "tests" / "fixtures" / "hostile").rglob("*") if path.is_file() and path.stat().st_size < 100_000)
    assert len(corpus) > 40
    for name in ("fuzz_yaml", "fuzz_json", "fuzz_policy", "fuzz_document", "fuzz_terraform"):
        harness = importlib.import_module(name)
        for path in corpus:
            harness.test_one_input(path.read_bytes())
