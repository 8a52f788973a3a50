"""Is a bucket or access point policy "public" in Amazon S3's sense?

S3's definition (S3 User Guide, "Blocking public access to your Amazon S3 storage", "The
meaning of public"): a policy is public unless every grant is limited to fixed values of a
principal or of one of the keys in `conditions.FIXED_VALUE_KEYS`.  We apply it per Allow
statement and then reason about the whole policy: a Deny that applies to everyone and either
has no condition or pins a listed key to fixed values (`StringNotEquals aws:SourceVpce vpce-1`),
or a Deny with `NotPrincipal` naming specific principals, takes the actions it covers away
from the public.  What remains is reported, per statement, with access levels.

Anything that cannot be known statically (an unknown principal, condition value, action or
effect; a statement that exists only under an undecidable CloudFormation condition) makes the
answer "unknown" rather than silently public or safe.
"""

from __future__ import annotations

import fnmatch
from typing import Literal, Optional

from s3lint.model import Bucket, PolicyDocument, Statement
from s3lint.policy.actions import (
    PERMISSIONS_MANAGEMENT,
    WRITE,
    actions_by_level,
    covers_all_actions,
    statement_actions,
)
from s3lint.policy.conditions import conditions_pin_when_denied, conditions_restrict
from s3lint.policy.principals import Principals, statement_principals
from s3lint.records import Record
from s3lint.policy.resources import Coverage, bucket_coverage
from s3lint.symbols import is_unknown, render
from s3lint.policy.tri import conjunction

Tri = Optional[bool]
PublicState = Literal["public", "not_public", "unknown"]

_KEY_EXAMPLES = "aws:SourceVpce, aws:SourceIp, aws:SourceArn, aws:SourceAccount or aws:PrincipalOrgID"


class PublicStatement(Record):
    """One Allow statement that grants (or may grant) public access."""

    __slots__ = ("statement", "actions", "definite", "actions_unknown", "removed", "reason",  # noqa: RUF023 - the fields' order
                 "granted", "condition_unknown")

    def __init__(
        self,
        statement: Statement,
        actions: frozenset[str],
        definite: bool,
        actions_unknown: bool = False,
        removed: frozenset[str] = frozenset(),
        reason: str = "",
        granted: frozenset[str] = frozenset(),
        condition_unknown: bool = False,
    ) -> None:
        self.statement = statement
        self.actions = actions  # the public S3 actions left after the policy's Denies
        self.definite = definite  # False: only possibly public
        self.actions_unknown = actions_unknown
        self.removed = removed  # actions a Deny takes away from the public
        self.reason = reason
        self.granted = granted  # what the statement itself allows
        self.condition_unknown = condition_unknown  # whether its Condition limits access is not known

    @property
    def levels(self) -> dict[str, list[str]]:
        return actions_by_level(self.actions)

    @property
    def severity(self) -> str:
        """Write or permissions management for everyone is critical; read/list is high."""
        if self.actions_unknown:
            return "high"
        levels = self.levels
        return "critical" if WRITE in levels or PERMISSIONS_MANAGEMENT in levels else "high"


class PublicVerdict(Record):
    __slots__ = ("state", "statements", "reason")

    def __init__(self, state: PublicState, statements: list[PublicStatement] | None = None, reason: str = "") -> None:
        self.state = state
        self.statements: list[PublicStatement] = [] if statements is None else statements
        self.reason = reason

    @property
    def public(self) -> bool:
        return self.state == "public"

    @property
    def actions(self) -> frozenset[str]:
        result: frozenset[str] = frozenset()
        for item in self.statements:
            result |= item.actions
        return result

    @property
    def severity(self) -> str:
        counted = [item for item in self.statements if item.definite or self.state != "public"]
        severities = {item.severity for item in counted}
        return "critical" if "critical" in severities else "high"


def statement_label(stmt: Statement) -> str:
    if stmt.sid:
        return f"statement \"{render(stmt.sid)}\""
    return f"statement {stmt.index + 1}"


def _effect(stmt: Statement) -> str:
    value = stmt.effect.value
    if is_unknown(value):
        return "?"
    return value if value in ("Allow", "Deny") else ""


class _Grant(Record):
    __slots__ = ("stmt", "principals", "definite", "restricted", "actions", "actions_unknown", "coverage")

    def __init__(self, stmt: Statement, principals: Principals, definite: bool, restricted: Tri,
                 actions: frozenset[str], actions_unknown: bool, coverage: Coverage | None) -> None:
        self.stmt = stmt
        self.principals = principals
        self.definite = definite
        self.restricted = restricted
        self.actions = actions
        self.actions_unknown = actions_unknown
        self.coverage = coverage


