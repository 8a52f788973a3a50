"""Configuration files and rule selection."""

from __future__ import annotations

from pathlib import Path

import pytest

from s3lint.catalog import load_catalog
from s3lint.config import ConfigError, find_config, load_config, resolve_codes, select_rules


@pytest.fixture(scope="module")
def rules():
    return load_catalog()


def test_pyproject_table_is_found_walking_up(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.s3lint]\nignore = ["S3030"]\nfail-on = "high"\n')
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    found = find_config(str(deep))
    assert found == str(tmp_path / "pyproject.toml")
    assert load_config(found).values == {"ignore": ["S3030"], "fail-on": "high"}


def test_pyproject_without_our_table_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.ruff]\nline-length = 100\n")
    assert find_config(str(tmp_path)) is None


def test_yaml_config_wins_over_pyproject_in_the_same_folder(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.s3lint]\nstrict = true\n")
    (tmp_path / ".s3lint.yaml").write_text("select: [S3002]\n")
    assert find_config(str(tmp_path)) == str(tmp_path / ".s3lint.yaml")


def test_unknown_key_names_the_key_and_the_file(tmp_path: Path) -> None:
    path = tmp_path / ".s3lint.yaml"
    path.write_text("selekt: [S3002]\n")
    with pytest.raises(ConfigError, match=r"\.s3lint\.yaml: unknown configuration key 'selekt'"):
        load_config(str(path))


def test_wrong_type_and_bad_severity(tmp_path: Path) -> None:
    path = tmp_path / ".s3lint.yaml"
    path.write_text("strict: yes-please\n")
    with pytest.raises(ConfigError, match="'strict' must be a bool"):
        load_config(str(path))
    path.write_text("severity: {S3030: extreme}\n")
    with pytest.raises(ConfigError, match="severity for 'S3030'"):
        load_config(str(path))


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / ".s3lint.yaml"
    path.write_text("select: [S3002\nignore: x\n")
    with pytest.raises(ConfigError, match=r"\.s3lint\.yaml:\d+: invalid YAML"):
        load_config(str(path))


def test_paths_in_config_are_relative_to_the_config_file(tmp_path: Path) -> None:
    path = tmp_path / ".s3lint.yaml"
    path.write_text("var-file: [prod.tfvars]\n")
    assert load_config(str(path)).values["var-file"] == [str(tmp_path / "prod.tfvars")]


def test_codes_by_id_name_and_prefix(rules) -> None:
    assert resolve_codes(["S3002"], rules, "x") == {"S3002"}
    assert resolve_codes(["public-policy"], rules, "x") == {"S3002"}
    assert resolve_codes(["S302"], rules, "x") == {"S3020", "S3021"}
    with pytest.raises(ConfigError, match="unknown rule 'S9999'"):
        resolve_codes(["S9999"], rules, "x")
    with pytest.raises(ConfigError, match="unknown rule 'nonsense'"):
        resolve_codes(["nonsense"], rules, "x")


def test_default_selection_has_no_opt_in_rules(rules) -> None:
    chosen = select_rules(rules, select=None, extend_select=[], ignore=[], origin="x")
    assert "S3002" in chosen and "S3012" not in chosen and "S3021" not in chosen


def test_prefix_does_not_turn_on_opt_in_rules_but_exact_id_does(rules) -> None:
    assert select_rules(rules, select=["S302"], extend_select=[], ignore=[], origin="x") == ["S3020"]
    assert "S3021" in select_rules(rules, select=None, extend_select=["S3021"], ignore=[], origin="x")
    assert "S3012" in select_rules(rules, select=["ALL"], extend_select=[], ignore=[], origin="x")


def test_ignore_removes_by_name(rules) -> None:
    chosen = select_rules(rules, select=None, extend_select=[], ignore=["access-logging-missing"], origin="x")
    assert "S3030" not in chosen


def test_file_config_defaults_are_fresh_and_shown() -> None:
    from s3lint.config import FileConfig

    first, second = FileConfig(), FileConfig()
    first.values["select"] = ["S3001"]
    assert second.values == {} and second.path is None
    assert repr(FileConfig("a.toml", {"strict": True})) == "FileConfig(path='a.toml', values={'strict': True})"
