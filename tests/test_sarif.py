"""SARIF output: valid against the OASIS 2.1.0 schema, within GitHub's extra rules, and with
fingerprints computed exactly as GitHub's codeql-action computes them."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from s3lint.catalog import RuleInfo, load_catalog
from s3lint.model import Finding, LoadError
from s3lint.report import Report
from s3lint.reporters import sarif
from s3lint.reporters.fingerprint import (
    FileLineHashes,
    LineHasher,
    line_hash,
    line_hashes,
    rolling_line_hashes,
)
from s3lint.source import Location

SCHEMA_PATH = Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json"
SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"
CATALOG = load_catalog()
DEFAULT_RULES = {rule_id: rule for rule_id, rule in CATALOG.items() if rule.default}

TEMPLATE = """\
Resources:
  Site:
    Type: AWS::S3::Bucket
    Properties:
      AccessControl: PublicRead
  SitePolicy:
    Type: AWS::S3::BucketPolicy
"""


@pytest.fixture(scope="module")
def validator() -> Any:
    import jsonschema

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)


def render_valid(report: Report, validator: Any) -> dict[str, Any]:
    """Render, validate against the schema and GitHub's extra rules, and return the log."""
    log = json.loads(sarif.render(report))
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
    check_github_requirements(log)
    return log


def check_github_requirements(log: dict[str, Any]) -> None:
    assert log["version"] == "2.1.0" and log["$schema"]
    assert len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "s3lint"
    assert "results" in run  # the upload action rejects a run without it
    assert run["automationDetails"]["id"] == "s3lint/"
    ids = [rule["id"] for rule in driver["rules"]]
    assert len(ids) == len(set(ids))
    for rule in driver["rules"]:
        for text in (rule["id"], rule["shortDescription"]["text"], rule["fullDescription"]["text"],
                     rule["help"]["text"]):
            assert isinstance(text, str) and text.strip(), rule["id"]
        assert len(rule["shortDescription"]["text"]) <= 1024
        assert len(rule["fullDescription"]["text"]) <= 1024
        assert len(rule.get("name", "")) <= 255
        tags = rule.get("properties", {}).get("tags", [])
        assert len(tags) <= 10
        score = rule.get("properties", {}).get("security-severity")
        if score is not None:
            assert isinstance(score, str) and 0.0 < float(score) <= 10.0
    for result in run["results"]:
        assert result["message"]["text"].strip()
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        region = result["locations"][0]["physicalLocation"]["region"]
        assert {"startLine", "startColumn", "endLine", "endColumn"} <= set(region)
        assert (region["endLine"], region["endColumn"]) > (region["startLine"], region["startColumn"])
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert uri and "\\" not in uri
        assert result["partialFingerprints"]


def make_report(root: Path, findings: list[Finding], errors: list[LoadError] | None = None,
                rules: dict[str, Any] | None = None, version: str = "0.1.0",
                notes: list[str] | None = None) -> Report:
    for f in findings:
        path = root / f.loc.path
        if not path.exists() and not Path(f.loc.path).is_absolute():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(TEMPLATE)
        f.severity = f.severity or (CATALOG[f.rule_id].severity if f.rule_id in CATALOG else "medium")
    findings = sorted(findings, key=lambda f: (f.loc.path, f.loc.line, f.loc.column, f.rule_id))
    return Report(findings, errors or [], dict(DEFAULT_RULES if rules is None else rules), str(root),
                  files_scanned=3, version=version, notes=notes or [])


def test_schema_copy_is_the_official_file() -> None:
    assert hashlib.sha256(SCHEMA_PATH.read_bytes()).hexdigest() == SCHEMA_SHA256


def test_empty_report(tmp_path: Path, validator: Any) -> None:
    log = render_valid(make_report(tmp_path, []), validator)
    run = log["runs"][0]
    assert run["results"] == []
    assert run["invocations"] == [{"executionSuccessful": True}]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == sorted(DEFAULT_RULES)
    assert run["columnKind"] == "utf16CodeUnits"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.as_uri() + "/"
    driver = run["tool"]["driver"]
    assert driver["version"] == driver["semanticVersion"] == "0.1.0"
    assert driver["informationUri"] == "https://github.com/s3lint/s3lint"


