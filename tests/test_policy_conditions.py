"""Condition operators and the fixed-value restrictions S3 accepts."""

from __future__ import annotations

from typing import Any

import pytest

from s3lint.model import Condition, Value
from s3lint.policy.conditions import (
    bool_value,
    cidr_is_narrow,
    condition_pins_when_denied,
    condition_restricts,
    conditions_pin_when_denied,
    conditions_restrict,
    parse_operator,
    string_matches,
)
from s3lint.source import Location
from s3lint.symbols import Unknown

HERE = Location("t.json", 1)


def cond(operator: str, key: str, *values: Any) -> Condition:
    return Condition(operator, key, [Value(v, HERE) for v in values], HERE)


def test_parse_operator() -> None:
    op = parse_operator("ForAnyValue:StringNotLikeIfExists")
    assert (op.set_prefix, op.base, op.negated, op.pattern, op.if_exists) == ("ForAnyValue", "StringNotLike", True, True, True)
    assert parse_operator("stringequals").base == "StringEquals"
    assert not parse_operator("NullIfExists").valid
    assert not parse_operator("Sometimes:StringEquals").valid
    assert parse_operator("NotIpAddress").family == "Ip"


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (cond("StringEquals", "aws:SourceVpce", "vpce-1"), True),
        (cond("StringEquals", "aws:sourcevpce", "vpce-1", "vpce-2"), True),
        (cond("StringEquals", "aws:SourceVpce", "vpce-1", "vpce-*"), True),  # "*" is literal for StringEquals
        (cond("StringLike", "aws:SourceVpce", "vpce-1", "vpce-*"), False),
        (cond("StringEquals", "aws:SourceVpce", "${aws:username}"), False),
        (cond("StringEqualsIfExists", "aws:SourceVpce", "vpce-1"), False),
        (cond("StringNotEquals", "aws:SourceVpce", "vpce-1"), False),
        (cond("ForAllValues:StringEquals", "aws:SourceVpce", "vpce-1"), False),
        (cond("ForAnyValue:StringEquals", "aws:SourceVpce", "vpce-1"), True),
        (cond("IpAddress", "aws:SourceIp", "192.0.2.0/24"), True),
        (cond("StringEquals", "aws:SourceIp", "192.0.2.1"), False),
        (cond("Bool", "aws:SecureTransport", "true"), False),
        (cond("StringEquals", "s3:prefix", "home/"), False),
        (cond("StringEquals", "aws:SourceVpce", Unknown("p")), None),
        (cond("StringEquals", "aws:SourceVpce"), False),
    ],
)
def test_allow_restrictions(condition: Condition, expected: Any) -> None:
    assert condition_restricts(condition) is expected


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (cond("StringNotEquals", "aws:SourceVpce", "vpce-1"), True),
        (cond("StringNotEqualsIfExists", "aws:SourceVpc", "vpc-1"), True),
        (cond("ArnNotEquals", "aws:SourceArn", "arn:aws:sns:us-east-1:1:t"), True),
        (cond("NotIpAddress", "aws:SourceIp", "192.0.2.0/24"), True),
        (cond("NotIpAddress", "aws:SourceIp", "0.0.0.0/0"), False),
        (cond("StringNotLike", "aws:SourceVpce", "vpce-*"), False),
        (cond("StringEquals", "aws:SourceVpce", "vpce-1"), False),
        (cond("ForAnyValue:StringNotEquals", "aws:SourceVpce", "vpce-1"), False),
        (cond("Bool", "aws:SecureTransport", "false"), False),
        (cond("StringNotEquals", "aws:SourceVpce", Unknown("p")), None),
    ],
)
def test_deny_pins(condition: Condition, expected: Any) -> None:
    assert condition_pins_when_denied(condition) is expected


def test_blocks_combine_as_and() -> None:
    vpce = cond("StringEquals", "aws:SourceVpce", "vpce-1")
    tls = cond("Bool", "aws:SecureTransport", "true")
    assert conditions_restrict([tls, vpce]) is True
    assert conditions_restrict([tls]) is False
    assert conditions_restrict([tls, cond("StringEquals", "aws:SourceVpce", Unknown("p"))]) is None
    pin = cond("StringNotEquals", "aws:SourceVpce", "vpce-1")
    assert conditions_pin_when_denied([pin]) is True
    assert conditions_pin_when_denied([pin, cond("Bool", "aws:SecureTransport", "false")]) is False
    assert conditions_pin_when_denied([]) is False


def test_cidrs() -> None:
    assert cidr_is_narrow("10.0.0.0/8") is True
    assert cidr_is_narrow("8.0.0.0/7") is False
    assert cidr_is_narrow("2001:db8::/31") is False
    assert cidr_is_narrow("not-an-ip") is None


def test_value_helpers() -> None:
    assert bool_value("False") is False and bool_value(True) is True and bool_value("yes") is None
    assert string_matches("vpce-*", "vpce-123", like=True)
    assert string_matches("a?c", "abc", like=True) and not string_matches("a?c", "abbc", like=True)
    assert not string_matches("vpce-*", "vpce-123", like=False)
    assert string_matches("ABC", "abc", like=False, ignore_case=True)
