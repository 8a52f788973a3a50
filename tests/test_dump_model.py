"""`s3lint --dump-model`: the JSON that custom rules query, and its documentation in
docs/model.md, which must name every field and nothing else."""

from __future__ import annotations

import dataclasses
import json
import re
import typing
from pathlib import Path

import pytest

from s3lint import model
from s3lint.dump import MODEL_VERSION, to_data
from s3lint.source import Location
from s3lint.symbols import Unknown
from tests.test_cli import copy_fixture, run_s3lint

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "model.md"


def _dumped_classes() -> dict[str, type]:
    """Every model dataclass reachable from ScanModel, as the dump shows it."""
    hints_of = {name: typing.get_type_hints(cls) for name, cls in vars(model).items()
                if dataclasses.is_dataclass(cls) and isinstance(cls, type)}
    found: dict[str, type] = {}
    stack = ["ScanModel"]
    while stack:
        name = stack.pop()
        if name in found or name in ("Value", "Location"):  # described under Conventions
            continue
        found[name] = getattr(model, name)
        for field in dataclasses.fields(found[name]):
            for candidate in re.findall(r"[A-Z][A-Za-z]+", str(hints_of[name][field.name])):
                if candidate in hints_of and candidate != "Suppression":
                    stack.append(candidate)
    return found


def _documented() -> dict[str, list[str]]:
    """Class name -> the fields its table in docs/model.md lists."""
    sections: dict[str, list[str]] = {}
    current = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^### `(\w+)`$", line)
        if heading:
            current = heading.group(1)
            sections[current] = []
            continue
        row = re.match(r"^\| `(\w+)` \|", line)
        if row and current:
            sections[current].append(row.group(1))
    return sections


def test_the_documentation_names_every_field_and_no_other() -> None:
    documented = _documented()
    classes = _dumped_classes()
    assert set(documented) == set(classes), "docs/model.md sections differ from the model's classes"
    for name, cls in classes.items():
        fields = [f.name for f in dataclasses.fields(cls) if f.name != "suppressions"]
        if name == "ScanModel":
            fields = ["version", *fields]
        assert documented[name] == fields, f"docs/model.md, {name}: fields differ from s3lint/model.py"


def test_dump_of_a_cloudformation_template(tmp_path: Path) -> None:
    copy_fixture("templates/public-site.yaml", tmp_path)
    result = run_s3lint("--dump-model", "public-site.yaml", cwd=tmp_path)
    assert result.returncode == 0 and result.stderr == ""
    data = json.loads(result.stdout)
    assert data["version"] == MODEL_VERSION
    assert list(data) == ["version", "buckets", "account_public_access_blocks", "identity_policies", "trails", "errors", "notes"]
    [bucket] = data["buckets"]
    assert bucket["address"] == "Site" and bucket["declared"] is True
    assert bucket["name"] == {"value": "acme-site", "loc": {"path": "public-site.yaml", "line": 8, "column": 19}, "explicit": True}
    assert bucket["versioning"]["status"]["value"] == "Suspended"
    [policy] = bucket["policies"]
    assert policy["owner"] == "SitePolicy" and policy["kind"] == "bucket"
    [statement] = policy["statements"]
    assert statement["principals"] == [{"kind": "*", "value": "*", "loc": {"path": "public-site.yaml", "line": 21, "column": 24}}]
    assert statement["resources"][0]["value"] == "arn:aws:s3:::acme-site/*"  # !Sub resolved


def test_dump_of_terraform_shows_unknown_values(tmp_path: Path) -> None:
    module = tmp_path / "tf"
    module.mkdir()
    (module / "main.tf").write_text(
        'variable "name" {\n  type = string\n}\n\nresource "aws_s3_bucket" "b" {\n  bucket = var.name\n}\n', encoding="utf-8")
    data = json.loads(run_s3lint("--dump-model", "tf", cwd=tmp_path).stdout)
    [bucket] = data["buckets"]
    assert bucket["address"] == "aws_s3_bucket.b" and bucket["source_format"] == "terraform"
    assert set(bucket["name"]["value"]) == {"unknown"}
    assert bucket["name"]["loc"]["line"] == 6


def test_dump_with_a_parse_error_exits_2_and_lists_it(tmp_path: Path) -> None:
    copy_fixture("templates/broken.yaml", tmp_path)
    result = run_s3lint("--dump-model", "broken.yaml", cwd=tmp_path)
    assert result.returncode == 2
    [error] = json.loads(result.stdout)["errors"]
    assert error["path"] == "broken.yaml" and error["line"] == 7


def test_deep_input_does_not_recurse() -> None:
    nested: dict = {}
    inner = nested
    for _ in range(50_000):  # Terraform tags can nest as deeply as the input does
        inner["x"] = {}
        inner = inner["x"]
    bucket = model.Bucket("b", Location("t.tf", 1), "terraform", model.Value("b", Location("t.tf", 1)), "b", tags=nested)
    data = to_data(bucket)
    depth, node = 0, data["tags"]
    while node:
        node, depth = node["x"], depth + 1
    assert depth == 50_000


def test_unknowns_and_alternatives() -> None:
    value = model.Value(Unknown("condition IsProd is not known statically", ["public-read", "private"]), Location("t.yaml", 3, 5))
    assert to_data(value) == {
        "value": {"unknown": "condition IsProd is not known statically", "alternatives": ["public-read", "private"]},
        "loc": {"path": "t.yaml", "line": 3, "column": 5},
        "explicit": True,
    }


@pytest.mark.parametrize("expression", re.findall(r"^\| `(\$[^`]+)` \|", DOC.read_text(encoding="utf-8"), re.M))
def test_the_documented_expressions_parse(expression: str) -> None:
    from jsonpath_ng.ext import parse

    assert parse(expression) is not None
