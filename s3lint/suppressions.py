"""Inline suppressions: `# s3lint: ignore[S3030] reason` comments and CloudFormation Metadata.

A comment applies to findings on its own line or the next one, where the finding points or
at the first line of the block the finding belongs to: the resource header, or the block that
declares the offending setting (a bucket policy, a public access block, ...).  So it can sit
above a resource, at the end of a resource's first line, or beside the offending attribute.
Metadata (`Metadata: {s3lint: {ignore: [{id: S3030, reason: ...}]}}`, read by the
CloudFormation loader into `ScanModel.suppressions`) applies to every finding of its resource.

A suppressed finding is kept and marked (JSON and SARIF show it with its justification); it
is never dropped.  Suppressions that cannot work (no rule id, an unknown rule, a garbled
`s3lint:` comment) are findings of rule S3090, and so are unused ones with
`--warn-unused-ignores`.
"""

from __future__ import annotations

import bisect
import os
import re
from typing import Any, Collection, Iterable

from s3lint.model import Finding, ScanModel, Suppression
from s3lint.source import Location

UNUSED_SUPPRESSION_RULE = "S3090"
PARSE_ERROR_RULE = "S3000"
SYNTAX = "'# s3lint: ignore[S3030] reason'"

# The marker must start a comment (`#`, `//` or `/*`) so that the words in a description do
# not count; anything after `s3lint:` that is not the ignore form is reported, not skipped.
_MARKER = re.compile(r"(?:#|//|/\*)\s*s3lint\s*:(.*)$")
_IGNORE = re.compile(r"^\s*ignore\b\s*(?:\[([^\]]*)\])?\s*(.*?)\s*(?:\*/)?\s*$")
_REASON_LEAD = " \t:-–—"


# Plain classes rather than dataclasses: this module is imported on every run, and each
# dataclass costs about a millisecond to create.


class Applied:
    """Why a finding is suppressed, as the reporters show it (SARIF kind and justification)."""

    __slots__ = ("kind", "justification")

    def __init__(self, kind: str, justification: str) -> None:
        self.kind = kind  # "inSource": a comment or Metadata in the file
        self.justification = justification

    def __repr__(self) -> str:
        return f"Applied({self.kind!r}, {self.justification!r})"


class _Garbled:
    """A comment that starts with `s3lint:` but is not a suppression."""

    __slots__ = ("path", "line", "text")

    def __init__(self, path: str, line: int, text: str) -> None:
        self.path, self.line, self.text = path, line, text


def parse_comment_line(path: str, number: int, line: str) -> Suppression | _Garbled | None:
    """The suppression written on one line of a file, if any."""
    marker = _MARKER.search(line)
    if not marker:
        return None
    match = _IGNORE.match(marker.group(1))
    if not match:
        return _Garbled(path, number, marker.group(0).strip())
    ids = [part.strip().upper() for part in (match.group(1) or "").split(",") if part.strip()]
    return Suppression(path=path, line=number, rule_ids=ids, reason=match.group(2).lstrip(_REASON_LEAD).strip())


def comment_suppressions(path: str, text: str) -> list[Suppression]:
    """Every well-formed `s3lint: ignore` comment of a file, in line order."""
    return [s for s in _scan_comments(path, text) if isinstance(s, Suppression)]


# Every suppression comment holds this word: a text without it holds none (most files).
_WORD = "s3lint"
_WORD_BYTES = _WORD.encode("ascii")


def may_hold_suppressions(text: str) -> bool:
    """False for a text that surely holds no suppression comment (most files)."""
    return _WORD in text


def _scan_comments(path: str, text: str) -> list[Suppression | _Garbled]:
    found: list[Suppression | _Garbled] = []
    if not may_hold_suppressions(text):
        return found
    for number, line in enumerate(text.splitlines(), start=1):
        if _WORD in line:
            parsed = parse_comment_line(path, number, line)
            if parsed is not None:
                found.append(parsed)
    return found


