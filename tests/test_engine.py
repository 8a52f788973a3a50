"""The engine's cheap skips: files that cannot hold anything S3-relevant are not parsed, and
nothing that feeds an S3 resource is ever skipped."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from s3lint.engine import ScanOptions, load_paths, terraform_module_matters

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
