"""The S3 action catalogue and wildcard expansion."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from s3lint.policy import actions
from s3lint.policy.actions import (
    access_level,
    canonical_action,
    covers_all_actions,
    expand_action_patterns,
    is_known_s3_action,
    statement_actions,
)
from s3lint.policy.document import read_policy
from s3lint.symbols import Unknown, symbol


def stmt(**element):
    body = {"Effect": "Allow", "Principal": "*", "Resource": "*"}
    body.update(element)
    return read_policy({"Statement": [body]}, kind="bucket", owner="p", path="p.json").statements[0]


def test_catalogue_has_the_well_known_actions_with_their_levels() -> None:
    every = actions.ALL_S3_ACTIONS
    assert len(every) > 150
    assert all(name.startswith("s3:") for name in every)
    assert access_level("s3:GetObject") == "Read"
    assert access_level("s3:ListBucket") == "List"
    assert access_level("s3:PutObject") == "Write"
    assert access_level("s3:PutBucketPolicy") == "Permissions management"
    assert access_level("s3:PutBucketAcl") == "Permissions management"
    assert access_level("s3:PutObjectTagging") == "Tagging"
    assert access_level("s3:NoSuchThing") == "Unknown"


def test_data_file_levels_are_the_documented_ones() -> None:
    data = json.loads(Path(actions.DATA_FILE).read_text(encoding="utf-8"))
    assert set(data["actions"].values()) == {"List", "Read", "Write", "Permissions management", "Tagging"}


def test_names_are_case_insensitive() -> None:
    assert canonical_action("S3:getobject") == "s3:GetObject"
    assert is_known_s3_action("s3:deleteobjectversion")
    assert not is_known_s3_action("s3-object-lambda:GetObject")
    assert not is_known_s3_action("GetObject")


def test_expansion_of_wildcards() -> None:
    assert expand_action_patterns(["*"]) == actions.ALL_S3_ACTIONS
    assert expand_action_patterns(["s3:*"]) == actions.ALL_S3_ACTIONS
    assert expand_action_patterns(["S3:GET*ACL"]) == {"s3:GetBucketAcl", "s3:GetObjectAcl", "s3:GetObjectVersionAcl"}
    assert expand_action_patterns(["s3:List?ucket"]) == {"s3:ListBucket"}
    assert expand_action_patterns(["iam:*", "s3-object-lambda:*", "sqs:SendMessage", "nonsense", 7]) == frozenset()
    assert expand_action_patterns(["s3:GetObject", "s3:getobject"]) == {"s3:GetObject"}


def test_statement_actions_handles_not_action_and_unknowns() -> None:
    assert statement_actions(stmt(Action=["s3:GetObject", "sqs:*"])) == {"s3:GetObject"}
    rest = statement_actions(stmt(NotAction="s3:Delete*"))
    assert isinstance(rest, frozenset)
    assert "s3:GetObject" in rest and "s3:DeleteObject" not in rest and "s3:DeleteBucket" not in rest
    assert covers_all_actions(statement_actions(stmt(NotAction="iam:*")))
    assert isinstance(statement_actions(stmt(Action=["s3:GetObject", Unknown("x")])), Unknown)
    assert isinstance(statement_actions(stmt(Action="s3:" + symbol("param:Action"))), Unknown)


_NAMES = sorted(actions._all_actions())


@given(st.sampled_from(_NAMES), st.integers(min_value=0, max_value=12), st.integers(min_value=0, max_value=12))
def test_a_wildcard_covers_every_action_it_matches(name: str, start: int, length: int) -> None:
    body = name[3:]
    start = min(start, len(body))
    pattern = "s3:" + body[:start] + "*" + body[start + length :]
    expanded = expand_action_patterns([pattern])
    assert name in expanded
    # and only names that the pattern really matches
    prefix, suffix = body[:start].lower(), body[start + length :].lower()
    for other in expanded:
        lowered = other[3:].lower()
        assert lowered.startswith(prefix) and lowered.endswith(suffix)


@given(st.lists(st.sampled_from(_NAMES), max_size=5))
def test_not_action_is_the_complement(names: list[str]) -> None:
    listed = statement_actions(stmt(Action=names or ["s3:GetObject"]))
    others = statement_actions(stmt(NotAction=names or ["s3:GetObject"]))
    assert isinstance(listed, frozenset) and isinstance(others, frozenset)
    assert listed | others == actions.ALL_S3_ACTIONS and not listed & others
