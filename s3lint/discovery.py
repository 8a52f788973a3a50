"""Which files to read: walk the given paths, group Terraform files into modules.

Only names and a cheap look at the text are used here; what a file means is the loaders'
business.  A YAML or JSON file that is not CloudFormation, a policy or a Terraform plan is
silently not ours.
"""

from __future__ import annotations

import fnmatch
import os
import re

from s3lint.records import Record
from s3lint.safe_read import UnreadableFile, is_within, read_regular

SKIPPED_FOLDERS = frozenset({".git", ".terraform", "node_modules", ".venv", "venv", "__pycache__"})
DOCUMENT_SUFFIXES = (".json", ".yaml", ".yml", ".template")
TERRAFORM_SUFFIXES = (".tf", ".tf.json")

# No leading `\b`: it would keep `re` from skipping ahead to each "source" (25x slower on
# large files); the word boundary is checked on the matches instead.
_LOCAL_MODULE_SOURCE = re.compile(r"""source\s*[=:]\s*"(\.{1,2}/[^"]*)\"""")
_WORD_CHARACTER = re.compile(r"\w")


class Discovered(Record):
    """A plain class (see s3lint/records.py): a dataclass costs every run's start-up."""

    __slots__ = ("documents", "terraform_modules", "missing", "skipped", "notes", "module_sizes")

    def __init__(
        self,
        documents: list[str] | None = None,
        terraform_modules: list[str] | None = None,
        missing: list[str] | None = None,
        skipped: list[tuple[str, str]] | None = None,
        notes: list[str] | None = None,
        module_sizes: dict[str, int] | None = None,
    ) -> None:
        self.documents: list[str] = [] if documents is None else documents  # JSON/YAML files, sorted
        self.terraform_modules: list[str] = [] if terraform_modules is None else terraform_modules  # module folders, sorted
        self.missing: list[str] = [] if missing is None else missing  # named paths that do not exist
        # (path, reason) of files of ours that are not read: links that lead out of the scanned
        # folder (a scanned tree must not make s3lint read, or quote, files elsewhere).
        self.skipped: list[tuple[str, str]] = [] if skipped is None else skipped
        self.notes: list[str] = [] if notes is None else notes  # folders not followed, for the user
        # bytes of Terraform read from each module folder while looking for module calls: what
        # a pool needs to know to hand out the costliest modules first, without a second look
        self.module_sizes: dict[str, int] = {} if module_sizes is None else module_sizes

OUTSIDE_LINK = "skipped: a symbolic link to a file outside the scanned folder"


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


def _walk(top: str, exclude: list[str], root: str, result: Discovered) -> list[str]:
    """Every file below `top`, skipping tool folders and hidden folders; never loops on links,
    and never follows a link out of `root` (a link to `/` would walk the whole machine)."""
    found: list[str] = []
    seen: set[str] = set()
    # (folder, its real path): a folder that is not a link, in a folder whose real path is
    # known, has that path plus its name (realpath would look at every component again)
    stack = [(top, os.path.realpath(top))]
    while stack:
        folder, real = stack.pop()
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
            except OSError:  # a loop of links: a file of ours is still named, and reported
                is_dir = False
            if is_dir:
                if entry.name in SKIPPED_FOLDERS or entry.name.startswith("."):
                    continue
                if _is_link(entry):
                    if not is_within(path, root):
                        result.notes.append(f"{path}: a link to a folder outside the scanned folder; not followed")
                        continue
                    subfolders.append((path, os.path.realpath(path)))
                else:
                    subfolders.append((path, os.path.join(real, entry.name)))
            elif is_terraform_file(entry.name) or is_document_file(entry.name):
                # Terraform files are confined by the Terraform loader, which lists its folders.
                if is_document_file(entry.name) and _is_link(entry) and not is_within(path, root):
                    result.skipped.append((path, OUTSIDE_LINK))
                    continue
                found.append(path)
        stack.extend(reversed(subfolders))
    return found


def discover(paths: list[str], exclude: list[str] | None = None) -> Discovered:
    exclude = exclude or []
    result = Discovered()
    files: list[str] = []
    cwd = os.getcwd()
    for given in paths:
        root = confinement_root(given, cwd)
        if os.path.isdir(given):
            files.extend(_walk(given, exclude, root, result))
        elif os.path.exists(given) or os.path.islink(given):
            if is_excluded(given, exclude):
                continue
            if is_document_file(os.path.basename(given)) and os.path.islink(given) and not is_within(given, root):
                result.skipped.append((given, OUTSIDE_LINK))
                continue
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
    result.terraform_modules = sorted(_root_modules(modules, result.module_sizes))
    return result


def confinement_root(given: str, cwd: str) -> str:
    """What links found under a named path may lead into: the current folder (the project)
    when the path is written inside it, else the named folder itself (or a named file's
    folder): a user who names a path outside the project chose to read it."""
    absolute = os.path.abspath(given)
    base = os.path.abspath(cwd)
    if absolute == base or absolute.startswith(base.rstrip(os.sep) + os.sep):
        return os.path.realpath(base)
    real = os.path.realpath(given)
    return real if os.path.isdir(real) else os.path.dirname(real)


def _is_link(entry: os.DirEntry) -> bool:
    try:
        return entry.is_symlink()
    except OSError:
        return True


def _root_modules(modules: set[str], sizes: dict[str, int]) -> set[str]:
    """Leave out folders that another scanned folder calls as a local module: they are
    evaluated through their caller, with its arguments, and reported once.  `sizes` gets the
    bytes read from each folder."""
    calls = {
        folder: {os.path.normpath(os.path.join(folder, source)) for source in _local_module_sources(folder, sizes)}
        for folder in modules
    }
    called = set().union(*calls.values()) if calls else set()
    roots = {m for m in modules if m not in called}
    # Folders that are called only from among themselves (a folder calling itself, two
    # calling each other) have no caller to be read through: the first of each such group
    # is read as a root, or its findings would be lost.
    reached = _reachable(roots, calls)
    for folder in sorted(modules):
        if folder not in reached:
            roots.add(folder)
            reached |= _reachable({folder}, calls)
    return roots


def _reachable(starts: set[str], calls: dict[str, set[str]]) -> set[str]:
    reached = set(starts)
    stack = list(starts)
    while stack:
        for callee in calls.get(stack.pop(), ()):
            if callee not in reached:
                reached.add(callee)
                stack.append(callee)
    return reached


def _local_module_sources(folder: str, sizes: dict[str, int]) -> list[str]:
    sources: list[str] = []
    size = 0
    try:
        names = os.listdir(folder)
    except OSError:
        return sources
    for name in names:
        if not is_terraform_file(name):
            continue
        try:  # never open a pipe or device: a named pipe called main.tf would block for ever
            data = read_regular(os.path.join(folder, name), 5_000_000)
        except UnreadableFile:
            continue
        size += len(data)
        text = data.decode("utf-8", "replace")
        if "source" in text:
            sources.extend(
                match.group(1)
                for match in _LOCAL_MODULE_SOURCE.finditer(text)
                if not (match.start() and _WORD_CHARACTER.match(text, match.start() - 1))
            )
    sizes[folder] = size
    return sources
