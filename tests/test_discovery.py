"""Walking folders, grouping Terraform modules, skipping what is not ours."""

from __future__ import annotations

import os
from pathlib import Path

from s3lint.discovery import discover


def touch(path: Path, text: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_walk_skips_tool_and_hidden_folders(tmp_path: Path) -> None:
    touch(tmp_path / "a.yaml")
    touch(tmp_path / ".git" / "b.yaml")
    touch(tmp_path / "node_modules" / "c.json")
    touch(tmp_path / ".terraform" / "modules" / "m" / "main.tf")
    touch(tmp_path / ".hidden" / "d.yaml")
    touch(tmp_path / "sub" / "e.template")
    touch(tmp_path / "sub" / "notes.txt")
    found = discover([str(tmp_path)])
    names = sorted(os.path.relpath(p, tmp_path) for p in found.documents)
    assert names == ["a.yaml", os.path.join("sub", "e.template")]
    assert found.terraform_modules == []


def test_terraform_files_group_into_their_module_folder(tmp_path: Path) -> None:
    touch(tmp_path / "stack" / "main.tf")
    touch(tmp_path / "stack" / "security.tf")
    touch(tmp_path / "stack" / "extra.tf.json", "{}")
    found = discover([str(tmp_path / "stack" / "main.tf"), str(tmp_path / "stack" / "security.tf")])
    assert found.terraform_modules == [str(tmp_path / "stack")]
    assert found.documents == []  # .tf.json is Terraform, not a JSON document


def test_called_local_modules_are_not_roots(tmp_path: Path) -> None:
    touch(tmp_path / "main.tf", 'module "assets" {\n  source = "./modules/bucket"\n}\n')
    touch(tmp_path / "modules" / "bucket" / "main.tf", 'resource "aws_s3_bucket" "this" {}\n')
    found = discover([str(tmp_path)])
    assert found.terraform_modules == [str(tmp_path)]


def test_only_a_source_argument_calls_a_module(tmp_path: Path) -> None:
    """`data_source = "./x"` is another argument: the folder it names is still a root."""
    touch(tmp_path / "main.tf", 'locals {\n  data_source = "./a"\n}\nmodule "b" {\n  source="../root/b"\n}\n'.replace("../root", "."))
    touch(tmp_path / "a" / "main.tf", 'resource "aws_s3_bucket" "a" {}\n')
    touch(tmp_path / "b" / "main.tf", 'resource "aws_s3_bucket" "b" {}\n')
    found = discover([str(tmp_path)])
    assert found.terraform_modules == [str(tmp_path), str(tmp_path / "a")]


def test_symlink_loops_do_not_hang(tmp_path: Path) -> None:
    touch(tmp_path / "a" / "t.yaml")
    os.symlink(tmp_path, tmp_path / "a" / "loop")
    found = discover([str(tmp_path)])
    assert len(found.documents) >= 1


def test_missing_paths_are_reported(tmp_path: Path) -> None:
    found = discover([str(tmp_path / "nope.yaml")])
    assert found.missing == [str(tmp_path / "nope.yaml")]


def test_exclude_globs(tmp_path: Path) -> None:
    touch(tmp_path / "keep.yaml")
    touch(tmp_path / "generated" / "skip.yaml")
    found = discover([str(tmp_path)], exclude=["generated/*"])
    assert [os.path.basename(p) for p in found.documents] == ["keep.yaml"]


def test_a_folder_reached_through_links_is_walked_once_whatever_the_way(tmp_path: Path) -> None:
    # real paths are worked out from the parent's for plain folders, by realpath for links:
    # each folder is still walked once, first by the way the walk meets first
    touch(tmp_path / "a" / "inner" / "t.yaml")
    touch(tmp_path / "b" / "u.yaml")
    os.symlink(tmp_path / "a", tmp_path / "b" / "to_a")  # a second way into a/
    os.symlink("../..", tmp_path / "a" / "inner" / "up")  # a loop, written relative
    os.symlink(tmp_path / "b", tmp_path / "c")  # a link at the top to a plain folder
    found = discover([str(tmp_path)])
    shown = sorted(os.path.relpath(path, tmp_path) for path in found.documents)
    assert shown == ["a/inner/t.yaml", "b/u.yaml"]
    inner = discover([str(tmp_path / "c")])  # the scan starts at a link, confined to b/
    assert sorted(os.path.relpath(path, tmp_path) for path in inner.documents) == ["c/u.yaml"]
    assert any("to_a: a link to a folder outside the scanned folder" in note for note in inner.notes)
