"""read_policy: structure, locations, unknowns; it never raises."""

from __future__ import annotations

from typing import Any

import pytest

from s3lint.policy.document import is_valid_operator, read_policy, split_operator
from s3lint.source import LDict, LList, LStr
from s3lint.symbols import NO_VALUE, Unknown


def read(tree: Any, kind: str = "bucket"):
    return read_policy(tree, kind=kind, owner="Policy", path="p.json")  # type: ignore[arg-type]


def messages(doc) -> list[str]:
    return [p.message for p in doc.problems]


ALLOW = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}


def test_a_valid_policy_has_no_problems_and_reads_every_element() -> None:
    doc = read(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "Read",
                    "Effect": "Allow",
                    "Principal": {"AWS": ["arn:aws:iam::111122223333:root", "444455556666"], "Service": "logging.s3.amazonaws.com"},
                    "Action": ["s3:GetObject", "s3:ListBucket"],
                    "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
                    "Condition": {"StringEquals": {"aws:SourceVpce": ["vpce-1", "vpce-2"]}, "Bool": {"aws:SecureTransport": True}},
                }
            ],
        }
    )
    assert doc.problems == []
    (stmt,) = doc.statements
    assert stmt.sid == "Read" and stmt.effect.value == "Allow"
    assert [(p.kind, p.value) for p in stmt.principals or []] == [
        ("AWS", "arn:aws:iam::111122223333:root"),
        ("AWS", "444455556666"),
        ("Service", "logging.s3.amazonaws.com"),
    ]
    assert [v.value for v in stmt.actions] == ["s3:GetObject", "s3:ListBucket"]
    assert [v.value for v in stmt.resources] == ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]
    assert [(c.operator, c.key, [v.value for v in c.values]) for c in stmt.conditions] == [
        ("StringEquals", "aws:SourceVpce", ["vpce-1", "vpce-2"]),
        ("Bool", "aws:SecureTransport", [True]),
    ]


def test_single_statement_object_and_string_principal() -> None:
    doc = read({"Version": "2012-10-17", "Statement": ALLOW})
    assert doc.problems == []
    assert [(p.kind, p.value) for p in doc.statements[0].principals or []] == [("*", "*")]


