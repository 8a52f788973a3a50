"""The rule catalogue: each rule's metadata and documentation, read from `rules/SNNNN.yaml`.

One YAML file per rule is the single source for `--list-rules`, `--explain`, the SARIF rule
descriptors and `docs/rules/`.  Parsing 24 YAML files costs ~15 ms plus the YAML import, so
`scripts/gen_rule_docs.py` also writes `rules/_catalog.json`: the same data, with a checksum
of the YAML files it came from.  `load_catalog()` uses the JSON only while that checksum
still matches, so an edited YAML file is never shadowed by a stale cache.

Every run reads the catalogue, so this module imports only what that needs: the checksum is
zlib's CRC-32 (it tells an edit, nothing here needs a cryptographic hash, and hashlib costs
a pre-commit run 3 ms to import), and the built-in rules are found with `os.path` (pathlib
costs 4 ms more).
"""

from __future__ import annotations

import json
import os
import re
import zlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from s3lint.records import FrozenRecord

if TYPE_CHECKING:
    from pathlib import Path

    StrPath = str | os.PathLike[str]

SEVERITIES = ("critical", "high", "medium", "low")
PRECISIONS = ("very-high", "high", "medium", "low")
FORMATS = ("cloudformation", "terraform", "tfplan", "policy-json")
EXAMPLE_KINDS = ("cloudformation", "terraform", "policy")  # in the order docs show them
DOCS_BASE_URL = "https://github.com/s3lint/s3lint/blob/main/docs/rules"
CACHE_NAME = "_catalog.json"
CACHE_VERSION = 2  # 2: CRC-32 checksum (1: SHA-256)

MAX_TAGS = 10  # GitHub code scanning shows only 10 tags per rule
MAX_DESCRIPTION = 1024  # GitHub's limit for shortDescription and fullDescription
MAX_NAME = 255

_ID_RE = re.compile(r"^[A-Z][A-Z0-9]*[0-9]{3,}$")
_NAME_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_REQUIRED = ("id", "name", "title", "severity", "default", "precision", "formats", "tags",
             "what", "why", "example", "fix", "references")
_FENCE_LANG = {"cloudformation": "yaml", "terraform": "hcl", "policy": "json"}
_KIND_LABEL = {"cloudformation": "CloudFormation", "terraform": "Terraform",
               "policy": "Policy JSON"}
_FORMAT_LABEL = {"cloudformation": "CloudFormation", "terraform": "Terraform",
                 "tfplan": "Terraform plan", "policy-json": "policy JSON"}


class _Record(FrozenRecord):
    """A read-only record compared, hashed and shown by its slots, as a frozen dataclass is.

    Not `@dataclass(frozen=True)`: generating its eight methods for the two classes below
    cost every run 2 ms.  The catalogue is shared by every caller in the process, so
    assigning to a field after `__init__` is refused."""

    __slots__ = ()

    def __setattr__(self, name: str, value: Any) -> None:
        if hasattr(self, name):
            raise AttributeError(f"cannot assign to field {name!r} of a read-only {type(self).__name__}")
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r} of a read-only {type(self).__name__}")


class Reference(_Record):
    """A link in a rule's documentation."""

    __slots__ = ("title", "url")

    def __init__(self, title: str, url: str) -> None:
        self.title = title
        self.url = url


class RuleInfo(_Record):
    """One rule's metadata and documentation, exactly as written in its YAML file."""

    __slots__ = ("id", "name", "title", "severity", "default", "precision", "formats", "tags",  # noqa: RUF023 - the fields' order
                 "what", "why", "example", "fix_summary", "fix", "references")

    def __init__(
        self,
        id: str,
        name: str,
        title: str,
        severity: str,
        default: bool,
        precision: str,
        formats: tuple[str, ...],
        tags: tuple[str, ...],
        what: str,
        why: str,
        example: Mapping[str, str],
        fix_summary: str,
        fix: Mapping[str, str],
        references: tuple[Reference, ...],
    ) -> None:
        self.id = id
        self.name = name
        self.title = title  # one line
        self.severity = severity  # default severity; a finding may override it
        self.default = default  # selected when the user selects nothing
        self.precision = precision
        self.formats = formats
        self.tags = tags
        self.what = what  # markdown: what the rule flags
        self.why = why  # markdown: why it matters
        self.example = example  # kind ("cloudformation", "terraform", "policy") -> bad code
        self.fix_summary = fix_summary  # markdown
        self.fix = fix  # kind -> fixed code
        self.references = references

    @property
    def help_uri(self) -> str:
        return f"{DOCS_BASE_URL}/{self.id}.md"

    @property
    def cwe(self) -> tuple[str, ...]:
        """CWE identifiers from the tags, e.g. ("CWE-732",)."""
        return tuple(
            "CWE-" + tag.rsplit("-", 1)[1] for tag in self.tags if tag.startswith("external/cwe/")
        )


