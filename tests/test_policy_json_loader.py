"""Standalone policy files: bucket policies, identity policies, and the CLI's wrapper."""

from __future__ import annotations

import os

from s3lint.loaders.json_source import parse_json
from s3lint.loaders.policy_json import is_policy_document, load_policy_file, shift_positions
from s3lint.loaders.yaml_source import parse_yaml
from s3lint.model import Fragment
from s3lint.symbols import Unknown

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "loaders")


def read(name: str) -> str:
    with open(os.path.join(FIXTURES, name), encoding="utf-8") as handle:
        return handle.read()


def load(name: str) -> Fragment:
    text = read(name)
    tree = parse_json(text, name)
    assert is_policy_document(tree)
    return load_policy_file(tree, name, text)


def test_is_policy_document() -> None:
    assert is_policy_document({"Statement": []})
    assert is_policy_document({"Policy": '{"Version": "2012-10-17", "Statement": []}'})
    assert not is_policy_document({"Policy": "not json"})
    assert not is_policy_document({"Policy": '{"Version": "2012-10-17"}'})
    assert not is_policy_document({"Resources": {}})
    assert not is_policy_document(["Statement"])


def test_a_policy_with_principals_is_a_bucket_policy_for_the_bucket_it_names() -> None:
    fragment = load("policy_bucket.json")
    assert not fragment.identity_policies and not fragment.errors
    (attachment,) = fragment.attachments
    assert attachment.kind == "policy"
    assert attachment.bucket.name == "example-reports" and attachment.bucket.address is None
    assert attachment.owner == "policy_bucket.json" and attachment.scope == "policy_bucket.json"
    document = attachment.payload
    assert document.kind == "bucket"
    assert [s.sid for s in document.statements] == ["PublicRead", "DenyHttp"]
    assert document.statements[0].principals[0].loc.line == 8


def test_a_policy_without_principals_is_an_identity_policy() -> None:
    fragment = load("policy_identity.json")
    assert not fragment.attachments
    (policy,) = fragment.identity_policies
    assert policy.address == "policy_identity.json"
    assert policy.document.kind == "identity"
    assert policy.document.statements[0].actions[1].loc.line == 7


def test_several_buckets_leave_the_bucket_unknown() -> None:
    (attachment,) = load("policy_two_buckets.json").attachments
    assert isinstance(attachment.bucket.name, Unknown)
    assert "bucket-one" in attachment.bucket.name.reason


def test_cli_output_wrapper_maps_positions_into_the_string() -> None:
    text = read("policy_cli_output.json")
    fragment = load("policy_cli_output.json")
    (attachment,) = fragment.attachments
    assert attachment.bucket.name == "cli-bucket"
    (statement,) = attachment.payload.statements
    assert statement.principals is not None
    line = text.splitlines()[statement.principals[0].loc.line - 1]
    column = statement.principals[0].loc.column
    assert statement.principals[0].loc.line == 2
    assert line[column - 1 :].startswith('\\"*\\"')  # the very characters of the value
    effect = statement.effect.loc
    assert line[effect.column - 1 :].startswith('\\"Allow\\"')


def test_cli_output_with_newline_escapes_stays_on_the_physical_line() -> None:
    text = '{\n  "Policy": "{\\n  \\"Statement\\": [\\n    {\\"Effect\\": \\"Deny\\", \\"Principal\\": \\"*\\", \\"Action\\": \\"s3:*\\", \\"Resource\\": \\"arn:aws:s3:::b/*\\"}]}"\n}\n'
    tree = parse_json(text, "p.json")
    fragment = load_policy_file(tree, "p.json", text)
    (statement,) = fragment.attachments[0].payload.statements
    assert statement.effect.loc.line == 2
    physical = text.splitlines()[1]
    assert physical[statement.effect.loc.column - 1 :].startswith('\\"Deny\\"')


def test_yaml_policy_file() -> None:
    text = "Version: '2012-10-17'\nStatement:\n  - Effect: Allow\n    Action: s3:GetObject\n    Resource: '*'\n"
    tree = parse_yaml(text, "p.yaml")[0]
    assert is_policy_document(tree)
    fragment = load_policy_file(tree, "p.yaml", text)
    (policy,) = fragment.identity_policies
    assert policy.document.statements[0].actions[0].loc.line == 4


def test_shift_positions_moves_every_position() -> None:
    tree = parse_json('{"a": [1, "x"],\n "b": {"c": 2}}', "inner")
    shift_positions(tree, 9, 20)
    assert (tree.line, tree.column) == (10, 21)
    assert tree.key_pos("a") == (10, 22)
    assert tree["a"].item_positions == [(10, 28), (10, 31)]
    assert (tree["a"][1].line, tree["a"][1].column) == (10, 31)
    assert tree.key_pos("b") == (11, 2)
    assert tree["b"].value_pos("c") == (11, 13)


def test_policy_file_that_is_not_an_object_is_an_error() -> None:
    fragment = load_policy_file(["Statement"], "p.json", "[]")
    assert fragment.errors and not fragment.attachments
