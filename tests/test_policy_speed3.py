"""The check phase's fast paths give the answers of the general code they sit beside.

Each property draws inputs near a fast path's edge and compares its answer with the general
one.  The references below are the code as it was before the fast paths (kept verbatim where
possible): the pattern matcher, `bucket_coverage`, `review_statement` and `analyze_deny`."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from s3lint.checks._common import describe
from s3lint.model import Bucket, Condition, PolicyDocument, Statement, Value
from s3lint.policy import conditions as conditions_module
from s3lint.policy.actions import _expand_one, all_s3_actions, expand_action_patterns, statement_actions
from s3lint.policy.conditions import key_name
from s3lint.policy.document import read_policy
from s3lint.policy.encryption import SSE_C_REQUIREMENT, UPLOAD_ENCRYPTION_REQUIREMENT
from s3lint.policy import lockout
from s3lint.policy.lockout import LOCKOUT_REQUIREMENT, POLICY_ADMIN_ACTIONS, Lockout, lockout_statements
from s3lint.policy.network import PRESIGNED_AGE_REQUIREMENT, VPC_ENDPOINT_REQUIREMENT
from s3lint.policy.principals import statement_principals
from s3lint.policy.resources import (
    KNOWN_PARTITIONS,
    Coverage,
    _general_text_coverage,
    _own_arn_coverage,
    bucket_coverage,
    pattern_coverage,
)
from s3lint.policy.transport import (
    ALWAYS,
    BUCKET_ARN,
    NEVER,
    OBJECTS,
    SOME_OBJECTS,
    TLS_VERSION_REQUIREMENT,
    TRANSPORT_REQUIREMENT,
    UNKNOWN,
    DenyRequirement,
    DenyVerdict,
    Scenario,
    Shortfall,
    StatementReview,
    _is_open,
    _part_text,
    _sample,
    _show_principals,
    analyze_deny,
    bucket_policies,
    combine_all,
    condition_outcome,
    effect_is,
    is_everyone,
    review_statement,
    show_condition,
    show_values,
)
from s3lint.policy.tri import all_true, any_true, conjunction, negate
from s3lint.source import Location
from s3lint.symbols import SYMBOL_CLOSE, SYMBOL_OPEN, Unknown, is_unknown, render, symbol

PARTITION = symbol("AWS::Partition")
Tri = Any

# ---------------------------------------------------------------------------------------
# Resource patterns: the own-ARN fast path against the tokenizing matcher
# ---------------------------------------------------------------------------------------

# Pieces of bucket identities: plain names, symbols (closed or not), and the characters the
# pattern tokenizer treats specially.
_NAME_PIECES = st.sampled_from(
    ["data", "logs", "a", "-", ".", "/", ":", "*", "?", "$", "${", "}", "${*}", "${aws:username}",
     symbol("bucket:Logs"), symbol("param:Name"), SYMBOL_OPEN, SYMBOL_CLOSE, SYMBOL_OPEN + "x", "\0"]
)
_IDENTITIES = st.lists(_NAME_PIECES, min_size=0, max_size=5).map("".join)
_PREFIXES = st.sampled_from(
    [f"arn:{PARTITION}:s3:::", "arn:aws:s3:::", f"arn:{PARTITION}:s3::", "arn:*:s3:::"]
    + [f"arn:{p}:s3:::" for p in KNOWN_PARTITIONS]
)
_SUFFIXES = st.sampled_from(["", "/*", "/", "*", "/**", "/?", "/a", "?", "/${*}", "/${aws:userid}", SYMBOL_OPEN, "/*/*"])
# What may follow `ARN/` in a pattern: key prefixes and names, with the characters that matter
_KEYS = st.lists(st.sampled_from(["reports", "/", "*", "a", ".", ":", "?", "$", "${*}", "${aws:userid}", "\0",
                                  symbol("param:Prefix"), SYMBOL_OPEN, SYMBOL_CLOSE, "é"]), max_size=4).map("".join)


@st.composite
def _pairs(draw: st.DrawFn) -> tuple[str, str]:
    identity = draw(_IDENTITIES)
    own_prefix = f"arn:{PARTITION}:s3:::"
    arn = draw(st.sampled_from([own_prefix, own_prefix, own_prefix, "arn:aws:s3:::", ""])) + identity
    if draw(st.integers(0, 3)):
        # the bucket's own ARN, or close to it
        prefix = draw(st.one_of(st.just(own_prefix), st.just("arn:aws:s3:::"), _PREFIXES))
        suffix = st.one_of(st.sampled_from(["", "/*"]), _SUFFIXES, _KEYS.map(lambda key: "/" + key))
        pattern = prefix + identity + draw(suffix)
    else:
        pattern = draw(_PREFIXES) + draw(_IDENTITIES) + draw(_SUFFIXES)
    return pattern, arn


@settings(max_examples=3000, deadline=None)
@given(_pairs())
def test_own_arn_fast_path_matches_general_matcher(pair: tuple[str, str]) -> None:
    pattern, arn = pair
    quick = _own_arn_coverage(pattern, arn)
    if quick is not None:
        assert quick == _general_text_coverage(pattern, arn)


def test_own_arn_fast_path_answers_the_common_patterns() -> None:
    name = symbol("aws_s3_bucket.b.id")
    arn = f"arn:{PARTITION}:s3:::{name}"
    for pattern in (arn, f"{arn}/*", f"arn:aws:s3:::{name}/*", f"arn:aws-cn:s3:::{name}", "arn:aws:s3:::data"):
        quick = _own_arn_coverage(pattern, arn)
        assert quick is None or quick == _general_text_coverage(pattern, arn)
    assert _own_arn_coverage(f"{arn}/*", arn) == Coverage(False, True, True)
    assert _own_arn_coverage(f"arn:aws:s3:::{name}", arn) == Coverage(True, False, False)
    assert _own_arn_coverage("arn:aws:s3:::data/*", f"arn:{PARTITION}:s3:::data") == Coverage(False, True, True)
    assert _own_arn_coverage("arn:aws:s3:::data/*", f"arn:{PARTITION}:s3:::da*") is None
    # a key prefix, a key, every key
    for pattern in (f"{arn}/reports/*", f"{arn}/index.html", f"arn:aws:s3:::{name}/a/*/b", f"{arn}/**"):
        assert _own_arn_coverage(pattern, arn) == _general_text_coverage(pattern, arn)
    assert _own_arn_coverage(f"{arn}/reports/*", arn) == Coverage(False, False, True)
    assert _own_arn_coverage(f"{arn}/**", arn) == Coverage(False, True, True)
    for odd in (f"{arn}/a:b", f"{arn}/${{aws:userid}}/*", f"{arn}/?", f"{arn}/{name}", f"{arn}/"):
        assert _own_arn_coverage(odd, arn) is None


# ---------------------------------------------------------------------------------------
# Statements drawn from the shapes real policies take, and their odd relatives
# ---------------------------------------------------------------------------------------

ARN = "arn:aws:s3:::data"
HERE = Location("policy.json", 1, 1)

_EFFECTS = st.sampled_from(["Deny", "Allow", "deny", "Audit", None])
_PRINCIPALS = st.sampled_from(
    ["*", {"AWS": "*"}, {"AWS": " * "}, {"AWS": ["111122223333", "*"]}, {"AWS": "111122223333"},
     {"AWS": "arn:aws:iam::111122223333:role/r"}, {"AWS": "arn:aws:iam::*:root"}, {"Service": "logging.s3.amazonaws.com"},
     {"CanonicalUser": "*"}, {"Federated": "cognito-identity.amazonaws.com"}, {"AWS": symbol("param:Role")},
     {"AWS": [symbol("AWS::AccountId"), "*"]}, None]
)
_ACTIONS = st.sampled_from(
    ["s3:*", "*", "s3:GetObject", ["s3:PutObject"], ["s3:PutObject", "s3:Get*"], "s3:PutBucketPolicy",
     ["s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutBucketAcl"], "iam:*", "S3:*Object", symbol("param:Action"),
     ["s3:*", "s3:GetObject"]]
)
_RESOURCES = st.sampled_from(
    [ARN, f"{ARN}/*", [ARN, f"{ARN}/*"], "*", "arn:aws:s3:::other/*", "arn:aws:s3:::d*", "arn:aws-cn:s3:::data/*",
     f"arn:{PARTITION}:s3:::data", f"arn:aws:s3:::{symbol('param:Name')}/*", [f"{ARN}/logs/*", ARN]]
)
_CONDITIONS = st.sampled_from(
    [{}, {"Bool": {"aws:SecureTransport": "false"}}, {"Bool": {"aws:SecureTransport": ["true"]}},
     {"BoolIfExists": {"aws:SecureTransport": False}}, {"NumericLessThan": {"s3:TlsVersion": "1.2"}},
     {"NumericLessThanEquals": {"s3:TlsVersion": 1.0}},
     {"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}},
     {"Null": {"s3:x-amz-server-side-encryption": "true"}},
     {"Null": {"s3:x-amz-server-side-encryption-customer-algorithm": "true"}},
     {"StringNotEquals": {"aws:SourceVpce": "vpce-1"}}, {"StringNotEqualsIfExists": {"aws:SourceVpc": "vpc-*"}},
     {"NumericGreaterThan": {"s3:signatureAge": 600000}}, {"StringNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/admin"}},
     {"Bool": {"aws:SecureTransport": symbol("param:Flag")}}, {"StringEquals": {"aws:SourceAccount": "111122223333"}},
     {"ForAnyValue:StringLike": {"aws:TagKeys": "x*"}}, {"NoSuchOperator": {"aws:SecureTransport": "false"}},
     {"Bool": {"aws:SecureTransport": "false"}, "StringEquals": {"s3:x-amz-acl": "private"}}]
)


@st.composite
def _statements(draw: st.DrawFn) -> dict[str, Any]:
    stmt: dict[str, Any] = {}
    if draw(st.booleans()):
        stmt["Sid"] = draw(st.sampled_from(["A", "DenyHttp", "B"]))
    effect = draw(_EFFECTS)
    if effect is not None:
        stmt["Effect"] = effect
    principal = draw(_PRINCIPALS)
    if principal is not None:
        stmt["NotPrincipal" if draw(st.integers(0, 5)) == 0 else "Principal"] = principal
    stmt["NotAction" if draw(st.integers(0, 5)) == 0 else "Action"] = draw(_ACTIONS)
    stmt["NotResource" if draw(st.integers(0, 5)) == 0 else "Resource"] = draw(_RESOURCES)
    condition = draw(_CONDITIONS)
    if condition:
        stmt["Condition"] = condition
    return stmt


@st.composite
def _buckets(draw: st.DrawFn) -> Bucket:
    """A bucket with one or two policies of drawn statements; some values made Unknown, some
    statements conditional, as the loaders leave them."""
    docs: list[PolicyDocument] = []
    for _ in range(draw(st.integers(1, 2))):
        tree = {"Version": "2012-10-17", "Statement": draw(st.lists(_statements(), min_size=0, max_size=4))}
        doc = read_policy(tree, kind="bucket", owner="DataPolicy", path="policy.json")
        for stmt in doc.statements:
            twist = draw(st.integers(0, 12))
            if twist == 0:
                stmt.effect = Value(Unknown("parameter", alternatives=draw(st.sampled_from([(), ("Deny",), ("Deny", "Allow")]))),
                                    stmt.effect.loc)
            elif twist == 1:
                stmt.conditional = True
            elif twist == 2 and stmt.resources:
                stmt.resources[0] = Value(Unknown("parameter"), stmt.resources[0].loc)
            elif twist == 3:
                stmt.unknown_parts.append("Statement")
            elif twist == 4 and stmt.actions:
                stmt.actions[0] = Value(Unknown("parameter"), stmt.actions[0].loc)
        if draw(st.integers(0, 15)) == 0:
            doc.unknown = Unknown("parameter")
        docs.append(doc)
    identity = draw(st.sampled_from(["data", symbol("bucket:Data"), "other"]))
    return Bucket(
        address="aws_s3_bucket.data",
        loc=Location("main.tf", 3, 1),
        source_format="terraform",
        name=Value(identity, HERE),
        identity=identity,
        declared=True,
        policies=docs,
    )


def _statements_of(bucket: Bucket) -> list[tuple[Statement, PolicyDocument]]:
    return [(stmt, doc) for doc in bucket.policies for stmt in doc.statements]


# ---------------------------------------------------------------------------------------
# References: the code before the fast paths
# ---------------------------------------------------------------------------------------


def _reference_bucket_coverage(stmt: Statement, bucket: Bucket) -> Coverage:
    if not stmt.resources:
        return Coverage(False, False, False)
    per_pattern = [pattern_coverage(value.value, bucket) for value in stmt.resources]
    if not stmt.not_resource:
        return Coverage(
            any_true(c.bucket_arn for c in per_pattern),
            any_true(c.objects for c in per_pattern),
            any_true(c.some_objects for c in per_pattern),
        )
    return Coverage(
        all_true(negate(c.bucket_arn) for c in per_pattern),
        all_true(negate(c.some_objects) for c in per_pattern),
        all_true(negate(c.objects) for c in per_pattern),
    )


def _reference_coverage(stmt: Statement, bucket: Bucket) -> dict[str, Tri]:
    if "Resource" in stmt.unknown_parts or "Statement" in stmt.unknown_parts:
        return {BUCKET_ARN: None, OBJECTS: None, SOME_OBJECTS: None}
    coverage = _reference_bucket_coverage(stmt, bucket)
    return {BUCKET_ARN: coverage.bucket_arn, OBJECTS: coverage.objects, SOME_OBJECTS: coverage.some_objects}


def _reference_is_everyone(stmt: Statement) -> Tri:
    if stmt.not_principal:
        return False
    return statement_principals(stmt).everyone


def _reference_effect_is(stmt: Statement, effect: str) -> Tri:
    if stmt.effect.certainly(lambda v: v == effect):
        return True
    if stmt.effect.possibly(lambda v: v == effect):
        return None
    return False


def _reference_part_text(part: str, bucket: Bucket) -> str:
    arn = f"arn:aws:s3:::{render(bucket.identity)}"
    return {BUCKET_ARN: f"the bucket itself ({arn})", OBJECTS: f"its objects ({arn}/*)"}.get(
        part, f"any of its objects ({arn}/...)"
    )



def _reference_review(
    stmt: Statement, doc: PolicyDocument, bucket: Bucket, requirement: DenyRequirement
) -> StatementReview:

    shortfalls: list[Shortfall] = []
    scenario = requirement.scenario

    effect = _reference_effect_is(stmt, "Deny")
    if stmt.conditional:
        effect = None if effect is not False else False
        shortfalls.append(Shortfall("it exists only when a CloudFormation condition holds", stmt.loc, False))
    if effect is False:
        shown = render(stmt.effect.value) if stmt.effect.value is not None else "missing"
        why = " (an Allow cannot stop what other statements or identity policies allow)" if shown == "Allow" else ""
        shortfalls.append(Shortfall(f'its Effect is "{shown}", not "Deny"{why}', stmt.effect.loc))
    elif effect is None and not stmt.conditional:
        shortfalls.append(Shortfall("its Effect is not known statically", stmt.effect.loc, False))

    principal: Tri = True
    if requirement.everyone:
        principal = _reference_is_everyone(stmt)
        where = stmt.principal_loc or stmt.loc
        if principal is False:
            if stmt.principals is None:
                text = "it has no Principal"
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
        missing = required - actions
        actions_ok = not missing
        if missing:
            if requirement.actions is None and not stmt.not_action and len(missing) * 2 > len(required):
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

    coverage = _reference_coverage(stmt, bucket)
    resource_where = stmt.resource_loc or stmt.loc
    element_name = "NotResource" if stmt.not_resource else "Resource"
    uncovered = [part for part in requirement.parts if coverage[part] is False]
    if len(uncovered) == 2:
        first, second = (_part_text(part, bucket) for part in uncovered)
        shortfalls.append(Shortfall(f"its {element_name} covers neither {first} nor {second}", resource_where))
    elif uncovered:
        shortfalls.append(Shortfall(f"its {element_name} does not cover {_part_text(uncovered[0], bucket)}", resource_where))
    for part in requirement.parts:
        covered = coverage[part]
        if covered is None:
            text = f"whether its {element_name} covers {_part_text(part, bucket)} is not known statically"
            shortfalls.append(Shortfall(text, resource_where, False))

    outcomes: list[str] = []
    relevant = False
    for condition in stmt.conditions:
        key = key_name(condition)
        is_relevant = key in requirement.relevant_keys
        relevant = relevant or is_relevant
        outcome = condition_outcome(condition, scenario)
        outcomes.append(outcome)
        shortfall = _reference_condition_shortfall(condition, outcome, is_relevant, scenario)
        if shortfall is not None:
            shortfalls.append(shortfall)
    overall = combine_all(outcomes)
    condition_tri: Tri = True if overall == ALWAYS else None if overall == UNKNOWN else False

    if "Statement" in stmt.unknown_parts:
        # one doubt says it all: listing every element as unknown helps nobody
        shortfalls = [Shortfall("the whole statement is not known statically", stmt.loc, False)]
    return StatementReview(stmt, doc, relevant, effect, principal, condition_tri, actions, actions_ok, coverage, shortfalls)


def _reference_condition_shortfall(condition: Condition, outcome: str, relevant: bool, scenario: Scenario) -> Shortfall | None:
    where = condition.values[0].loc if relevant and condition.values else condition.loc
    if outcome == ALWAYS:
        return None
    if not condition.key:
        return Shortfall("its Condition is not known statically", condition.loc, False)
    shown = show_condition(condition)
    key = key_name(condition)
    if outcome == UNKNOWN:
        note = scenario.notes.get(key)
        if note and not any(_is_open(v.value) for v in condition.values):
            return Shortfall(f"its condition {shown} may not match {scenario.description}: {note}", where, False)
        return Shortfall(f"its condition {shown} is not known statically", where, False)
    if relevant:
        if outcome == NEVER:
            return Shortfall(f"its condition {shown} does not match {scenario.description}", where)
        return Shortfall(f"its condition {shown} matches only some {scenario.description}", where)
    return Shortfall(f"it also requires {shown}, so it does not apply to all {scenario.description}", condition.loc)

def _reference_analyze_deny(bucket: Bucket, requirement: DenyRequirement) -> DenyVerdict:
    required = all_s3_actions() if requirement.actions is None else requirement.actions
    documents = bucket_policies(bucket)
    definite: dict[str, set[str]] = {part: set() for part in requirement.parts}
    possible: dict[str, set[str]] = {part: set() for part in requirement.parts}
    enforcing: list[Statement] = []
    near_misses: list[StatementReview] = []
    doubts: list[Shortfall] = []

    for doc in documents:
        if doc.unknown is not None:
            for part in requirement.parts:
                possible[part] |= required
            doubts.append(Shortfall("the bucket policy is not known statically", doc.loc, False))
            continue
        for stmt in doc.statements:
            review = _reference_review(stmt, doc, bucket, requirement)
            for part in requirement.parts:
                covered = review.coverage[part]
                if review.gate is True and covered is True and not isinstance(review.actions, Unknown):
                    definite[part] |= review.actions & required
                if review.gate is not False and covered is not False:
                    possible[part] |= required if isinstance(review.actions, Unknown) else review.actions & required
            if not review.shortfalls:
                enforcing.append(stmt)
            elif review.relevant or (review.effect is not False and not review.definite_shortfalls()):
                near_misses.append(review)

    uncovered = [
        _reference_uncovered_text(part, required - definite[part], bucket, requirement)
        for part in requirement.parts
        if not required <= definite[part]
    ]
    if not uncovered:
        enforced: Tri = True
        near_misses = []
    elif all(required <= possible[part] for part in requirement.parts):
        enforced = None
        for review in near_misses:
            doubts.extend(review.doubts())
    else:
        enforced = False
    near_misses.sort(key=lambda r: (len(r.definite_shortfalls()), r.statement.loc.line, r.statement.loc.column))
    if enforced is None:
        near_misses.sort(key=lambda r: (bool(r.definite_shortfalls()), len(r.definite_shortfalls())))
    return DenyVerdict(enforced, documents, enforcing, near_misses, uncovered, doubts)


def _reference_uncovered_text(part: str, missing: set[str] | frozenset[str], bucket: Bucket, requirement: DenyRequirement) -> str:
    required = all_s3_actions() if requirement.actions is None else requirement.actions
    if missing == required:
        return _reference_part_text(part, bucket)
    return f"{_sample(missing)} on {_reference_part_text(part, bucket)}"


def _reference_lockout_statements(
    doc: PolicyDocument, bucket: Bucket | None = None, our_accounts: frozenset[str] = frozenset()
) -> list[Lockout]:
    if doc.kind != "bucket" or doc.unknown is not None:
        return []
    target = bucket or lockout._stand_in_bucket(doc)
    found: list[Lockout] = []
    partial: list[tuple[Statement, frozenset[str]]] = []
    for stmt in doc.statements:
        if "Statement" in stmt.unknown_parts:
            continue  # a wholly unknown statement (merged from a variable) could be anything
        review = _reference_review(stmt, doc, target, LOCKOUT_REQUIREMENT)
        scope = conjunction(review.effect, review.condition, review.coverage[BUCKET_ARN])
        if scope is False:
            continue
        actions = review.actions
        denied_all = not is_unknown(actions) and actions >= all_s3_actions()
        if stmt.not_principal:
            verdict, reason, loc = lockout._not_principal_lockout(stmt, our_accounts)
            certain = conjunction(scope, review.actions_ok, verdict)
            if certain is not False:
                found.append(Lockout(stmt, doc, "not_principal", certain, denied_all, reason, loc))
            continue
        everyone = _reference_is_everyone(stmt)
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


def _reference_expand(patterns: list[Any]) -> frozenset[str]:
    result: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, str) and not isinstance(pattern, Unknown):
            result |= _expand_one(str(pattern))
    return frozenset(result)


def _reference_describe(bucket: Bucket) -> str:
    name = bucket.name.value if bucket.name.known else None
    if isinstance(name, str) and name and render(name) != bucket.address and "\ue000" not in name:
        return f"bucket '{bucket.address}' ({name})"
    return f"bucket '{bucket.address}'"


# ---------------------------------------------------------------------------------------
# The properties
# ---------------------------------------------------------------------------------------

def _plain(value: Any) -> Any:
    """A verdict or review as plain data to compare: each review makes its own `Unknown`
    (which equals only itself), so an unknown is compared by what it says."""
    if isinstance(value, Unknown):
        return ("Unknown", value.reason, tuple(_plain(alt) for alt in value.alternatives))
    if isinstance(value, (DenyVerdict, StatementReview, Shortfall, Lockout)):
        return (type(value).__name__, tuple(_plain(getattr(value, name)) for name in value.__slots__))
    if isinstance(value, list):
        return tuple(_plain(item) for item in value)
    if isinstance(value, dict):
        return tuple((key, _plain(item)) for key, item in value.items())
    return value


REQUIREMENTS = [
    TRANSPORT_REQUIREMENT,
    TLS_VERSION_REQUIREMENT,
    UPLOAD_ENCRYPTION_REQUIREMENT,
    SSE_C_REQUIREMENT,
    VPC_ENDPOINT_REQUIREMENT,
    PRESIGNED_AGE_REQUIREMENT,
    LOCKOUT_REQUIREMENT,
]


@settings(max_examples=400, deadline=None)
@given(_buckets())
def test_analyze_deny_matches_the_reference(bucket: Bucket) -> None:
    for requirement in REQUIREMENTS:
        assert _plain(analyze_deny(bucket, requirement)) == _plain(_reference_analyze_deny(bucket, requirement))


@settings(max_examples=300, deadline=None)
@given(_buckets())
def test_review_matches_the_reference_and_silent_review_the_explained_one(bucket: Bucket) -> None:
    for stmt, doc in _statements_of(bucket):
        for requirement in REQUIREMENTS:
            explained = review_statement(stmt, doc, bucket, requirement)
            assert _plain(explained) == _plain(_reference_review(stmt, doc, bucket, requirement))
            silent = review_statement(stmt, doc, bucket, requirement, explain=False)
            # the same review but for the texts
            assert [(s.loc, s.definite) for s in silent.shortfalls] == [(s.loc, s.definite) for s in explained.shortfalls]
            silent.shortfalls = explained.shortfalls
            assert _plain(silent) == _plain(explained)


@settings(max_examples=300, deadline=None)
@given(_buckets())
def test_statement_fast_paths_match_the_general_code(bucket: Bucket) -> None:
    for stmt, _ in _statements_of(bucket):
        assert bucket_coverage(stmt, bucket) == _reference_bucket_coverage(stmt, bucket)
        assert is_everyone(stmt) == _reference_is_everyone(stmt)
        for effect in ("Deny", "Allow"):
            assert effect_is(stmt, effect) == _reference_effect_is(stmt, effect)
        patterns = [value.value for value in stmt.actions]
        assert expand_action_patterns(patterns) == _reference_expand(patterns)
        assert expand_action_patterns(tuple(patterns)) == _reference_expand(patterns)
        for condition in stmt.conditions:
            assert conditions_module.parse_operator(condition.operator) == conditions_module._parse_operator(condition.operator)
    for part in (BUCKET_ARN, OBJECTS, SOME_OBJECTS):
        assert _part_text(part, bucket) == _reference_part_text(part, bucket)
    assert describe(bucket) == _reference_describe(bucket)


@given(st.sampled_from(["data", "", "aws_s3_bucket.data", symbol("bucket:Data"), "x" + symbol("v") + "y"]),
       st.sampled_from(["aws_s3_bucket.data", "data", "${bucket:Data}"]))
def test_describe_matches_the_reference(name: str, address: str) -> None:
    bucket = Bucket(address=address, loc=HERE, source_format="terraform", name=Value(name, HERE), identity=name, declared=True)
    assert describe(bucket) == _reference_describe(bucket)
    unknown = Bucket(address=address, loc=HERE, source_format="terraform", name=Value(Unknown(), HERE), identity=name, declared=True)
    assert describe(unknown) == _reference_describe(unknown)


@settings(max_examples=300, deadline=None)
@given(_buckets(), st.sampled_from([frozenset(), frozenset({"111122223333"})]))
def test_lockout_matches_the_reference(bucket: Bucket, accounts: frozenset[str]) -> None:
    for doc in bucket.policies:
        for target in (bucket, None):
            assert _plain(lockout_statements(doc, target, accounts)) == _plain(_reference_lockout_statements(doc, target, accounts))


@given(st.one_of(st.sampled_from(sorted(all_s3_actions())), st.text(alphabet="s3:GetObjectAcl*?", max_size=16)),
       st.booleans())
def test_access_level_matches_the_catalogue(action: str, shout: bool) -> None:
    from s3lint.policy.actions import UNKNOWN_LEVEL, _catalogue, access_level, canonical_action

    if shout:
        action = action.upper()
    canonical = canonical_action(action)
    assert access_level(action) == (_catalogue()[canonical] if canonical else UNKNOWN_LEVEL)