# ---------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------

_cache: dict[str, RuleInfo] | None = None


def rules_dir() -> Path:
    """`s3lint/_rules` in an installed wheel, else the checkout's top-level `rules/`."""
    from pathlib import Path

    return Path(_builtin_rules_folder())


def _builtin_rules_folder() -> str:
    package = os.path.dirname(os.path.realpath(__file__))
    packaged = os.path.join(package, "_rules")
    if os.path.isdir(packaged):
        return packaged
    return os.path.join(os.path.dirname(package), "rules")


def load_catalog(directory: StrPath | None = None) -> dict[str, RuleInfo]:
    """Every rule, ordered by id.  The built-in catalogue is read once per process."""
    global _cache
    if directory is not None:
        return _load(os.fspath(directory))
    if _cache is None:
        _cache = _load(_builtin_rules_folder())
    return dict(_cache)


def _load(directory: str) -> dict[str, RuleInfo]:
    sources = _rule_sources(directory)
    if not sources:
        raise CatalogError(f"{directory}: no rule files (*.yaml)")
    digest = sources_digest(sources)
    raw = _read_cache(os.path.join(directory, CACHE_NAME), digest)
    if raw is None:
        raw = [_parse_yaml(data, os.path.join(directory, name)) for name, data in sources.items()]
    rules = [rule_from_data(data) for data in raw]
    return {rule.id: rule for rule in sorted(rules, key=lambda r: r.id)}


def _rule_sources(directory: str) -> dict[str, bytes]:
    """File name -> content of each `*.yaml` file in the folder, ordered by name."""
    try:
        names = sorted(name for name in os.listdir(directory) if name.endswith(".yaml"))
    except OSError:  # a missing folder has no rule files, as glob() would say
        return {}
    sources: dict[str, bytes] = {}
    for name in names:
        with open(os.path.join(directory, name), "rb") as handle:
            sources[name] = handle.read()
    return sources


def sources_digest(sources: Mapping[str, bytes]) -> str:
    """A checksum of the rule files' names and contents, to tell a stale cache."""
    checksum = 0
    for name in sorted(sources):
        checksum = zlib.crc32(name.encode() + b"\0" + sources[name] + b"\0", checksum)
    return f"crc32:{checksum:08x}"


def _read_cache(path: str, digest: str) -> list[dict[str, Any]] | None:
    try:
        with open(path, encoding="utf-8") as handle:
            cached = json.loads(handle.read())
    except (OSError, ValueError):
        return None
    if not isinstance(cached, dict) or cached.get("version") != CACHE_VERSION:
        return None
    if cached.get("digest") != digest or not isinstance(cached.get("rules"), list):
        return None
    return cached["rules"]


def _parse_yaml(data: bytes, path: str) -> dict[str, Any]:
    import yaml  # only when the compiled cache is missing or stale

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        parsed = yaml.load(data, Loader=loader)
    except yaml.YAMLError as exc:
        raise CatalogError(f"{path}: not valid YAML: {exc}") from None
    errors = validate_rule(parsed, path)
    if errors:
        raise CatalogError("\n".join(errors))
    return parsed


