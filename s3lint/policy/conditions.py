"""Condition operators and what a condition block guarantees about a request.

Facts (IAM User Guide, "Condition operators" and "Multivalued context keys"): a missing key
makes a condition false, except for negated operators (`StringNotEquals`, `NotIpAddress`,
`ArnNotLike`, ...) and `...IfExists` operators, for which it is true; `ForAllValues:` is true
when the key is absent; `ForAnyValue:` is false then.  Several values for one key are OR-ed;
several keys and operators are AND-ed.  `StringLike`/`ArnLike` understand `*` and `?`; a
policy variable `${...}` stands for a value of the request.

What "restricts to fixed values" means for public access is S3's definition (S3 User Guide,
"Blocking public access", "The meaning of public"), see `FIXED_VALUE_KEYS`.
"""

from __future__ import annotations

import fnmatch
from functools import lru_cache
from typing import Any, Iterable, Optional

from s3lint.model import Condition, Value
from s3lint.records import FrozenRecord
from s3lint.symbols import SYMBOL_OPEN, is_unknown, render

Tri = Optional[bool]

STRING, NUMERIC, DATE, BOOL, BINARY, IP, ARN, NULL = "String", "Numeric", "Date", "Bool", "Binary", "Ip", "Arn", "Null"

# base operator (lower case) -> (canonical spelling, family, negated, pattern-matching)
_OPERATORS: dict[str, tuple[str, str, bool, bool]] = {
    "stringequals": ("StringEquals", STRING, False, False),
    "stringnotequals": ("StringNotEquals", STRING, True, False),
    "stringequalsignorecase": ("StringEqualsIgnoreCase", STRING, False, False),
    "stringnotequalsignorecase": ("StringNotEqualsIgnoreCase", STRING, True, False),
    "stringlike": ("StringLike", STRING, False, True),
    "stringnotlike": ("StringNotLike", STRING, True, True),
    "numericequals": ("NumericEquals", NUMERIC, False, False),
    "numericnotequals": ("NumericNotEquals", NUMERIC, True, False),
    "numericlessthan": ("NumericLessThan", NUMERIC, False, False),
    "numericlessthanequals": ("NumericLessThanEquals", NUMERIC, False, False),
    "numericgreaterthan": ("NumericGreaterThan", NUMERIC, False, False),
    "numericgreaterthanequals": ("NumericGreaterThanEquals", NUMERIC, False, False),
    "dateequals": ("DateEquals", DATE, False, False),
    "datenotequals": ("DateNotEquals", DATE, True, False),
    "datelessthan": ("DateLessThan", DATE, False, False),
    "datelessthanequals": ("DateLessThanEquals", DATE, False, False),
    "dategreaterthan": ("DateGreaterThan", DATE, False, False),
    "dategreaterthanequals": ("DateGreaterThanEquals", DATE, False, False),
    "bool": ("Bool", BOOL, False, False),
    "binaryequals": ("BinaryEquals", BINARY, False, False),
    "ipaddress": ("IpAddress", IP, False, False),
    "notipaddress": ("NotIpAddress", IP, True, False),
    # ArnEquals and ArnLike are the same operator: both match * and ? in each ARN component
    "arnequals": ("ArnEquals", ARN, False, True),
    "arnlike": ("ArnLike", ARN, False, True),
    "arnnotequals": ("ArnNotEquals", ARN, True, True),
    "arnnotlike": ("ArnNotLike", ARN, True, True),
    "null": ("Null", NULL, False, False),
}

# Keys that make a grant non-public when pinned to fixed values (S3-BPA, "The meaning of
# public"), plus the principal keys the doc covers by example ("an AWS principal, user,
# role, or service principal (e.g. aws:PrincipalOrgID)"): aws:PrincipalAccount and
# aws:PrincipalArn are present for every request and are "anonymous" for anonymous callers,
# so a fixed value excludes the public.  aws:VpceAccount / aws:VpceOrgID / aws:VpceOrgPaths
# (added to IAM in 2025, after the 2023 text) pin the VPC endpoint's owner the way
# aws:SourceVpce pins the endpoint, so they count the same way.  All lower case: condition
# keys are case-insensitive.
FIXED_VALUE_KEYS = frozenset(
    {
        "aws:principalorgid",
        "aws:principalaccount",
        "aws:principalarn",
        "aws:principalorgpaths",
        "aws:sourceip",
        "aws:sourcearn",
        "aws:sourcevpc",
        "aws:sourcevpce",
        "aws:vpceaccount",
        "aws:vpceorgid",
        "aws:vpceorgpaths",
        "aws:sourceowner",
        "aws:sourceaccount",
        "aws:sourceorgid",
        "s3:x-amz-server-side-encryption-aws-kms-key-id",
        "aws:userid",
        "s3:dataaccesspointarn",
        "s3:dataaccesspointaccount",
    }
)


