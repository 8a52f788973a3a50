"""Does a bucket policy deny a whole class of requests?  TLS enforcement, and the machinery
that the other "the policy must deny X" rules (encryption, TLS version, lockout, VPC endpoint,
presigned URL age) share.

The question is always the same: is there an explicit Deny that applies to *every* request of
some class (a `Scenario`: "plain-HTTP requests", "uploads without an encryption header"), from
*every* principal, for the required actions, on the required parts of the bucket?  An explicit
Deny wins over any Allow (IAM evaluation logic), which is why only the Deny form counts: an
Allow conditioned on `aws:SecureTransport = true` does not stop an identity policy of the
account from granting the same request over HTTP.

Several statements may together make up the deny (one for the bucket ARN, one for `/*`); the
union of the statements that fully qualify is what counts.  A statement that tries (it has a
condition on one of the scenario's keys) but falls short is a *near miss*: we say precisely what
it lacks, so the user can fix that statement instead of adding another.

Answers are three-valued: True, False, or None when an unknown value (a CloudFormation
parameter, an undecidable `Fn::If`, an undocumented condition key) decides it.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Iterator, Mapping, Optional

from s3lint.caches import bucket_cache
from s3lint.model import Bucket, Condition, PolicyDocument, ScanModel, Statement, Value
from s3lint.policy.actions import all_s3_actions, statement_actions
from s3lint.policy.conditions import (
    ARN,
    BOOL,
    NULL,
    NUMERIC,
    STRING,
    Operator,
    bool_value,
    key_name,
    parse_operator,
    string_matches,
)
from s3lint.policy.principals import statement_principals
from s3lint.policy.resources import Coverage, bucket_coverage
from s3lint.source import Location
from s3lint.symbols import has_symbol, is_unknown, render
from s3lint.records import FrozenRecord, Record
from s3lint.policy.tri import all_true

Tri = Optional[bool]

# How a condition (or a whole Condition block) behaves over every request of a scenario.
ALWAYS = "always"  # true for every request of the scenario
NEVER = "never"  # false for every one
SOMETIMES = "sometimes"  # depends on something the scenario leaves open
UNKNOWN = "unknown"  # depends on a value we cannot know statically


class _Marker:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


ABSENT = _Marker("ABSENT")  # the key is not in the request context
OTHER = _Marker("OTHER")  # the key is present, with a value that no policy names
_GENERIC_PATTERN = re.compile(r"(?:vpce-|vpc-|o-|ou-|arn:(?:aws|\*):(?:iam|s3|\*)?:*)?\*+")
UNDOCUMENTED = _Marker("UNDOCUMENTED")  # AWS does not say whether or how the key is set

BUCKET_ARN = "bucket_arn"
OBJECTS = "objects"
SOME_OBJECTS = "some_objects"


class Scenario(FrozenRecord):
    """A class of requests, described by the condition keys it fixes.

    `keys` maps a lower-case condition key to the values it may take in these requests (each
    alternative must be denied); keys not listed may take any value.  Conditions on
    `ignored_keys` are taken as holding: they are tolerated exceptions (e.g. an admin role
    exempted from a VPC-endpoint fence)."""

    __slots__ = ("description", "keys", "notes", "ignored_keys")

    def __init__(
        self,
        description: str,
        keys: Mapping[str, tuple[Any, ...]],
        notes: Mapping[str, str] | None = None,
        ignored_keys: frozenset[str] = frozenset(),
    ) -> None:
        self.description = description
        self.keys = keys
        self.notes: Mapping[str, str] = {} if notes is None else notes  # key -> why its value is unknown
        self.ignored_keys = ignored_keys


class DenyRequirement(FrozenRecord):
    """What a qualifying Deny must cover."""

    __slots__ = ("scenario", "actions", "parts", "relevant_keys", "everyone")

    def __init__(
        self,
        scenario: Scenario,
        actions: frozenset[str] | None,
        parts: tuple[str, ...],
        relevant_keys: frozenset[str],
        everyone: bool = True,
    ) -> None:
        self.scenario = scenario
        self.actions = actions  # None: every S3 action
        self.parts = parts  # BUCKET_ARN / OBJECTS / SOME_OBJECTS
        self.relevant_keys = relevant_keys  # a statement with a condition on one of these is an attempt
        self.everyone = everyone  # must apply to every principal


class Shortfall(FrozenRecord):
    """One reason a statement is not (or may not be) the required deny."""

    __slots__ = ("text", "loc", "definite")

    def __init__(self, text: str, loc: Location, definite: bool = True) -> None:
        self.text = text
        self.loc = loc
        self.definite = definite  # False: it depends on an unknown value


class StatementReview(Record):
    __slots__ = ("statement", "document", "relevant", "effect", "principal", "condition",  # noqa: RUF023 - the fields' order
                 "actions", "actions_ok", "coverage", "shortfalls")

    def __init__(
        self,
        statement: Statement,
        document: PolicyDocument,
        relevant: bool,
        effect: Tri,
        principal: Tri,
        condition: Tri,
        actions: Any,
        actions_ok: Tri,
        coverage: dict[str, Tri],
        shortfalls: list[Shortfall],
    ) -> None:
        self.statement = statement
        self.document = document
        self.relevant = relevant  # conditioned on a key of the scenario: an attempt at the required deny
        self.effect = effect
        self.principal = principal
        self.condition = condition
        self.actions = actions  # frozenset[str] | Unknown: what the statement applies to
        self.actions_ok = actions_ok  # covers every required action
        self.coverage = coverage
        self.shortfalls = shortfalls

    @property
    def gate(self) -> Tri:
        """Deny, from the required principals, for every request of the scenario."""
        return all_true([self.effect, self.principal, self.condition])

    @property
    def qualifies(self) -> Tri:
        """This statement alone is the required deny (resources aside)."""
        return all_true([self.gate, self.actions_ok])

    def definite_shortfalls(self) -> list[Shortfall]:
        return [s for s in self.shortfalls if s.definite]

    def doubts(self) -> list[Shortfall]:
        return [s for s in self.shortfalls if not s.definite]


class DenyVerdict(Record):
    """The answer for one bucket: is the required deny there?"""

    __slots__ = ("enforced", "documents", "enforcing", "near_misses", "uncovered", "doubts")

    def __init__(
        self,
        enforced: Tri,
        documents: list[PolicyDocument],
        enforcing: list[Statement],
        near_misses: list[StatementReview],
        uncovered: list[str],
        doubts: list[Shortfall],
    ) -> None:
        self.enforced = enforced  # None: it depends on values not known statically
        self.documents = documents  # the bucket policies read
        self.enforcing = enforcing  # statements that fully qualify
        self.near_misses = near_misses  # attempts that fall short, closest first
        self.uncovered = uncovered  # what the qualifying statements together leave open
        self.doubts = doubts  # unknowns that keep the answer open (when enforced is None)

    @property
    def best_near_miss(self) -> StatementReview | None:
        return self.near_misses[0] if self.near_misses else None


TransportVerdict = DenyVerdict


# ---------------------------------------------------------------------------------------
# Conditions over a scenario
# ---------------------------------------------------------------------------------------


def _combine_alternatives(outcomes: list[str]) -> str:
    """The outcome over every request of the scenario: each alternative must agree."""
    kinds = set(outcomes)
    if kinds == {ALWAYS}:
        return ALWAYS
    if kinds == {NEVER}:
        return NEVER
    if SOMETIMES in kinds or (ALWAYS in kinds and NEVER in kinds):
        return SOMETIMES
    return UNKNOWN


def combine_all(outcomes: Iterable[str]) -> str:
    """AND of conditions: NEVER wins, then SOMETIMES; ALWAYS only if every one is ALWAYS."""
    result = ALWAYS
    for outcome in outcomes:
        if outcome == NEVER:
            return NEVER
        if outcome == SOMETIMES:
            result = SOMETIMES
        elif outcome == UNKNOWN and result == ALWAYS:
            result = UNKNOWN
    return result


def _number(raw: Any) -> float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        return float(raw)
    if isinstance(raw, str):
        try:
            return float(raw.strip())
        except ValueError:
            return None
    return None


def _text(raw: Any) -> str:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    return str(raw)


def _is_open(raw: Any) -> bool:
    """A written condition value that is not known statically."""
    return is_unknown(raw) or has_symbol(raw)


_NUMERIC_TESTS = {
    "NumericEquals": lambda value, limit: value == limit,
    "NumericLessThan": lambda value, limit: value < limit,
    "NumericLessThanEquals": lambda value, limit: value <= limit,
    "NumericGreaterThan": lambda value, limit: value > limit,
    "NumericGreaterThanEquals": lambda value, limit: value >= limit,
}


def _positive_match(operator: Operator, written: Any, actual: Any) -> bool | None:
    """Does one written value match the request's value under the operator's positive form?
    None when this operator cannot be judged for such a value."""
    if actual is OTHER:
        # A value that no policy names: a wildcard pattern matches it when all it fixes is a
        # prefix every such id has ("vpce-*" admits any account's endpoint).
        if operator.family in (STRING, ARN):
            return bool(operator.pattern) and _GENERIC_PATTERN.fullmatch(_text(written).lower()) is not None
        return None
    if operator.family == BOOL:
        wanted = bool_value(written)
        return wanted is not None and isinstance(actual, bool) and wanted == actual
    if operator.family == NUMERIC:
        limit, value = _number(written), _number(actual)
        if limit is None or value is None:
            return False
        test = _NUMERIC_TESTS[operator.base.replace("Not", "", 1)]
        return test(value, limit)
    if operator.family in (STRING, ARN):
        ignore_case = operator.base.endswith("IgnoreCase")
        return string_matches(_text(written), _text(actual), like=operator.pattern, ignore_case=ignore_case)
    return None  # Date, IP and Binary operators: no scenario fixes such keys


def _outcome_for_value(condition: Condition, actual: Any) -> str:
    operator = parse_operator(condition.operator)
    written = [value.value for value in condition.values]
    if not operator.valid or actual is UNDOCUMENTED:
        return UNKNOWN
    if operator.family == NULL:
        # "true": the key is absent; "false": it is present.  Values are OR-ed.
        absent = actual is ABSENT
        truths = [None if _is_open(raw) else bool_value(raw) for raw in written]
        if any(truth == absent for truth in truths if truth is not None):
            return ALWAYS
        return UNKNOWN if any(_is_open(raw) for raw in written) else NEVER
    if actual is ABSENT:
        if operator.if_exists or operator.set_prefix == "ForAllValues":
            return ALWAYS
        if operator.set_prefix == "ForAnyValue":
            return NEVER
        return ALWAYS if operator.negated else NEVER
    any_open = False
    for raw in written:
        matched = None if _is_open(raw) else _positive_match(operator, raw, actual)
        if matched is None:
            any_open = True
        elif matched:
            return NEVER if operator.negated else ALWAYS
    if any_open:
        return UNKNOWN
    return ALWAYS if operator.negated else NEVER


def condition_outcome(condition: Condition, scenario: Scenario) -> str:
    """How one operator/key condition behaves over every request of the scenario."""
    if not condition.key or not condition.operator:
        return UNKNOWN  # a wholly unknown Condition block or operator block
    key = key_name(condition)
    if key in scenario.ignored_keys:
        return ALWAYS
    if key not in scenario.keys:
        return SOMETIMES
    return _combine_alternatives([_outcome_for_value(condition, actual) for actual in scenario.keys[key]])


# ---------------------------------------------------------------------------------------
# One statement against a requirement
# ---------------------------------------------------------------------------------------


def is_everyone(stmt: Statement) -> Tri:
    """Does the statement apply to every principal (`*` or `{"AWS": "*"}`)?  A NotPrincipal
    exempts whoever it lists, so it never does."""
    if stmt.not_principal:
        return False
    if stmt.principals:
        for entry in stmt.principals:
            # `statement_principals` takes a `*` entry (or `{"AWS": "*"}`) with a string value
            # as everyone, whatever the others are: the usual deny needs no full classification
            kind, value = entry.kind, entry.value
            if isinstance(value, str) and (kind == "*" or (kind == "AWS" and value.strip() == "*")):
                return True
    return statement_principals(stmt).everyone


def effect_is(stmt: Statement, effect: str) -> Tri:
    value = stmt.effect.value
    if not is_unknown(value):
        return bool(value == effect)  # a known value is certainly and possibly itself
    if stmt.effect.certainly(lambda v: v == effect):
        return True
    if stmt.effect.possibly(lambda v: v == effect):
        return None
    return False


def _show_scalar(raw: Any) -> str:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, str):
        return f'"{render(raw)}"'
    return render(raw)


def show_values(values: list[Value], limit: int = 3) -> str:
    shown = [_show_scalar(v.value) for v in values[:limit]]
    if len(values) > limit:
        shown.append(f"... ({len(values)} in all)")
    return ", ".join(shown)


def show_condition(condition: Condition) -> str:
    return f"{condition.operator} {condition.key} = {show_values(condition.values)}"


def bucket_arn_text(bucket: Bucket) -> str:
    identity = bucket.identity
    if isinstance(identity, str):
        return _arn_text(identity)
    return f"arn:aws:s3:::{render(identity)}"


@bucket_cache(1 << 14)
def _arn_text(identity: str) -> str:
    # every policy rule names the same buckets in its messages: render each identity once
    return f"arn:aws:s3:::{render(identity)}"


def _part_text(part: str, bucket: Bucket) -> str:
    arn = bucket_arn_text(bucket)
    if part == BUCKET_ARN:
        return f"the bucket itself ({arn})"
    if part == OBJECTS:
        return f"its objects ({arn}/*)"
    return f"any of its objects ({arn}/...)"


def _sample(actions: Iterable[str], limit: int = 3) -> str:
    ordered = sorted(actions)
    text = ", ".join(ordered[:limit])
    return text + (", ..." if len(ordered) > limit else "")


def review_statement(
    stmt: Statement, doc: PolicyDocument, bucket: Bucket, requirement: DenyRequirement, explain: bool = True
) -> StatementReview:
    """How far one statement is from the required deny, and why (see `Shortfall`).

    With `explain=False` the shortfalls are the same ones, in the same order, with the same
    locations and certainty, but with no text: for callers that only weigh them (most
    statements reviewed are neither the required deny nor an attempt at it, and their
    messages would be built only to be thrown away)."""
    shortfalls: list[Shortfall] = []
    scenario = requirement.scenario

    effect = effect_is(stmt, "Deny")
    if stmt.conditional:
        effect = None if effect is not False else False
        shortfalls.append(Shortfall("it exists only when a CloudFormation condition holds", stmt.loc, False))
    if effect is False:
        text = ""
        if explain:
            shown = render(stmt.effect.value) if stmt.effect.value is not None else "missing"
            why = " (an Allow cannot stop what other statements or identity policies allow)" if shown == "Allow" else ""
            text = f'its Effect is "{shown}", not "Deny"{why}'
        shortfalls.append(Shortfall(text, stmt.effect.loc))
    elif effect is None and not stmt.conditional:
        shortfalls.append(Shortfall("its Effect is not known statically", stmt.effect.loc, False))

    principal: Tri = True
    if requirement.everyone:
        principal = is_everyone(stmt)
        where = stmt.principal_loc or stmt.loc
        if principal is False:
            if stmt.principals is None:
                text = "it has no Principal"
            elif not explain:
                text = ""
            elif stmt.not_principal:
                text = f"its NotPrincipal exempts {_show_principals(stmt)}"
            else:
                text = f'its Principal ({_show_principals(stmt)}) is not everyone ("*")'
            shortfalls.append(Shortfall(text, where))
        elif principal is None:
            shortfalls.append(Shortfall("its Principal is not known statically", where, False))

    required = all_s3_actions() if requirement.actions is None else requirement.actions
    actions = statement_actions(stmt)
    action_where = stmt.action_loc or stmt.loc
    element = "NotAction" if stmt.not_action else "Action"
    actions_ok: Tri = None
    if is_unknown(actions):
        shortfalls.append(Shortfall(f"its {element} is not known statically", action_where, False))
    else:
        # `s3:*` expands to the catalogue's own set: nothing is missing, no difference to take
        missing = frozenset() if actions is required else required - actions
        actions_ok = not missing
        if missing:
            if not explain:
                text = ""
            elif requirement.actions is None and not stmt.not_action and len(missing) * 2 > len(required):
                text = (
                    f"its Action ({show_values(stmt.actions)}) covers only {len(required) - len(missing)} "
                    f'of the {len(required)} S3 actions, not all of them ("s3:*")'
                )
            elif requirement.actions is None:
                plural = "s" if len(missing) > 1 else ""
                text = f"its {element} leaves out {len(missing)} S3 action{plural}: {_sample(missing)}"
            else:
                text = f"its {element} ({show_values(stmt.actions)}) does not cover {_sample(missing)}"
            shortfalls.append(Shortfall(text, action_where))

    coverage = _coverage(stmt, bucket)
    resource_where = stmt.resource_loc or stmt.loc
    element_name = "NotResource" if stmt.not_resource else "Resource"
    uncovered = [part for part in requirement.parts if coverage[part] is False]
    if len(uncovered) == 2:
        text = ""
        if explain:
            first, second = (_part_text(part, bucket) for part in uncovered)
            text = f"its {element_name} covers neither {first} nor {second}"
        shortfalls.append(Shortfall(text, resource_where))
    elif uncovered:
        text = f"its {element_name} does not cover {_part_text(uncovered[0], bucket)}" if explain else ""
        shortfalls.append(Shortfall(text, resource_where))
    for part in requirement.parts:
        covered = coverage[part]
        if covered is None:
            text = f"whether its {element_name} covers {_part_text(part, bucket)} is not known statically" if explain else ""
            shortfalls.append(Shortfall(text, resource_where, False))

    outcomes: list[str] = []
    relevant = False
    for condition in stmt.conditions:
        key = key_name(condition)
        is_relevant = key in requirement.relevant_keys
        relevant = relevant or is_relevant
        outcome = condition_outcome(condition, scenario)
        outcomes.append(outcome)
        shortfall = _condition_shortfall(condition, outcome, is_relevant, scenario, explain)
        if shortfall is not None:
            shortfalls.append(shortfall)
    overall = combine_all(outcomes)
    condition_tri: Tri = True if overall == ALWAYS else None if overall == UNKNOWN else False

    if "Statement" in stmt.unknown_parts:
        # one doubt says it all: listing every element as unknown helps nobody
        shortfalls = [Shortfall("the whole statement is not known statically", stmt.loc, False)]
    return StatementReview(stmt, doc, relevant, effect, principal, condition_tri, actions, actions_ok, coverage, shortfalls)


def _condition_shortfall(
    condition: Condition, outcome: str, relevant: bool, scenario: Scenario, explain: bool = True
) -> Shortfall | None:
    where = condition.values[0].loc if relevant and condition.values else condition.loc
    if outcome == ALWAYS:
        return None
    if not condition.key:
        return Shortfall("its Condition is not known statically", condition.loc, False)
    shown = show_condition(condition) if explain else ""
    key = key_name(condition)
    if outcome == UNKNOWN:
        note = scenario.notes.get(key)
        if note and not any(_is_open(v.value) for v in condition.values):
            text = f"its condition {shown} may not match {scenario.description}: {note}" if explain else ""
            return Shortfall(text, where, False)
        return Shortfall(f"its condition {shown} is not known statically" if explain else "", where, False)
    if relevant:
        if outcome == NEVER:
            return Shortfall(f"its condition {shown} does not match {scenario.description}" if explain else "", where)
        return Shortfall(f"its condition {shown} matches only some {scenario.description}" if explain else "", where)
    text = f"it also requires {shown}, so it does not apply to all {scenario.description}" if explain else ""
    return Shortfall(text, condition.loc)


def _show_principals(stmt: Statement) -> str:
    entries = stmt.principals or []
    shown = []
    for entry in entries[:3]:
        value = render(entry.value)
        shown.append(value if entry.kind in ("*", "?") else f"{entry.kind}: {value}")
    if len(entries) > 3:
        shown.append(f"... ({len(entries)} in all)")
    return ", ".join(shown) or "nobody"


def _coverage(stmt: Statement, bucket: Bucket) -> dict[str, Tri]:
    if "Resource" in stmt.unknown_parts or "Statement" in stmt.unknown_parts:
        return {BUCKET_ARN: None, OBJECTS: None, SOME_OBJECTS: None}
    coverage: Coverage = bucket_coverage(stmt, bucket)
    return {BUCKET_ARN: coverage.bucket_arn, OBJECTS: coverage.objects, SOME_OBJECTS: coverage.some_objects}


# ---------------------------------------------------------------------------------------
# A bucket against a requirement
# ---------------------------------------------------------------------------------------


def bucket_policies(bucket: Bucket) -> list[PolicyDocument]:
    """The bucket's own policies (not access point policies: those are bypassed by direct access)."""
    return [doc for doc in bucket.policies if doc.kind == "bucket"]