# ---------------------------------------------------------------------------------------
# Where a finding's block starts
# ---------------------------------------------------------------------------------------


class _Anchor:
    """The first line of a block that declares a resource or one of its settings."""

    __slots__ = ("loc", "owner", "header")

    def __init__(self, loc: Location, owner: str, header: bool) -> None:
        self.loc = loc
        self.owner = owner  # address of the resource that declares the block
        self.header = header  # the resource's own header, not one of its settings


def resource_anchors(model: ScanModel) -> dict[str, list[_Anchor]]:
    """Resource address -> the blocks that declare it or its settings."""
    anchors: dict[str, list[_Anchor]] = {}

    def add(address: str, loc: Location | None, owner: str, header: bool = False) -> None:
        if loc is not None and loc.line > 0:
            anchors.setdefault(address, []).append(_Anchor(loc, owner or address, header))

    for bucket in model.buckets:
        address = bucket.address
        if bucket.declared:
            add(address, bucket.loc, address, header=True)
        for policy in bucket.policies:
            add(address, policy.loc, policy.owner)
        if bucket.public_access_block is not None:
            add(address, bucket.public_access_block.loc, bucket.public_access_block.owner)
        for setting in (bucket.encryption, bucket.versioning, bucket.logging):
            if setting is not None:
                add(address, setting.loc, address)
        for point in bucket.access_points:
            add(address, point.loc, point.address)
            add(point.address, point.loc, point.address, header=True)
        for object_acl in bucket.object_acls:
            add(address, object_acl.loc, object_acl.address)
    for policy in model.identity_policies:
        add(policy.address, policy.loc, policy.address, header=True)
    for trail in model.trails:
        add(trail.address, trail.loc, trail.address, header=True)
    for block in model.account_public_access_blocks:
        add(block.address, block.loc, block.address, header=True)
    return anchors


_HCL_BLOCK = re.compile(r"""^[A-Za-z_][\w-]*(\s+("[^"]*"|[A-Za-z_][\w-]*))*\s*\{""")
_YAML_KEY = re.compile(r"""^(\s*)(?:"[^"]*"|'[^']*'|[^\s#'"][^:#]*?)\s*:(\s|$)""")


def block_headers(path: str, text: str) -> list[int]:
    """The first lines of the top-level blocks a file declares resources in, sorted: every
    unindented block of a Terraform file, every key under `Resources:` of a YAML template."""
    headers: list[int] = []
    if path.endswith(".tf"):
        for number, line in enumerate(text.splitlines(), start=1):
            if line[:1].isalpha() and _HCL_BLOCK.match(line):
                headers.append(number)
        return headers
    if not path.endswith((".yaml", ".yml", ".template")):
        return headers
    in_resources = False
    indent: int | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if line.startswith("---"):
            in_resources, indent = False, None
            continue
        if not line[0].isspace():
            in_resources = line.split("#", 1)[0].rstrip() in ("Resources:", '"Resources":')
            indent = None
            continue
        if not in_resources:
            continue
        match = _YAML_KEY.match(line)
        if indent is None and match:
            indent = len(match.group(1))
        if match and len(match.group(1)) == indent:
            headers.append(number)
    return headers


def _enclosing(headers: list[int], line: int) -> int | None:
    index = bisect.bisect_right(headers, line)
    return headers[index - 1] if index else None


class _AddressIndex:
    """The anchors of one resource address, grouped by file, so that matching a finding is
    linear in what its own file declares (addresses such as `aws_s3_bucket.this` repeat in
    thousands of files of a large tree)."""

    __slots__ = ("header_count", "only_header", "headers_by_path", "by_path")

    def __init__(self, anchors: list[_Anchor]) -> None:
        headers = [a for a in anchors if a.header]
        self.header_count = len(headers)
        self.only_header = headers[0] if len(headers) == 1 else None
        self.headers_by_path: dict[str, list[_Anchor]] = {}
        self.by_path: dict[str, list[_Anchor]] = {}
        for anchor in headers:
            self.headers_by_path.setdefault(anchor.loc.path, []).append(anchor)
        for anchor in anchors:
            self.by_path.setdefault(anchor.loc.path, []).append(anchor)


