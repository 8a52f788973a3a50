"""Text, JSON, GitHub, JUnit and statistics output, and s3lint's own fingerprint."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from s3lint.catalog import load_catalog
from s3lint.model import Finding, LoadError
from s3lint.report import Report
from s3lint.reporters import REPORTERS, get_renderer, github, json_report, junit, statistics, text
from s3lint.reporters.fingerprint import finding_fingerprint, normalize_message
from s3lint.source import Location
from s3lint.symbols import symbol

CATALOG = load_catalog()
DEFAULT_RULES = {rule_id: rule for rule_id, rule in CATALOG.items() if rule.default}

SITE = """\
Resources:
  Site:
    Type: AWS::S3::Bucket
    Properties:
      AccessControl: PublicRead
"""


def finding(rule_id: str, path: str, line: int, message: str = "something is wrong",
            resource: str = "Site", **kwargs) -> Finding:
    return Finding(rule_id, message, Location(path, line, 3, line, 9), resource, **kwargs)


def make_report(root: Path, findings: list[Finding], errors: list[LoadError] | None = None,
                files_scanned: int = 4, notes: list[str] | None = None) -> Report:
    for f in findings:
        path = root / f.loc.path
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(SITE)
    ordered = sorted(findings, key=lambda f: (f.loc.path, f.loc.line, f.loc.column, f.rule_id))
    for f in ordered:  # the runner sets every finding's severity
        f.severity = f.severity or CATALOG[f.rule_id].severity
    return Report(ordered, errors or [], dict(DEFAULT_RULES), str(root), files_scanned=files_scanned,
                  version="0.1.0", notes=notes or [])


@pytest.fixture
def sample(tmp_path: Path) -> Report:
    return make_report(tmp_path, [
        finding("S3001", "templates/site.yaml", 5, "Bucket ACL public-read grants READ to AllUsers"),
        finding("S3002", "templates/site.yaml", 2, "policy is public", severity="critical"),
        finding("S3003", "templates/site.yaml", 2, "BPA incomplete", certainty="possible"),
        finding("S3040", "main.tf", 4, "versioning is off", resource="aws_s3_bucket.logs"),
        finding("S3010", "main.tf", 4, "no encryption", resource="aws_s3_bucket.logs",
                suppression={"kind": "inline", "justification": "legacy"}),
    ], errors=[LoadError("broken.json", "Expecting ',' delimiter", 3, 7)], notes=["skipped module x"])


# --------------------------------------------------------------------------------------
# text
# --------------------------------------------------------------------------------------

def test_text_lines_grouped_by_file(sample: Report) -> None:
    out = text.render(sample)
    lines = out.splitlines()
    assert lines[0] == "broken.json:3:7: S3000 [high] Expecting ',' delimiter"
    assert lines[1] == ""
    assert lines[2] == "main.tf:4:3: S3040 [medium] versioning is off (aws_s3_bucket.logs)"
    assert lines[3] == ""
    assert lines[4] == "templates/site.yaml:2:3: S3002 [critical] policy is public (Site)"
    assert lines[5] == "templates/site.yaml:2:3: S3003 [medium, possible] BPA incomplete (Site)"
    assert lines[6].startswith("templates/site.yaml:5:3: S3001 [high] Bucket ACL public-read")
    assert "S3010" not in out  # suppressed findings are not shown
    assert "note: skipped module x" in out
    assert lines[-1] == ("Found 5 problems (1 critical, 2 high, 2 medium) in 3 files; "
                         "1 file could not be parsed; 1 suppressed.")
    assert "\x1b[" not in out


def test_text_colour_only_when_asked(sample: Report) -> None:
    plain = text.render(sample)
    coloured = text.render(sample, color=True)
    assert "\x1b[31m[high]\x1b[0m" in coloured
    assert "\x1b[1;35m[critical]\x1b[0m" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain


def test_text_clean_report(tmp_path: Path) -> None:
    assert text.render(make_report(tmp_path, [], files_scanned=12)) == "No problems found in 12 files.\n"
    assert text.render(make_report(tmp_path, [], files_scanned=1)) == "No problems found in 1 file.\n"


def test_text_only_suppressed(tmp_path: Path) -> None:
    report = make_report(tmp_path, [finding("S3040", "a.yaml", 2, suppression="reviewed")])
    assert text.render(report) == "No problems found in 4 files; 1 suppressed.\n"


def test_text_singular_and_symbols(tmp_path: Path) -> None:
    report = make_report(tmp_path, [finding("S3020", "a.yaml", 2, f"bucket {symbol('bucket:Logs')} allows http",
                                            resource="LogsBucket")], files_scanned=1)
    out = text.render(report)
    assert "a.yaml:2:3: S3020 [medium] bucket ${bucket:Logs} allows http (LogsBucket)" in out
    assert out.endswith("Found 1 problem (1 medium) in 1 file.\n")


def test_text_indents_continuation_lines(tmp_path: Path) -> None:
    report = make_report(tmp_path, [finding("S3060", "a.json", 2, "two problems:\n- Version\r\n- Effect")])
    assert "a.json:2:3: S3060 [medium] two problems:\n    - Version\n    - Effect (Site)\n" in text.render(report)


def test_text_does_not_repeat_a_resource_already_in_the_message(tmp_path: Path) -> None:
    report = make_report(tmp_path, [finding("S3040", "a.yaml", 2, "bucket 'Site' is not versioned")])
    assert "bucket 'Site' is not versioned\n" in text.render(report)


def test_load_error_already_reported_as_s3000_is_not_doubled(tmp_path: Path) -> None:
    error = LoadError("bad.yaml", "mapping values are not allowed here", 4, 2)
    s3000 = Finding("S3000", error.message, Location("bad.yaml", 4, 2), "bad.yaml", key=error.message)
    report = make_report(tmp_path, [s3000], errors=[error])
    out = text.render(report)
    assert out.count("S3000") == 1
    assert "bad.yaml:4:2: S3000 [high] mapping values are not allowed here\n" in out  # path not repeated


# --------------------------------------------------------------------------------------
# json
# --------------------------------------------------------------------------------------

def test_json_schema(sample: Report) -> None:
    data = json.loads(json_report.render(sample))
    assert data["version"] == 1
    assert data["tool"] == {"name": "s3lint", "version": "0.1.0",
                            "information_uri": "https://github.com/s3lint/s3lint"}
    assert [f["rule_id"] for f in data["findings"]] == ["S3000", "S3010", "S3040", "S3002", "S3003", "S3001"]
    keys = {"rule_id", "rule_name", "severity", "certainty", "message", "path", "line", "column",
            "end_line", "end_column", "resource", "fingerprint", "suppressed"}
    assert all(set(f) == keys for f in data["findings"])
    s3040 = next(f for f in data["findings"] if f["rule_id"] == "S3040")
    assert s3040 | {"fingerprint": None} == {
        "rule_id": "S3040", "rule_name": "versioning-disabled", "severity": "medium",
        "certainty": "definite", "message": "versioning is off", "path": "main.tf", "line": 4,
        "column": 3, "end_line": 4, "end_column": 9, "resource": "aws_s3_bucket.logs",
        "fingerprint": None, "suppressed": None}
    assert re.fullmatch(r"[0-9a-f]{32}", s3040["fingerprint"])
    s3010 = next(f for f in data["findings"] if f["rule_id"] == "S3010")
    assert s3010["suppressed"] == {"kind": "inSource", "justification": "legacy"}
    assert data["errors"] == [{"path": "broken.json", "line": 3, "column": 7,
                               "message": "Expecting ',' delimiter"}]
    assert data["notes"] == ["skipped module x"]
    assert data["summary"] == {
        "files_scanned": 4, "files_with_problems": 3, "files_not_parsed": 1, "problems": 5,
        "suppressed": 1, "by_severity": {"critical": 1, "high": 2, "medium": 2, "low": 0}}


def test_json_empty(tmp_path: Path) -> None:
    data = json.loads(json_report.render(make_report(tmp_path, [])))
    assert data["findings"] == [] and data["errors"] == []
    assert data["summary"]["problems"] == 0


def test_json_suppression_kinds(tmp_path: Path) -> None:
    class Suppression:
        kind = "baseline"
        justification = "accepted in review"

    report = make_report(tmp_path, [finding("S3040", "a.yaml", 2, suppression=Suppression())])
    assert json.loads(json_report.render(report))["findings"][0]["suppressed"] == {
        "kind": "external", "justification": "accepted in review"}


# --------------------------------------------------------------------------------------
# github
# --------------------------------------------------------------------------------------

_COMMAND = re.compile(r"^::(error|warning|notice) ((?:[A-Za-z]+=[^,:]*)(?:,[A-Za-z]+=[^,:]*)*)::(.*)$")


def _unescape(value: str) -> str:
    return (value.replace("%2C", ",").replace("%3A", ":").replace("%0A", "\n")
            .replace("%0D", "\r").replace("%25", "%"))


def _parse_command(line: str) -> tuple[str, dict[str, str], str]:
    match = _COMMAND.match(line)
    assert match, line
    props = dict(item.split("=", 1) for item in match.group(2).split(","))
    return match.group(1), {k: _unescape(v) for k, v in props.items()}, _unescape(match.group(3))


def test_github_commands_parse(sample: Report) -> None:
    lines = github.render(sample).splitlines()
    assert len(lines) == 5  # the suppressed finding is left out
    parsed = [_parse_command(line) for line in lines]
    level, props, message = parsed[1]
    assert level == "warning"
    assert props == {"file": "main.tf", "line": "4", "col": "3", "endLine": "4", "endColumn": "9",
                     "title": "S3040 versioning-disabled"}
    assert message == "[medium] versioning is off (aws_s3_bucket.logs)"
    assert [p[0] for p in parsed] == ["error", "warning", "error", "warning", "error"]
    assert parsed[3][2].startswith("[medium, possible]")


def test_github_escaping(tmp_path: Path) -> None:
    report = make_report(tmp_path, [
        finding("S3004", "dir,with:odd/a.yaml", 2, "100% of\r\nthe data, really: yes", resource="")])
    line = github.render(report).rstrip("\n")
    assert "\n" not in line
    assert "file=dir%2Cwith%3Aodd/a.yaml," in line
    level, props, message = _parse_command(line)
    assert level == "notice"  # S3004 is low
    assert props["file"] == "dir,with:odd/a.yaml"
    assert message == "[low] 100% of\r\nthe data, really: yes"


def test_github_empty(tmp_path: Path) -> None:
    assert github.render(make_report(tmp_path, [])) == ""


def test_github_escape_functions() -> None:
    assert github.escape_data("a%b\r\nc") == "a%25b%0D%0Ac"
    assert github.escape_property("a:b,c%") == "a%3Ab%2Cc%25"


# --------------------------------------------------------------------------------------
# junit
# --------------------------------------------------------------------------------------

def test_junit_parses_and_counts(sample: Report) -> None:
    out = junit.render(sample)
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ET.fromstring(out.split("\n", 1)[1])
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped")) == ("7", "4", "1", "1")
    suites = {suite.get("name"): suite for suite in root.findall("testsuite")}
    assert list(suites) == ["broken.json", "main.tf", "templates/site.yaml", "s3lint"]
    site = suites["templates/site.yaml"]
    assert site.get("tests") == "3" and site.get("failures") == "3"
    failure = site.find("testcase/failure")
    assert failure is not None and failure.get("type") == "S3002 critical"
    assert "https://github.com/s3lint/s3lint/blob/main/docs/rules/S3002.md" in (failure.text or "")
    assert suites["broken.json"].find("testcase/error").get("message") == "Expecting ',' delimiter"
    assert suites["main.tf"].find("testcase/skipped").get("message") == "suppressed: legacy"
    # The two files scanned without findings are represented by one passing case.
    passing = suites["s3lint"].findall("testcase")
    assert len(passing) == 1 and list(passing[0]) == []


def test_junit_passing_case_per_listed_clean_file(tmp_path: Path) -> None:
    report = make_report(tmp_path, [finding("S3040", "a.yaml", 2)], files_scanned=3)
    report_with_files = type("R", (), {})()  # a report that also names its files
    for name in ("findings", "errors", "rules", "root", "files_scanned", "version", "notes"):
        setattr(report_with_files, name, getattr(report, name))
    report_with_files.files = ["a.yaml", "b.yaml", "c.tf"]
    root = ET.fromstring(junit.render(report_with_files).split("\n", 1)[1])  # type: ignore[arg-type]
    names = [suite.get("name") for suite in root.findall("testsuite")]
    assert names == ["a.yaml", "b.yaml", "c.tf"]
    assert root.get("tests") == "3" and root.get("failures") == "1"


def test_junit_escapes_markup_and_control_characters(tmp_path: Path) -> None:
    report = make_report(tmp_path, [
        finding("S3060", "a.json", 2, 'bad <Version> & "quotes" \x00\x1b here', resource="P&Q")])
    out = junit.render(report)
    root = ET.fromstring(out.split("\n", 1)[1])  # parses: nothing unescaped or illegal
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None
    assert failure.get("message") == 'bad <Version> & "quotes" \ufffd\ufffd here (P&Q)'
    assert root.find("testsuite/testcase").get("name") == "S3060 invalid-policy at line 2 (P&Q)"


def test_junit_empty(tmp_path: Path) -> None:
    root = ET.fromstring(junit.render(make_report(tmp_path, [], files_scanned=0)).split("\n", 1)[1])
    assert root.get("tests") == "0" and root.findall("testsuite") == []


# --------------------------------------------------------------------------------------
# statistics, registry
# --------------------------------------------------------------------------------------

def test_statistics(tmp_path: Path) -> None:
    report = make_report(tmp_path, [
        finding("S3040", "a.yaml", 2), finding("S3040", "b.yaml", 2), finding("S3002", "a.yaml", 3),
        finding("S3001", "a.yaml", 4, suppression="ok")])
    lines = statistics.render(report).splitlines()
    assert lines[0] == "2  S3040  medium    versioning-disabled"
    assert lines[1] == "1  S3002  high      public-policy"
    assert lines[2].startswith("Found 3 problems")


def test_registry_names_every_format() -> None:
    assert set(REPORTERS) == {"text", "json", "sarif", "github", "junit"}
    assert get_renderer("github") is github.render
    with pytest.raises(KeyError):
        get_renderer("xml")


# --------------------------------------------------------------------------------------
# s3lint's own fingerprint
# --------------------------------------------------------------------------------------

def test_fingerprint_survives_moving_lines() -> None:
    before = Finding("S3002", "bucket 'Site': policy is public", Location("t.yaml", 10, 5), "Site",
                     key="SitePolicy#0:12")
    after = Finding("S3002", "bucket 'Site': policy is public", Location("t.yaml", 14, 7, 14, 30), "Site",
                    key="SitePolicy#0:16")
    assert finding_fingerprint(before) == finding_fingerprint(after)


@pytest.mark.parametrize("change", [
    {"rule_id": "S3006"}, {"resource": "Other"}, {"key": "SitePolicy#1"},
    {"message": "bucket 'Site': policy is public for writes"}, {"path": "other.yaml"},
])
def test_fingerprint_tells_findings_apart(change: dict) -> None:
    base = {"rule_id": "S3002", "message": "bucket 'Site': policy is public", "path": "t.yaml",
            "resource": "Site", "key": "SitePolicy#0"}
    changed = base | change

    def make(values: dict) -> Finding:
        return Finding(values["rule_id"], values["message"], Location(values["path"], 3), values["resource"],
                       key=values["key"])

    assert finding_fingerprint(make(base)) != finding_fingerprint(make(changed))


def test_fingerprint_ignores_line_numbers_in_messages_and_path_separators() -> None:
    one = Finding("S3060", "statement at line 12 repeats t.yaml:12:4", Location("dir\\t.yaml", 12), "P")
    two = Finding("S3060", "statement at line 40 repeats  t.yaml:40:1", Location("dir/t.yaml", 40), "P")
    assert finding_fingerprint(one) == finding_fingerprint(two)
    assert normalize_message("account 123456789012 in arn:aws:iam::123456789012:root") == \
        "account 123456789012 in arn:aws:iam::123456789012:root"  # account ids are kept


# --- the indented JSON writer ------------------------------------------------------------

_JSON_SCALARS = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True)
    | st.text() | st.sampled_from(["{", "[", "", "a\"b\\c\n\u2028é😀\x00\ud800"])
)
_JSON_VALUES = st.recursive(
    _JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.lists(inner, max_size=3).map(tuple)
    | st.dictionaries(st.text(max_size=4), inner, max_size=4),
    max_leaves=30,
)


@settings(max_examples=500, deadline=None)
@given(_JSON_VALUES)
def test_the_indented_json_writer_writes_what_json_dumps_writes(value: object) -> None:
    from s3lint.reporters._json import dumps_indented

    assert dumps_indented(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_the_indented_json_writer_hands_anything_else_to_json_dumps() -> None:
    from s3lint.reporters._json import dumps_indented
    from s3lint.source import LStr

    shared: list[int] = [1]
    for value in ({"a": shared, "b": shared}, {1: "int key"}, {"located": LStr("x", 3, 4), LStr("k", 1, 1): [2.5]}):
        assert dumps_indented(value) == json.dumps(value, indent=2, ensure_ascii=False)
    loop: list[object] = []
    loop.append(loop)
    with pytest.raises(ValueError):
        dumps_indented(loop)
    with pytest.raises(TypeError):
        dumps_indented({"a": object()})


# --- the JSON report, written in pieces ---------------------------------------------------

_TEXTS = st.text(max_size=12) | st.sampled_from(["", "a\"b\\c\n\u2028é😀\x00", '\n  "findings": [],', "line 12"])
_SUPPRESSIONS = st.none() | _TEXTS | st.fixed_dictionaries(
    {"kind": st.sampled_from(["inline", "config", "baseline"]), "justification": _TEXTS})


@st.composite
def _json_findings(draw: st.DrawFn) -> list[Finding]:
    findings = []
    for _ in range(draw(st.integers(0, 4))):
        line = draw(st.integers(1, 400))
        loc = Location(draw(st.sampled_from(["a.yaml", "dir/main.tf", 'q"uote.json'])), line,
                       draw(st.integers(0, 300)), draw(st.integers(0, 3)) and line + 1, draw(st.integers(0, 300)))
        findings.append(Finding(
            draw(st.sampled_from(["S3001", "S3010", "S3060", "S3000", "X999"])), draw(_TEXTS), loc, draw(_TEXTS),
            certainty=draw(st.sampled_from(["definite", "possible"])),
            severity=draw(st.sampled_from([None, "low", "critical", "odd"])),
            key=draw(st.sampled_from(["", "Site@3:4", "k"])),
            suppression=draw(_SUPPRESSIONS),
        ))
    return findings


@settings(max_examples=300, deadline=None)
@given(findings=_json_findings(), errors=st.lists(st.builds(LoadError, _TEXTS, _TEXTS, st.integers(0, 9), st.integers(0, 9)), max_size=2),
       root=_TEXTS)
def test_the_json_report_in_pieces_is_json_dumps_of_the_document(findings: list[Finding], errors: list[LoadError], root: str) -> None:
    report = Report(findings, errors, dict(DEFAULT_RULES), root, files_scanned=3, version="0.1.0", notes=["n"])
    expected = json.dumps(json_report.build(report), indent=2, ensure_ascii=False) + "\n"
    assert json_report.render(report) == expected
    assert "".join(json_report.render_pieces(report)) == expected


def test_a_finding_with_values_of_other_types_is_written_as_json_writes_them(tmp_path: Path) -> None:
    odd = finding("S3001", "a.yaml", 5)
    odd.loc = Location("a.yaml", True, 2.5, 7, 1)  # type: ignore[arg-type]
    report = make_report(tmp_path, [odd, finding("S3010", "b.yaml", 2)])
    assert json_report.render(report) == json.dumps(json_report.build(report), indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize(("count", "pieces"), [(1201, 4), (1000, 4), (500, 3), (499, 2)])
def test_a_big_json_report_comes_in_several_pieces(tmp_path: Path, count: int, pieces: int) -> None:
    report = make_report(tmp_path, [finding("S3001", "a.yaml", line) for line in range(1, count + 1)])
    written = list(json_report.render_pieces(report))
    assert len(written) == pieces  # the head, a piece a full batch of 500 findings, the rest with the tail
    assert "".join(written) == json.dumps(json_report.build(report), indent=2, ensure_ascii=False) + "\n"
    assert json.loads("".join(written))["summary"]["problems"] == count


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=3), max_size=12), st.integers(1, 5))
def test_texts_joined_in_pieces_are_texts_joined(texts: list[str], size: int) -> None:
    from s3lint.reporters._json import joined_in_pieces

    pieces = list(joined_in_pieces("[", iter(texts), "]", size))
    assert "".join(pieces) == "[" + ",".join(texts) + "]"
    assert len(pieces) == 2 + len(texts) // size