def policy_checked_buckets(model: ScanModel) -> Iterator[Bucket]:
    """Buckets that the "the policy must deny X" rules judge: every declared bucket, and a
    bucket known only from a policy (a policy file, a policy whose bucket is elsewhere).  A
    bucket known only by reference (a log target) is defined elsewhere with its own policy."""
    return (bucket for bucket in model.buckets if bucket.declared or bucket_policies(bucket))


def analyze_deny(bucket: Bucket, requirement: DenyRequirement) -> DenyVerdict:
    """Do the bucket's policies, together, deny every request of the scenario?"""
    required = all_s3_actions() if requirement.actions is None else requirement.actions
    documents = bucket_policies(bucket)
    # The actions that qualifying (definite) or possibly qualifying statements deny, per part.
    # Each is a subset of `required`, so it is all of it exactly when its size is.
    definite: dict[str, frozenset[str]] = {part: frozenset() for part in requirement.parts}
    possible: dict[str, frozenset[str]] = {part: frozenset() for part in requirement.parts}
    enforcing: list[Statement] = []
    near_misses: list[StatementReview] = []
    doubts: list[Shortfall] = []

    for doc in documents:
        if doc.unknown is not None:
            for part in requirement.parts:
                possible[part] = required
            doubts.append(Shortfall("the bucket policy is not known statically", doc.loc, False))
            continue
        for stmt in doc.statements:
            if effect_is(stmt, "Deny") is False and not _mentions(stmt, requirement.relevant_keys):
                # An Allow (or an invalid Effect) is never part of the deny, nor an attempt at
                # it unless a condition names the scenario's keys: nothing to review.
                continue
            review = review_statement(stmt, doc, bucket, requirement, explain=False)
            gate = review.gate
            known_actions = not is_unknown(review.actions)
            if not known_actions or review.actions_ok:
                denied = required  # (actions_ok: the statement's actions include all required)
            else:
                denied = review.actions & required
            for part in requirement.parts:
                covered = review.coverage[part]
                if gate is True and covered is True and known_actions:
                    definite[part] = _union(definite[part], denied, required)
                if gate is not False and covered is not False:
                    possible[part] = _union(possible[part], denied, required)
            if not review.shortfalls:
                enforcing.append(stmt)
            elif review.relevant or (review.effect is not False and not review.definite_shortfalls()):
                # an attempt (a condition on the scenario's keys), or one that may qualify;
                # an unconditional Deny of a few actions is not an attempt, however it helps.
                # Only these are shown to the user: review again, with the texts.
                near_misses.append(review_statement(stmt, doc, bucket, requirement))

    uncovered = [
        _uncovered_text(part, required - definite[part] if definite[part] else required, bucket, requirement)
        for part in requirement.parts
        if len(definite[part]) < len(required)
    ]
    if not uncovered:
        enforced: Tri = True
        near_misses = []
    elif all(len(possible[part]) == len(required) for part in requirement.parts):
        enforced = None
        for review in near_misses:
            doubts.extend(review.doubts())
    else:
        enforced = False
    if len(near_misses) > 1:  # (a list of one is sorted already)
        near_misses.sort(key=lambda r: (len(r.definite_shortfalls()), r.statement.loc.line, r.statement.loc.column))
        if enforced is None:
            # Put the statements that may qualify first: they are what the user must check.
            near_misses.sort(key=lambda r: (bool(r.definite_shortfalls()), len(r.definite_shortfalls())))
    return DenyVerdict(enforced, documents, enforcing, near_misses, uncovered, doubts)