def test_rule_descriptors(tmp_path: Path, validator: Any) -> None:
    log = render_valid(make_report(tmp_path, [], rules=CATALOG), validator)
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert len(rules) == len(CATALOG)
    s3002 = rules["S3002"]
    assert s3002["name"] == "public-policy"
    assert s3002["shortDescription"]["text"] == CATALOG["S3002"].title
    assert s3002["fullDescription"]["text"].startswith("Flags a bucket policy or access point policy")
    assert "\n" not in s3002["fullDescription"]["text"]
    assert s3002["help"]["markdown"].startswith("# public-policy (S3002)")
    assert "```" not in s3002["help"]["text"]
    assert s3002["helpUri"] == "https://github.com/s3lint/s3lint/blob/main/docs/rules/S3002.md"
    assert s3002["defaultConfiguration"] == {"level": "error"}
    assert s3002["properties"]["precision"] == "high"
    assert "security" in s3002["properties"]["tags"]
    scores = {rule_id: rule["properties"]["security-severity"] for rule_id, rule in rules.items()}
    assert scores["S3002"] == "8.0" and scores["S3003"] == "5.5" and scores["S3004"] == "2.0"
    levels = {rule_id: rule["defaultConfiguration"]["level"] for rule_id, rule in rules.items()}
    assert levels["S3003"] == "warning" and levels["S3010"] == "note"


