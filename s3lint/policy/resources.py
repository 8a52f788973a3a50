"""Which of a bucket's ARNs a statement's Resource (or NotResource) covers.

Matching is a glob match over the whole ARN (`*` any run of characters, `?` one character),
case-sensitive as AWS matches resource ARNs.  Three values come back: True, False, and None
for "cannot be known statically".  What makes an answer unknown:

* an `Unknown` resource value;
* a symbol in the pattern that the bucket's ARN does not share (e.g. `${param:Name}` where
  the bucket's name is a literal), or a bucket identity symbol that the pattern does not
  share, unless a wildcard covers it anyway (`arn:aws:s3:::*` covers every bucket).

Shared symbols are the same value on both sides, so `arn:${AWS::Partition}:s3:::${bucket:Logs}/*`
covers the objects of the bucket whose identity is `${bucket:Logs}`.  A literal partition
(`aws`, `aws-cn`, ...) is taken to be the template's own partition.  IAM policy variables
(`${aws:username}`) are wildcards; `${*}`, `${?}` and `${$}` are the escaped characters.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional, Sequence

from s3lint.caches import bucket_cache
from s3lint.model import Bucket, PolicyDocument, Statement
from s3lint.records import FrozenRecord
from s3lint.symbols import PARTITION, SYMBOL_CLOSE, SYMBOL_OPEN, is_unknown, symbol
from s3lint.policy.tri import all_true, any_true, negate

Tri = Optional[bool]  # True, False, or None for unknown

KNOWN_PARTITIONS = ("aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc")
_PARTITION_SYMBOL = symbol(PARTITION)

# Token kinds.  Pattern side: literal char, "*", "?", symbol, policy variable.  Target side: literal char,
# symbol, "all" (every possible suffix: only a "*" covers it), "some" (one suffix of our
# choosing: matches anything).
_CHAR, _STAR, _QMARK, _SYMBOL, _ALL, _SOME, _VAR = range(7)
Token = tuple[int, str]

_ESCAPES = {"${*}": "*", "${?}": "?", "${$}": "$"}
_POLICY_VARIABLE = re.compile(r"\$\{[^}\ue000\ue001]*\}")


class Coverage(FrozenRecord):
    """Which parts of a bucket a statement's resources cover (True / False / None=unknown).

    `bucket_arn`: the bucket itself (`arn:...:::name`); `objects`: every object
    (`arn:...:::name/*`); `some_objects`: at least one object."""

    __slots__ = ("bucket_arn", "objects", "some_objects")

    def __init__(self, bucket_arn: Tri, objects: Tri, some_objects: Tri = None) -> None:
        self.bucket_arn = bucket_arn
        self.objects = objects
        self.some_objects = some_objects

    @property
    def anything(self) -> Tri:
        """Does the statement apply to the bucket or to any of its objects?"""
        return any_true([self.bucket_arn, self.some_objects])


@lru_cache(maxsize=1 << 14)
def _tokenize_pattern(text: str) -> tuple[Token, ...]:
    return tuple(_tokenize_pattern_uncached(text))


def _tokenize_pattern_uncached(text: str) -> list[Token]:
    tokens: list[Token] = []
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        if char == SYMBOL_OPEN:
            end = text.find(SYMBOL_CLOSE, index)
            if end < 0:
                end = length - 1
            tokens.append((_SYMBOL, text[index : end + 1]))
            index = end + 1
            continue
        if char == "$" and text.startswith("${", index):
            escape = text[index : index + 4]
            if escape in _ESCAPES:
                tokens.append((_CHAR, _ESCAPES[escape]))
                index += 4
                continue
            variable = _POLICY_VARIABLE.match(text, index)
            if variable:
                tokens.append((_VAR, "*"))  # a policy variable can be any value: a wildcard
                index = variable.end()
                continue
        if char == "*":
            tokens.append((_STAR, char))
        elif char == "?":
            tokens.append((_QMARK, char))
        else:
            tokens.append((_CHAR, char))
        index += 1
    return _normalise_partition(tokens)


def _normalise_partition(tokens: list[Token]) -> list[Token]:
    """`arn:aws:...` -> `arn:${AWS::Partition}:...`: a literal partition is our partition."""
    text = "".join(value if kind == _CHAR else "\0" for kind, value in tokens)
    if not text.startswith("arn:"):
        return tokens
    end = text.find(":", 4)
    if end < 0 or text[4:end] not in KNOWN_PARTITIONS:
        return tokens
    return tokens[:4] + [(_SYMBOL, _PARTITION_SYMBOL)] + tokens[end:]


@lru_cache(maxsize=1 << 14)
def _tokenize_target(text: str) -> tuple[Token, ...]:
    return tuple(_tokenize_target_uncached(text))


def _tokenize_target_uncached(text: str) -> list[Token]:
    tokens: list[Token] = []
    index = 0
    length = len(text)
    while index < length:
        if text[index] == SYMBOL_OPEN:
            end = text.find(SYMBOL_CLOSE, index)
            if end < 0:
                end = length - 1
            tokens.append((_SYMBOL, text[index : end + 1]))
            index = end + 1
        else:
            tokens.append((_CHAR, text[index]))
            index += 1
    return tokens


def _glob_match(pattern: Sequence[Token], target: Sequence[Token], *, possible: bool, shared: frozenset[str]) -> bool:
    """Does the pattern match the target?  With `possible`, symbols that only one side has
    may take any value (on the pattern side like `*`, on the target side like "some").

    A bucket-name symbol never stands for text with `/` or `:` (bucket names have neither),
    an object key chosen for "some" has no `:`, and a policy variable has no `/`, so
    `arn:aws:s3:::${aws:username}` names buckets, not objects."""

    def pattern_free(token: Token) -> bool:
        return token[0] == _STAR or (possible and token[0] == _SYMBOL and token[1] not in shared)

    def target_free(token: Token) -> bool:
        return token[0] == _SOME or (possible and token[0] == _SYMBOL and token[1] not in shared)

    def variable_takes(token: Token) -> bool:
        return token[0] == _SYMBOL or (token[0] == _CHAR and token[1] != "/")

    def absorbs(ttoken: Token, ptoken: Token) -> bool:
        if ptoken[0] != _CHAR:
            return True
        forbidden = ":" if ttoken[0] == _SOME else "/:"
        return ptoken[1] not in forbidden

    # A token that matches exactly one token of the other side, itself: a common prefix or
    # suffix of these decides nothing and a differing pair decides everything.  Most patterns
    # share their whole `arn:...:::name` with the bucket, which leaves a few tokens for the
    # quadratic table below instead of thousands of cells.  Two equal tokens are always such
    # tokens (targets hold no `*` or variables, and a symbol on both sides is shared), so the
    # prefix is found by plain comparison.  At the end: the last token of a side that can match
    # nothing but one token must match the other side's last token, if that one is rigid too.
    start = 0
    limit = min(len(pattern), len(target))
    while start < limit and pattern[start] == target[start]:
        start += 1
    if start < limit and _rigid(pattern[start], possible, shared) and _rigid(target[start], possible, shared):
        return False
    end_pattern, end_target = len(pattern), len(target)
    while end_pattern > start and end_target > start:
        ptoken, ttoken = pattern[end_pattern - 1], target[end_target - 1]
        if not (_rigid(ptoken, possible, shared) and _rigid(ttoken, possible, shared)):
            break
        if ptoken != ttoken:
            return False
        end_pattern -= 1
        end_target -= 1
    if start or end_pattern < len(pattern) or end_target < len(target):
        pattern, target = pattern[start:end_pattern], target[start:end_target]

    cols = len(target) + 1
    target_is_free = [target_free(token) for token in target]
    previous = [False] * cols
    previous[0] = True
    for j in range(1, cols):
        previous[j] = previous[j - 1] and target_is_free[j - 1]
    for ptoken in pattern:
        free = pattern_free(ptoken)
        current = [False] * cols
        current[0] = previous[0] and (free or ptoken[0] == _VAR)
        for j in range(1, cols):
            ttoken = target[j - 1]
            if free:
                ok = previous[j] or current[j - 1]
            elif ptoken[0] == _VAR:
                ok = previous[j] or (current[j - 1] and variable_takes(ttoken))
            elif ptoken[0] == _QMARK:
                ok = previous[j - 1] and ttoken[0] == _CHAR
            elif ttoken[0] in (_CHAR, _SYMBOL):
                ok = previous[j - 1] and ttoken == ptoken
            else:
                ok = False
            if not ok and target_is_free[j - 1]:
                ok = current[j - 1] or (absorbs(ttoken, ptoken) and (previous[j] or previous[j - 1]))
            current[j] = ok
        previous = current
    return previous[-1]


def _rigid(token: Token, possible: bool, shared: frozenset[str]) -> bool:
    """A character, or a symbol that stands only for itself in this pass of `_glob_match`."""
    return token[0] == _CHAR or (token[0] == _SYMBOL and (not possible or token[1] in shared))


def _match(pattern: Sequence[Token], target: Sequence[Token]) -> Tri:
    pattern_symbols = {value for kind, value in pattern if kind == _SYMBOL}
    target_symbols = {value for kind, value in target if kind == _SYMBOL}
    shared = frozenset(pattern_symbols & target_symbols)
    if _glob_match(pattern, target, possible=False, shared=shared):
        return True
    if pattern_symbols == shared and target_symbols == shared:
        return False
    return None if _glob_match(pattern, target, possible=True, shared=shared) else False


def pattern_coverage(pattern: object, bucket: Bucket) -> Coverage:
    """What one Resource value covers of the bucket (ignoring NotResource)."""
    if is_unknown(pattern) or not isinstance(pattern, str):
        return Coverage(None, None, None) if is_unknown(pattern) else Coverage(False, False, False)
    return _text_coverage(str(pattern), str(bucket.arn))


@bucket_cache(1 << 17)
def _text_coverage(pattern: str, arn: str) -> Coverage:
    # Every policy rule asks about the same (pattern, bucket) pairs: match each pair once.
    # The rules walk the buckets in the same order one after another, so a cache smaller than
    # the scan's pairs would evict each pair just before the next rule asks for it.
    quick = _own_arn_coverage(pattern, arn)
    if quick is not None:
        return quick
    return _general_text_coverage(pattern, arn)


def _general_text_coverage(pattern: str, arn: str) -> Coverage:
    tokens = _tokenize_pattern(pattern)
    target = _tokenize_target(arn)
    all_objects, some_object = target + ((_CHAR, "/"), (_ALL, "")), target + ((_CHAR, "/"), (_SOME, ""))
    return Coverage(_match(tokens, target), _match(tokens, all_objects), _match(tokens, some_object))


_OWN_ARN_PREFIX = f"arn:{_PARTITION_SYMBOL}:s3:::"
_BUCKET_ONLY = Coverage(True, False, False)
_OBJECTS_ONLY = Coverage(False, True, True)


def _own_arn_coverage(pattern: str, arn: str) -> Coverage | None:
    """The answer for the two patterns nearly every policy writes, the bucket's own ARN and
    `ARN/*`, without tokenizing and matching; None for anything else (or any doubt).

    Equal to `_general_text_coverage` when it answers: an ARN free of `*`, `?` and `$`, whose
    symbols are all closed, tokenizes the same as a pattern and as a target, and `ARN/*` as
    its tokens plus `/` and `*`; both sides then hold the same symbols, so every answer is
    True or False.  A literal partition in the pattern stands for our partition symbol, as
    `_normalise_partition` has it."""
    if not arn.startswith(_OWN_ARN_PREFIX) or "*" in arn or "?" in arn or "$" in arn:
        return None
    last_open = arn.rfind(SYMBOL_OPEN)
    if last_open >= 0 and arn.rfind(SYMBOL_CLOSE) < last_open:
        return None  # an unclosed symbol would swallow the `/*` of the pattern
    if pattern.startswith("arn:"):
        end = pattern.find(":", 4)
        if end > 0 and pattern[4:end] in KNOWN_PARTITIONS:
            pattern = f"arn:{_PARTITION_SYMBOL}{pattern[end:]}"
    if not pattern.startswith(arn):
        return None
    rest = len(pattern) - len(arn)
    if rest == 0:
        return _BUCKET_ONLY
    if rest == 2 and pattern.endswith("/*"):
        return _OBJECTS_ONLY
    if pattern[len(arn)] != "/" or rest == 1:
        return None
    key = pattern[len(arn) + 1 :]
    if not key.strip("*"):
        return _OBJECTS_ONLY  # `ARN/**`: every key, as `ARN/*`
    if _PLAIN_KEY.fullmatch(key) is None:
        return None
    # `ARN/reports/*`, `ARN/index.html`: not the bucket, and some objects but not all
    return _SOME_OBJECTS


# A key pattern of plain characters and `*`, without `:` (which an object key chosen for
# "some object" leaves out), `?`, policy variables or symbols, which the general path weighs.
_PLAIN_KEY = re.compile(f"[^:?${SYMBOL_OPEN}{SYMBOL_CLOSE}]+")
_SOME_OBJECTS = Coverage(False, False, True)


_NOTHING = Coverage(False, False, False)
_UNKNOWN = Coverage(None, None, None)


def bucket_coverage(stmt: Statement, bucket: Bucket) -> Coverage:
    """Which of the bucket's ARNs the statement's Resource/NotResource applies to."""
    resources = stmt.resources
    if not resources:
        return _NOTHING
    # pattern_coverage inlined, with the bucket's ARN built once: every policy rule asks this
    # of every statement of every bucket.  Coverages are shared, read-only records.
    arn = str(bucket.arn)
    per_pattern = [
        _text_coverage(str(value.value), arn) if isinstance(value.value, str)
        else _UNKNOWN if is_unknown(value.value) else _NOTHING
        for value in resources
    ]
    if not stmt.not_resource:
        if len(per_pattern) == 1:
            return per_pattern[0]  # any_true of one value is that value
        return Coverage(
            any_true(c.bucket_arn for c in per_pattern),
            any_true(c.objects for c in per_pattern),
            any_true(c.some_objects for c in per_pattern),
        )
    # NotResource: the statement applies to whatever no pattern matches.
    return Coverage(
        all_true(negate(c.bucket_arn) for c in per_pattern),
        all_true(negate(c.some_objects) for c in per_pattern),
        all_true(negate(c.objects) for c in per_pattern),
    )


_S3_ARN = re.compile(r"^arn:[^:]*:s3:::([^/]*)")


def bucket_name_of_arn(resource: object) -> str | None:
    """"arn:aws:s3:::logs/*" -> "logs"; None for other ARNs or names with wildcards."""
    if not isinstance(resource, str) or is_unknown(resource):
        return None
    text = resource.replace(_PARTITION_SYMBOL, "aws")
    match = _S3_ARN.match(text)
    if not match:
        return None
    name = match.group(1)
    if not name or "*" in name or "?" in name or "${" in name:
        return None
    return name


def names_in_resources(doc: PolicyDocument) -> list[str]:
    """Bucket names that the document's Resource/NotResource ARNs mention, in order, once."""
    names: list[str] = []
    for stmt in doc.statements:
        for value in stmt.resources:
            name = bucket_name_of_arn(value.value)
            if name is not None and name not in names:
                names.append(name)
    return names
