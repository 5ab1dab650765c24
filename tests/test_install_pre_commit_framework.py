"""Issues 10.7 and 10.10 under the pre-commit framework: the `qms-merge-ids` and `qms-push` entries of
.pre-commit-hooks.yaml, run by the real `pre-commit` tool.

The entries are taken from .pre-commit-hooks.yaml as they are, in a `repo: local` configuration with
`language: system` (the `qms` on PATH), so no environment is built from PyPI: what is tested is the
entry, its stage, and how the framework hands git's arguments to it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.builders import AUTHOR, PEOPLE, commit, doc_path, git, make_document
from tests.helpers_hooks import CHECKOUT, commit_as, with_qms_on_path

QP1 = doc_path("QP-001")


def framework_config(*ids: str) -> str:
    offered = {h["id"]: h for h in yaml.safe_load((CHECKOUT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    hooks = [{**{k: v for k, v in offered[i].items() if k != "minimum_pre_commit_version"}, "language": "system"}
             for i in ids]
    return yaml.safe_dump({"repos": [{"repo": "local", "hooks": hooks}]}, sort_keys=False, width=1000)


@pytest.fixture
def repo(qms_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    pytest.importorskip("pre_commit")
    with_qms_on_path(monkeypatch)
    monkeypatch.setenv("PRE_COMMIT_HOME", str(tmp_path / "pre-commit-home"))
    commit(qms_repo, {".pre-commit-config.yaml": framework_config("qms-merge-ids", "qms-push"),
                      QP1: make_document("QP-001")}, "QP-001: issue", author=PEOPLE["quality-manager"])
    installed = subprocess.run([sys.executable, "-m", "pre_commit", "install", "--hook-type", "pre-merge-commit",
                                "--hook-type", "pre-push"], cwd=qms_repo, capture_output=True, text=True)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return qms_repo


def test_the_framework_refuses_a_merge_that_holds_one_id_twice(repo: Path) -> None:
    draft = make_document("FRM-002", status="draft")
    git(repo, "switch", "-q", "-c", "training")
    commit(repo, {"controlled/forms/FRM-002-training.md": draft}, "FRM-002: draft")
    git(repo, "switch", "-q", "main")
    commit(repo, {"controlled/forms/FRM-002-calibration.md": draft}, "FRM-002: draft")
    merged = git(repo, "merge", "--no-edit", "training", check=False)
    assert merged.returncode != 0 and "QMS004 error: id FRM-002 is also used by" in merged.stdout + merged.stderr
    git(repo, "merge", "--abort")


def test_the_framework_runs_the_push_checks_on_a_protected_branch(repo: Path, tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(repo, "remote", "add", "origin", str(remote))
    first = git(repo, "push", "-q", "origin", "main", check=False)
    assert first.returncode == 0, first.stdout + first.stderr

    commit_as(repo, {QP1: make_document("QP-001", body="# Edited in place\n", sign=False)}, "QP-001: quick fix",
              AUTHOR)
    refused = git(repo, "push", "-q", "origin", "main", check=False)
    assert refused.returncode == 1 and f"{QP1}:5: QMS010 error" in refused.stdout + refused.stderr
    assert git(remote, "rev-parse", "main").stdout != git(repo, "rev-parse", "main").stdout

    git(repo, "switch", "-q", "-c", "draft-work")  # an unprotected branch is not judged
    git(repo, "branch", "-f", "main", "origin/main")  # (a local main ahead of origin's is: see test_evidence_framework_push)
    assert git(repo, "push", "-q", "origin", "draft-work", check=False).returncode == 0