def test_results(tmp_path: Path, validator: Any) -> None:
    findings = [
        Finding("S3001", "ACL public-read grants READ to AllUsers", Location("tpl/site.yaml", 5, 7, 5, 33), "Site"),
        Finding("S3002", "policy grants s3:PutObject to everyone", Location("tpl/site.yaml", 6, 3), "SitePolicy",
                severity="critical", key="SitePolicy#0"),
        Finding("S3003", "BlockPublicPolicy may be off", Location("tpl/site.yaml", 2, 3), "Site",
                certainty="possible"),
        Finding("S3010", "no default encryption", Location("tpl/site.yaml", 2, 3), "Site"),
    ]
    log = render_valid(make_report(tmp_path, findings), validator)
    results = {r["ruleId"]: r for r in log["runs"][0]["results"]}
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["S3003", "S3010", "S3001", "S3002"]
    s3001 = results["S3001"]
    assert s3001["level"] == "error"
    assert s3001["message"]["text"] == "ACL public-read grants READ to AllUsers (Site)"
    location = s3001["locations"][0]
    assert location["physicalLocation"] == {
        "artifactLocation": {"uri": "tpl/site.yaml", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 5, "startColumn": 7, "endLine": 5, "endColumn": 33}}
    assert location["logicalLocations"] == [{"name": "Site", "kind": "resource"}]
    assert results["S3002"]["level"] == "error"
    assert results["S3002"]["properties"] == {"severity": "critical", "certainty": "definite"}
    assert results["S3003"]["level"] == "warning"
    assert results["S3003"]["properties"]["certainty"] == "possible"
    assert results["S3010"]["level"] == "note"
    # A location without an end gets a one-character region.
    assert results["S3010"]["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 2, "startColumn": 3, "endLine": 2, "endColumn": 4}
    lines = (tmp_path / "tpl/site.yaml").read_text()
    for result in results.values():
        start = result["locations"][0]["physicalLocation"]["region"]["startLine"]
        assert result["partialFingerprints"]["primaryLocationLineHash"] == line_hash(lines, start)
        assert len(result["partialFingerprints"]["s3lint/v1"]) == 32


def test_fingerprints_survive_a_finding_moving_down(tmp_path: Path, validator: Any) -> None:
    before_root, after_root = tmp_path / "before", tmp_path / "after"
    (before_root / "tpl").mkdir(parents=True)
    (after_root / "tpl").mkdir(parents=True)
    (before_root / "tpl/site.yaml").write_text(TEMPLATE)
    (after_root / "tpl/site.yaml").write_text("# a new comment line\n" + TEMPLATE)

    def fingerprints(root: Path, line: int) -> dict[str, str]:
        finding = Finding("S3001", "ACL public-read grants READ to AllUsers",
                          Location("tpl/site.yaml", line, 7), "Site", key=f"bucket@{line}:7")
        log = render_valid(make_report(root, [finding]), validator)
        return log["runs"][0]["results"][0]["partialFingerprints"]

    before = fingerprints(before_root, 5)
    after = fingerprints(after_root, 6)
    assert before == after
    assert set(before) == {"primaryLocationLineHash", "s3lint/v1"}


def test_suppressed_results(tmp_path: Path, validator: Any) -> None:
    findings = [
        Finding("S3040", "versioning off", Location("a.yaml", 2, 3), "Site",
                suppression={"kind": "inline", "justification": "scratch bucket"}),
        Finding("S3030", "no logging", Location("a.yaml", 2, 3), "Site",
                suppression={"kind": "config", "justification": ""}),
    ]
    log = render_valid(make_report(tmp_path, findings), validator)
    results = {r["ruleId"]: r for r in log["runs"][0]["results"]}
    assert results["S3040"]["suppressions"] == [{"kind": "inSource", "justification": "scratch bucket"}]
    assert results["S3030"]["suppressions"] == [{"kind": "external"}]
    # For GitHub, which ignores `suppressions`, they can be left out altogether.
    github_log = json.loads(sarif.render(make_report(tmp_path, findings), include_suppressed=False))
    assert not list(validator.iter_errors(github_log))
    assert github_log["runs"][0]["results"] == []


def test_load_errors(tmp_path: Path, validator: Any) -> None:
    (tmp_path / "bad.json").write_text('{\n  "Version": "2012-10-17",,\n}\n')
    errors = [LoadError("bad.json", "Expecting property name", 2, 27), LoadError("gone.tf", "cannot read", 0, 0)]
    log = render_valid(make_report(tmp_path, [], errors=errors, notes=["remote module skipped"]), validator)
    run = log["runs"][0]
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is False
    notes = invocation["toolExecutionNotifications"]
    assert notes[0] == {
        "level": "error", "message": {"text": "Expecting property name"}, "descriptor": {"id": "S3000"},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": "bad.json", "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": 2, "startColumn": 27}}}]}
    assert notes[1]["locations"][0]["physicalLocation"]["region"] == {"startLine": 1, "startColumn": 1}
    assert notes[2] == {"level": "note", "message": {"text": "remote module skipped"}}
    results = run["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [("S3000", "error"), ("S3000", "error")]
    assert "S3000" in [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert "primaryLocationLineHash" in results[0]["partialFingerprints"]  # bad.json exists
    assert "primaryLocationLineHash" not in results[1]["partialFingerprints"]  # gone.tf does not


def test_unknown_rule_and_long_descriptions(tmp_path: Path, validator: Any) -> None:
    custom = RuleInfo(id="ORG001", name="tagged", title="T" * 2000, severity="low", default=True,
                      precision="high", formats=("terraform",), tags=tuple(f"t{i}" for i in range(15)),
                      what="W " * 1000, why="because", example={}, fix_summary="tag it", fix={},
                      references=())
    findings = [Finding("ORG001", "untagged", Location("a.tf", 1), "aws_s3_bucket.a"),
                Finding("XYZ999", "from nowhere", Location("a.tf", 2), "aws_s3_bucket.a")]
    log = render_valid(make_report(tmp_path, findings, rules={"ORG001": custom}), validator)
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert len(rules["ORG001"]["shortDescription"]["text"]) == 1024
    assert rules["ORG001"]["shortDescription"]["text"].endswith("…")
    assert len(rules["ORG001"]["properties"]["tags"]) == 10
    assert rules["XYZ999"]["shortDescription"]["text"].startswith("XYZ999")


def test_uris_and_utf16_columns(tmp_path: Path, validator: Any) -> None:
    (tmp_path / "my dir").mkdir()
    (tmp_path / "my dir/emoji.tf").write_text('resource "aws_s3_bucket" "b" {\n  tags = { x = "😀😀" } # end\n}\n')
    outside = tmp_path.parent / "outside.yaml"
    findings = [
        Finding("S3040", "versioning off", Location("my dir/emoji.tf", 2, 22, 2, 27), "aws_s3_bucket.b"),
        Finding("S3040", "versioning off", Location(str(outside), 1), "X"),
    ]
    log = render_valid(make_report(tmp_path, findings), validator)
    by_uri = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r for r in log["runs"][0]["results"]}
    emoji = by_uri["my%20dir/emoji.tf"]["locations"][0]["physicalLocation"]
    assert emoji["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
    # Two astral characters before column 22 count as two UTF-16 units each.
    assert emoji["region"] == {"startLine": 2, "startColumn": 24, "endLine": 2, "endColumn": 29}
    absolute = by_uri[outside.as_uri()]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert "uriBaseId" not in absolute


def test_non_semver_version_is_not_a_semantic_version(tmp_path: Path, validator: Any) -> None:
    log = render_valid(make_report(tmp_path, [], version="0.2.0.dev3"), validator)
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["version"] == "0.2.0.dev3" and "semanticVersion" not in driver


def test_schema_rejects_a_broken_log(tmp_path: Path, validator: Any) -> None:
    # The validation above can fail: a log without the required version is rejected.
    log = json.loads(sarif.render(make_report(tmp_path, [])))
    del log["version"]
    assert list(validator.iter_errors(log))


# --------------------------------------------------------------------------------------
# GitHub's primaryLocationLineHash (codeql-action src/fingerprints.ts and its tests)
# --------------------------------------------------------------------------------------

SAME_TEXT_HASHES = ["e9496ae3ebfced30:1", "fb7c023a8b9ccb3f:1", "ce8ba1a563dcdaca:1", "e20e36e16fcb0cc8:1",
                    "b3edc88f2938467e:1", "c8e28b0b4002a3a0:1", "c129715d7a2bc9a3:1"]
VECTORS = [
    ("", ["c129715d7a2bc9a3:1"]),
    (" a\nb\n  \t\tc\n d", ["271789c17abda88f:1", "54703d4cd895b18:1", "180aee12dab6264:1", "a23a3dc5e078b07b:1"]),
    (" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End",
     ["8b7cf3e952e7aeb2:1", "b1ae1287ec4718d9:1", "bff680108adb0fcc:1", "c6805c5e1288b612:1",
      "b86d3392aea1be30:1", "e6ceba753e1a442:1"]),
    (" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n", SAME_TEXT_HASHES),
    (" hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r", SAME_TEXT_HASHES),
    (" hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n", SAME_TEXT_HASHES),
    (" hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n", SAME_TEXT_HASHES),
    ("Lorem ipsum dolor sit amet.\n" * 10,
     ["a7f2ff13bc495cf2:1", "a7f2ff13bc495cf2:2", "a7f2ff13bc495cf2:3", "a7f2ff13bc495cf2:4",
      "a7f2ff13bc495cf2:5", "a7f2ff13bc495cf2:6", "a7f2ff1481e87703:1", "a9cf91f7bbf1862b:1",
      "55ec222b86bcae53:1", "cc97dc7b1d7d8f7b:1", "c129715d7a2bc9a3:1"]),
]


@pytest.mark.parametrize("text,expected", VECTORS)
def test_line_hashes_match_codeql_action(text: str, expected: list[str]) -> None:
    assert line_hashes(text) == expected
    assert rolling_line_hashes(text) == expected
    for number, value in enumerate(expected, start=1):
        assert line_hash(text, number) == value
    assert line_hash(text, len(expected) + 1) == "" and line_hash(text, 0) == ""


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(" \t\r\nab{}=\"é😀\x00")), max_size=400))
def test_fast_hash_equals_the_rolling_port(text: str) -> None:
    assert line_hashes(text) == rolling_line_hashes(text)


def test_line_hasher_reads_files_once_and_skips_missing(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_bytes(b"Resources:\n  B:\xff\n")  # a bad byte decodes as U+FFFD
    hasher = LineHasher(tmp_path)
    assert hasher.get("a.yaml", 2) == FileLineHashes("Resources:\n  B:\ufffd\n").get(2)
    (tmp_path / "a.yaml").unlink()
    assert hasher.get("a.yaml", 1) is not None  # cached
    assert hasher.get("missing.yaml", 1) is None
    assert hasher.get("a.yaml", 99) is None


def test_line_hash_is_fast_enough_for_large_files() -> None:
    import time

    text = TEMPLATE * 20000  # 140,000 lines, 3 MB
    start = time.perf_counter()
    hashes = FileLineHashes(text)
    hashes.get(70000)
    assert time.perf_counter() - start < 2.0  # the line-by-line port takes ~3 s here


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["line", "Lines", "L", "l", "col", "COLUMN", "column", ".yaml", ".TF", ".json",
                                  ":", "12", "3", " ", "-", "–", "to", "and", "x", "é", "K", "\u017f", ".",
                                  "\u0131", "\u0130", "\u212a", "Ine", "\u0131ne", "S", "\n", "_", "yml", "tEmPlAtE"]),
                max_size=12).map("".join))