class _Denial(Record):
    __slots__ = ("stmt", "definite", "actions", "actions_unknown")

    def __init__(self, stmt: Statement, definite: bool, actions: frozenset[str], actions_unknown: bool) -> None:
        self.stmt = stmt
        self.definite = definite
        self.actions = actions
        self.actions_unknown = actions_unknown


def _public_grant(stmt: Statement, bucket: Bucket | None, access_point: bool) -> _Grant | None:
    effect = _effect(stmt)
    if effect not in ("Allow", "?"):
        return None
    principals = statement_principals(stmt)
    if principals.everyone is False:
        return None
    restricted = conditions_restrict(stmt.conditions, access_point=access_point)
    if restricted is True:
        return None
    coverage: Coverage | None = None
    if bucket is not None and not access_point:
        coverage = bucket_coverage(stmt, bucket)
        if coverage.anything is False:
            # Every Resource of a bucket policy must be in its bucket (S3 rejects the policy
            # otherwise), so a mismatch means our link or the name is off, not that the grant
            # is harmless: judge it, and compare Deny resources by their patterns instead.
            coverage = None
    actions = statement_actions(stmt)
    actions_unknown = is_unknown(actions)
    if not actions_unknown and not actions:
        return None
    definite = (
        effect == "Allow"
        and principals.everyone is True
        and restricted is False
        and not actions_unknown
        and not stmt.conditional
    )
    return _Grant(
        stmt, principals, definite, restricted, frozenset() if actions_unknown else actions, actions_unknown, coverage
    )


def _denial(stmt: Statement, access_point: bool) -> _Denial | None:
    """A Deny that takes actions away from the public (definitely or possibly)."""
    effect = _effect(stmt)
    if effect not in ("Deny", "?"):
        return None
    principals = statement_principals(stmt)
    if principals.missing:
        return None
    if principals.negated:
        # Deny to everyone except the listed: only the listed get through, so it shuts out
        # the public unless one of them is itself public.
        listed_public = [info.everyone for info in principals.entries]
        shuts_public: Tri = conjunction(*[None if v is None else not v for v in listed_public]) if listed_public else True
    else:
        shuts_public = principals.everyone
    if shuts_public is False:
        return None
    pins: Tri = True if not stmt.conditions else conditions_pin_when_denied(stmt.conditions, access_point=access_point)
    if pins is False:
        return None
    actions = statement_actions(stmt)
    actions_unknown = is_unknown(actions)
    definite = effect == "Deny" and shuts_public is True and pins is True and not actions_unknown and not stmt.conditional
    return _Denial(stmt, definite, frozenset() if actions_unknown else actions, actions_unknown)


def _deny_covers(grant: _Grant, denial: _Denial, bucket: Bucket | None, access_point: bool) -> Tri:
    """Does the Deny's Resource cover everything the grant's Resource covers?"""
    if bucket is not None and not access_point and grant.coverage is not None:
        deny = bucket_coverage(denial.stmt, bucket)
        need_bucket = grant.coverage.bucket_arn
        need_objects = grant.coverage.some_objects
        bucket_ok: Tri = True if need_bucket is False else deny.bucket_arn
        objects_ok: Tri = True if need_objects is False else deny.objects
        return conjunction(bucket_ok, objects_ok)
    return _patterns_cover(grant.stmt, denial.stmt)


def _patterns_cover(allow: Statement, deny: Statement) -> Tri:
    """Without a bucket to test against: does some Deny pattern glob-match every Allow pattern?"""
    if allow.not_resource or deny.not_resource:
        return None
    deny_patterns = []
    for value in deny.resources:
        if is_unknown(value.value) or not isinstance(value.value, str):
            return None
        deny_patterns.append(value.value)
    result: Tri = True
    for value in allow.resources:
        if is_unknown(value.value) or not isinstance(value.value, str):
            result = None
            continue
        if not any(fnmatch.fnmatchcase(value.value, pattern.replace("[", "[[]")) for pattern in deny_patterns):
            return False
    return result


