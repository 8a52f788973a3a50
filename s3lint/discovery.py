"""Which files to read: walk the given paths, group Terraform files into modules.

Only names and a cheap look at the text are used here; what a file means is the loaders'
business.  A YAML or JSON file that is not CloudFormation, a policy or a Terraform plan is
silently not ours.
"""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass, field

SKIPPED_FOLDERS = frozenset({".git", ".terraform", "node_modules", ".venv", "venv", "__pycache__"})
DOCUMENT_SUFFIXES = (".json", ".yaml", ".yml", ".template")
TERRAFORM_SUFFIXES = (".tf", ".tf.json")

_LOCAL_MODULE_SOURCE = re.compile(r"""\bsource\s*[=:]\s*"(\.{1,2}/[^"]*)\"""")


@dataclass(slots=True)
class Discovered:
    documents: list[str] = field(default_factory=list)  # JSON/YAML files, sorted
    terraform_modules: list[str] = field(default_factory=list)  # module folders, sorted
    missing: list[str] = field(default_factory=list)  # named paths that do not exist


def is_terraform_file(name: str) -> bool:
    return name.endswith(TERRAFORM_SUFFIXES)


def is_document_file(name: str) -> bool:
    return name.endswith(DOCUMENT_SUFFIXES) and not name.endswith(".tf.json")


def is_excluded(path: str, patterns: list[str]) -> bool:
    """Globs match the path relative to the scan, or any of its trailing parts."""
    if not patterns:
        return False
    normalized = path.replace(os.sep, "/")
    if normalized.startswith("./"):
        normalized = normalized[2:]
    parts = normalized.split("/")
    candidates = {normalized} | {"/".join(parts[i:]) for i in range(len(parts))}
    return any(fnmatch.fnmatchcase(c, p.rstrip("/")) for c in candidates for p in patterns)


def _walk(top: str, exclude: list[str]) -> list[str]:
    """Every file below `top`, skipping tool folders and hidden folders; never loops on links."""
    found: list[str] = []
    seen: set[str] = set()
    stack = [top]
    while stack:
        folder = stack.pop()
        real = os.path.realpath(folder)
        if real in seen:
            continue
        seen.add(real)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        subfolders = []
        for entry in entries:
            path = entry.path
            if is_excluded(path, exclude):
                continue
            try:
                is_dir = entry.is_dir()
            except OSError:
                continue
            if is_dir:
                if entry.name in SKIPPED_FOLDERS or entry.name.startswith("."):
                    continue
                subfolders.append(path)
            elif is_terraform_file(entry.name) or is_document_file(entry.name):
                found.append(path)
        stack.extend(reversed(subfolders))
    return found


def discover(paths: list[str], exclude: list[str] | None = None) -> Discovered:
    exclude = exclude or []
    result = Discovered()
    files: list[str] = []
    for given in paths:
        if os.path.isdir(given):
            files.extend(_walk(given, exclude))
        elif os.path.exists(given) or os.path.islink(given):
            if not is_excluded(given, exclude):
                files.append(given)
        else:
            result.missing.append(given)
    documents: set[str] = set()
    modules: set[str] = set()
    for path in files:
        name = os.path.basename(path)
        if is_terraform_file(name):
            modules.add(os.path.normpath(os.path.dirname(path) or "."))
        elif is_document_file(name):
            documents.add(os.path.normpath(path))
    result.documents = sorted(documents)
    result.terraform_modules = sorted(_root_modules(modules))
    return result


def _root_modules(modules: set[str]) -> set[str]:
    """Leave out folders that another scanned folder calls as a local module: they are
    evaluated through their caller, with its arguments, and reported once."""
    called: set[str] = set()
    for folder in modules:
        for source in _local_module_sources(folder):
            called.add(os.path.normpath(os.path.join(folder, source)))
    return {m for m in modules if m not in called} or modules


def _local_module_sources(folder: str) -> list[str]:
    sources: list[str] = []
    try:
        names = os.listdir(folder)
    except OSError:
        return sources
    for name in names:
        if not is_terraform_file(name):
            continue
        try:
            with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as handle:
                text = handle.read(2_000_000)
        except OSError:
            continue
        if "source" in text:
            sources.extend(_LOCAL_MODULE_SOURCE.findall(text))
    return sources
