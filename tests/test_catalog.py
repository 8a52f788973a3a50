"""The rule catalogue: the public list of ids, each rule file's metadata and docs, loading."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from s3lint import catalog
from s3lint.catalog import (
    CACHE_NAME,
    CatalogError,
    RuleInfo,
    compile_catalog,
    load_catalog,
    rule_from_data,
    rule_markdown,
    rule_text,
    validate_rule,
)
from s3lint.checks import CHECK_MODULES

REPO = Path(__file__).resolve().parent.parent
RULES = REPO / "rules"

# The ids and names are a public contract: changing one breaks users' configuration,
# suppressions and baselines.
CONTRACT = {
    "S3000": "parse-error",
    "S3001": "public-acl",
    "S3002": "public-policy",
    "S3003": "public-access-block-missing",
    "S3004": "cross-account-access",
    "S3005": "acls-enabled",
    "S3006": "wildcard-action-grant",
    "S3010": "default-encryption-missing",
    "S3011": "kms-key-not-used",
    "S3012": "upload-encryption-not-enforced",
    "S3013": "sse-c-without-tls",
    "S3014": "bucket-key-disabled",
    "S3020": "insecure-transport-allowed",
    "S3021": "old-tls-allowed",
    "S3030": "access-logging-missing",
    "S3031": "cloudtrail-s3-data-events-missing",
    "S3040": "versioning-disabled",
    "S3041": "mfa-delete-disabled",
    "S3050": "iam-s3-full-access",
    "S3051": "iam-s3-can-make-public",
    "S3060": "invalid-policy",
    "S3061": "policy-lockout",
    "S3070": "vpc-endpoint-not-enforced",
    "S3071": "presigned-url-age-unbounded",
    "S3090": "unused-suppression",  # raised by the suppression pass, not by a check module
}
OPT_IN = {"S3012", "S3021", "S3070", "S3071"}
POLICY_RULES = {"S3002", "S3004", "S3006", "S3012", "S3013", "S3020", "S3021", "S3050",
                "S3051", "S3060", "S3061", "S3070", "S3071"}


def _yaml_files() -> list[Path]:
    return sorted(RULES.glob("*.yaml"))


def _raw(path: Path) -> dict:
    return yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)


@pytest.fixture(scope="module")
def rules() -> dict[str, RuleInfo]:
    return load_catalog()


def test_catalogue_has_exactly_the_contract_ids_and_names(rules: dict[str, RuleInfo]) -> None:
    assert {rule_id: rule.name for rule_id, rule in rules.items()} == CONTRACT
    assert list(rules) == sorted(CONTRACT)  # ordered by id


def test_every_check_module_has_a_rule_file() -> None:
    assert set(CHECK_MODULES) == set(CONTRACT) - {"S3000", "S3090"}


def test_defaults_match_the_table(rules: dict[str, RuleInfo]) -> None:
    assert {rule_id for rule_id, rule in rules.items() if not rule.default} == OPT_IN


def test_severities_match_the_table(rules: dict[str, RuleInfo]) -> None:
    severity = {rule_id: rule.severity for rule_id, rule in rules.items()}
    for rule_id in ("S3004", "S3005", "S3010", "S3011", "S3014", "S3031", "S3041"):
        assert severity[rule_id] == "low", rule_id  # the table says "on (low)"
    for rule_id in ("S3000", "S3001", "S3002", "S3006", "S3013", "S3050", "S3051", "S3061"):
        assert severity[rule_id] == "high", rule_id
    for rule_id in ("S3003", "S3020", "S3040", "S3060"):
        assert severity[rule_id] == "medium", rule_id


@pytest.mark.parametrize("path", _yaml_files(), ids=lambda p: p.stem)
def test_rule_file_is_valid(path: Path) -> None:
    assert validate_rule(_raw(path), path) == []


@pytest.mark.parametrize("rule_id", sorted(CONTRACT))
def test_rule_metadata_is_complete(rules: dict[str, RuleInfo], rule_id: str) -> None:
    rule = rules[rule_id]
    assert rule.title[0].isupper() and not rule.title.endswith(".")
    assert "security" in rule.tags and len(rule.tags) <= 10
    if rule_id != "S3000":
        assert rule.cwe, "every weakness rule names its CWE"
        assert "cloudformation" in rule.example and "terraform" in rule.example
        assert "cloudformation" in rule.fix and "terraform" in rule.fix
    if rule_id in POLICY_RULES:
        assert "policy-json" in rule.formats
    assert all(ref.url.startswith("https://") for ref in rule.references)
    assert len(" ".join(rule.what.split())) <= 1024


def test_docs_are_honest_about_2023_defaults(rules: dict[str, RuleInfo]) -> None:
    # Rules whose risk AWS's 2023 defaults lower must say so.
    assert "April 2023" in rules["S3003"].why
    assert "April 2023" in rules["S3005"].why
    assert "January 2023" in rules["S3010"].why
    assert "2023" in rules["S3012"].why


def _cfn_loader() -> type:
    class Loader(yaml.SafeLoader):
        pass

    def any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> object:
        if isinstance(node, yaml.ScalarNode):
            return loader.construct_scalar(node)
        if isinstance(node, yaml.SequenceNode):
            return loader.construct_sequence(node)
        return loader.construct_mapping(node)

    Loader.add_multi_constructor("!", any_tag)
    return Loader


def _snippets() -> list[tuple[str, str, str, str]]:
    out = []
    for path in _yaml_files():
        data = _raw(path)
        for section in ("example", "fix"):
            for kind, code in data[section].items():
                if kind != "summary" and not (path.stem == "S3000" and section == "example"):
                    out.append((path.stem, section, kind, code))
    return out


@pytest.mark.parametrize("rule_id,section,kind,code", _snippets(),
                         ids=lambda v: v if isinstance(v, str) and len(v) < 20 else "")
def test_code_snippets_parse(rule_id: str, section: str, kind: str, code: str) -> None:
    if kind == "cloudformation":
        assert yaml.load(code, Loader=_cfn_loader()) is not None
    elif kind == "policy":
        assert isinstance(json.loads(code), dict)
    else:
        tree_sitter = pytest.importorskip("tree_sitter")
        tree_sitter_hcl = pytest.importorskip("tree_sitter_hcl")
        parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_hcl.language()))
        # A statement fragment ("{ Sid = ... }") is an expression: parse it as a value.
        text = f"x = {code}" if code.lstrip().startswith("{") else code
        tree = parser.parse(text.encode())
        assert not tree.root_node.has_error, f"{rule_id} {section}.{kind} is not valid HCL"


def test_broken_examples_of_s3000_really_are_broken() -> None:
    example = _raw(RULES / "S3000.yaml")["example"]
    with pytest.raises(yaml.YAMLError):
        yaml.load(example["cloudformation"], Loader=_cfn_loader())
    with pytest.raises(ValueError):
        json.loads(example["policy"])


def test_markdown_has_ruff_sections_in_order(rules: dict[str, RuleInfo]) -> None:
    text = rule_markdown(rules["S3020"])
    assert text.startswith("# insecure-transport-allowed (S3020)\n")
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == ["## What it does", "## Why it matters", "## Example", "## Fix",
                        "## References"]
    assert "```yaml" in text and "```hcl" in text and "```json" in text
    assert "Severity: medium" in text and "on by default" in text
    assert text.endswith("\n") and not text.endswith("\n\n")


def test_plain_text_has_no_markdown_fences(rules: dict[str, RuleInfo]) -> None:
    text = rule_text(rules["S3012"])
    assert text.startswith("S3012 upload-encryption-not-enforced: ")
    assert "```" not in text and "opt-in" in text
    assert "    {" in text  # code is indented
    assert "https://docs.aws.amazon.com/" in text


def test_markdown_of_a_rule_without_examples_or_references() -> None:
    rule = RuleInfo(id="ORG001", name="tagged", title="Buckets are tagged", severity="low",
                    default=True, precision="high", formats=("terraform",), tags=("custom",),
                    what="Checks tags.", why="Policy.", example={}, fix_summary="Add a tag.",
                    fix={}, references=())
    text = rule_markdown(rule)
    assert "## Example" not in text and "## References" not in text
    assert text.rstrip().endswith("Add a tag.")


def _valid() -> dict:
    return _raw(RULES / "S3001.yaml")


@pytest.mark.parametrize("change,expected", [
    (lambda d: d.pop("why"), "missing key 'why'"),
    (lambda d: d.update(severity_level="high"), "unknown key 'severity_level'"),
    (lambda d: d.update(id="s3001"), "id 's3001' must look like S3001"),
    (lambda d: d.update(id="S3999"), "does not match the file name"),
    (lambda d: d.update(name="Public_ACL"), "must be kebab-case"),
    (lambda d: d.update(severity="severe"), "severity 'severe' must be one of"),
    (lambda d: d.update(default="yes"), "default must be true or false"),
    (lambda d: d.update(precision="perfect"), "precision 'perfect'"),
    (lambda d: d.update(formats=["cdk"]), "format 'cdk' must be one of"),
    (lambda d: d.update(tags=[f"t{i}" for i in range(11)]), "at most 10 tags"),
    (lambda d: d.update(tags=["a", "a"]), "tags must not repeat"),
    (lambda d: d.update(title="two\nlines"), "title must be one line"),
    (lambda d: d.update(what="word " * 300), "what is longer than 1024"),
    (lambda d: d.update(example={"cdk": "x"}), "example.cdk: unknown kind"),
    (lambda d: d["fix"].pop("summary"), "fix needs a 'summary'"),
    (lambda d: d.update(references=[{"title": "x", "url": "http://a"}]), "https:// URL"),
    (lambda d: d.update(references=[{"title": "x"}]), "exactly 'title' and 'url'"),
])
def test_validate_rule_reports_each_problem(change, expected: str) -> None:
    data = _valid()
    change(data)
    errors = validate_rule(data, "rules/S3001.yaml")
    assert any(expected in error for error in errors), errors
    assert all(error.startswith("rules/S3001.yaml: ") for error in errors)


def test_validate_rule_rejects_non_mapping() -> None:
    assert validate_rule(["id"], "x.yaml") == ["x.yaml: a rule file must be a mapping, not list"]


def _copy_rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(RULES, target)
    return target


def test_compiled_cache_equals_parsed_yaml(tmp_path: Path) -> None:
    folder = _copy_rules(tmp_path)
    (folder / CACHE_NAME).unlink()
    from_yaml = load_catalog(folder)
    (folder / CACHE_NAME).write_text(compile_catalog(folder), encoding="utf-8")
    assert load_catalog(folder) == from_yaml
    assert from_yaml == load_catalog()


def test_fresh_cache_is_used(tmp_path: Path) -> None:
    folder = _copy_rules(tmp_path)
    cache = json.loads(compile_catalog(folder))
    cache["rules"][1]["title"] = "Taken from the cache"
    (folder / CACHE_NAME).write_text(json.dumps(cache), encoding="utf-8")
    assert load_catalog(folder)["S3001"].title == "Taken from the cache"


def test_stale_cache_is_ignored(tmp_path: Path) -> None:
    folder = _copy_rules(tmp_path)
    path = folder / "S3001.yaml"
    path.write_text(path.read_text().replace(
        "title: Bucket or object ACL grants access to everyone", "title: Edited title"))
    assert load_catalog(folder)["S3001"].title == "Edited title"


def test_corrupt_cache_is_ignored(tmp_path: Path) -> None:
    folder = _copy_rules(tmp_path)
    (folder / CACHE_NAME).write_text("{not json", encoding="utf-8")
    assert load_catalog(folder)["S3002"].name == "public-policy"


def test_invalid_rule_file_is_a_catalog_error(tmp_path: Path) -> None:
    folder = _copy_rules(tmp_path)
    (folder / "S3001.yaml").write_text("id: S3001\nname: public-acl\n")
    with pytest.raises(CatalogError, match="missing key 'title'"):
        load_catalog(folder)
    (folder / "S3001.yaml").write_text("id: [unclosed\n")
    with pytest.raises(CatalogError, match="not valid YAML"):
        load_catalog(folder)


def test_empty_folder_is_a_catalog_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="no rule files"):
        load_catalog(tmp_path)


def test_rules_dir_prefers_the_packaged_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert catalog.rules_dir() == RULES  # a checkout has no s3lint/_rules
    package = tmp_path / "s3lint"
    (package / "_rules").mkdir(parents=True)
    monkeypatch.setattr(catalog, "__file__", str(package / "catalog.py"))
    assert catalog.rules_dir() == package / "_rules"


def test_loading_from_the_cache_does_not_import_yaml() -> None:
    code = ("import sys; from s3lint.catalog import load_catalog; "
            "assert len(load_catalog()) == 25; print('yaml' in sys.modules)")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, cwd=REPO, check=True).stdout
    assert out.strip() == "False"


def test_rule_from_data_strips_and_orders() -> None:
    rule = rule_from_data(_valid())
    assert rule.help_uri == "https://github.com/s3lint/s3lint/blob/main/docs/rules/S3001.md"
    assert rule.cwe == ("CWE-732",)
    assert list(rule.example) == ["cloudformation", "terraform"]
    assert not rule.what.endswith("\n")


def test_a_missing_folder_has_no_rule_files(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="no rule files"):
        load_catalog(tmp_path / "nowhere")


def test_the_cache_checksum_covers_names_and_contents() -> None:
    sources = {"S3001.yaml": b"id: S3001\n", "S3002.yaml": b"id: S3002\n"}
    digest = catalog.sources_digest(sources)
    assert digest == catalog.sources_digest(dict(reversed(sources.items())))  # not the order read
    assert digest != catalog.sources_digest({**sources, "S3002.yaml": b"id: S3003\n"})
    assert digest != catalog.sources_digest({"S3001.yaml": b"id: S3001\n", "S3003.yaml": b"id: S3002\n"})
    # The separator keeps a byte from moving between a name and its content unnoticed.
    assert catalog.sources_digest({"a": b"bc"}) != catalog.sources_digest({"ab": b"c"})


def test_a_renamed_rule_file_makes_the_cache_stale(tmp_path: Path) -> None:
    folder = _copy_rules(tmp_path)
    (folder / "S3001.yaml").rename(folder / "S3001x.yaml")
    with pytest.raises(CatalogError, match="does not match the file name 'S3001x.yaml'"):
        load_catalog(folder)  # read from the YAML, which the cache no longer stands for


def test_paths_may_be_given_as_strings(tmp_path: Path) -> None:
    folder = _copy_rules(tmp_path)
    assert load_catalog(str(folder)) == load_catalog(folder)
    assert compile_catalog(str(folder)) == (RULES / CACHE_NAME).read_text(encoding="utf-8")


def _frozen_dataclass_like(cls: type) -> type:
    """What `@dataclass(frozen=True, slots=True)` generates for the same fields."""
    import dataclasses

    return dataclasses.make_dataclass(cls.__name__, list(cls.__slots__), frozen=True, slots=True)


def test_records_behave_like_the_frozen_dataclasses_they_replace(rules: dict[str, RuleInfo]) -> None:
    rule = rules["S3002"]
    values = [getattr(rule, name) for name in RuleInfo.__slots__]
    reference = _frozen_dataclass_like(RuleInfo)(*values)
    assert repr(rule) == repr(reference)
    assert rule == RuleInfo(*values) and rule != rules["S3001"] and rule != reference
    with pytest.raises(TypeError, match="unhashable"):  # its examples are dicts
        hash(rule)
    ref = rule.references[0]
    ref_reference = _frozen_dataclass_like(catalog.Reference)(ref.title, ref.url)
    assert repr(ref) == repr(ref_reference)
    assert hash(ref) == hash(ref_reference) == hash((ref.title, ref.url))
    assert ref == catalog.Reference(ref.title, ref.url) != catalog.Reference(ref.title, "https://x")
    assert {ref, catalog.Reference(ref.title, ref.url)} == {ref}


def test_catalog_entries_are_read_only(rules: dict[str, RuleInfo]) -> None:
    rule = rules["S3002"]
    with pytest.raises(AttributeError, match="read-only"):
        rule.severity = "low"  # type: ignore[misc]
    with pytest.raises(AttributeError, match="read-only"):
        del rule.title
    with pytest.raises(AttributeError):
        rule.extra = 1  # type: ignore[attr-defined]
    with pytest.raises(AttributeError, match="read-only"):
        rule.references[0].url = "https://elsewhere"  # type: ignore[misc]
    assert load_catalog()["S3002"].severity == rule.severity != "low"