@lru_cache(maxsize=1)
def rfc1918_networks() -> tuple[Any, ...]:
    """The private IPv4 ranges, built on first use: `ipaddress` is not worth importing on
    every run, only when a policy has an aws:SourceIp condition."""
    import ipaddress

    return tuple(ipaddress.ip_network(net) for net in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))


class Operator(FrozenRecord):
    """A parsed condition operator."""

    __slots__ = ("written", "base", "family", "negated", "pattern", "if_exists", "set_prefix")

    def __init__(self, written: str, base: str, family: str, negated: bool, pattern: bool, if_exists: bool,
                 set_prefix: str) -> None:
        self.written = written
        self.base = base  # canonical spelling without prefix and IfExists, e.g. "StringLike"; "" if invalid
        self.family = family
        self.negated = negated
        self.pattern = pattern  # understands * and ? wildcards
        self.if_exists = if_exists
        self.set_prefix = set_prefix  # "", "ForAnyValue" or "ForAllValues"

    @property
    def valid(self) -> bool:
        return bool(self.base)


def parse_operator(written: str) -> Operator:
    if isinstance(written, str):
        return _parse_operator_text(written)
    return _parse_operator(written)


@lru_cache(maxsize=1024)
def _parse_operator_text(written: str) -> Operator:
    # every policy rule parses every condition's operator again; policies use a few dozen
    return _parse_operator(written)


def _parse_operator(written: str) -> Operator:
    text = written.strip()
    prefix = ""
    if ":" in text:
        head, _, text = text.partition(":")
        lowered = head.lower()
        prefix = {"foranyvalue": "ForAnyValue", "forallvalues": "ForAllValues"}.get(lowered, "?")
    if_exists = text.lower().endswith("ifexists") and text.lower() != "ifexists"
    if if_exists:
        text = text[: -len("IfExists")]
    spec = _OPERATORS.get(text.lower())
    if spec is None or prefix == "?" or (spec[1] == NULL and if_exists):
        return Operator(written, "", "", False, False, if_exists, prefix if prefix != "?" else "")
    base, family, negated, pattern = spec
    return Operator(written, base, family, negated, pattern, if_exists, prefix)


def key_name(condition: Condition) -> str:
    """The condition key in lower case (keys are case-insensitive in AWS)."""
    return condition.key.strip().lower()


def has_wildcard(text: str) -> bool:
    return "*" in text or "?" in text


def has_policy_variable(text: str) -> bool:
    return "${" in text


def is_fixed_text(text: str, *, pattern: bool) -> bool:
    """A value without wildcards (for matching operators) or policy variables.

    Symbols (`${AWS::AccountId}`, a Terraform variable) stand for one concrete value."""
    if has_policy_variable(text):
        return False
    return not (pattern and has_wildcard(text))


def _values(condition: Condition) -> list[Any]:
    return [value.value for value in condition.values]


def any_unknown(values: Iterable[Value]) -> bool:
    return any(is_unknown(value.value) for value in values)


def cidr_is_narrow(text: str) -> Tri:
    """An aws:SourceIp CIDR no broader than /8 (IPv4) or /32 (IPv6), or inside RFC 1918."""
    if SYMBOL_OPEN in text:
        return True  # a referenced address range: one concrete range, assume a normal one
    import ipaddress  # only for aws:SourceIp conditions; see rfc1918_networks

    try:
        network = ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None
    if network.version == 4:
        if network.prefixlen >= 8:
            return True
        return any(network.subnet_of(private) for private in rfc1918_networks())  # type: ignore[arg-type]
    return network.prefixlen >= 32


def _data_access_point_arn_fixed(text: str, *, access_point: bool) -> bool:
    """Bucket policies may wildcard the access point name when the account is fixed; an
    access point policy may not wildcard at all (S3-BPA, "Access points")."""
    if has_policy_variable(text):
        return False
    if not has_wildcard(text):
        return True
    if access_point:
        return False
    from s3lint.policy.principals import arn_parts

    parts = arn_parts(text)
    if parts is None or not parts[4] or has_wildcard(parts[4]):
        return False
    head = ":".join(parts[:3])
    return not has_wildcard(head) and parts[5].startswith("accesspoint/")


