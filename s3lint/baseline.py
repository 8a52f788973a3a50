"""Baselines: accept today's findings, report only new ones.

A finding is matched by its fingerprint (rule, file, resource and what it is about, not its
line), so edits that move it up or down the file do not bring it back.  Matching counts
occurrences: if the baseline holds one finding with a fingerprint and the scan has two, one
is new.  Paths are relative to the folder s3lint runs in, so a baseline is written and used
from the same folder (the repository root).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

from s3lint.config import ConfigError
from s3lint.model import Finding
from s3lint.report import Report

BASELINE_VERSION = 1
PARSE_ERROR_RULE = "S3000"


def _fingerprint(finding: Finding) -> str:
    from s3lint.reporters.fingerprint import finding_fingerprint

    return finding_fingerprint(finding)


def baseline_entries(report: Report) -> list[dict[str, str]]:
    """One entry per active finding, in report order; parse errors are never baselined."""
    return [
        {
            "rule_id": f.rule_id,
            "path": f.loc.path,
            "resource": f.resource,
            "fingerprint": _fingerprint(f),
            "message": f.message,
        }
        for f in report.active()
        if f.rule_id != PARSE_ERROR_RULE
    ]


def write_baseline(path: str, report: Report) -> int:
    """Write the baseline file; return how many findings it holds."""
    entries = baseline_entries(report)
    data = {"version": BASELINE_VERSION, "tool": "s3lint", "findings": entries}
    try:
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, sort_keys=True, ensure_ascii=False)
            handle.write("\n")
    except OSError as error:
        raise ConfigError(f"cannot write baseline {path}: {error.strerror or error}") from None
    return len(entries)


def read_baseline(path: str) -> Counter[str]:
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except OSError as error:
        raise ConfigError(f"cannot read baseline {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: baseline is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise ConfigError(f"{path}:{error.lineno}: baseline is not valid JSON: {error.msg}") from None
    if not isinstance(data, dict) or data.get("version") != BASELINE_VERSION or not isinstance(data.get("findings"), list):
        raise ConfigError(f"{path}: not an s3lint baseline (expected version {BASELINE_VERSION} with a findings list)")
    fingerprints: Counter[str] = Counter()
    for index, entry in enumerate(data["findings"]):
        if not isinstance(entry, dict) or not isinstance(entry.get("fingerprint"), str):
            raise ConfigError(f"{path}: baseline entry {index + 1} has no fingerprint")
        fingerprints[entry["fingerprint"]] += 1
    return fingerprints


def _entry_paths(path: str) -> dict[str, str]:
    """fingerprint -> the file its entry is about (read after read_baseline accepted the file)."""
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    return {e["fingerprint"]: str(e.get("path", "")) for e in data["findings"]}


@dataclass(slots=True)
class BaselineOutcome:
    matched: int  # findings hidden because the baseline holds them
    stale: int  # baseline entries that no finding matched any more

    def notes(self, path: str) -> list[str]:
        notes = []
        if self.matched:
            noun = "finding is" if self.matched == 1 else "findings are"
            notes.append(f"{self.matched} {noun} in the baseline {path} and not shown")
        if self.stale:
            noun = "entry matches" if self.stale == 1 else "entries match"
            notes.append(f"{self.stale} baseline {noun} nothing any more: rewrite it with --write-baseline {path}")
        return notes


def filter_baseline(
    path: str, findings: list[Finding], scanned: set[str] | None = None
) -> tuple[list[Finding], BaselineOutcome]:
    """The findings that are not in the baseline (suppressed findings and parse errors are
    always kept), and how many were matched; entries about files in `scanned` (all, if None)
    that matched nothing are counted as stale."""
    known = read_baseline(path)
    kept: list[Finding] = []
    matched = 0
    for finding in findings:
        if finding.rule_id == PARSE_ERROR_RULE or finding.suppression is not None:
            kept.append(finding)
            continue
        fingerprint = _fingerprint(finding)
        if known[fingerprint] > 0:
            known[fingerprint] -= 1
            matched += 1
            continue
        kept.append(finding)
    left = +known
    if left and scanned is not None:
        paths = _entry_paths(path)
        left = Counter({fp: n for fp, n in left.items() if paths.get(fp) in scanned})
    return kept, BaselineOutcome(matched=matched, stale=sum(left.values()))
