"""Issue 10.4: a repository starts on a protected branch, and one whose pushes would pass no guard says so."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qms_docs.cli import cli
from tests.builders import QMS_YML, commit, git
from tests.helpers_hooks import qms as qms_process
from tests.helpers_hooks import with_qms_on_path

WARNING = "is not protected (qms.yml protected_branches: main)"


def qms(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def master_by_default() -> None:
    """The git most people have: a new repository starts on `master`."""
    git(Path.cwd(), "config", "--global", "init.defaultBranch", "master")


def branch_of(repo: Path) -> str:
    return git(repo, "symbolic-ref", "--short", "HEAD").stdout.strip()


def test_init_starts_a_new_repository_on_the_first_protected_branch(tmp_path: Path, master_by_default: None) -> None:
    code, out, err = qms("init", str(tmp_path / "fresh"))
    assert code == 0 and err == ""
    assert branch_of(tmp_path / "fresh") == "main"
    assert "created .git (on branch main, protected in qms.yml)" in out

    own = tmp_path / "own"
    own.mkdir()
    (own / "qms.yml").write_text(QMS_YML.replace("protected_branches: [main]", "protected_branches: [release, main]"))
    assert qms("init", str(own))[0] == 0
    assert branch_of(own) == "release"


def test_init_in_an_existing_repository_on_an_unprotected_branch_warns(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q", "-b", "master")
    code, out, err = qms("init", str(tmp_path))
    assert code == 0 and "created qms.yml" in out
    assert f"warning: branch master {WARNING}" in err and "git branch -m master main" in err
    assert branch_of(tmp_path) == "master"  # nothing is renamed behind the user's back


def repository_on(tmp_path: Path, branch: str) -> tuple[Path, Path]:
    """A QMS repository on `branch`, pushed to a bare remote (so it has remote-tracking branches)."""
    work, remote = tmp_path / "work", tmp_path / "remote.git"
    work.mkdir()
    git(work, "init", "-q", "-b", branch)
    commit(work, {"qms.yml": QMS_YML, "controlled/.gitkeep": ""}, "Set up the QMS")
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(work, "remote", "add", "origin", str(remote))
    git(work, "push", "-q", "-u", "origin", branch)
    return work, remote


def test_check_warns_on_stderr_when_pushes_would_pass_no_guard(tmp_path: Path) -> None:
    work, _ = repository_on(tmp_path, "master")
    code, out, err = qms("check", "--repo", str(work))
    assert (code, out) == (0, "0 errors, 0 warnings\n")  # findings and exit code as before
    assert f"warning: branch master {WARNING}, and no protected branch exists here or on a remote" in err
    assert qms("check", "--repo", str(work), "--format", "json")[2] == err
    assert qms("check", "--repo", str(work), "--head", "HEAD")[2] == ""  # CI judges a commit, not a checkout

    git(work, "branch", "-m", "master", "main")
    git(work, "push", "-q", "-u", "origin", "main")
    git(work, "push", "-q", "origin", "--delete", "master")
    assert qms("check", "--repo", str(work))[2] == ""
    git(work, "switch", "-q", "-c", "qp-004-calibration")  # a feature branch beside main: the normal flow
    assert qms("check", "--repo", str(work))[2] == ""


def test_a_repository_without_a_remote_is_not_warned_by_check(tmp_path: Path) -> None:
    repo = tmp_path / "local"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "master")
    commit(repo, {"qms.yml": QMS_YML}, "Set up the QMS")
    assert qms("check", "--repo", str(repo)) == (0, "0 errors, 0 warnings\n", "")


def test_install_hooks_warns_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with_qms_on_path(monkeypatch)
    work, _ = repository_on(tmp_path, "master")
    assert qms("init", str(work))[0] == 0
    installed = qms_process("install-hooks", cwd=work)
    assert installed.returncode == 0, installed.stderr
    assert f"warning: branch master {WARNING}" in installed.stdout
    assert git(work, "config", "core.hooksPath").stdout.strip() == "hooks"
