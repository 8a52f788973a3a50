"""Baselines: accept today's findings, report only new ones.

A finding is matched by its fingerprint (rule, file, resource and what it is about, not its
line), so edits that move it up or down the file do not bring it back.  Matching counts
occurrences: if the baseline holds one finding with a fingerprint and the scan has two, one
is new.
"""

from __future__ import annotations

import json
from collections import Counter

from s3lint.config import ConfigError
from s3lint.model import Finding
from s3lint.report import Report

BASELINE_VERSION = 1


def _fingerprint(finding: Finding) -> str:
    from s3lint.reporters.fingerprint import finding_fingerprint

    return finding_fingerprint(finding)


def write_baseline(path: str, report: Report) -> None:
    entries = [
        {
            "rule_id": f.rule_id,
            "path": f.loc.path,
            "resource": f.resource,
            "fingerprint": _fingerprint(f),
            "message": f.message,
        }
        for f in report.active()
        if f.rule_id != "S3000"
    ]
    data = {"version": BASELINE_VERSION, "tool": "s3lint", "findings": entries}
    try:
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, sort_keys=True)
            handle.write("\n")
    except OSError as error:
        raise ConfigError(f"cannot write baseline {path}: {error.strerror or error}") from None


def read_baseline(path: str) -> Counter[str]:
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except OSError as error:
        raise ConfigError(f"cannot read baseline {path}: {error.strerror or error}") from None
    except json.JSONDecodeError as error:
        raise ConfigError(f"{path}:{error.lineno}: baseline is not valid JSON: {error.msg}") from None
    if not isinstance(data, dict) or data.get("version") != BASELINE_VERSION or not isinstance(data.get("findings"), list):
        raise ConfigError(f"{path}: not an s3lint baseline (expected version {BASELINE_VERSION} with a findings list)")
    return Counter(str(e.get("fingerprint")) for e in data["findings"] if isinstance(e, dict))


def filter_baseline(path: str, findings: list[Finding], root: str) -> list[Finding]:
    known = read_baseline(path)
    kept: list[Finding] = []
    for finding in findings:
        if finding.rule_id == "S3000" or finding.suppression is not None:
            kept.append(finding)
            continue
        fingerprint = _fingerprint(finding)
        if known[fingerprint] > 0:
            known[fingerprint] -= 1
            continue
        kept.append(finding)
    return kept
