"""Who a statement's principal admits."""

from __future__ import annotations

from typing import Any

import pytest

from s3lint.model import PrincipalEntry
from s3lint.policy.document import read_policy
from s3lint.policy.principals import account_of_arn, classify, is_our_account, statement_principals
from s3lint.source import Location
from s3lint.symbols import Unknown, symbol

HERE = Location("t.json", 1)
OURS = symbol("AWS::AccountId")


@pytest.mark.parametrize(
    ("kind", "value", "everyone", "account"),
    [
        ("*", "*", True, None),
        ("AWS", "*", True, None),
        ("AWS", "111122223333", False, "111122223333"),
        ("AWS", "arn:aws:iam::111122223333:root", False, "111122223333"),
        ("AWS", "arn:aws:iam::111122223333:role/path/reader", False, "111122223333"),
        ("AWS", "arn:aws:sts::111122223333:assumed-role/r/s", False, "111122223333"),
        ("AWS", f"arn:{symbol('AWS::Partition')}:iam::{OURS}:root", False, OURS),
        ("AWS", OURS, False, OURS),
        ("AWS", "arn:aws:iam::*:root", True, None),
        ("AWS", "AROAEXAMPLEID", False, None),
        ("Service", "cloudtrail.amazonaws.com", False, None),
        ("Federated", "graph.facebook.com", True, None),
        ("Federated", "arn:aws:iam::111122223333:saml-provider/corp", False, "111122223333"),
        ("CanonicalUser", "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be", False, None),
        ("AWS", Unknown("parameter"), None, None),
    ],
)
def test_classify(kind: str, value: Any, everyone: Any, account: Any) -> None:
    info = classify(PrincipalEntry(kind, value, HERE))  # type: ignore[arg-type]
    assert (info.everyone, info.account) == (everyone, account)


def stmt(**element: Any):
    body: dict[str, Any] = {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}
    body.update(element)
    return read_policy({"Statement": [body]}, kind="bucket", owner="p", path="p.json").statements[0]


def test_statement_principals() -> None:
    assert statement_principals(stmt(Principal="*")).everyone is True
    specific = statement_principals(stmt(Principal={"AWS": ["111122223333", "arn:aws:iam::444455556666:root"]}))
    assert specific.everyone is False and specific.accounts == {"111122223333", "444455556666"}
    negated = statement_principals(stmt(NotPrincipal={"AWS": "111122223333"}))
    assert negated.everyone is True and negated.negated
    assert statement_principals(stmt(NotPrincipal="*")).everyone is False
    assert statement_principals(stmt(Principal=Unknown("p"))).everyone is None
    missing = read_policy({"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}, kind="identity", owner="p", path="p").statements[0]
    assert statement_principals(missing).missing


def test_our_accounts() -> None:
    assert is_our_account(OURS, frozenset()) is True
    assert is_our_account("111122223333", frozenset({"111122223333"})) is True
    assert is_our_account("111122223333", frozenset()) is False
    assert is_our_account(symbol("var.partner_account"), frozenset()) is None
    assert account_of_arn("arn:aws:s3:::bucket") == ""
    assert account_of_arn("not an arn") is None