def _mentions(stmt: Statement, keys: frozenset[str]) -> bool:
    """Does a condition of the statement name one of the keys (`StatementReview.relevant`)?"""
    return any(key_name(condition) in keys for condition in stmt.conditions)


def _union(collected: frozenset[str], more: frozenset[str], required: frozenset[str]) -> frozenset[str]:
    """`collected | more` for two subsets of `required`, without copying `required` around."""
    if more is required or collected is required:
        return required
    return collected | more


def _uncovered_text(part: str, missing: set[str] | frozenset[str], bucket: Bucket, requirement: DenyRequirement) -> str:
    required = all_s3_actions() if requirement.actions is None else requirement.actions
    if missing is required or missing == required:
        return _part_text(part, bucket)
    return f"{_sample(missing)} on {_part_text(part, bucket)}"


def statement_name(stmt: Statement) -> str:
    """How a message names a statement: its Sid, else its position."""
    return f'statement "{render(stmt.sid)}"' if stmt.sid else f"statement {stmt.index + 1}"


def shortfall_summary(review: StatementReview) -> tuple[str, Location]:
    """"statement "Sid" comes close, but ..." and where to point: the first definite shortfall
    (or doubt), at its element."""
    name = statement_name(review.statement)
    definite = review.definite_shortfalls()
    items = definite or review.doubts()
    reasons = _join(item.text for item in items)
    loc = items[0].loc if items else review.statement.loc
    if definite:
        return f"{name} comes close, but {reasons}", loc
    return f"{name} may qualify, but {reasons}", loc