def test_the_line_reference_pattern_finds_what_the_case_insensitive_pattern_finds(text: str) -> None:
    import re

    from s3lint.reporters import fingerprint

    plain = re.compile(fingerprint.LINE_REFERENCE_TEXT, re.IGNORECASE)
    assert [m.span() for m in fingerprint._LINE_REFERENCE.finditer(text)] == [m.span() for m in plain.finditer(text)]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(" \t\r\nab{}=\"é")), max_size=300), st.lists(st.integers(-1, 40), max_size=60))
def test_line_hashes_asked_in_any_order_are_the_same(text: str, lines: list[int]) -> None:
    # a few lines are counted one by one, many switch to counting every line at once
    every = line_hashes(text)
    hashes = FileLineHashes(text)
    for line in lines:
        assert hashes.get(line) == (every[line - 1] if 1 <= line <= len(every) else None)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(
    st.sampled_from(["S3001", "S3010", "S3000", "X999"]),
    st.sampled_from(["a.yaml", "dir/main.tf", "/abs/out.json", "sp ace#.json"]),
    st.integers(-1, 30), st.integers(-1, 30),
    st.sampled_from(["", "Site", "q\"uote\n", "${var.x}"]),
    st.sampled_from([None, "inline reason", {"kind": "config", "justification": ""}, {"kind": "baseline"}]),
), max_size=5), st.booleans())
def test_the_log_in_pieces_is_json_dumps_of_the_log(tmp_path_factory: pytest.TempPathFactory, rows: list, include: bool) -> None:
    root = tmp_path_factory.mktemp("pieces")
    (root / "a.yaml").write_text("Resources:\n  Site:\n    Type: AWS::S3::Bucket\n" * 3)
    findings = [Finding(rule_id, "message at line 3", Location(path, line, column, 0, 0), resource, suppression=suppression)
                for rule_id, path, line, column, resource, suppression in rows]
    report = Report(findings, [LoadError("bad.yaml", "broken", 2, 1)], {}, str(root), files_scanned=2, version="1.2.3")
    expected = json.dumps(sarif.build(report, include_suppressed=include), indent=2, ensure_ascii=False) + "\n"
    assert sarif.render(report, include_suppressed=include) == expected


