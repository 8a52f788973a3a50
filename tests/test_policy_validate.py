"""validate: problems AWS rejects or misreads, beyond what read_policy records."""

from __future__ import annotations

from typing import Any

from s3lint.policy.validate import policy_problems
from s3lint.symbols import symbol
from tests.test_policy_transport import ARN, line_of, located, make_bucket, policy, read


def stmt(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"Sid": "Read", "Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "s3:GetObject", "Resource": f"{ARN}/*"}
    base.update(changes)
    return {key: value for key, value in base.items() if value is not None}


def problems(tree: Any, kind: str = "bucket", with_bucket: bool = True) -> list[str]:
    doc = read(tree, kind=kind)
    return [p.message for p in policy_problems(doc, make_bucket(doc) if with_bucket else None)]


def test_a_valid_bucket_policy_has_no_problems() -> None:
    assert problems(policy(stmt(), stmt(Sid="List", Action=["s3:ListBucket", "s3:Get*"], Resource=ARN))) == []


def test_read_policy_problems_are_included() -> None:
    assert problems(policy(stmt(), version="2012-10-18")) == [
        'Version must be "2012-10-17" (or the obsolete "2008-10-17"), not "2012-10-18"'
    ]
    assert any("has no Principal" in m for m in problems(policy(stmt(Principal=None))))
    assert any("must not have" in m for m in problems(policy(stmt()), kind="identity", with_bucket=False))
    assert any("unknown condition operator" in m for m in problems(policy(stmt(Condition={"StringEqual": {"aws:SourceVpce": "v"}}))))


def test_unknown_s3_action_with_a_suggestion_at_the_value() -> None:
    tree, text = located(policy(stmt(Action=["s3:GetObject", "s3:GetObjects"])))
    doc = read(tree)
    (problem,) = policy_problems(doc, make_bucket(doc))
    assert problem.message == 'Action "s3:GetObjects" in statement "Read" is not an S3 action, so it matches nothing; did you mean "s3:GetObject"?'
    assert problem.loc.line == line_of(text, '"s3:GetObjects"')


def test_action_spelling_is_case_insensitive() -> None:
    assert problems(policy(stmt(Action="S3:getobject"))) == []


def test_pattern_matching_no_action_and_malformed_action() -> None:
    assert problems(policy(stmt(Action="s3:Gett*"))) == ['Action "s3:Gett*" in statement "Read" matches no S3 action']
    assert problems(policy(stmt(Action="GetObject"))) == [
        'Action "GetObject" in statement "Read" is not of the form "service:action" (e.g. "s3:GetObject")'
    ]


def test_other_services_are_invalid_in_a_bucket_policy_only() -> None:
    assert problems(policy(stmt(Action="iam:PassRole"))) == [
        'Action "iam:PassRole" in statement "Read" is not an S3 action; a bucket policy may only name S3 actions'
    ]
    assert problems(policy(stmt(Action="s*:GetObject"))) == []
    identity = policy({"Effect": "Allow", "Action": ["iam:PassRole", "s3:GetObject"], "Resource": "*"})
    assert problems(identity, kind="identity", with_bucket=False) == []


def test_policy_variables_need_the_current_version() -> None:
    tree = {"Statement": [stmt(Resource=f"{ARN}/home/${{aws:username}}/*")]}
    (message,) = problems(tree)
    assert message.startswith('statement "Read" uses the policy variable ${aws:username}, but the policy has no Version')
    (message,) = problems({"Version": "2008-10-17", "Statement": tree["Statement"]})
    assert 'the policy\'s Version is "2008-10-17"' in message
    assert problems(policy(*tree["Statement"])) == []
    # a missing Version on its own is accepted by AWS
    assert problems({"Statement": [stmt()]}) == []


def test_resource_outside_the_bucket() -> None:
    tree, text = located(policy(stmt(Resource="arn:aws:s3:::other-bucket/*")))
    doc = read(tree)
    (problem,) = policy_problems(doc, make_bucket(doc))
    assert "names neither the bucket (arn:aws:s3:::data) nor its objects" in problem.message
    assert problem.loc.line == line_of(text, '"Resource"')
    # without a bucket, or with a bucket whose name is not known, nothing is said
    assert problems(policy(stmt(Resource="arn:aws:s3:::other-bucket/*")), with_bucket=False) == []
    unknown_bucket = read(policy(stmt(Resource="arn:aws:s3:::other-bucket/*")))
    assert policy_problems(unknown_bucket, make_bucket(unknown_bucket, name=symbol("param:Name"))) == []


def test_partial_wildcard_principal() -> None:
    (message,) = problems(policy(stmt(Principal={"AWS": "arn:aws:iam::*:root"})))
    assert message.startswith('principal "arn:aws:iam::*:root" in statement "Read" has a partial wildcard')
    assert problems(policy(stmt(Principal={"AWS": "*"}))) == []
