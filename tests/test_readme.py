"""The README shows real output: the 30-second example is re-run and compared."""

from __future__ import annotations

import re
from pathlib import Path

from s3lint.cli import main

REPO = Path(__file__).resolve().parent.parent


def test_readme_example_output_is_what_s3lint_prints(capsys, monkeypatch) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```console\n\$ s3lint (\S+)\n(.*?)\n\$ echo \$\?\n(\d)\n```", readme, re.S)
    assert block, "README has no console example"
    path, shown, code = block.group(1), block.group(2), int(block.group(3))
    monkeypatch.chdir(REPO / "examples")
    assert main([path, "--isolated", "--color", "never"]) == code
    assert capsys.readouterr().out.rstrip() == shown.rstrip()


def test_readme_has_exactly_the_two_set_up_commands() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    setup = readme.split("## Set up", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.*?)\n```", setup, re.S)
    assert commands == [
        "python3 -m pip install . && s3lint examples/",
        "python3 -m pip install -e '.[test]' && python3 -m pytest",
    ]
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install --disable-pip-version-check --quiet -e '.[test]'" in ci and "python3 -m pytest" in ci


def test_every_rule_is_in_the_readme_table() -> None:
    from s3lint.catalog import load_catalog

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for rule in load_catalog().values():
        assert f"| [{rule.id}](docs/rules/{rule.id}.md) | {rule.name} |" in readme