@pytest.mark.parametrize(
    ("tree", "expected"),
    [
        ({"Statement": [{"Principal": "*", "Action": "s3:*", "Resource": "*"}]}, "has no Effect"),
        ({"Statement": [dict(ALLOW, Effect="Permit")]}, 'Effect must be "Allow" or "Deny", not "Permit"'),
        ({"Statement": [{"Effect": "Allow", "Principal": "*", "Resource": "*"}]}, "has no Action or NotAction"),
        ({"Statement": [dict(ALLOW, NotAction="s3:PutObject")]}, "has both Action and NotAction"),
        ({"Statement": [dict(ALLOW, NotResource="*")]}, "has both Resource and NotResource"),
        ({"Statement": [dict(ALLOW, NotPrincipal="*")]}, "has both Principal and NotPrincipal"),
        ({"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}, "has no Principal"),
        ({"Version": "2012-10-18", "Statement": [ALLOW]}, 'Version must be "2012-10-17"'),
        ({"Statement": "nope"}, "Statement must be a list or an object"),
        ({"Version": "2012-10-17"}, "the policy has no Statement"),
        ({"Statement": [dict(ALLOW, Condition={"StringEqualz": {"a": "b"}})]}, "unknown condition operator"),
        ({"Statement": [dict(ALLOW, Principal={"Group": "x"})]}, "unknown principal type 'Group'"),
        ({"Statement": [dict(ALLOW, Principal="arn:aws:iam::1:root")]}, 'Principal must be "*" or an object'),
        ({"Statement": [dict(ALLOW, Action=["s3:GetObject", 5])]}, "Action entries must be strings"),
        ({"Statement": [dict(ALLOW, Condition=["x"])]}, "Condition must be an object"),
        ({"Statement": [dict(ALLOW, Extra=1)]}, "unknown element 'Extra'"),
        ({"Statement": ["text"]}, "a statement must be an object"),
        (["not", "an", "object"], "a policy document must be a JSON object"),
        ("{not json", "the policy is not valid JSON"),
    ],
)
def test_structural_problems_are_reported_not_raised(tree: Any, expected: str) -> None:
    doc = read(tree)
    assert any(expected in message for message in messages(doc)), messages(doc)


def test_identity_policy_must_not_have_a_principal_and_needs_none() -> None:
    with_principal = read({"Statement": [ALLOW]}, kind="identity")
    assert any("identity-based policy must not have" in m for m in messages(with_principal))
    without = read({"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}, kind="identity")
    assert without.problems == [] and without.statements[0].principals is None


def test_json_text_is_parsed() -> None:
    doc = read('{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}]}')
    assert doc.problems == [] and doc.statements[0].effect.value == "Deny"


def test_a_wholly_unknown_document() -> None:
    unknown = Unknown("from a parameter")
    doc = read(unknown)
    assert doc.unknown is unknown and doc.statements == []


def test_unknown_parts_are_kept_and_named() -> None:
    doc = read({"Statement": [dict(ALLOW, Principal=Unknown("p"), Action=Unknown("a"), Condition=Unknown("c"))]})
    stmt = doc.statements[0]
    assert stmt.unknown_parts == ["Principal", "Action", "Condition"]
    assert stmt.principals is not None and stmt.principals[0].kind == "?"
    assert isinstance(stmt.actions[0].value, Unknown)
    assert isinstance(stmt.conditions[0].values[0].value, Unknown)
    assert doc.problems == []


def test_fn_if_statement_alternatives_become_conditional_statements() -> None:
    deny = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}
    doc = read({"Statement": [ALLOW, Unknown("Fn::If", alternatives=(deny, NO_VALUE))]})
    assert [(s.index, s.effect.value, s.conditional) for s in doc.statements] == [(0, "Allow", False), (1, "Deny", True)]
    both = read({"Statement": [Unknown("Fn::If", alternatives=(deny, ALLOW))]})
    assert [(s.effect.value, s.conditional) for s in both.statements] == [("Deny", True), ("Allow", True)]


def test_an_unknown_statement_without_alternatives_is_unknown_everywhere() -> None:
    doc = read({"Statement": [Unknown("opaque")]})
    (stmt,) = doc.statements
    assert stmt.unknown_parts == ["Statement"]
    assert isinstance(stmt.effect.value, Unknown) and stmt.principals and stmt.principals[0].kind == "?"


def _located_policy() -> LDict:
    # {                                   line 1
    #   "Statement": [                    line 2
    #     {                               line 3
    #       "Effect": "Allow",            line 4
    #       "Principal": {"AWS": "*"},    line 5
    #       "Action": ["s3:GetObject",    line 6
    #                  "s3:PutObject"],   line 7
    #       "Resource": "arn:aws:s3:::b/*"  line 8
    #     }
    #   ]
    # }
    principal = LDict(line=5, column=20)
    principal.set_located("AWS", LStr("*", 5, 28), (5, 21), (5, 28))
    actions = LList(line=6, column=17)
    actions.append_located(LStr("s3:GetObject", 6, 18), (6, 18))
    actions.append_located(LStr("s3:PutObject", 7, 18), (7, 18))
    stmt = LDict(line=3, column=5)
    stmt.set_located("Effect", LStr("Allow", 4, 17), (4, 7), (4, 17))
    stmt.set_located("Principal", principal, (5, 7), (5, 20))
    stmt.set_located("Action", actions, (6, 7), (6, 17))
    stmt.set_located("Resource", LStr("arn:aws:s3:::b/*", 8, 19), (8, 7), (8, 19))
    stmt.set_located("Extra", 1, (9, 7), (9, 16))
    statements = LList(line=2, column=16)
    statements.append_located(stmt, (3, 5))
    doc = LDict(line=1, column=1)
    doc.set_located("Statement", statements, (2, 3), (2, 16))
    return doc


def test_locations_come_from_the_located_tree() -> None:
    doc = read(_located_policy())
    stmt = doc.statements[0]
    assert stmt.loc.line == 3
    assert stmt.effect.loc.line == 4
    assert stmt.principal_loc is not None and stmt.principal_loc.line == 5
    assert stmt.principals is not None and (stmt.principals[0].loc.line, stmt.principals[0].loc.column) == (5, 28)
    assert stmt.action_loc is not None and stmt.action_loc.line == 6
    assert [v.loc.line for v in stmt.actions] == [6, 7]
    assert stmt.resources[0].loc.line == 8
    assert [(p.message, p.loc.line) for p in doc.problems] == [("unknown element 'Extra' in statement 1", 9)]


def test_plain_trees_fall_back_to_the_default_position() -> None:
    doc = read_policy({"Statement": [{"Effect": "Allow"}]}, kind="bucket", owner="x", path="t.tf", default_pos=(7, 3))
    assert {(p.loc.path, p.loc.line, p.loc.column) for p in doc.problems} == {("t.tf", 7, 3)}


def test_deep_fn_if_nesting_does_not_recurse() -> None:
    nested: Any = ALLOW
    for _ in range(5000):
        nested = Unknown("Fn::If", alternatives=(nested, NO_VALUE))
    doc = read({"Statement": [nested]})
    assert len(doc.statements) == 1 and doc.statements[0].conditional


def test_operator_syntax() -> None:
    assert split_operator("ForAnyValue:StringLikeIfExists") == ("ForAnyValue", "StringLike", True)
    assert is_valid_operator("ForAllValues:ArnNotLikeIfExists")
    assert not is_valid_operator("NullIfExists")
    assert not is_valid_operator("ForSomeValues:StringEquals")