def _join(texts: Iterable[str]) -> str:
    items = list(texts)
    if len(items) <= 1:
        return "".join(items)
    return "; ".join(items[:-1]) + "; and " + items[-1]


def describe_verdict(verdict: DenyVerdict, bucket: Bucket, what: str) -> tuple[str, Location]:
    """The part of a finding's message after the bucket's name, and its location.

    `what` names the missing deny, e.g. "denies plain-HTTP requests (aws:SecureTransport = false)"."""
    review = verdict.best_near_miss
    if verdict.enforced is None:
        if review is not None and not review.definite_shortfalls():
            text, loc = shortfall_summary(review)
            return f"may not have a bucket policy statement that {what}: {text}", loc
        if verdict.doubts:
            doubt = verdict.doubts[0]
            return f"may not have a bucket policy statement that {what}: {doubt.text}", doubt.loc
    if review is not None:
        text, loc = shortfall_summary(review)
        others = len(verdict.near_misses) - 1
        more = ""
        if others > 0:
            more = f" ({others} other statement{'s' if others > 1 else ''} also fall{'' if others > 1 else 's'} short)"
        return f"has no bucket policy statement that {what}: {text}{more}", loc
    if not verdict.documents:
        return f"has no bucket policy, so nothing {what}", bucket.loc
    return f"has a bucket policy, but no statement in it {what}", verdict.documents[0].loc


