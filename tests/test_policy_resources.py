"""Resource coverage of a bucket: wildcards, NotResource, symbols, policy variables."""

from __future__ import annotations

import pytest

from s3lint.model import Bucket, Value
from s3lint.policy.document import read_policy
from s3lint.policy.resources import Coverage, bucket_coverage, bucket_name_of_arn, names_in_resources, pattern_coverage
from s3lint.source import Location
from s3lint.symbols import Unknown, symbol

HERE = Location("t.yaml", 1)
PARTITION = symbol("AWS::Partition")
LOGS = symbol("bucket:Logs")


def bucket(identity: str) -> Bucket:
    return Bucket("B", HERE, "cloudformation", Value(identity, HERE), identity)


NAMED = bucket("data")
UNNAMED = bucket(LOGS)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("*", (True, True, True)),
        ("arn:aws:s3:::*", (True, True, True)),
        ("arn:aws:s3:::da*", (True, True, True)),
        ("arn:aws:s3:::data", (True, False, False)),
        ("arn:aws:s3:::data/*", (False, True, True)),
        ("arn:aws:s3:::data/public/*", (False, False, True)),
        ("arn:aws:s3:::other/*", (False, False, False)),
        ("arn:aws-cn:s3:::data/*", (False, True, True)),
        (f"arn:{PARTITION}:s3:::data", (True, False, False)),
        ("arn:*:s3:::data", (True, False, False)),
        ("arn:aws:s3:::d?ta", (True, False, False)),
        ("arn:aws:s3:::data/${aws:username}/*", (False, False, True)),
        ("arn:aws:s3:::${aws:username}", (True, False, False)),
        ("arn:aws:s3:::data${*}", (False, False, False)),
        ("arn:aws:s3:us-east-1:111122223333:accesspoint/ap", (False, False, False)),
        (f"arn:aws:s3:::{symbol('param:Name')}/*", (False, None, None)),
        (f"arn:aws:s3:::{symbol('param:Name')}", (None, None, None)),  # the parameter could hold "data/*"
    ],
)
def test_literal_bucket(pattern: str, expected: tuple) -> None:
    assert pattern_coverage(pattern, NAMED) == Coverage(*expected)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (f"arn:{PARTITION}:s3:::{LOGS}", (True, False, False)),
        (f"arn:aws:s3:::{LOGS}/*", (False, True, True)),
        ("arn:aws:s3:::*", (True, True, True)),
        ("arn:aws:s3:::logs-*", (None, None, None)),
        ("arn:aws:s3:::data/*", (False, None, None)),
        (f"arn:aws:s3:::{symbol('bucket:Other')}/*", (False, None, None)),
    ],
)
def test_bucket_with_a_symbolic_name(pattern: str, expected: tuple) -> None:
    assert pattern_coverage(pattern, UNNAMED) == Coverage(*expected)


def test_unknown_resource_value() -> None:
    assert pattern_coverage(Unknown("x"), NAMED) == Coverage(None, None, None)


def stmt(**element):
    body = {"Effect": "Allow", "Principal": "*", "Action": "s3:*"}
    body.update(element)
    return read_policy({"Statement": [body]}, kind="bucket", owner="p", path="p.json").statements[0]


def test_statement_coverage_unions_its_resources() -> None:
    cov = bucket_coverage(stmt(Resource=["arn:aws:s3:::data", "arn:aws:s3:::data/*"]), NAMED)
    assert cov == Coverage(True, True, True) and cov.anything is True
    assert bucket_coverage(stmt(Resource=["arn:aws:s3:::x", "arn:aws:s3:::y/*"]), NAMED).anything is False


def test_not_resource_is_the_complement() -> None:
    assert bucket_coverage(stmt(NotResource="arn:aws:s3:::data/*"), NAMED) == Coverage(True, False, False)
    assert bucket_coverage(stmt(NotResource="arn:aws:s3:::other/*"), NAMED) == Coverage(True, True, True)
    assert bucket_coverage(stmt(NotResource="arn:aws:s3:::data/secret/*"), NAMED) == Coverage(True, False, True)
    assert bucket_coverage(stmt(NotResource="*"), NAMED).anything is False