def value_is_fixed(key: str, value: Any, operator: Operator, *, access_point: bool) -> Tri:
    """Does this one value pin the key to fixed values under this (positive or negated) operator?"""
    if is_unknown(value):
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return False
    text = str(value)
    if key == "aws:sourceip":
        if operator.family != IP:
            return False
        return cidr_is_narrow(text)
    if key == "s3:dataaccesspointarn":
        if not operator.pattern and not has_policy_variable(text):
            return True
        return _data_access_point_arn_fixed(text, access_point=access_point)
    return is_fixed_text(text, pattern=operator.pattern)


def _family_fits(key: str, operator: Operator) -> bool:
    if key == "aws:sourceip":
        return operator.family == IP
    return operator.family in (STRING, ARN)


def condition_restricts(condition: Condition, *, access_point: bool = False) -> Tri:
    """In an Allow: does this condition limit a listed key to fixed values?

    Negated and IfExists operators and ForAllValues do not: they are true when the key is
    missing, so they let callers without it through."""
    operator = parse_operator(condition.operator)
    key = key_name(condition)
    if not key and any_unknown(condition.values):
        return None  # the whole condition block (or an operator's block) is unknown
    if key not in FIXED_VALUE_KEYS or not operator.valid:
        return False
    if operator.negated or operator.if_exists or operator.set_prefix == "ForAllValues":
        return False
    if not _family_fits(key, operator):
        return False
    if not condition.values:
        return False
    verdicts = [value_is_fixed(key, value, operator, access_point=access_point) for value in _values(condition)]
    if all(verdict is True for verdict in verdicts):
        return True
    if any(verdict is False for verdict in verdicts):
        return False
    return None


def condition_pins_when_denied(condition: Condition, *, access_point: bool = False) -> Tri:
    """In a Deny: does this condition hold for every request whose listed key is missing or
    not one of fixed values?  Then the Deny leaves only requests that carry a fixed value,
    e.g. `StringNotEquals aws:SourceVpce vpce-1`: only calls through vpce-1 get past it."""
    operator = parse_operator(condition.operator)
    key = key_name(condition)
    if not key and any_unknown(condition.values):
        return None
    if key not in FIXED_VALUE_KEYS or not operator.valid:
        return False
    if not operator.negated or operator.set_prefix:
        return False
    if not _family_fits(key, operator):
        return False
    if not condition.values:
        return False
    verdicts = [value_is_fixed(key, value, operator, access_point=access_point) for value in _values(condition)]
    if all(verdict is True for verdict in verdicts):
        return True
    if any(verdict is False for verdict in verdicts):
        return False
    return None


def conditions_restrict(conditions: list[Condition], *, access_point: bool = False) -> Tri:
    """An Allow's conditions are AND-ed: one restricting condition is enough."""
    result: Tri = False
    for condition in conditions:
        verdict = condition_restricts(condition, access_point=access_point)
        if verdict is True:
            return True
        if verdict is None:
            result = None
    return result


def conditions_pin_when_denied(conditions: list[Condition], *, access_point: bool = False) -> Tri:
    """A Deny applies only when all its conditions hold, so every one of them must pin a
    listed key for the Deny to shut out every request without fixed values."""
    if not conditions:
        return False
    result: Tri = True
    for condition in conditions:
        verdict = condition_pins_when_denied(condition, access_point=access_point)
        if verdict is False:
            return False
        if verdict is None:
            result = None
    return result


def describe(condition: Condition) -> str:
    values = ", ".join(render(v.value) if isinstance(v.value, str) else repr(v.value) for v in condition.values)
    return f"{condition.operator} {condition.key} = [{values}]"


def bool_value(value: Any) -> Tri:
    """A Bool condition value ("true", "false", True, False); None when unknown or invalid."""
    if is_unknown(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("true", "false"):
            return lowered == "true"
    return None


def string_matches(pattern: str, text: str, *, like: bool, ignore_case: bool = False) -> bool:
    """Evaluate one String operator value against a request value (for `StringLike` with
    `*` and `?`)."""
    if ignore_case:
        pattern, text = pattern.lower(), text.lower()
    if not like:
        return pattern == text
    translated = pattern.replace("[", "[[]")
    return fnmatch.fnmatchcase(text, translated)
