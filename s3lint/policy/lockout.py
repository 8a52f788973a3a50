"""Bucket policies that lock everyone out of the bucket's own policy.

An explicit Deny wins over every Allow (IAM evaluation logic).  A Deny that applies to every
principal, with no condition, and covers both `s3:PutBucketPolicy` and `s3:DeleteBucketPolicy`
on the bucket (`s3:*` does) leaves no IAM user or role, administrators included, able to
change or remove the policy; only the account's root user can still delete it.

`NotPrincipal` with Deny denies everyone *except* whom it lists (IAM User Guide, "NotPrincipal"):
the guide says the account ARN of each exempted principal must be listed too ("otherwise, the
policy might deny access to the entire account containing the principal"), because AWS may
check the account before the user or role.  So a NotPrincipal that lists a role or user but not
its account, or that lists no IAM principal at all (only services), is lockout-prone as well.

This uses the same deny machinery as the TLS rule (`transport.review_statement`), with a
scenario that fixes no condition key: any condition makes the Deny conditional.
"""

from __future__ import annotations

from typing import Literal, Optional

from s3lint.model import Bucket, PolicyDocument, Statement, Value
from s3lint.policy.actions import all_s3_actions
from s3lint.policy.principals import PrincipalInfo, account_of_arn, classify, is_our_account
from s3lint.records import Record
from s3lint.policy.resources import names_in_resources
from s3lint.policy.transport import BUCKET_ARN, DenyRequirement, Scenario, effect_is, is_everyone, review_statement
from s3lint.source import Location
from s3lint.symbols import OUR_ACCOUNT, is_only_symbol, is_unknown, render, symbol
from s3lint.policy.tri import conjunction

Tri = Optional[bool]

PUT_POLICY = "s3:PutBucketPolicy"
DELETE_POLICY = "s3:DeleteBucketPolicy"
POLICY_ADMIN_ACTIONS = frozenset({PUT_POLICY, DELETE_POLICY})

EVERY_REQUEST = Scenario(description="requests", keys={})

LOCKOUT_REQUIREMENT = DenyRequirement(
    scenario=EVERY_REQUEST,
    actions=POLICY_ADMIN_ACTIONS,
    parts=(BUCKET_ARN,),
    relevant_keys=frozenset(),
    everyone=False,  # who is denied is judged here: everyone, or NotPrincipal exemptions
)


class Lockout(Record):
    """A statement (or statements together) that deny changing the bucket policy to all."""

    __slots__ = ("statement", "document", "kind", "certain", "denied_all", "reason", "loc", "together_with")

    def __init__(
        self,
        statement: Statement,
        document: PolicyDocument,
        kind: Literal["everyone", "not_principal"],
        certain: Tri,
        denied_all: bool,
        reason: str,
        loc: Location,
        together_with: list[Statement] | None = None,
    ) -> None:
        self.statement = statement
        self.document = document
        self.kind = kind
        self.certain = certain  # None: an unknown value decides it
        self.denied_all = denied_all  # denies every S3 action, not only the policy actions
        self.reason = reason  # for NotPrincipal: which exemption is missing
        self.loc = loc
        self.together_with: list[Statement] = [] if together_with is None else together_with  # other statements needed


def _stand_in_bucket(doc: PolicyDocument) -> Bucket:
    """Without a bucket, judge resources against the first bucket the policy names."""
    names = names_in_resources(doc)
    identity = names[0] if names else symbol("policy-bucket")
    return Bucket(
        address=doc.owner,
        loc=doc.loc,
        source_format="policy-json",
        name=Value(identity, doc.loc),
        identity=identity,
        declared=False,
    )