_NO_ANCHORS = _AddressIndex([])


def _targets(
    finding: Finding, index: _AddressIndex, headers: list[int]
) -> tuple[dict[str, set[int]], set[str]]:
    """The lines (per file) that a comment may point at to suppress this finding, and the
    resources whose Metadata may suppress it."""
    path, line = finding.loc.path, finding.loc.line
    lines: dict[str, set[int]] = {path: {line}}
    block = _enclosing(headers, line)
    if block is not None:
        lines[path].add(block)
    owners = {finding.resource}
    # The resource's header in another file counts only when the address is unambiguous
    # (two templates may both call a bucket `Bucket`).
    for header in index.headers_by_path.get(path, ()):
        lines[path].add(header.loc.line)
    if index.only_header is not None:
        lines.setdefault(index.only_header.loc.path, set()).add(index.only_header.loc.line)
    above = [a for a in index.by_path.get(path, ()) if a.loc.line <= line]
    if above:
        enclosing = max(above, key=lambda a: (a.loc.line, a.loc.column))
        lines[path].add(enclosing.loc.line)
        owners.add(enclosing.owner)
    return lines, owners


# ---------------------------------------------------------------------------------------
# Applying suppressions
# ---------------------------------------------------------------------------------------


COMMENT_SCAN_BYTES = 16 * 1024 * 1024


def _read(path: str, root: str, cache: dict[str, str]) -> str:
    if path not in cache:
        cache[path] = comment_text(path if os.path.isabs(path) else os.path.join(root, path))
    return cache[path]


def comment_text(full_path: str) -> str:
    """A file's text as far as suppression comments go: "" for a file that holds none (the
    loaders keep what they read this way, so that this process need not read it again)."""
    from s3lint.safe_read import UnreadableFile, read_regular

    try:  # files that failed to load may be pipes, devices or huge: read only what is safe
        data = read_regular(full_path, COMMENT_SCAN_BYTES)
    except UnreadableFile:
        return ""
    return comment_text_of(data)


def comment_text_of(data: bytes) -> str:
    """`comment_text` of a file whose bytes were read already: "" beyond what it reads."""
    if len(data) > COMMENT_SCAN_BYTES:
        return ""
    # ASCII bytes decode to themselves whatever surrounds them: the word is in the text
    # exactly when it is in the bytes
    return data.decode("utf-8", "replace") if _WORD_BYTES in data else ""