def public_policy_verdict(doc: PolicyDocument, bucket: Bucket | None, *, access_point: bool = False) -> PublicVerdict:
    """S3's public/non-public decision for a bucket policy (or an access point policy)."""
    if doc.unknown is not None:
        return PublicVerdict("unknown", [], f"the policy cannot be resolved statically ({doc.unknown.reason})")

    grants = [grant for stmt in doc.statements if (grant := _public_grant(stmt, bucket, access_point))]
    if not grants:
        return PublicVerdict("not_public", [], "no statement grants access to everyone without a fixed-value limit")
    denials = [denial for stmt in doc.statements if (denial := _denial(stmt, access_point))]

    results: list[PublicStatement] = []
    for grant in grants:
        surely_removed: set[str] = set()
        maybe_removed: set[str] = set()
        maybe_all_removed = False
        for denial in denials:
            covers = _deny_covers(grant, denial, bucket, access_point)
            if covers is False:
                continue
            if denial.actions_unknown:
                maybe_all_removed = True
                continue
            overlap = denial.actions & grant.actions if not grant.actions_unknown else denial.actions
            maybe_removed |= overlap
            if denial.definite and covers is True:
                surely_removed |= overlap
        condition_unknown = grant.restricted is None
        if grant.actions_unknown:
            results.append(
                PublicStatement(grant.stmt, frozenset(), False, actions_unknown=True, condition_unknown=condition_unknown)
            )
            continue
        surely_left = grant.actions - maybe_removed if not maybe_all_removed else frozenset()
        maybe_left = grant.actions - surely_removed
        if grant.definite and surely_left:
            left, definite = surely_left, True
        elif maybe_left:
            left, definite = maybe_left, False
        else:
            continue
        results.append(
            PublicStatement(
                grant.stmt,
                frozenset(left),
                definite,
                removed=frozenset(grant.actions - left),
                granted=grant.actions,
                condition_unknown=condition_unknown,
            )
        )

    for item in results:
        item.reason = _statement_reason(item, access_point)
    definite = [item for item in results if item.definite]
    if definite:
        return PublicVerdict("public", results, "; ".join(item.reason for item in definite))
    if results:
        return PublicVerdict("unknown", results, "; ".join(item.reason for item in results))
    return PublicVerdict("not_public", [], "every public grant is taken away again by a Deny statement")


def describe_actions(actions: frozenset[str]) -> str:
    if covers_all_actions(actions):
        return "every S3 action (s3:*)"
    ordered = sorted(actions)
    shown = ", ".join(ordered[:4])
    if len(ordered) > 4:
        shown += f" and {len(ordered) - 4} more"
    return shown


def _principal_phrase(stmt: Statement) -> str:
    principals = statement_principals(stmt)
    if principals.negated:
        return "everyone except the principals named in NotPrincipal (anonymous callers included)"
    for info in principals.entries:
        if info.everyone is True:
            if info.entry.kind == "*":
                return 'everyone (Principal "*")'
            if info.entry.kind == "Federated":
                return f"any user of the identity provider {render(info.entry.value)}"
            if info.entry.kind == "AWS" and info.entry.value == "*":
                return 'everyone (Principal {"AWS": "*"})'
            return f"everyone (principal {render(info.entry.value)} has a wildcard)"
    return "a principal that cannot be resolved statically"


def _statement_reason(item: PublicStatement, access_point: bool) -> str:
    stmt = item.statement
    label = statement_label(stmt)
    if item.actions_unknown:
        return f"{label} may allow everyone access, but its actions cannot be resolved statically"
    levels = ", ".join(level.lower() for level in item.levels)
    if item.removed and covers_all_actions(item.granted):
        actions = f"every S3 action except {len(item.removed)} that a Deny takes away"
    else:
        actions = describe_actions(item.actions)
    what = f"{label} allows {actions} ({levels}) to {_principal_phrase(stmt)}"
    if not stmt.conditions:
        limit = "with no Condition"
    elif item.condition_unknown:
        limit = f"and whether its Condition limits {_KEY_EXAMPLES} to fixed values cannot be resolved statically"
    else:
        limit = f"and its Condition does not limit {_KEY_EXAMPLES} to fixed values"
        if access_point:
            limit += " (in an access point policy a wildcard in s3:DataAccessPointArn counts as public)"
    text = f"{what} {limit}"
    if item.removed and not covers_all_actions(item.granted):
        text += f" (a Deny takes away {describe_actions(item.removed)})"
    if not item.definite:
        principal_unknown = statement_principals(stmt).everyone is None
        if stmt.conditional:
            text += "; the statement exists only under a template condition"
        elif not item.condition_unknown and not principal_unknown:
            text += "; this depends on values that cannot be resolved statically"
    return text
