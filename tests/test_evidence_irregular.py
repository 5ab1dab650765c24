"""A git entry named `*.md` below the documents folder that is not a regular file (a symbolic link, or a
submodule's gitlink) is a QMS001 finding naming the path in the index and in a commit, never skipped."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.builders import commit, doc_path, git, make_document

LINK, MODULE = "controlled/procedures/QP-008.md", "controlled/procedures/QP-009.md"


def check(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["qms", "check", *args, "--repo", str(repo)], capture_output=True, text=True)


@pytest.fixture
def staged(qms_repo: Path) -> Path:
    """A valid QP-001, a symbolic link and a gitlink staged below the documents folder."""
    commit(qms_repo, {doc_path("QP-001"): make_document("QP-001")}, "QP-001: issue")
    (qms_repo / LINK).symlink_to("QP-001.md")
    git(qms_repo, "add", LINK)
    head = git(qms_repo, "rev-parse", "HEAD").stdout.strip()
    git(qms_repo, "update-index", "--add", "--cacheinfo", f"160000,{head},{MODULE}")
    return qms_repo


def findings(out: str) -> list[str]:
    return [line for line in out.splitlines() if "QMS001" in line]


EXPECTED = [f"{LINK}: QMS001 error: is not a regular file: git holds a symbolic link; a controlled document must "
            f"be a regular file",
            f"{MODULE}: QMS001 error: is not a regular file: git holds a submodule (a commit of another repository); "
            f"a controlled document must be a regular file"]


def test_the_index_reports_each_entry_that_is_not_a_regular_file(staged: Path) -> None:
    done = check(staged, "--staged")
    assert done.returncode == 1 and findings(done.stdout) == EXPECTED, done.stdout + done.stderr


def test_a_commit_reports_each_entry_that_is_not_a_regular_file(staged: Path) -> None:
    git(staged, "commit", "-q", "--no-verify", "-m", "QP-008 QP-009: not files")
    done = check(staged, "--head", "HEAD")
    assert done.returncode == 1 and findings(done.stdout) == EXPECTED, done.stdout + done.stderr
    assert "QP-001" not in done.stdout  # the regular document next to them is read as always