def test_a_result_of_another_shape_is_written_as_json_writes_it(tmp_path: Path) -> None:
    odd = Finding("S3001", "m", Location("a.yaml", 2, 3, 2, 9), "Site")
    odd.certainty = 1.5  # type: ignore[assignment]
    report = Report([odd, Finding("S3010", "n", Location("a.yaml", 3, 1), "Site")], [], {}, str(tmp_path), files_scanned=1)
    assert sarif.render(report) == json.dumps(sarif.build(report), indent=2, ensure_ascii=False) + "\n"


def test_the_letters_of_the_line_reference_pattern_match_what_ignorecase_matches() -> None:
    import re

    from s3lint.reporters import fingerprint

    every = "".join(chr(code) for code in range(0x110000) if not 0xD800 <= code <= 0xDFFF)
    for letter in "linescoumtadyjfph":
        assert fingerprint._either_case(letter) == "[" + "".join(re.findall(letter, every, re.IGNORECASE)) + "]"


def test_the_line_hasher_keeps_only_the_last_files(tmp_path: Path) -> None:
    for number in range(LineHasher.KEPT_FILES + 4):
        (tmp_path / f"f{number}.yaml").write_text(f"a: {number}\n")
    hasher = LineHasher(tmp_path)
    first = hasher.get("f0.yaml", 1)
    for number in range(1, LineHasher.KEPT_FILES + 4):
        assert hasher.get(f"f{number}.yaml", 1) == FileLineHashes(f"a: {number}\n").get(1)
    assert len(hasher._texts) == len(hasher._hashes) == LineHasher.KEPT_FILES
    assert hasher.get("f0.yaml", 1) == first  # read again when asked again


@pytest.mark.parametrize("count", [499, 500, 1000, 1001])
def test_a_log_of_whole_pieces_of_results_is_the_log(tmp_path: Path, count: int) -> None:
    findings = [Finding("S3001", "m", Location("a.yaml", line, 1), "Site") for line in range(1, count + 1)]
    report = Report(findings, [], {}, str(tmp_path), files_scanned=1, version="1.2.3")
    assert sarif.render(report) == json.dumps(sarif.build(report), indent=2, ensure_ascii=False) + "\n"
