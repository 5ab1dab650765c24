"""The pre-commit framework's `qms-push` hook checks every update a push makes to a protected branch, not only
the first ref update (the one the framework hands to a hook), run by the real `pre-commit` tool."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders import AUTHOR, PEOPLE, commit, doc_path, git, make_document
from tests.helpers_hooks import commit_as, with_qms_on_path
from tests.test_install_pre_commit_framework import framework_config

QP1 = doc_path("QP-001")
REFUSED = f"{QP1}:5: QMS010 error"


@pytest.fixture
def pushed(qms_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A repository under the framework's pre-push hook whose main is on `origin`; then a harmless `feature`
    branch, and on main a commit the server refuses (QP-001 edited without a new revision)."""
    pytest.importorskip("pre_commit")
    with_qms_on_path(monkeypatch)
    monkeypatch.setenv("PRE_COMMIT_HOME", str(tmp_path / "pre-commit-home"))
    commit(qms_repo, {".pre-commit-config.yaml": framework_config("qms-push"), QP1: make_document("QP-001")},
           "QP-001: issue", author=PEOPLE["quality-manager"])
    installed = subprocess.run([sys.executable, "-m", "pre_commit", "install", "--hook-type", "pre-push"],
                               cwd=qms_repo, capture_output=True, text=True)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(qms_repo, "remote", "add", "origin", str(remote))
    first = git(qms_repo, "push", "-q", "origin", "main", check=False)
    assert first.returncode == 0, first.stdout + first.stderr
    git(qms_repo, "switch", "-q", "-c", "feature")
    commit(qms_repo, {"notes.txt": "work in progress\n"}, "Notes")
    git(qms_repo, "switch", "-q", "main")
    commit_as(qms_repo, {QP1: make_document("QP-001", body="# Edited in place\n", sign=False)}, "QP-001: quick fix",
              AUTHOR)
    return qms_repo, remote


@pytest.mark.parametrize("order", [("feature", "main"), ("main", "feature")])
def test_a_push_of_several_branches_checks_the_protected_one_whatever_its_place(
        pushed: tuple[Path, Path], order: tuple[str, str]) -> None:
    repo, remote = pushed
    refused = git(repo, "push", "-q", "origin", *order, check=False)
    assert refused.returncode == 1 and REFUSED in refused.stdout + refused.stderr, refused.stdout + refused.stderr
    assert git(remote, "rev-parse", "main").stdout != git(repo, "rev-parse", "main").stdout
    assert git(remote, "branch", "--list", "feature").stdout == ""  # git pushes nothing when the hook refuses


def test_a_clean_local_main_lets_other_branches_through(pushed: tuple[Path, Path]) -> None:
    """A local protected branch ahead of the remote's is judged as if pushed (the framework cannot say whether
    it is): once it is back in line with the remote, a feature branch pushes."""
    repo, remote = pushed
    refused = git(repo, "push", "-q", "origin", "feature", check=False)
    assert refused.returncode == 1 and REFUSED in refused.stdout + refused.stderr
    assert "`git branch -f main origin/main` from another branch" in refused.stdout + refused.stderr
    git(repo, "reset", "-q", "--keep", "origin/main")
    done = git(repo, "push", "-q", "origin", "feature", check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert git(remote, "rev-parse", "feature").stdout == git(repo, "rev-parse", "feature").stdout
