"""The engine's cheap skips: files that cannot hold anything S3-relevant are not parsed, and
nothing that feeds an S3 resource is ever skipped."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from s3lint.engine import ScanOptions, load_paths, terraform_module_matters
from s3lint.model import Fragment

NETWORK_ONLY = '''resource "aws_vpc" "main" {
  cidr_block = var.cidr
}

variable "cidr" {
  default = "10.0.0.0/16"
}
'''


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def load(folder: Path):  # type: ignore[no-untyped-def]
    return load_paths([str(folder)], ScanOptions(root=str(folder), jobs=1))


def test_a_terraform_folder_without_s3_iam_trails_or_modules_is_not_read(tmp_path: Path) -> None:
    folder = tmp_path / "network"
    write(folder / "main.tf", NETWORK_ONLY + "\nresource {{{ broken\n")
    assert not terraform_module_matters(str(folder), 10_000_000)
    assert not load(tmp_path).model.errors  # not parsed, so its syntax error is not ours


def test_variables_in_another_file_still_feed_the_bucket(tmp_path: Path) -> None:
    folder = tmp_path / "app"
    write(folder / "variables.tf", 'variable "acl" {\n  default = "public-read"\n}\n')
    write(folder / "main.tf", 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n  acl    = var.acl\n}\n')
    assert terraform_module_matters(str(folder), 10_000_000)
    buckets = load(tmp_path).model.buckets
    assert [b.address for b in buckets] == ["aws_s3_bucket.b"]
    assert buckets[0].acl.value == "public-read"


def test_a_folder_that_only_calls_a_module_is_read(tmp_path: Path) -> None:
    write(tmp_path / "root" / "main.tf", 'module "store" {\n  source = "../store"\n}\n')
    write(tmp_path / "store" / "main.tf", 'resource "aws_s3_bucket" "s" {\n  bucket = "s"\n}\n')
    assert terraform_module_matters(str(tmp_path / "root"), 10_000_000)
    assert [b.address for b in load(tmp_path).model.buckets] == ["module.store.aws_s3_bucket.s"]


def test_a_template_without_s3_iam_trails_or_policies_is_not_parsed(tmp_path: Path) -> None:
    write(tmp_path / "queue.yaml", "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n  : [\n")
    write(tmp_path / "bucket.yaml", "Resources:\n  B:\n    Type: AWS::S3::Bucket\n")
    loaded = load(tmp_path)
    assert not loaded.model.errors
    assert [b.address for b in loaded.model.buckets] == ["B"]  # and no syntax error from queue.yaml
    # both texts are kept for their suppression comments (none here), so neither is read again
    assert loaded.texts == {"bucket.yaml": "", "queue.yaml": ""}


def test_only_texts_that_may_hold_suppressions_are_kept(tmp_path: Path) -> None:
    quiet = "Resources:\n  B:\n    Type: AWS::S3::Bucket\n"
    commented = "Resources:\n  B:\n    Type: AWS::S3::Bucket  # s3lint: ignore[S3040] archive\n"
    write(tmp_path / "quiet.yaml", quiet)
    write(tmp_path / "commented.yaml", commented)
    suppressed_tf = 'resource "aws_s3_bucket" "s" { # s3lint: ignore[S3040] scratch\n}\n'
    write(tmp_path / "tf" / "main.tf", suppressed_tf)
    write(tmp_path / "tf" / "other.tf", 'resource "aws_s3_bucket" "t" {\n}\n')
    write(tmp_path / "network" / "main.tf", 'resource "aws_vpc" "v" {} # s3lint: ignore[S3040]\n')  # not loaded, still read for comments
    loaded = load(tmp_path)
    assert loaded.texts == {
        "quiet.yaml": "", "commented.yaml": commented,
        "tf/main.tf": suppressed_tf, "tf/other.tf": "", "network/main.tf": 'resource "aws_vpc" "v" {} # s3lint: ignore[S3040]\n',
    }
    assert loaded.paths == ["commented.yaml", "network/main.tf", "quiet.yaml", "tf/main.tf", "tf/other.tf"]


def _display_path_reference(path: str, root: str) -> str:
    """display_path as it was before its fast path for files below the root."""
    absolute = os.path.abspath(path)
    try:
        relative = os.path.relpath(absolute, os.path.abspath(root))
    except ValueError:
        relative = absolute
    if relative.startswith(".."):
        relative = absolute
    return relative.replace(os.sep, "/")


_PATH_PARTS = st.sampled_from(["a", "b", "..", ".", "", "c d", "é", "..a", "a..", "x/", "/"])


@settings(max_examples=400, deadline=None)
@given(
    path=st.lists(_PATH_PARTS, max_size=5).map("/".join),
    root=st.lists(_PATH_PARTS, max_size=4).map("/".join),
    absolute_path=st.booleans(),
    absolute_root=st.booleans(),
)
def test_display_path_is_relpath_below_the_root_and_absolute_elsewhere(
    path: str, root: str, absolute_path: bool, absolute_root: bool
) -> None:
    base = os.getcwd()
    path = os.path.join(base, path) if absolute_path else (path or ".")
    root = os.path.join(base, root) if absolute_root else (root or ".")
    from s3lint.engine import display_path

    assert display_path(path, root) == _display_path_reference(path, root)
    assert display_path("//" + path.lstrip("/"), "/") == _display_path_reference("//" + path.lstrip("/"), "/")


def test_display_path_follows_the_working_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from s3lint.engine import display_path

    write(tmp_path / "one" / "a.yaml", "")
    monkeypatch.chdir(tmp_path / "one")
    assert display_path(str(tmp_path / "one" / "a.yaml"), ".") == "a.yaml"
    monkeypatch.chdir(tmp_path)
    assert display_path(str(tmp_path / "one" / "a.yaml"), ".") == "one/a.yaml"  # "." is another folder now


@pytest.mark.parametrize("max_file_size", [10_000_000, 40])
def test_a_module_folder_is_read_once_for_its_comments_and_whether_it_matters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, max_file_size: int
) -> None:
    """`load_terraform_module` keeps each file's suppression comments and decides whether
    the folder matters from one read: what `comment_text` and `terraform_module_matters`,
    each reading the files, would say."""
    from s3lint import engine, safe_read
    from s3lint.suppressions import comment_text

    cases = {
        "network": {"main.tf": NETWORK_ONLY},
        "commented": {"main.tf": NETWORK_ONLY + "# s3lint: ignore[S3040] why\n", "vars.tf": 'variable "x" {}\n'},
        "bucket": {"a.tf": NETWORK_ONLY, "b.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = "b" # s3lint: ignore\n}\n'},
        "empty": {},
    }
    for name, files in cases.items():
        for file_name, text in files.items():
            write(tmp_path / name / file_name, text)
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "network" / "pipe.tf")  # never opened: not a regular file
    options = ScanOptions(root=str(tmp_path), jobs=1, max_file_size=max_file_size)
    reads: list[str] = []
    read = safe_read.read_regular
    monkeypatch.setattr(safe_read, "read_regular", lambda path, limit: (reads.append(path), read(path, limit))[1])
    import s3lint.loaders.terraform as terraform_loader

    monkeypatch.setattr(terraform_loader, "load_module", lambda folder, **_: Fragment(notes=["loaded"]))
    decided: dict[str, bool] = {}
    for name in cases:
        folder = str(tmp_path / name)
        matters = terraform_module_matters(folder, max_file_size)
        expected = {engine.display_path(path, str(tmp_path)): comment_text(path) for path in engine._terraform_files(folder)}
        reads.clear()
        texts: dict[str, str] = {}
        fragment = engine.load_terraform_module(folder, options, texts)
        assert texts == expected
        assert sorted(reads) == sorted(engine._terraform_files(folder))  # each file once
        assert fragment.notes == (["loaded"] if matters else [])
        decided[name] = matters
    assert decided["bucket"] and not decided["empty"]
    assert decided["commented"] == (max_file_size == 40)  # too big to judge: read whole
    assert "s3lint: ignore[S3040]" in texts_of(tmp_path / "commented", options)


def texts_of(folder: Path, options: ScanOptions) -> str:
    from s3lint import engine

    texts: dict[str, str] = {}
    engine.load_terraform_module(str(folder), options, texts)
    return "".join(texts.values())
