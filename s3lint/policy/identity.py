"""Identity (IAM) policies that grant S3 access on every bucket.

Resource scope: `*` covers everything, account-level actions included (actions without a
resource type, such as `s3:PutAccountPublicAccessBlock`, are granted only with `"Resource": "*"`).
`arn:aws:s3:::*` covers every bucket and, because `*` also matches `/`, every object;
`arn:aws:s3:::*/*` covers every object but no bucket.  `NotResource` with Allow covers every
resource except the ones it lists (IAM User Guide, "NotResource"), so it is broad unless what it
lists is itself every bucket.  `NotAction` with Allow grants every action it does not list.

A Condition on the Allow is reported but does not hide the grant: conditions (source VPC, MFA,
time of day) limit when the grant applies, not what it grants.
"""

from __future__ import annotations

from typing import Optional

from s3lint.model import PolicyDocument, Statement, Value
from s3lint.policy.actions import expand_action_patterns, statement_actions
from s3lint.policy.conditions import string_matches
from s3lint.records import FrozenRecord, Record
from s3lint.policy.transport import effect_is
from s3lint.source import Location
from s3lint.symbols import PARTITION, SYMBOL_OPEN, is_only_symbol, is_unknown, render, symbol
from s3lint.policy.tri import any_true, conjunction, negate

Tri = Optional[bool]

# Actions that can make a bucket or its objects public, or lift the guard against it.
BUCKET_LEVEL_EXPOSERS = frozenset(
    {"s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutBucketAcl", "s3:PutBucketPublicAccessBlock"}
)
OBJECT_LEVEL_EXPOSERS = frozenset({"s3:PutObjectAcl", "s3:PutObjectVersionAcl"})
ACCOUNT_LEVEL_EXPOSERS = frozenset({"s3:PutAccountPublicAccessBlock"})
MAKE_PUBLIC_ACTIONS = BUCKET_LEVEL_EXPOSERS | OBJECT_LEVEL_EXPOSERS | ACCOUNT_LEVEL_EXPOSERS

_PARTITION_SYMBOL = symbol(PARTITION)


class ResourceScope(FrozenRecord):
    """How much of S3 a statement's Resource/NotResource covers."""

    __slots__ = ("all_buckets", "all_objects", "account", "loc", "text")

    def __init__(self, all_buckets: Tri, all_objects: Tri, account: Tri, loc: Location, text: str) -> None:
        self.all_buckets = all_buckets  # every bucket ARN
        self.all_objects = all_objects  # every object of every bucket
        self.account = account  # "*": also account-level actions
        self.loc = loc  # the value (or element) that gives the scope
        self.text = text  # how a message shows it


class BroadGrant(Record):
    """An Allow of S3 actions on every bucket (or every object, or the account)."""

    __slots__ = ("statement", "document", "scope", "full_access", "full_access_loc",  # noqa: RUF023 - the fields' order
                 "make_public", "make_public_loc", "effect")

    def __init__(
        self,
        statement: Statement,
        document: PolicyDocument,
        scope: ResourceScope,
        full_access: Tri,
        full_access_loc: Location,
        make_public: dict[str, Tri] | None = None,
        make_public_loc: Location | None = None,
        effect: Tri = True,
    ) -> None:
        self.statement = statement
        self.document = document
        self.scope = scope
        self.full_access = full_access  # every S3 action on every bucket or object
        self.full_access_loc = full_access_loc
        self.make_public: dict[str, Tri] = {} if make_public is None else make_public  # action -> granted on all targets
        self.make_public_loc = make_public_loc
        self.effect = effect

    @property
    def conditional(self) -> bool:
        return bool(self.statement.conditions)

    def certain_make_public(self) -> list[str]:
        return sorted(action for action, granted in self.make_public.items() if granted is True)

    def possible_make_public(self) -> list[str]:
        return sorted(action for action, granted in self.make_public.items() if granted is not False)


def _all_stars(text: str) -> bool:
    return bool(text) and set(text) == {"*"}


