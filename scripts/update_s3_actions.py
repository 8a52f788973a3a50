#!/usr/bin/env python3
"""Regenerate `s3lint/policy/data/s3_actions.json`: every `s3:` action and its access level.

Source: the AWS Service Authorization Reference for Amazon S3 in its machine-readable form,
the "service reference information" AWS publishes for policy tooling:

    https://servicereference.us-east-1.amazonaws.com/v1/s3/s3.json

(human-readable page: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html).
Each entry of its `Actions` list has a `Name` and `Annotations.Properties` flags
`IsList`, `IsWrite`, `IsPermissionManagement`, `IsTaggingOnly`; an action with none of them set
is a Read action.  As in the Authorization Reference tables, one level is kept per action,
the most specific one: Permissions management, then Tagging, then Write, then List, else Read.

Usage (a maintainer runs it; it needs network access, tests never do):

    python scripts/update_s3_actions.py              # download and rewrite the data file
    python scripts/update_s3_actions.py --from s3.json   # use a file downloaded before
    python scripts/update_s3_actions.py --check      # exit 1 if the data file is out of date

Review the diff before committing: a removed action means that policies naming it will no
longer match anything in s3lint's action catalogue.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.request
from pathlib import Path
from typing import Any

SOURCE_URL = "https://servicereference.us-east-1.amazonaws.com/v1/s3/s3.json"
PAGE_URL = "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html"
DATA_FILE = Path(__file__).resolve().parent.parent / "s3lint" / "policy" / "data" / "s3_actions.json"


def access_level(properties: dict[str, Any]) -> str:
    if properties.get("IsPermissionManagement"):
        return "Permissions management"
    if properties.get("IsTaggingOnly"):
        return "Tagging"
    if properties.get("IsWrite"):
        return "Write"
    if properties.get("IsList"):
        return "List"
    return "Read"


def levels_from_reference(reference: dict[str, Any]) -> dict[str, str]:
    actions = reference.get("Actions")
    if not isinstance(actions, list) or not actions:
        raise ValueError("the service reference has no 'Actions' list; has its format changed?")
    levels: dict[str, str] = {}
    for action in actions:
        name = action.get("Name")
        if not isinstance(name, str) or not name:
            raise ValueError(f"an action without a name: {action!r}")
        properties = (action.get("Annotations") or {}).get("Properties") or {}
        levels[name] = access_level(properties)
    return dict(sorted(levels.items()))


def render(levels: dict[str, str]) -> str:
    document = {
        "service_prefix": "s3",
        "source": f"AWS Service Authorization Reference, 'Actions, resources, and condition keys "
        f"for Amazon S3' ({PAGE_URL})",
        "note": "Regenerate with scripts/update_s3_actions.py",
        "actions": levels,
    }
    return json.dumps(document, indent=1) + "\n"


def load_reference(source: str | None) -> dict[str, Any]:
    if source:
        with open(source, encoding="utf-8") as handle:
            return json.load(handle)
    with urllib.request.urlopen(SOURCE_URL, timeout=60) as response:  # noqa: S310 - fixed https URL
        return json.load(response)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="source", help="read the service reference from this file")
    parser.add_argument("--check", action="store_true", help="only report whether the data file is current")
    args = parser.parse_args(argv)

    levels = levels_from_reference(load_reference(args.source))
    text = render(levels)
    current = DATA_FILE.read_text(encoding="utf-8") if DATA_FILE.exists() else ""
    if args.check:
        old = set(json.loads(current)["actions"]) if current else set()
        added, removed = sorted(set(levels) - old), sorted(old - set(levels))
        for name in added:
            print(f"new action: s3:{name}")
        for name in removed:
            print(f"removed action: s3:{name}")
        return 0 if text == current else 1
    DATA_FILE.write_text(text, encoding="utf-8")
    print(f"wrote {len(levels)} actions to {DATA_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
