"""Issue 10.7: parallel branches never get the same id, and a merge that would hold one id twice is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qms_docs.cli import cli
from tests.builders import AUTHOR, PEOPLE, commit, doc_path, git, make_document
from tests.helpers_hooks import commit_as, shims, with_qms_on_path
from tests.helpers_hooks import qms as qms_process


def new(repo: Path, type_name: str, title: str) -> str:
    result = CliRunner().invoke(cli, ["new", type_name, title, "--repo", str(repo)], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return result.stdout.strip()


def add_and_commit(repo: Path, path: str, message: str) -> None:
    git(repo, "add", "--", path)
    git(repo, "commit", "-q", "-m", message)


@pytest.fixture
def forms(qms_repo: Path) -> Path:
    commit(qms_repo, {doc_path("FRM-001"): make_document("FRM-001")}, "FRM-001: first issue",
           author=PEOPLE["quality-manager"])
    return qms_repo


def test_new_skips_the_ids_other_branches_took(forms: Path, tmp_path: Path) -> None:
    git(forms, "switch", "-q", "-c", "training-record")
    first = new(forms, "form", "Training Record")
    assert first == "controlled/forms/FRM-002-training-record.md"
    add_and_commit(forms, first, "FRM-002: draft")

    git(forms, "switch", "-q", "main")
    git(forms, "switch", "-q", "-c", "calibration-record")
    assert not (forms / first).exists()  # not in this tree: only the other branch knows FRM-002
    second = new(forms, "form", "Calibration Record")
    assert second == "controlled/forms/FRM-003-calibration-record.md"

    clone = tmp_path / "clone"  # a colleague's clone sees the branches through its remote-tracking refs
    git(tmp_path, "clone", "-q", str(forms), str(clone))
    git(clone, "config", "user.name", "Li Wei")
    git(clone, "config", "user.email", "li@acme.example")
    assert new(clone, "form", "Supplier Audit") == "controlled/forms/FRM-003-supplier-audit.md"
    add_and_commit(forms, second, "FRM-003: draft")
    git(clone, "fetch", "-q")
    assert new(clone, "form", "Supplier Audit Plan") == "controlled/forms/FRM-004-supplier-audit-plan.md"


@pytest.fixture
def hooked(forms: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The repository with the qms-docs shims committed and installed."""
    with_qms_on_path(monkeypatch)
    commit(forms, shims(), "Hook shims", author=PEOPLE["quality-manager"])
    for name in shims():
        (forms / name).chmod(0o755)
    installed = qms_process("install-hooks", cwd=forms)
    assert installed.returncode == 0, installed.stderr
    return forms


def test_a_merge_that_would_hold_one_id_twice_is_refused(hooked: Path) -> None:
    draft = make_document("FRM-002", status="draft")
    git(hooked, "switch", "-q", "-c", "training")
    assert commit_as(hooked, {"controlled/forms/FRM-002-training.md": draft}, "FRM-002: draft", AUTHOR).returncode == 0
    git(hooked, "switch", "-q", "main")
    git(hooked, "switch", "-q", "-c", "calibration")
    assert commit_as(hooked, {"controlled/forms/FRM-002-calibration.md": draft}, "FRM-002: draft", AUTHOR).returncode == 0
    before = git(hooked, "rev-parse", "HEAD").stdout

    merged = git(hooked, "merge", "--no-edit", "training", check=False)
    assert merged.returncode != 0
    assert "qms pre-merge-commit: merge refused (2 errors)" in merged.stderr
    assert "controlled/forms/FRM-002-calibration.md:2: QMS004 error: id FRM-002 is also used by " \
           "controlled/forms/FRM-002-training.md" in merged.stderr
    assert git(hooked, "rev-parse", "HEAD").stdout == before  # no merge commit was made
    git(hooked, "merge", "--abort")


def test_a_merge_of_distinct_ids_goes_through(hooked: Path) -> None:
    git(hooked, "switch", "-q", "-c", "training")
    commit_as(hooked, {doc_path("FRM-002"): make_document("FRM-002", status="draft")}, "FRM-002: draft", AUTHOR)
    git(hooked, "switch", "-q", "main")
    commit_as(hooked, {doc_path("FRM-003"): make_document("FRM-003", status="draft")}, "FRM-003: draft", AUTHOR)
    merged = git(hooked, "merge", "--no-edit", "training", check=False)
    assert merged.returncode == 0, merged.stderr
    assert git(hooked, "rev-list", "--count", "--merges", "HEAD").stdout.strip() == "1"
