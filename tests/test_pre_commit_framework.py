"""The real pre-commit tool, with this repository as a hook repository (.pre-commit-hooks.yaml).

pre-commit clones the hook repository at `rev` and pip-installs it into an environment of its own
(from PyPI: this test needs the network). The clone is of a commit made from this checkout's files
as they are now (tracked and new, not ignored), so the test checks what is about to be committed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders import AUTHOR, PEOPLE, commit, doc_path, git, make_document
from tests.helpers_hooks import CHECKOUT, commit_as

QP1 = doc_path("QP-001")


def hook_repository(where: Path) -> tuple[Path, str]:
    """A git repository holding the checkout's current files, and its commit id."""
    files = git(CHECKOUT, "ls-files", "-z", "--cached", "--others", "--exclude-standard").stdout.split("\0")
    repo = where / "qms-docs"
    for rel in filter(None, files):
        source = CHECKOUT / rel
        if source.is_file():
            (repo / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, repo / rel)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    return repo, commit(repo, {}, "snapshot of the checkout", author=AUTHOR)


def pre_commit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=cwd, capture_output=True, text=True)


@pytest.mark.skipif(shutil.which("pip") is None and shutil.which("pip3") is None, reason="pip is needed")
def test_pre_commit_runs_the_checks_from_this_repository(qms_repo: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pre_commit")
    monkeypatch.setenv("PRE_COMMIT_HOME", str(tmp_path / "pre-commit-home"))
    hooks, rev = hook_repository(tmp_path)
    config = (f"repos:\n  - repo: {hooks}\n    rev: {rev}\n"
              f"    hooks:\n      - id: qms-check\n      - id: qms-commit-msg\n")
    commit(qms_repo, {".pre-commit-config.yaml": config, QP1: make_document("QP-001")}, "QP-001: issue",
           author=PEOPLE["quality-manager"])
    installed = pre_commit("install", "--hook-type", "pre-commit", "--hook-type", "commit-msg", cwd=qms_repo)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    warmed = pre_commit("install-hooks", cwd=qms_repo)  # builds the environment (pip install from PyPI)
    assert warmed.returncode == 0, warmed.stdout + warmed.stderr

    silent = commit_as(qms_repo, {QP1: make_document("QP-001", body="# Edited in place\n", sign=False)},
                       "QP-001: quick fix", AUTHOR)
    assert silent.returncode == 1
    assert "qms check (controlled documents)" in silent.stdout + silent.stderr
    assert f"{QP1}:5: QMS010 error" in silent.stdout + silent.stderr

    draft = {QP1: make_document("QP-001", revision=2, status="draft")}
    unnamed = commit_as(qms_repo, draft, "Start the next revision", AUTHOR)
    assert unnamed.returncode == 1 and "QMS050" in unnamed.stdout + unnamed.stderr
    named = commit_as(qms_repo, draft, "QP-001: start revision 2", AUTHOR)
    assert named.returncode == 0, named.stdout + named.stderr