def pattern_scope(raw: object) -> tuple[Tri, Tri, Tri]:
    """(all buckets, all objects, account-level) for one Resource value."""
    if is_unknown(raw):
        return None, None, None
    if not isinstance(raw, str):
        return False, False, False
    text = raw.strip().replace(_PARTITION_SYMBOL, "aws")
    if is_only_symbol(text):
        return None, None, None  # a parameter: could be "*"
    if _all_stars(text):
        return True, True, True
    parts = text.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn":
        return False, False, False
    if not string_matches(parts[2], "s3", like=True) or not all(p == "" or _all_stars(p) for p in parts[3:5]):
        return False, False, False
    bucket, slash, key = parts[5].partition("/")
    if SYMBOL_OPEN in bucket or not _all_stars(bucket):
        return False, False, False
    return not slash, not slash or _all_stars(key), False


def resource_scope(stmt: Statement) -> ResourceScope:
    where = stmt.resource_loc or stmt.loc
    if not stmt.resources:
        return ResourceScope(False, False, False, where, "no Resource")
    scopes = [(value, pattern_scope(value.value)) for value in stmt.resources]
    if stmt.not_resource:
        # Everything except what is listed: broad unless a listed value is itself that broad.
        excluded = [any_true(scope[i] for _, scope in scopes) for i in range(3)]
        listed = ", ".join(f'"{render(v.value)}"' for v, _ in scopes[:3])
        text = f"NotResource (every resource except {listed})"
        return ResourceScope(negate(excluded[0]), negate(excluded[1]), negate(excluded[2]), where, text)
    combined = [any_true(scope[i] for _, scope in scopes) for i in range(3)]
    broad = next((value for value, scope in scopes if any(part is not False for part in scope)), stmt.resources[0])
    return ResourceScope(combined[0], combined[1], combined[2], broad.loc, f'Resource "{render(broad.value)}"')


def _action_value_for(stmt: Statement, wanted: frozenset[str], *, all_of: bool) -> Location:
    """The Action value that grants `wanted` (all of it, or any of it); else the element."""
    where = stmt.action_loc or stmt.loc
    if stmt.not_action:
        return where
    for value in stmt.actions:
        matched = expand_action_patterns([value.value])
        if (all_of and matched >= wanted) or (not all_of and matched & wanted):
            return value.loc
    return where


def broad_s3_grants(doc: PolicyDocument) -> list[BroadGrant]:
    """The Allow statements of an identity policy that grant S3 actions on every bucket."""
    from s3lint.policy.actions import ALL_S3_ACTIONS

    grants: list[BroadGrant] = []
    if doc.unknown is not None:
        return grants
    for stmt in doc.statements:
        effect = effect_is(stmt, "Allow")
        if stmt.conditional and effect is True:
            effect = None
        if effect is False:
            continue
        scope = resource_scope(stmt)
        if scope.all_buckets is False and scope.all_objects is False and scope.account is False:
            continue
        actions = statement_actions(stmt)
        known = not is_unknown(actions)
        granted = actions if known else ALL_S3_ACTIONS
        every_action: Tri = (granted >= ALL_S3_ACTIONS) if known else None
        full = conjunction(effect, any_true([scope.all_buckets, scope.all_objects]), every_action)
        make_public: dict[str, Tri] = {}
        for action in sorted(MAKE_PUBLIC_ACTIONS & granted):
            reach = scope.account if action in ACCOUNT_LEVEL_EXPOSERS else (
                scope.all_objects if action in OBJECT_LEVEL_EXPOSERS else scope.all_buckets
            )
            verdict = conjunction(effect, reach, True if known else None)
            if verdict is not False:
                make_public[action] = verdict
        if full is False and not make_public:
            continue
        grants.append(
            BroadGrant(
                statement=stmt,
                document=doc,
                scope=scope,
                full_access=full,
                full_access_loc=_action_value_for(stmt, ALL_S3_ACTIONS, all_of=True),
                make_public=make_public,
                make_public_loc=_action_value_for(stmt, frozenset(make_public), all_of=False) if make_public else None,
                effect=effect,
            )
        )
    return grants


def show_actions(values: list[Value]) -> str:
    shown = [f'"{render(v.value)}"' for v in values[:3]]
    if len(values) > 3:
        shown.append(f"... ({len(values)} in all)")
    return ", ".join(shown)
