"""lockout: unconditional denies that leave nobody able to repair the bucket policy."""

from __future__ import annotations

from typing import Any

from s3lint.policy.lockout import lockout_statements
from s3lint.symbols import Unknown, symbol
from tests.test_policy_transport import ARN, make_bucket, policy, read

ACCOUNT = "111122223333"


def deny_all(**changes: Any) -> dict[str, Any]:
    stmt: dict[str, Any] = {"Sid": "DenyAll", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [ARN, f"{ARN}/*"]}
    stmt.update(changes)
    return {key: value for key, value in stmt.items() if value is not None}


def locks(*statements: dict[str, Any], our_accounts: frozenset[str] = frozenset(), with_bucket: bool = True) -> list[tuple[str | None, str, bool | None, bool]]:
    doc = read(policy(*statements))
    bucket = make_bucket(doc) if with_bucket else None
    return [(lock.statement.sid, lock.kind, lock.certain, lock.denied_all) for lock in lockout_statements(doc, bucket, our_accounts)]


def test_unconditional_deny_of_everything_to_everyone_locks_out() -> None:
    assert locks(deny_all()) == [("DenyAll", "everyone", True, True)]
    assert locks(deny_all(Principal={"AWS": "*"}, Action="*")) == [("DenyAll", "everyone", True, True)]


def test_deny_of_the_policy_actions_alone_locks_out_too() -> None:
    stmt = deny_all(Action=["s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:GetBucketPolicy"], Resource=ARN)
    assert locks(stmt) == [("DenyAll", "everyone", True, False)]


def test_policy_actions_split_over_two_statements_lock_out_together() -> None:
    put = deny_all(Sid="NoPut", Action="s3:PutBucketPolicy", Resource=ARN)
    delete = deny_all(Sid="NoDelete", Action="s3:DeleteBucketPolicy", Resource=ARN)
    doc = read(policy(put, delete))
    (lock,) = lockout_statements(doc, make_bucket(doc))
    assert lock.statement.sid == "NoPut" and [s.sid for s in lock.together_with] == ["NoDelete"]


def test_a_condition_or_a_specific_principal_or_missing_actions_is_not_a_lockout() -> None:
    assert locks(deny_all(Condition={"Bool": {"aws:SecureTransport": "false"}})) == []
    assert locks(deny_all(Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:role/Intruder"})) == []
    assert locks(deny_all(Action="s3:PutBucketPolicy")) == []  # DeleteBucketPolicy still works
    assert locks(deny_all(Resource=f"{ARN}/*")) == []  # the bucket itself is not covered
    assert locks(deny_all(Effect="Allow")) == []


def test_unknown_parts_make_a_possible_lockout() -> None:
    doc = read(policy(deny_all()))
    doc.statements[0].actions[0].value = Unknown("parameter")
    (lock,) = lockout_statements(doc, make_bucket(doc))
    assert lock.certain is None


def test_not_principal_listing_a_role_without_its_account_is_lockout_prone() -> None:
    role = f"arn:aws:iam::{ACCOUNT}:role/Admin"
    doc = read(policy(deny_all(Principal=None, NotPrincipal={"AWS": [role]})))
    (lock,) = lockout_statements(doc, make_bucket(doc))
    assert lock.kind == "not_principal" and lock.certain is True
    assert f"exempts {role} but not its account (arn:aws:iam::{ACCOUNT}:root)" in lock.reason
    assert lock.loc == doc.statements[0].principals[0].loc  # type: ignore[index]


def test_not_principal_with_the_account_listed_is_fine() -> None:
    role = f"arn:aws:iam::{ACCOUNT}:role/Admin"
    for account in (f"arn:aws:iam::{ACCOUNT}:root", ACCOUNT):
        assert locks(deny_all(Principal=None, NotPrincipal={"AWS": [role, account]})) == []


def test_not_principal_with_symbolic_account() -> None:
    account = symbol("AWS::AccountId")
    role = f"arn:aws:iam::{account}:role/Admin"
    assert locks(deny_all(Principal=None, NotPrincipal={"AWS": [role, f"arn:aws:iam::{account}:root"]})) == []
    assert locks(deny_all(Principal=None, NotPrincipal={"AWS": [role, account]})) == []
    assert locks(deny_all(Principal=None, NotPrincipal={"AWS": [role]}))[0][1:3] == ("not_principal", True)


def test_not_principal_exempting_only_services_denies_every_iam_principal() -> None:
    (lock,) = locks(deny_all(Principal=None, NotPrincipal={"Service": "cloudtrail.amazonaws.com"}))
    assert lock[1:3] == ("not_principal", True)


def test_not_principal_exempting_only_another_account() -> None:
    other = "arn:aws:iam::999988887777:root"
    assert locks(deny_all(Principal=None, NotPrincipal={"AWS": other})) == []  # our accounts unknown
    assert locks(deny_all(Principal=None, NotPrincipal={"AWS": other}), our_accounts=frozenset({ACCOUNT}))[0][2] is True


def test_without_a_bucket_the_policy_names_its_bucket() -> None:
    assert locks(deny_all(), with_bucket=False) == [("DenyAll", "everyone", True, True)]


def test_identity_policies_are_not_judged() -> None:
    doc = read(policy({"Effect": "Deny", "Action": "s3:*", "Resource": "*"}), kind="identity")
    assert lockout_statements(doc) == []
