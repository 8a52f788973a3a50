"""S3004 cross-account-access: an Allow names principals of another AWS account.

Our accounts: `--account-id` values and the `AWS::AccountId` pseudo parameter; without
`--account-id`, every literal account id counts as foreign.  Grants to everyone are S3002's.
"""

from __future__ import annotations

from typing import Iterator

from s3lint.checks import Context
from s3lint.checks._common import describe
from s3lint.model import Finding, ScanModel
from s3lint.policy.principals import is_our_account, statement_principals
from s3lint.policy.public import statement_label
from s3lint.policy.targets import allow_statements, resource_policies
from s3lint.symbols import render

RULE_ID = "S3004"


def check(model: ScanModel, ctx: Context) -> Iterator[Finding]:
    for target in resource_policies(model):
        for stmt, surely_allow in allow_statements(target.document):
            principals = statement_principals(stmt)
            if principals.negated or principals.everyone is True:
                continue
            reported: set[str] = set()
            for info in principals.entries:
                account = info.account
                if not account or account in reported:
                    continue
                ours = is_our_account(account, ctx.account_ids)
                if ours is True:
                    continue
                definite = ours is False and surely_allow
                if not definite and not ctx.strict:
                    continue
                reported.add(account)
                shown = render(account)
                if ours is None:
                    why = "it may belong to another account (its account is not known statically)"
                elif ctx.account_ids:
                    why = f"account {shown} is not one of your accounts ({', '.join(sorted(ctx.account_ids))})"
                else:
                    why = f"account {shown} is another account (no --account-id given, so every literal account id counts as foreign)"
                yield Finding(
                    RULE_ID,
                    f"{describe(target.bucket)}: {target.label}, {statement_label(stmt)}, allows "
                    f"{info.entry.kind} {render(info.entry.value)}: {why}",
                    info.entry.loc,
                    target.resource,
                    certainty="definite" if definite else "possible",
                    key=f"{target.document.owner}#{stmt.index}:{shown}",
                )