# ---------------------------------------------------------------------------------------
# Transport
# ---------------------------------------------------------------------------------------

SECURE_TRANSPORT = "aws:securetransport"
TLS_VERSION = "s3:tlsversion"

_TLS_NOTE = (
    "AWS does not document whether plain-HTTP requests carry s3:TlsVersion; "
    "deny aws:SecureTransport = false as well"
)

HTTP_REQUESTS = Scenario(
    description="plain-HTTP requests",
    keys={SECURE_TRANSPORT: (False,), TLS_VERSION: (UNDOCUMENTED,)},
    notes={TLS_VERSION: _TLS_NOTE},
)

OLD_TLS_REQUESTS = Scenario(
    description="requests over TLS 1.0 or 1.1",
    keys={SECURE_TRANSPORT: (True,), TLS_VERSION: (1.0, 1.1)},
)

TRANSPORT_REQUIREMENT = DenyRequirement(
    scenario=HTTP_REQUESTS,
    actions=None,
    parts=(BUCKET_ARN, OBJECTS),
    relevant_keys=frozenset({SECURE_TRANSPORT, TLS_VERSION}),
)

TLS_VERSION_REQUIREMENT = DenyRequirement(
    scenario=OLD_TLS_REQUESTS,
    actions=None,
    parts=(BUCKET_ARN, OBJECTS),
    relevant_keys=frozenset({TLS_VERSION}),
)


