"""Who a statement's Principal (or NotPrincipal) admits.

Facts used (IAM User Guide, "AWS JSON policy elements: Principal" and "NotPrincipal"):
`"*"` and `{"AWS": "*"}` are everyone, anonymous callers included; an account is written as
its 12-digit id or `arn:aws:iam::<id>:root`, and any IAM ARN names a principal of the account
in it; `Allow` with `NotPrincipal` admits everyone except those listed.  A wildcard inside an
ARN is not allowed by IAM, so it is read as everyone (the author meant a wildcard).
A `Federated` web identity provider (`graph.facebook.com`, `accounts.google.com`,
`cognito-identity.amazonaws.com`, ...) admits the public (the S3 Block Public Access guide's
own example); a SAML provider ARN belongs to an account.
"""

from __future__ import annotations

import re
from typing import Optional

from s3lint.model import PrincipalEntry, Statement
from s3lint.records import FrozenRecord
from s3lint.symbols import OUR_ACCOUNT, has_symbol, is_only_symbol, is_unknown, render, symbol

Tri = Optional[bool]

OUR_ACCOUNT_SYMBOL = symbol(OUR_ACCOUNT)
_ACCOUNT_ID = re.compile(r"^\d{12}$")
_SYMBOLS = re.compile("\ue000[^\ue001]*\ue001")


class PrincipalInfo(FrozenRecord):
    """One principal value, classified."""

    __slots__ = ("entry", "everyone", "account", "service", "federated", "canonical_user")

    def __init__(
        self,
        entry: PrincipalEntry,
        everyone: Tri,
        account: str | None = None,
        service: str | None = None,
        federated: str | None = None,
        canonical_user: str | None = None,
    ) -> None:
        self.entry = entry
        self.everyone = everyone  # admits anyone (anonymous included); None: cannot tell
        self.account = account  # the account it belongs to: 12 digits or a symbol string
        self.service = service
        self.federated = federated
        self.canonical_user = canonical_user

    def describe(self) -> str:
        if self.everyone is True:
            return "everyone (\"*\")" if self.entry.kind in ("*", "AWS") else f"everyone ({render(self.entry.value)})"
        if is_unknown(self.entry.value):
            return "an unknown principal"
        return f"{self.entry.kind} {render(self.entry.value)}"


class Principals(FrozenRecord):
    """Whom a statement applies to."""

    __slots__ = ("everyone", "entries", "negated", "unknown", "missing", "accounts")

    def __init__(
        self,
        everyone: Tri,
        entries: tuple[PrincipalInfo, ...] = (),
        negated: bool = False,
        unknown: bool = False,
        missing: bool = False,
        accounts: frozenset[str] = frozenset(),
    ) -> None:
        self.everyone = everyone  # True: anyone at all; None: possibly everyone
        self.entries = entries
        self.negated = negated  # NotPrincipal: everyone except `entries`
        self.unknown = unknown  # some principal value is not known statically
        self.missing = missing  # no Principal element (identity policies)
        self.accounts = accounts

    def public_entries(self) -> list[PrincipalInfo]:
        return [info for info in self.entries if info.everyone is not False]


def arn_parts(text: str) -> list[str] | None:
    """["arn", partition, service, region, account, resource], or None when not an ARN.

    Symbols may contain colons (`${AWS::AccountId}`), so they are kept whole."""
    found: list[str] = []

    def hide(match: re.Match[str]) -> str:
        found.append(match.group(0))
        return f"\ue000{len(found) - 1}\ue001"

    masked = _SYMBOLS.sub(hide, text)
    parts = masked.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    if not found:
        return parts
    return [_SYMBOLS.sub(lambda m: found[int(m.group(0)[1:-1])], part) for part in parts]


def account_of_arn(text: str) -> str | None:
    """The account field of an ARN ("" for S3 bucket ARNs), or None when not an ARN."""
    parts = arn_parts(text)
    return parts[4] if parts else None


def classify(entry: PrincipalEntry) -> PrincipalInfo:
    value = entry.value
    if entry.kind == "?" or is_unknown(value):
        return PrincipalInfo(entry, everyone=None)
    if not isinstance(value, str):
        return PrincipalInfo(entry, everyone=None)
    if entry.kind == "*":
        return PrincipalInfo(entry, everyone=True)
    if entry.kind == "Service":
        return PrincipalInfo(entry, everyone=False, service=value)
    if entry.kind == "CanonicalUser":
        return PrincipalInfo(entry, everyone=value.strip() == "*", canonical_user=value)
    if entry.kind == "Federated":
        account = account_of_arn(value)
        if account is not None and account and "*" not in account:
            return PrincipalInfo(entry, everyone=False, account=account, federated=value)
        return PrincipalInfo(entry, everyone=True, federated=value)
    # AWS
    text = value.strip()
    if text == "*":
        return PrincipalInfo(entry, everyone=True)
    if _ACCOUNT_ID.match(text) or is_only_symbol(text, OUR_ACCOUNT):
        return PrincipalInfo(entry, everyone=False, account=text)
    account = account_of_arn(text)
    if account is not None:
        if "*" in text or "?" in text:
            return PrincipalInfo(entry, everyone=True)  # not valid IAM, but meant as a wildcard
        return PrincipalInfo(entry, everyone=False, account=account or None)
    if "*" in text:
        return PrincipalInfo(entry, everyone=True)
    if has_symbol(text):
        # a reference (`!Ref Role`, `var.account`): one specific principal whose account we
        # cannot read; a role or user name reference stays within some account
        return PrincipalInfo(entry, everyone=False, account=text if is_only_symbol(text) else None)
    # unique ids (AIDA..., AROA...) of users/roles: specific, account not readable
    return PrincipalInfo(entry, everyone=False)


def statement_principals(stmt: Statement) -> Principals:
    """Who the statement applies to.  NotPrincipal with Allow admits everyone else, which
    includes anonymous callers, so it counts as everyone."""
    if stmt.principals is None:
        return Principals(everyone=False, missing=True)
    infos = tuple(classify(entry) for entry in stmt.principals)
    unknown = any(info.everyone is None for info in infos)
    accounts = frozenset(info.account for info in infos if info.account)
    if stmt.not_principal:
        # everyone except the listed principals: anyone else, anonymous callers included
        everyone: Tri = True
        if any(info.everyone is True for info in infos):
            everyone = False  # "NotPrincipal: *" excludes everybody
        return Principals(everyone=everyone, entries=infos, negated=True, unknown=unknown, accounts=accounts)
    if any(info.everyone is True for info in infos):
        everyone = True
    elif unknown:
        everyone = None
    else:
        everyone = False
    return Principals(everyone=everyone, entries=infos, unknown=unknown, accounts=accounts)


def is_our_account(account: str, own_accounts: frozenset[str]) -> Tri:
    """Is this account (12 digits or a symbol) one of ours?  None when it cannot be told."""
    if is_only_symbol(account, OUR_ACCOUNT) or OUR_ACCOUNT_SYMBOL in account:
        return True
    if account in own_accounts:
        return True
    if has_symbol(account):
        return None
    return False
