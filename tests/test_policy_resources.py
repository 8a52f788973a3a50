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

from hypothesis import given  # noqa: E402
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
