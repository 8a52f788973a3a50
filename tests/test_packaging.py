"""The wheel ships the rule files, and the pre-commit hook works through real pre-commit.

These tests build and install for real (into temporary virtual environments), so they are
the slowest of the suite; they need the package index that pip is configured with.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

BAD_TEMPLATE = """\
Resources:
  Site:
    Type: AWS::S3::Bucket
    Properties:
      AccessControl: PublicReadWrite
      OwnershipControls:
        Rules:
          - ObjectOwnership: ObjectWriter
      PublicAccessBlockConfiguration:
        BlockPublicAcls: false
        IgnorePublicAcls: false
"""

GOOD_POLICY = """\
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "DenyInsecureTransport",
      "Effect": "Deny",
      "Principal": "*",
      "Action": "s3:*",
      "Resource": ["arn:aws:s3:::acme-data", "arn:aws:s3:::acme-data/*"],
      "Condition": {"Bool": {"aws:SecureTransport": "false"}}
    }
  ]
}
"""


def _run(cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


def test_wheel_ships_the_rules_and_lists_them(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheels), str(REPO)])
    assert built.returncode == 0, built.stderr
    [wheel] = list(wheels.glob("s3lint-*.whl"))
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    installed = _run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)])
    assert installed.returncode == 0, installed.stderr
    listed = _run([str(env_dir / "bin" / "s3lint"), "--list-rules", "--format", "json"], cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert '"S3002"' in listed.stdout and '"public-policy"' in listed.stdout
    where = _run([str(python), "-c", "import s3lint.catalog as c; print(c.rules_dir())"], cwd=tmp_path)
    assert str(env_dir) in where.stdout and where.stdout.strip().endswith("_rules")


@pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")
def test_pre_commit_try_repo_fails_on_bad_and_passes_on_good(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "bad.yaml").write_text(BAD_TEMPLATE)
    (project / "good.json").write_text(GOOD_POLICY)
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "cache"), GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@t")
    for cmd in (["git", "init", "-q"], ["git", "add", "."], ["git", "commit", "-qm", "init"]):
        assert _run(cmd, cwd=project, env=env).returncode == 0
    pre_commit = [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "s3lint"]
    bad = _run(pre_commit + ["--files", "bad.yaml"], cwd=project, env=env)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "S3001" in bad.stdout
    good = _run(pre_commit + ["--files", "good.json"], cwd=project, env=env)
    assert good.returncode == 0, good.stdout + good.stderr