def compile_catalog(directory: StrPath) -> str:
    """The JSON text of `rules/_catalog.json` for the YAML files in `directory`."""
    folder = os.fspath(directory)
    sources = _rule_sources(folder)
    rules = [_parse_yaml(data, os.path.join(folder, name)) for name, data in sources.items()]
    rules.sort(key=lambda data: data["id"])
    payload = {"version": CACHE_VERSION, "digest": sources_digest(sources), "rules": rules}
    return json.dumps(payload, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


class CatalogError(Exception):
    """A rule file is missing, unreadable or invalid."""


def rule_from_data(data: Mapping[str, Any]) -> RuleInfo:
    """A `RuleInfo` from a rule file's data, which `validate_rule` has accepted."""
    example = data["example"]
    fix = data["fix"]
    return RuleInfo(
        id=data["id"],
        name=data["name"],
        title=data["title"].strip(),
        severity=data["severity"],
        default=data["default"],
        precision=data["precision"],
        formats=tuple(data["formats"]),
        tags=tuple(data["tags"]),
        what=data["what"].strip(),
        why=data["why"].strip(),
        example={k: example[k].rstrip("\n") for k in EXAMPLE_KINDS if k in example},
        fix_summary=fix["summary"].strip(),
        fix={k: fix[k].rstrip("\n") for k in EXAMPLE_KINDS if k in fix},
        references=tuple(Reference(r["title"].strip(), r["url"].strip())
                         for r in data["references"]),
    )


# ---------------------------------------------------------------------------------------
# Validation (also for users' custom rule files)
# ---------------------------------------------------------------------------------------


def validate_rule(data: Any, path: StrPath) -> list[str]:
    """Every problem with one rule file's data, each as `path: message`; empty when valid."""
    where = str(path)
    if not isinstance(data, dict):
        return [f"{where}: a rule file must be a mapping, not {type(data).__name__}"]
    errors: list[str] = []

    def error(message: str) -> None:
        errors.append(f"{where}: {message}")

    for key in _REQUIRED:
        if key not in data:
            error(f"missing key '{key}'")
    for key in data:
        if key not in _REQUIRED:
            error(f"unknown key '{key}'")

    rule_id = data.get("id")
    if "id" in data:
        if not isinstance(rule_id, str) or not _ID_RE.match(rule_id):
            error(f"id {rule_id!r} must look like S3001 (capital letters, then 3+ digits)")
        else:
            file_name = os.path.basename(where)
            stem, suffix = os.path.splitext(file_name)
            if suffix in (".yaml", ".yml") and stem != rule_id:
                error(f"id {rule_id!r} does not match the file name {file_name!r}")
    if "name" in data:
        name = data["name"]
        if not isinstance(name, str) or not _NAME_RE.match(name) or len(name) > MAX_NAME:
            error(f"name {name!r} must be kebab-case, e.g. public-acl")
    if "title" in data:
        _check_text(data["title"], "title", error, one_line=True)
    if "severity" in data and data["severity"] not in SEVERITIES:
        error(f"severity {data['severity']!r} must be one of {', '.join(SEVERITIES)}")
    if "default" in data and not isinstance(data["default"], bool):
        error("default must be true or false")
    if "precision" in data and data["precision"] not in PRECISIONS:
        error(f"precision {data['precision']!r} must be one of {', '.join(PRECISIONS)}")
    if "formats" in data:
        formats = data["formats"]
        if not isinstance(formats, list) or not formats:
            error("formats must be a non-empty list")
        else:
            for fmt in formats:
                if fmt not in FORMATS:
                    error(f"format {fmt!r} must be one of {', '.join(FORMATS)}")
    if "tags" in data:
        _check_tags(data["tags"], error)
    for key in ("what", "why"):
        if key in data:
            _check_text(data[key], key, error)
    if isinstance(data.get("what"), str) and len(one_paragraph(data["what"])) > MAX_DESCRIPTION:
        error(f"what is longer than {MAX_DESCRIPTION} characters (SARIF fullDescription)")
    if "example" in data:
        _check_snippets(data["example"], "example", error, allowed=EXAMPLE_KINDS)
    if "fix" in data:
        fix = data["fix"]
        _check_snippets(fix, "fix", error, allowed=EXAMPLE_KINDS + ("summary",))
        if isinstance(fix, dict):
            if "summary" not in fix:
                error("fix needs a 'summary'")
            else:
                _check_text(fix["summary"], "fix.summary", error)
    if "references" in data:
        _check_references(data["references"], error)
    return errors


def _check_text(value: Any, key: str, error: Any, *, one_line: bool = False) -> None:
    if not isinstance(value, str) or not value.strip():
        error(f"{key} must be non-empty text")
    elif one_line and ("\n" in value.strip() or len(value) > MAX_DESCRIPTION):
        error(f"{key} must be one line of at most {MAX_DESCRIPTION} characters")


def _check_tags(tags: Any, error: Any) -> None:
    if not isinstance(tags, list) or not tags:
        error("tags must be a non-empty list")
        return
    if len(tags) > MAX_TAGS:
        error(f"at most {MAX_TAGS} tags (GitHub shows no more), found {len(tags)}")
    for tag in tags:
        if not isinstance(tag, str) or not tag or tag != tag.strip():
            error(f"tag {tag!r} must be a non-empty string")
    if len(set(map(str, tags))) != len(tags):
        error("tags must not repeat")


def _check_snippets(value: Any, key: str, error: Any, *, allowed: tuple[str, ...]) -> None:
    if not isinstance(value, dict) or not value:
        error(f"{key} must be a mapping of {', '.join(allowed)} to code")
        return
    for kind, code in value.items():
        if kind not in allowed:
            error(f"{key}.{kind}: unknown kind, expected one of {', '.join(allowed)}")
        elif not isinstance(code, str) or not code.strip():
            error(f"{key}.{kind} must be non-empty text")
    if not any(kind in value for kind in EXAMPLE_KINDS) and key == "example":
        error("example needs at least one of cloudformation, terraform, policy")


def _check_references(refs: Any, error: Any) -> None:
    if not isinstance(refs, list) or not refs:
        error("references must be a non-empty list of {title, url}")
        return
    for i, ref in enumerate(refs):
        if not isinstance(ref, dict) or set(ref) != {"title", "url"}:
            error(f"references[{i}] must have exactly 'title' and 'url'")
            continue
        if not isinstance(ref["title"], str) or not ref["title"].strip():
            error(f"references[{i}].title must be non-empty text")
        if not isinstance(ref["url"], str) or not ref["url"].startswith("https://"):
            error(f"references[{i}].url must be an https:// URL")


# ---------------------------------------------------------------------------------------
# Rendering: one text for --explain, SARIF help and docs/rules
# ---------------------------------------------------------------------------------------


def one_paragraph(text: str) -> str:
    """Text with its line breaks and runs of spaces folded: for one-line descriptions."""
    return " ".join(text.split())


def _summary_line(rule: RuleInfo) -> str:
    formats = ", ".join(_FORMAT_LABEL.get(f, f) for f in rule.formats)
    enabled = "on by default" if rule.default else "opt-in"
    return (f"Severity: {rule.severity} · Precision: {rule.precision} · {enabled} · "
            f"Applies to: {formats}")


def _snippets(snippets: Mapping[str, str]) -> list[str]:
    parts: list[str] = []
    for kind in EXAMPLE_KINDS:
        if kind in snippets:
            lang = _FENCE_LANG[kind]
            parts += [f"{_KIND_LABEL[kind]}:", "", f"```{lang}", snippets[kind], "```", ""]
    return parts


def rule_markdown(rule: RuleInfo) -> str:
    """The rule's documentation in markdown (ruff's layout), ending with one newline."""
    lines = [
        f"# {rule.name} ({rule.id})",
        "",
        f"{rule.title}.",
        "",
        _summary_line(rule),
        "",
        "## What it does",
        "",
        rule.what,
        "",
        "## Why it matters",
        "",
        rule.why,
        "",
    ]
    if rule.example:
        lines += ["## Example", ""] + _snippets(rule.example)
    lines += ["## Fix", "", rule.fix_summary, ""] + _snippets(rule.fix)
    if rule.references:
        lines += ["## References", ""]
        lines += [f"- [{ref.title}]({ref.url})" for ref in rule.references]
    return "\n".join(lines).rstrip("\n") + "\n"


def rule_text(rule: RuleInfo) -> str:
    """The rule's documentation as plain text (SARIF `help.text`, terminals without markdown)."""
    import textwrap  # only SARIF needs it, not every run

    def block(code: str) -> list[str]:
        return [textwrap.indent(code, "    "), ""]

    def snippets(items: Mapping[str, str]) -> list[str]:
        out: list[str] = []
        for kind in EXAMPLE_KINDS:
            if kind in items:
                out += [f"  {_KIND_LABEL[kind]}:", ""] + block(items[kind])
        return out

    lines = [f"{rule.id} {rule.name}: {rule.title}", _summary_line(rule), "",
             "What it does:", textwrap.indent(rule.what, "  "), "",
             "Why it matters:", textwrap.indent(rule.why, "  "), ""]
    if rule.example:
        lines += ["Example:", ""] + snippets(rule.example)
    lines += ["Fix:", textwrap.indent(rule.fix_summary, "  "), ""] + snippets(rule.fix)
    if rule.references:
        lines += ["References:"] + [f"  - {ref.title}: {ref.url}" for ref in rule.references]
    return "\n".join(lines).rstrip("\n") + "\n"