def test_names_in_resources() -> None:
    doc = read_policy(
        {
            "Statement": [
                {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::a/*", "arn:aws:s3:::a", "arn:aws:s3:::b*"]},
                {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "NotResource": f"arn:{PARTITION}:s3:::c/x"},
            ]
        },
        kind="bucket",
        owner="p",
        path="p.json",
    )
    assert names_in_resources(doc) == ["a", "c"]
    assert bucket_name_of_arn("arn:aws:s3:us-east-1:1:accesspoint/x") is None


from fnmatch import fnmatchcase  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@given(st.text(alphabet="ab-", min_size=1, max_size=6), st.text(alphabet="ab-*?/", min_size=1, max_size=8))
def test_literal_matching_agrees_with_a_plain_glob(name: str, pattern: str) -> None:
    """Without symbols or policy variables the answer is never unknown and is a plain glob."""
    target = bucket(name)
    cov = pattern_coverage("arn:aws:s3:::" + pattern, target)
    glob = "arn:aws:s3:::" + pattern.replace("[", "[[]")
    assert cov.bucket_arn is fnmatchcase(f"arn:aws:s3:::{name}", glob)
    assert cov.some_objects is not None and cov.objects is not None
    if cov.objects:
        assert fnmatchcase(f"arn:aws:s3:::{name}/any/key", glob)
    if fnmatchcase(f"arn:aws:s3:::{name}/k", glob):
        assert cov.some_objects


# The matcher strips a common rigid prefix and suffix before its dynamic-programming table.
# Against the table alone, on random token sequences, it must give the same answer.
from s3lint.policy import resources as _resources  # noqa: E402


def _table_only(pattern: list, target: list, *, possible: bool, shared: frozenset) -> bool:
    """The matcher's table with no shortcuts: the definition the shortcuts must agree with."""
    r = _resources

    def pattern_free(token: tuple) -> bool:
        return token[0] == r._STAR or (possible and token[0] == r._SYMBOL and token[1] not in shared)

    def target_free(token: tuple) -> bool:
        return token[0] == r._SOME or (possible and token[0] == r._SYMBOL and token[1] not in shared)

    cols = len(target) + 1
    previous = [True] + [False] * (cols - 1)
    for j in range(1, cols):
        previous[j] = previous[j - 1] and target_free(target[j - 1])
    for ptoken in pattern:
        free = pattern_free(ptoken)
        current = [previous[0] and (free or ptoken[0] == r._VAR)] + [False] * (cols - 1)
        for j in range(1, cols):
            ttoken = target[j - 1]
            if free:
                ok = previous[j] or current[j - 1]
            elif ptoken[0] == r._VAR:
                ok = previous[j] or (current[j - 1] and (ttoken[0] == r._SYMBOL or (ttoken[0] == r._CHAR and ttoken[1] != "/")))
            elif ptoken[0] == r._QMARK:
                ok = previous[j - 1] and ttoken[0] == r._CHAR
            elif ttoken[0] in (r._CHAR, r._SYMBOL):
                ok = previous[j - 1] and ttoken == ptoken
            else:
                ok = False
            if not ok and target_free(ttoken):
                absorbs = ptoken[0] != r._CHAR or ptoken[1] not in (":" if ttoken[0] == r._SOME else "/:")
                ok = current[j - 1] or (absorbs and (previous[j] or previous[j - 1]))
            current[j] = ok
        previous = current
    return previous[-1]


_CHARS = st.sampled_from([(0, "a"), (0, "b"), (0, "/"), (0, ":")])


def test_a_differing_last_character_is_no_match() -> None:
    star, a, b = (1, "*"), (0, "a"), (0, "b")
    assert _resources._glob_match((star, a), (b,), possible=False, shared=frozenset()) is False
    assert _resources._glob_match((star, a), (b, a), possible=False, shared=frozenset()) is True
_SYMBOLS = st.sampled_from([(3, "\ue000x\ue001"), (3, "\ue000y\ue001")])
_PATTERN_TOKENS = st.one_of(_CHARS, _SYMBOLS, st.sampled_from([(1, "*"), (2, "?"), (6, "*")]))
_TARGET_TOKENS = st.one_of(_CHARS, _SYMBOLS)


@settings(max_examples=1500, deadline=None)
@given(
    st.lists(_PATTERN_TOKENS, max_size=8),
    st.lists(_TARGET_TOKENS, max_size=8),
    st.sampled_from([(), ((4, ""),), ((5, ""),), ((0, "/"), (4, "")), ((0, "/"), (5, ""))]),
    st.booleans(),
)
def test_matcher_shortcuts_agree_with_the_table(pattern: list, target: list, tail: tuple, possible: bool) -> None:
    full_target = target + list(tail)
    # as `_match` calls it: the shared symbols are those on both sides
    shared = frozenset({v for k, v in pattern if k == 3} & {v for k, v in target if k == 3})
    expected = _table_only(pattern, full_target, possible=possible, shared=shared)
    assert _resources._glob_match(tuple(pattern), tuple(full_target), possible=possible, shared=shared) is expected
    # a long shared prefix and suffix, as real ARNs have, must not change the answer either
    prefix, suffix = [(0, c) for c in "arn:p:s3:::"], [(0, "z")]
    if not tail:
        assert _resources._glob_match(
            tuple(prefix + pattern + suffix), tuple(prefix + full_target + suffix), possible=possible, shared=shared
        ) is _table_only(prefix + pattern + suffix, prefix + full_target + suffix, possible=possible, shared=shared)