def lockout_statements(
    doc: PolicyDocument, bucket: Bucket | None = None, our_accounts: frozenset[str] = frozenset()
) -> list[Lockout]:
    """The statements of a bucket policy that lock every IAM principal out of the policy."""
    if doc.kind != "bucket" or doc.unknown is not None:
        return []
    target = bucket or _stand_in_bucket(doc)
    found: list[Lockout] = []
    partial: list[tuple[Statement, frozenset[str]]] = []
    for stmt in doc.statements:
        if "Statement" in stmt.unknown_parts:
            continue  # a wholly unknown statement (merged from a variable) could be anything
        if effect_is(stmt, "Deny") is False:
            continue  # an Allow locks nobody out (the review's scope below would be False)
        review = review_statement(stmt, doc, target, LOCKOUT_REQUIREMENT, explain=False)  # its verdict only
        scope = conjunction(review.effect, review.condition, review.coverage[BUCKET_ARN])
        if scope is False:
            continue
        actions = review.actions
        denied_all = not is_unknown(actions) and actions >= all_s3_actions()
        if stmt.not_principal:
            verdict, reason, loc = _not_principal_lockout(stmt, our_accounts)
            certain = conjunction(scope, review.actions_ok, verdict)
            if certain is not False:
                found.append(Lockout(stmt, doc, "not_principal", certain, denied_all, reason, loc))
            continue
        everyone = is_everyone(stmt)
        certain = conjunction(scope, review.actions_ok, everyone)
        if certain is not False:
            found.append(Lockout(stmt, doc, "everyone", certain, denied_all, "", stmt.loc))
        elif scope is True and everyone is True and not is_unknown(actions) and actions & POLICY_ADMIN_ACTIONS:
            partial.append((stmt, actions & POLICY_ADMIN_ACTIONS))
    if not any(item.certain for item in found):
        covered = frozenset().union(*(actions for _, actions in partial)) if partial else frozenset()
        if covered >= POLICY_ADMIN_ACTIONS:
            first, *rest = [stmt for stmt, _ in partial]
            found.append(Lockout(first, doc, "everyone", True, False, "", first.loc, together_with=rest))
    return found


def _not_principal_lockout(stmt: Statement, our_accounts: frozenset[str]) -> tuple[Tri, str, Location]:
    """Does a Deny's NotPrincipal leave some principal of the account denied the policy actions?"""
    where = stmt.principal_loc or stmt.loc
    infos = [classify(entry) for entry in stmt.principals or []]
    if any(info.everyone is True for info in infos):
        return False, "", where  # NotPrincipal "*" exempts everybody: the Deny applies to nobody
    accounts: set[str] = set()
    members: list[PrincipalInfo] = []  # users, roles, sessions: each needs its account listed
    unclear = False
    for info in infos:
        if info.everyone is None:
            unclear = True
        elif info.entry.kind != "AWS":
            continue  # services and canonical users are not IAM principals of an account
        elif _is_account_principal(info.entry.value):
            accounts.add(_account_id(info))
        elif info.account and account_of_arn(str(info.entry.value)) is not None:
            members.append(info)
        else:
            unclear = True  # a reference or unique id: cannot tell what it names
    for info in members:
        if info.account not in accounts:
            return (
                True,
                f"its NotPrincipal exempts {render(info.entry.value)} but not its account "
                f"(arn:aws:iam::{render(info.account)}:root); IAM may check the account first and "
                "then deny the whole account, that principal included",
                info.entry.loc,
            )
    if unclear:
        return None, "what its NotPrincipal exempts is not known statically", where
    if not accounts:
        return True, "its NotPrincipal exempts no IAM user or role, so every one of them is denied", where
    if our_accounts and all(is_our_account(account, our_accounts) is False for account in accounts):
        return True, "its NotPrincipal exempts no principal of this account", where
    return False, "", where


def _account_id(info: PrincipalInfo) -> str:
    value = str(info.entry.value).strip()
    return info.account or value


def _is_account_principal(value: object) -> bool:
    """`123456789012`, `arn:aws:iam::123456789012:root`, or a reference to our account id."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    if (text.isdigit() and len(text) == 12) or is_only_symbol(text, OUR_ACCOUNT):
        return True
    return text.startswith("arn:") and text.endswith(":root") and account_of_arn(text) not in (None, "")
