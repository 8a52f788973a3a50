"""transport: the shared "the policy must deny X" machinery, TLS and TLS-version verdicts."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from s3lint.model import Bucket, Condition, PolicyDocument, Value
from s3lint.policy.document import read_policy
from s3lint.policy.transport import (
    ABSENT,
    ALWAYS,
    NEVER,
    OTHER,
    SOMETIMES,
    UNKNOWN,
    Scenario,
    analyze_tls_version,
    analyze_transport,
    condition_outcome,
    describe_verdict,
)
from s3lint.source import LDict, LList, Location, LStr
from s3lint.symbols import Unknown

PATH = "policy.json"
ARN = "arn:aws:s3:::data"
BUCKET_LOC = Location("main.tf", 3, 1)


# ---------------------------------------------------------------------------------------
# Helpers (also used by the other policy test modules)
# ---------------------------------------------------------------------------------------


def located(tree: Any) -> tuple[Any, str]:
    """`tree` as LDict/LList/LStr with the lines `json.dumps(tree, indent=2)` gives it, and
    that text, so that tests can assert on lines found by searching the text."""
    text = json.dumps(tree, indent=2)
    line = [1]

    def convert(node: Any, column: int) -> Any:
        if isinstance(node, dict):
            out = LDict(line=line[0], column=column)
            for key, value in node.items():
                line[0] += 1
                key_pos = (line[0], column + 2)
                value_pos = (line[0], column + 4 + len(json.dumps(key)))
                out.set_located(key, convert(value, value_pos[1]), key_pos, value_pos)
            if node:
                line[0] += 1
            return out
        if isinstance(node, list):
            out_list = LList(line=line[0], column=column)
            for item in node:
                line[0] += 1
                out_list.append_located(convert(item, column + 2), (line[0], column + 2))
            if node:
                line[0] += 1
            return out_list
        if isinstance(node, str):
            return LStr(node, line[0], column)
        return node

    return convert(tree, 1), text


def line_of(text: str, fragment: str, occurrence: int = 1) -> int:
    """The 1-based line of the n-th line containing `fragment`."""
    hits = [number for number, content in enumerate(text.splitlines(), 1) if fragment in content]
    return hits[occurrence - 1]


def policy(*statements: dict[str, Any], version: str = "2012-10-17") -> dict[str, Any]:
    return {"Version": version, "Statement": list(statements)}


def read(tree: Any, kind: str = "bucket") -> PolicyDocument:
    return read_policy(tree, kind=kind, owner="DataPolicy", path=PATH)  # type: ignore[arg-type]


def make_bucket(*docs: PolicyDocument, name: str = "data", declared: bool = True) -> Bucket:
    return Bucket(
        address="aws_s3_bucket.data",
        loc=BUCKET_LOC,
        source_format="terraform",
        name=Value(name, BUCKET_LOC),
        identity=name,
        declared=declared,
        policies=list(docs),
    )


def bucket_with(*statements: dict[str, Any]) -> Bucket:
    return make_bucket(read(policy(*statements)))


def tls_deny(**changes: Any) -> dict[str, Any]:
    """The canonical HTTPS-only deny (S3 User Guide), with changes (None removes a key)."""
    stmt: dict[str, Any] = {
        "Sid": "DenyHttp",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [ARN, f"{ARN}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
    stmt.update(changes)
    return {key: value for key, value in stmt.items() if value is not None}


PUBLIC_READ = {"Sid": "Read", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"{ARN}/*"}


# ---------------------------------------------------------------------------------------
# Conditions over a scenario
# ---------------------------------------------------------------------------------------


def cond(operator: str, key: str, *values: Any) -> Condition:
    loc = Location(PATH, 1, 1)
    return Condition(operator, key, [Value(v, loc) for v in values], loc)


HTTP = Scenario("plain-HTTP requests", {"aws:securetransport": (False,)})
NO_HEADER = Scenario("uploads", {"s3:x-amz-server-side-encryption": (ABSENT,)})
OUTSIDE = Scenario("outside", {"aws:sourcevpce": (ABSENT, OTHER)})


def test_bool_condition_accepts_boolean_and_string_false_in_any_case() -> None:
    assert condition_outcome(cond("Bool", "aws:SecureTransport", "false"), HTTP) == ALWAYS
    assert condition_outcome(cond("Bool", "aws:SecureTransport", False), HTTP) == ALWAYS
    assert condition_outcome(cond("BoolIfExists", "AWS:SecureTransport", "FALSE"), HTTP) == ALWAYS
    assert condition_outcome(cond("Bool", "aws:SecureTransport", "true"), HTTP) == NEVER
    assert condition_outcome(cond("Bool", "aws:SecureTransport", "true", "false"), HTTP) == ALWAYS  # values OR-ed


def test_a_condition_on_a_key_the_scenario_leaves_open_narrows_it() -> None:
    assert condition_outcome(cond("StringEquals", "aws:SourceVpce", "vpce-1"), HTTP) == SOMETIMES


def test_missing_keys_follow_the_iam_rules() -> None:
    key = "s3:x-amz-server-side-encryption"
    assert condition_outcome(cond("StringNotEquals", key, "AES256"), NO_HEADER) == ALWAYS  # negated: true
    assert condition_outcome(cond("StringEquals", key, "AES256"), NO_HEADER) == NEVER
    assert condition_outcome(cond("StringEqualsIfExists", key, "AES256"), NO_HEADER) == ALWAYS
    assert condition_outcome(cond("ForAllValues:StringEquals", key, "AES256"), NO_HEADER) == ALWAYS
    assert condition_outcome(cond("ForAnyValue:StringNotEquals", key, "AES256"), NO_HEADER) == NEVER
    assert condition_outcome(cond("Null", key, "true"), NO_HEADER) == ALWAYS
    assert condition_outcome(cond("Null", key, False), NO_HEADER) == NEVER


def test_other_endpoint_matches_only_all_wildcard_patterns() -> None:
    assert condition_outcome(cond("StringNotEquals", "aws:SourceVpce", "vpce-1"), OUTSIDE) == ALWAYS
    assert condition_outcome(cond("Null", "aws:SourceVpce", "true"), OUTSIDE) == SOMETIMES
    assert condition_outcome(cond("StringNotLike", "aws:SourceVpce", "*"), OUTSIDE) == SOMETIMES


def test_unknown_values_and_blocks_give_unknown() -> None:
    assert condition_outcome(cond("Bool", "aws:SecureTransport", Unknown("param")), HTTP) == UNKNOWN
    assert condition_outcome(cond("", "", Unknown("whole block")), HTTP) == UNKNOWN
    # a known value that matches decides, whatever the unknown one is
    assert condition_outcome(cond("Bool", "aws:SecureTransport", Unknown("param"), "false"), HTTP) == ALWAYS


def test_numeric_comparisons() -> None:
    old_tls = Scenario("old TLS", {"s3:tlsversion": (1.0, 1.1)})
    assert condition_outcome(cond("NumericLessThan", "s3:TlsVersion", 1.2), old_tls) == ALWAYS
    assert condition_outcome(cond("NumericLessThan", "s3:TlsVersion", "1.2"), old_tls) == ALWAYS
    assert condition_outcome(cond("NumericLessThanEquals", "s3:TlsVersion", "1.1"), old_tls) == ALWAYS
    assert condition_outcome(cond("NumericLessThan", "s3:TlsVersion", 1.1), old_tls) == SOMETIMES
    assert condition_outcome(cond("NumericGreaterThanEquals", "s3:TlsVersion", 1.2), old_tls) == NEVER


# ---------------------------------------------------------------------------------------
# analyze_transport
# ---------------------------------------------------------------------------------------


def test_canonical_deny_enforces_tls() -> None:
    verdict = analyze_transport(bucket_with(PUBLIC_READ, tls_deny()))
    assert verdict.enforced is True
    assert [s.sid for s in verdict.enforcing] == ["DenyHttp"]
    assert verdict.near_misses == []


def test_boolean_false_and_bool_if_exists_and_aws_star_principal_count() -> None:
    variants = [
        tls_deny(Condition={"Bool": {"aws:SecureTransport": False}}),
        tls_deny(Condition={"BoolIfExists": {"aws:SecureTransport": "false"}}),
        tls_deny(Principal={"AWS": "*"}),
        tls_deny(Action="*"),
        tls_deny(Action=["s3:*"], Resource=["arn:aws:s3:::data*"]),
    ]
    for stmt in variants:
        assert analyze_transport(bucket_with(stmt)).enforced is True, stmt


def test_a_deny_split_over_two_statements_counts() -> None:
    verdict = analyze_transport(bucket_with(tls_deny(Resource=ARN), tls_deny(Sid="Objects", Resource=f"{ARN}/*")))
    assert verdict.enforced is True


def test_an_unconditional_deny_of_everything_denies_http_too() -> None:
    assert analyze_transport(bucket_with(tls_deny(Condition=None))).enforced is True


def test_no_policy_reports_at_the_bucket() -> None:
    bucket = make_bucket()
    verdict = analyze_transport(bucket)
    assert verdict.enforced is False
    text, loc = describe_verdict(verdict, bucket, "denies plain-HTTP requests")
    assert text == "has no bucket policy, so nothing denies plain-HTTP requests"
    assert loc == BUCKET_LOC


def test_policy_without_any_attempt_reports_at_the_document() -> None:
    tree, text = located(policy(PUBLIC_READ))
    bucket = make_bucket(read(tree))
    verdict = analyze_transport(bucket)
    message, loc = describe_verdict(verdict, bucket, "denies plain-HTTP requests")
    assert verdict.enforced is False and verdict.near_misses == []
    assert "no statement in it denies plain-HTTP requests" in message
    assert loc.line == 1


def _near_miss(stmt: dict[str, Any], *others: dict[str, Any]) -> tuple[str, int, str, bool | None]:
    tree, text = located(policy(*others, stmt))
    bucket = make_bucket(read(tree))
    verdict = analyze_transport(bucket)
    message, loc = describe_verdict(verdict, bucket, "denies plain-HTTP requests")
    return message, loc.line, text, verdict.enforced


def test_near_miss_wrong_effect_points_at_effect() -> None:
    message, line, text, enforced = _near_miss(tls_deny(Effect="Allow", Condition={"Bool": {"aws:SecureTransport": "true"}}))
    assert enforced is False
    assert 'statement "DenyHttp" comes close, but its Effect is "Allow", not "Deny"' in message
    assert "does not match plain-HTTP requests" in message  # and its condition is the HTTPS one
    assert line == line_of(text, '"Effect"')


def test_near_miss_specific_principal_points_at_principal() -> None:
    message, line, text, enforced = _near_miss(tls_deny(Principal={"AWS": "arn:aws:iam::111122223333:root"}))
    assert enforced is False
    assert 'its Principal (AWS: arn:aws:iam::111122223333:root) is not everyone ("*")' in message
    assert line == line_of(text, '"Principal"')


def test_near_miss_not_principal_says_who_is_exempt() -> None:
    stmt = tls_deny(Principal=None, NotPrincipal={"AWS": "arn:aws:iam::111122223333:role/Legacy"})
    message, line, text, _ = _near_miss(stmt)
    assert "its NotPrincipal exempts AWS: arn:aws:iam::111122223333:role/Legacy" in message
    assert line == line_of(text, '"NotPrincipal"')


def test_near_miss_narrow_actions_points_at_action() -> None:
    message, line, text, _ = _near_miss(tls_deny(Action=["s3:GetObject", "s3:PutObject"]))
    assert 'its Action ("s3:GetObject", "s3:PutObject") covers only 2 of the' in message
    assert 'not all of them ("s3:*")' in message
    assert line == line_of(text, '"Action"')


def test_near_miss_not_action_lists_what_it_leaves_out() -> None:
    message, _, _, _ = _near_miss(tls_deny(Action=None, NotAction="s3:GetObject"))
    assert "its NotAction leaves out 1 S3 action: s3:GetObject" in message


def test_near_miss_missing_objects_or_bucket_arn() -> None:
    message, line, text, _ = _near_miss(tls_deny(Resource=ARN))
    assert f"its Resource does not cover its objects ({ARN}/*)" in message
    assert line == line_of(text, '"Resource"')
    message, _, _, _ = _near_miss(tls_deny(Resource=f"{ARN}/*"))
    assert f"its Resource does not cover the bucket itself ({ARN})" in message


def test_near_miss_other_bucket_covers_neither_part() -> None:
    message, _, _, _ = _near_miss(tls_deny(Resource=["arn:aws:s3:::other", "arn:aws:s3:::other/*"]))
    assert f"its Resource covers neither the bucket itself ({ARN}) nor its objects ({ARN}/*)" in message


def test_near_miss_condition_true_points_at_the_value() -> None:
    message, line, text, _ = _near_miss(tls_deny(Condition={"Bool": {"aws:SecureTransport": "true"}}))
    assert 'its condition Bool aws:SecureTransport = "true" does not match plain-HTTP requests' in message
    assert line == line_of(text, '"aws:SecureTransport"')


def test_near_miss_extra_condition_narrows_the_deny() -> None:
    extra = {"Bool": {"aws:SecureTransport": "false"}, "IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}
    message, line, text, _ = _near_miss(tls_deny(Condition=extra))
    assert 'it also requires IpAddress aws:SourceIp = "203.0.113.0/24", so it does not apply to all plain-HTTP requests' in message
    assert line == line_of(text, '"aws:SourceIp"')


def test_several_shortfalls_are_all_listed_and_the_closest_statement_wins() -> None:
    far = tls_deny(Sid="Far", Effect="Allow", Action="s3:GetObject")
    close = tls_deny(Sid="Close", Resource=ARN)
    message, _, _, _ = _near_miss(close, far)
    assert message.startswith('has no bucket policy statement that denies plain-HTTP requests: statement "Close" comes close')
    assert "(1 other statement also falls short)" in message


def test_tls_version_deny_alone_is_only_possibly_an_http_deny() -> None:
    bucket = bucket_with(tls_deny(Condition={"NumericLessThan": {"s3:TlsVersion": 1.2}}))
    verdict = analyze_transport(bucket)
    assert verdict.enforced is None
    message, _ = describe_verdict(verdict, bucket, "denies plain-HTTP requests")
    assert "AWS does not document whether plain-HTTP requests carry s3:TlsVersion" in message


def test_unknown_parts_make_the_verdict_unknown_not_false() -> None:
    unknown_effect = read(policy(tls_deny()))
    unknown_effect.statements[0].effect = Value(Unknown("parameter"), unknown_effect.statements[0].effect.loc)
    assert analyze_transport(make_bucket(unknown_effect)).enforced is None

    unknown_doc = read(Unknown("policy from a module output"))
    assert analyze_transport(make_bucket(unknown_doc)).enforced is None

    conditional = read(policy(tls_deny()))
    conditional.statements[0].conditional = True
    assert analyze_transport(make_bucket(conditional)).enforced is None


def test_symbolic_bucket_arn_matches_the_bucket() -> None:
    from s3lint.symbols import symbol

    identity = symbol("bucket:Data")
    doc = read(policy(tls_deny(Resource=[f"arn:aws:s3:::{identity}", f"arn:aws:s3:::{identity}/*"])))
    bucket = make_bucket(doc, name=identity)
    assert analyze_transport(bucket).enforced is True


def test_access_point_policies_do_not_count() -> None:
    doc = read(policy(tls_deny()), kind="access_point")
    assert analyze_transport(make_bucket(doc)).enforced is False


def test_policies_are_combined() -> None:
    first = read(policy(tls_deny(Resource=ARN)))
    second = read(policy(tls_deny(Resource=f"{ARN}/*")))
    assert analyze_transport(make_bucket(first, second)).enforced is True


# ---------------------------------------------------------------------------------------
# analyze_tls_version
# ---------------------------------------------------------------------------------------


def tls_version_deny(operator: str = "NumericLessThan", value: Any = 1.2, **changes: Any) -> dict[str, Any]:
    return tls_deny(Sid="MinTls", Condition={operator: {"s3:TlsVersion": value}}, **changes)


def test_tls_version_deny_below_1_2_is_enforced() -> None:
    assert analyze_tls_version(bucket_with(tls_version_deny())).enforced is True
    assert analyze_tls_version(bucket_with(tls_version_deny(value="1.2"))).enforced is True
    assert analyze_tls_version(bucket_with(tls_version_deny("NumericLessThanEquals", "1.1"))).enforced is True


def test_tls_version_deny_below_1_1_leaves_1_1() -> None:
    bucket = bucket_with(tls_version_deny(value=1.1))
    verdict = analyze_tls_version(bucket)
    message, _ = describe_verdict(verdict, bucket, "denies TLS below 1.2")
    assert verdict.enforced is False
    assert "its condition NumericLessThan s3:TlsVersion = 1.1 matches only some requests over TLS 1.0 or 1.1" in message


def test_tls_version_allow_form_is_not_enough() -> None:
    allow = tls_version_deny("NumericGreaterThanEquals", 1.2, Effect="Allow")
    bucket = bucket_with(allow)
    verdict = analyze_tls_version(bucket)
    message, _ = describe_verdict(verdict, bucket, "denies TLS below 1.2")
    assert verdict.enforced is False
    assert "an Allow cannot stop what other statements or identity policies allow" in message


def test_secure_transport_deny_does_not_cover_old_tls() -> None:
    assert analyze_tls_version(bucket_with(tls_deny())).enforced is False


# ---------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------

STATEMENT_POOL = [
    tls_deny(),
    tls_deny(Sid="B", Resource=ARN),
    tls_deny(Sid="O", Resource=f"{ARN}/*"),
    tls_deny(Sid="P", Principal={"AWS": "111122223333"}),
    tls_deny(Sid="T", Condition={"Bool": {"aws:SecureTransport": "true"}}),
    tls_deny(Sid="A", Action="s3:GetObject"),
    tls_deny(Sid="All", Condition=None, Action="s3:PutBucketAcl"),
    PUBLIC_READ,
    {"Sid": "Write", "Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "s3:*", "Resource": f"{ARN}/*"},
]

UNRELATED_ALLOWS = st.fixed_dictionaries(
    {
        "Effect": st.just("Allow"),
        "Principal": st.sampled_from(["*", {"AWS": "111122223333"}, {"Service": "logging.s3.amazonaws.com"}]),
        "Action": st.lists(st.sampled_from(["s3:*", "s3:GetObject", "s3:PutObject", "s3:ListBucket", "*"]), min_size=1, max_size=3),
        "Resource": st.sampled_from([ARN, f"{ARN}/*", "*"]),
        "Condition": st.sampled_from([{}, {"Bool": {"aws:SecureTransport": "true"}}, {"StringEquals": {"aws:SourceVpce": "vpce-1"}}]),
    }
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(STATEMENT_POOL), min_size=0, max_size=5), st.randoms(use_true_random=False))
def test_statement_order_never_changes_the_verdict(statements: list[dict[str, Any]], random: Any) -> None:
    shuffled = list(statements)
    random.shuffle(shuffled)
    before = analyze_transport(bucket_with(*statements)).enforced
    after = analyze_transport(bucket_with(*shuffled)).enforced
    assert before == after


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(STATEMENT_POOL), max_size=4), st.lists(UNRELATED_ALLOWS, min_size=1, max_size=3))
def test_adding_an_allow_never_removes_tls_enforcement(statements: list[dict[str, Any]], allows: list[dict[str, Any]]) -> None:
    before = analyze_transport(bucket_with(*statements)).enforced
    after = analyze_transport(bucket_with(*statements, *allows)).enforced
    if before is True:
        assert after is True
    assert (before is True) == (after is True)


def test_a_wholly_unknown_statement_is_one_doubt() -> None:
    doc = read({"Version": "2012-10-17", "Statement": [Unknown("statements merged from a variable")]})
    bucket = make_bucket(doc)
    verdict = analyze_transport(bucket)
    message, _ = describe_verdict(verdict, bucket, "denies plain-HTTP requests")
    assert verdict.enforced is None
    assert message == "may not have a bucket policy statement that denies plain-HTTP requests: statement 1 may qualify, but the whole statement is not known statically"