def analyze_transport(bucket: Bucket) -> TransportVerdict:
    """Does every principal get denied every S3 action on the bucket and its objects over HTTP?

    Accepted: `Bool`/`BoolIfExists` `aws:SecureTransport` = false (boolean or string), in one
    statement or split over several.  A deny on `s3:TlsVersion` alone gives an unknown answer:
    IAM says a condition on a missing key is false, AWS does not say whether plain-HTTP
    requests carry `s3:TlsVersion`, and an AWS Knowledge Center article suggests they match."""
    return analyze_deny(bucket, TRANSPORT_REQUIREMENT)


def analyze_tls_version(bucket: Bucket) -> DenyVerdict:
    """Does every principal get denied every S3 action over TLS 1.0 and 1.1?

    Only the Deny form counts (`NumericLessThan s3:TlsVersion 1.2`, or `...LessThanEquals 1.1`):
    an Allow that requires TLS 1.2 does not stop identity policies of the account from
    granting access over older TLS."""
    return analyze_deny(bucket, TLS_VERSION_REQUIREMENT)


__all__ = [
    "ABSENT",
    "ALWAYS",
    "BUCKET_ARN",
    "DenyRequirement",
    "DenyVerdict",
    "NEVER",
    "OBJECTS",
    "OTHER",
    "SOME_OBJECTS",
    "SOMETIMES",
    "Scenario",
    "Shortfall",
    "StatementReview",
    "TransportVerdict",
    "UNDOCUMENTED",
    "UNKNOWN",
    "analyze_deny",
    "analyze_tls_version",
    "analyze_transport",
    "bucket_policies",
    "policy_checked_buckets",
    "condition_outcome",
    "describe_verdict",
    "effect_is",
    "is_everyone",
    "review_statement",
    "statement_name",
]