def apply_suppressions(
    findings: list[Finding],
    loaded: Any,
    rules: dict[str, Any],
    *,
    selected: Collection[str] | None = None,
    report_problems: bool = True,
    warn_unused: bool = False,
    root: str = ".",
) -> list[Finding]:
    """Mark suppressed findings in place; return S3090 findings about bad or unused ones.

    `selected` are the rules that ran (None: all of `rules`): a suppression is called unused
    only for rules that ran, in a file that could be read."""
    texts: dict[str, str] = dict(getattr(loaded, "texts", {}) or {})
    model: ScanModel = loaded.model
    by_path: dict[str, list[Suppression]] = {}
    garbled: list[_Garbled] = []
    for suppression in model.suppressions:
        by_path.setdefault(suppression.path, []).append(suppression)
    paths = {f.loc.path for f in findings if f.rule_id != PARSE_ERROR_RULE}
    paths |= set(texts) | set(getattr(loaded, "paths", ()) or ())
    for path in sorted(paths):
        for item in _scan_comments(path, _read(path, root, texts)):
            if isinstance(item, _Garbled):
                garbled.append(item)
            else:
                by_path.setdefault(path, []).append(item)

    # Most files hold no suppression: their findings are passed over before any work.
    anchors = {address: _AddressIndex(found) for address, found in resource_anchors(model).items()} if by_path else {}
    headers: dict[str, list[int]] = {}
    used: set[tuple[_Key, str]] = set()
    for finding in findings:
        if finding.rule_id == PARSE_ERROR_RULE or not by_path:
            continue
        path = finding.loc.path
        index = anchors.get(finding.resource, _NO_ANCHORS)
        if path not in by_path and (index.only_header is None or index.only_header.loc.path not in by_path):
            continue  # `_targets` looks in these two files only
        if path not in headers:
            headers[path] = block_headers(path, _read(path, root, texts))
        lines, owners = _targets(finding, index, headers[path])
        for suppression in _candidates(by_path, lines, owners):
            if finding.rule_id not in suppression.rule_ids:
                continue
            used.add((_key(suppression), finding.rule_id))
            if finding.suppression is None:
                finding.suppression = Applied("inSource", suppression.reason or "suppressed in source")

    if not report_problems:
        return []
    ran = set(rules) if selected is None else set(selected)
    unreadable = {error.path for error in model.errors}
    by_name = {getattr(rule, "name", ""): rule_id for rule_id, rule in rules.items()}
    extra: list[Finding] = []
    seen: set[_Key] = set()
    for path, suppressions in sorted(by_path.items()):
        for suppression in suppressions:
            # One Metadata entry may stand for several resources (a role and its inline
            # policies): it is one suppression to the user, reported at most once.
            if _key(suppression) in seen:
                continue
            seen.add(_key(suppression))
            check_unused = warn_unused and path not in unreadable
            problem = _problem(suppression, rules, by_name, used, ran, check_unused)
            if problem:
                extra.append(_finding(path, suppression.line, problem, suppression.resource or path, suppression.rule_ids))
    for item in garbled:
        message = f"not an s3lint suppression: '{item.text}'; write {SYNTAX}"
        extra.append(_finding(item.path, item.line, message, item.path, []))
    return extra


_Key = tuple[str, int, tuple[str, ...], bool]


def _key(suppression: Suppression) -> _Key:
    return (suppression.path, suppression.line, tuple(suppression.rule_ids), bool(suppression.resource))


def _candidates(
    by_path: dict[str, list[Suppression]], lines: dict[str, set[int]], owners: set[str]
) -> Iterable[Suppression]:
    for path, targets in lines.items():
        for suppression in by_path.get(path, ()):
            if suppression.resource:
                if suppression.resource in owners:
                    yield suppression
            elif suppression.line in targets or suppression.line + 1 in targets:
                yield suppression


def _finding(path: str, line: int, message: str, resource: str, rule_ids: list[str]) -> Finding:
    return Finding(
        rule_id=UNUSED_SUPPRESSION_RULE,
        message=message,
        loc=Location(path, line, 1),
        resource=resource,
        key=f"{','.join(rule_ids)}:{message}",
    )


def _problem(
    suppression: Suppression,
    rules: dict[str, Any],
    by_name: dict[str, str],
    used: set[tuple[_Key, str]],
    ran: set[str],
    check_unused: bool,
) -> str:
    if not suppression.rule_ids:
        return f"suppression must name the rules it silences, e.g. {SYNTAX}"
    unknown = [r for r in suppression.rule_ids if r not in rules]
    if unknown:
        names = [by_name[r.lower()] for r in unknown if r.lower() in by_name]
        if names and len(names) == len(unknown):
            return f"suppression must name rule ids, not names: write {', '.join(names)} instead of {', '.join(r.lower() for r in unknown)}"
        return f"suppression names unknown rule {', '.join(unknown)}"
    if check_unused:
        unused = [r for r in suppression.rule_ids if r in ran and (_key(suppression), r) not in used]
        if unused:
            return f"unused suppression: no {', '.join(unused)} finding here to suppress"
    return ""
