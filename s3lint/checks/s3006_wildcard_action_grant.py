"""S3006 wildcard-action-grant: `s3:*` or `*` allowed to a principal outside the account."""

from __future__ import annotations

from typing import Iterator, Optional

from s3lint.checks import Context
from s3lint.checks._common import describe
from s3lint.model import Finding, ScanModel, Statement
from s3lint.policy.actions import covers_all_actions, statement_actions
from s3lint.policy.principals import PrincipalInfo, is_our_account, statement_principals
from s3lint.policy.public import statement_label
from s3lint.policy.targets import allow_statements, resource_policies
from s3lint.source import Location
from s3lint.symbols import is_unknown, render

RULE_ID = "S3006"


def check(model: ScanModel, ctx: Context) -> Iterator[Finding]:
    for target in resource_policies(model):
        for stmt, surely_allow in allow_statements(target.document):
            actions = statement_actions(stmt)
            all_actions: Optional[bool] = None if is_unknown(actions) else covers_all_actions(actions)
            if all_actions is False:
                continue
            outsider, outsider_definite = _outsider(stmt, ctx)
            if outsider is None:
                continue
            definite = surely_allow and all_actions is True and outsider_definite
            if not definite and not ctx.strict:
                continue
            granted = "every S3 action" if all_actions else "possibly every S3 action (its actions are not known statically)"
            yield Finding(
                RULE_ID,
                f"{describe(target.bucket)}: {target.label}, {statement_label(stmt)}, allows {granted} "
                f"({_written_actions(stmt)}) to {outsider}, which hands over control of the bucket, "
                f"including its policy, ACLs and deletion; grant only the actions needed",
                _wildcard_loc(stmt),
                target.resource,
                certainty="definite" if definite else "possible",
                key=f"{target.document.owner}#{stmt.sid or stmt.index}",
            )


# Condition keys whose fixed value is the caller's (or the access point's) account: pinned to
# our own account, a statement admits nobody from outside, whatever its Principal says.
_ACCOUNT_KEYS = ("aws:principalaccount", "s3:dataaccesspointaccount")
_EQUALITY_OPERATORS = ("stringequals", "stringequalsignorecase")


def _pinned_to_our_account(stmt: Statement, ctx: Context) -> bool:
    for condition in stmt.conditions:
        if condition.operator.lower() not in _EQUALITY_OPERATORS or condition.key.lower() not in _ACCOUNT_KEYS:
            continue
        values = [v.value for v in condition.values]
        if values and all(isinstance(v, str) and is_our_account(v, ctx.account_ids) is True for v in values):
            return True
    return False


def _outsider(stmt: Statement, ctx: Context) -> tuple[str | None, bool]:
    """A description of the first principal outside our account, and whether that is certain."""
    if _pinned_to_our_account(stmt, ctx):
        return None, False
    principals = statement_principals(stmt)
    if principals.negated:
        return "everyone except the principals named in NotPrincipal", True
    possible: str | None = None
    for info in principals.entries:
        verdict = _outside(info, ctx)
        if verdict is True:
            return _describe(info), True
        if verdict is None and possible is None:
            possible = _describe(info)
    return possible, False


def _outside(info: PrincipalInfo, ctx: Context) -> Optional[bool]:
    if info.everyone is True:
        return True
    if info.everyone is None:
        return None
    if info.service is not None:
        return False  # an AWS service acting for the account
    if info.account:
        ours = is_our_account(info.account, ctx.account_ids)
        return None if ours is None else not ours
    return True  # a canonical user or a unique id: not resolvable to our account


def _describe(info: PrincipalInfo) -> str:
    if info.everyone is True:
        return "everyone"
    if info.account and not is_unknown(info.entry.value):
        return f"{info.entry.kind} {render(info.entry.value)} (account {render(info.account)})"
    return info.describe()


def _written_actions(stmt: Statement) -> str:
    written = [render(v.value) for v in stmt.actions if isinstance(v.value, str)]
    prefix = "NotAction " if stmt.not_action else "Action "
    return prefix + ", ".join(written[:3]) if written else "Action unknown"


def _wildcard_loc(stmt: Statement) -> Location:
    if not stmt.not_action:
        for value in stmt.actions:
            if isinstance(value.value, str) and value.value.strip().lower() in ("*", "s3:*"):
                return value.loc
    return stmt.action_loc or stmt.loc
