"""Issue 10.10: `qms install-hooks` never silently switches off hooks that are already installed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.builders import AUTHOR, PEOPLE, commit, doc_path, git, make_document
from tests.helpers_hooks import commit_as, qms, shims, with_qms_on_path

QP1 = doc_path("QP-001")


@pytest.fixture
def repo(qms_repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The QMS repository with the shims committed (not yet installed) and QP-001 approved."""
    with_qms_on_path(monkeypatch)
    commit(qms_repo, {**shims(), QP1: make_document("QP-001")}, "QP-001: issue", author=PEOPLE["quality-manager"])
    for name in shims():
        (qms_repo / name).chmod(0o755)
    return qms_repo


def local_hook(repo: Path, name: str, script: str) -> Path:
    hook = repo / ".git" / "hooks" / name
    hook.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    hook.chmod(0o755)
    return hook


def test_an_existing_pre_commit_hook_keeps_running_before_the_qms_check(repo: Path) -> None:
    local_hook(repo, "pre-commit", 'echo "lint ran" >> "$(git rev-parse --git-dir)/lint.log"\nexit ${LINT_EXIT:-0}\n')
    installed = qms("install-hooks", cwd=repo)
    assert installed.returncode == 0, installed.stderr
    assert "kept .git/hooks/pre-commit: the qms-docs shim runs it first" in installed.stdout

    refused = commit_as(repo, {QP1: make_document("QP-001", body="# Edited in place\n", sign=False)},
                        "QP-001: quick fix", AUTHOR)
    assert refused.returncode == 1 and "QMS010 error" in refused.stderr  # the qms check still runs
    assert (repo / ".git" / "lint.log").read_text() == "lint ran\n"  # and so did the team's own hook

    draft = commit_as(repo, {QP1: make_document("QP-001", revision=2, status="draft")}, "QP-001: start revision 2",
                      AUTHOR)
    assert draft.returncode == 0, draft.stderr
    assert (repo / ".git" / "lint.log").read_text() == "lint ran\nlint ran\n"


def test_a_failing_local_hook_still_refuses_the_commit(repo: Path) -> None:
    local_hook(repo, "pre-commit", "echo 'lint: trailing whitespace' >&2\nexit 3\n")
    assert qms("install-hooks", cwd=repo).returncode == 0
    result = commit_as(repo, {QP1: make_document("QP-001", revision=2, status="draft")}, "QP-001: start revision 2",
                       AUTHOR)
    assert result.returncode == 1 and "lint: trailing whitespace" in result.stderr


def test_an_existing_pre_push_hook_sees_the_ref_updates_and_so_does_qms(repo: Path, tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(repo, "remote", "add", "origin", str(remote))
    local_hook(repo, "pre-push", 'cat > "$(git rev-parse --git-dir)/pushed.txt"\n')
    assert qms("install-hooks", cwd=repo).returncode == 0
    pushed = git(repo, "push", "-q", "origin", "main", check=False)
    assert pushed.returncode == 0, pushed.stderr
    head = git(repo, "rev-parse", "HEAD").stdout.strip()
    assert (repo / ".git" / "pushed.txt").read_text().split()[:2] == ["refs/heads/main", head]

    commit_as(repo, {QP1: make_document("QP-001", body="# Edited in place\n", sign=False)}, "QP-001: fix", AUTHOR,
              "--no-verify")
    refused = git(repo, "push", "-q", "origin", "main", check=False)
    assert refused.returncode == 1 and "QMS010 error" in refused.stderr  # qms read the same stdin


def test_the_pre_commit_framework_is_not_broken_but_pointed_at(repo: Path) -> None:
    (repo / ".pre-commit-config.yaml").write_text("repos: []\n", encoding="utf-8")
    result = qms("install-hooks", cwd=repo)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "uses the pre-commit framework" in result.stderr and "rev: v<release>   # a release tag" in result.stderr
    assert "--hook-type pre-push" in result.stderr and "id: qms-push" in result.stderr
    assert git(repo, "config", "core.hooksPath", check=False).stdout == ""  # `pre-commit install` keeps working


def test_hooks_that_cannot_be_chained_make_it_refuse(repo: Path) -> None:
    local_hook(repo, "post-checkout", "exit 0\n")
    result = qms("install-hooks", cwd=repo)
    assert result.returncode == 1
    assert "core.hooksPath would switch off .git/hooks/post-checkout" in result.stderr
    assert git(repo, "config", "core.hooksPath", check=False).stdout == ""


def test_another_hooks_path_makes_it_refuse(repo: Path) -> None:
    git(repo, "config", "core.hooksPath", ".husky")
    result = qms("install-hooks", cwd=repo)
    assert result.returncode == 1 and "core.hooksPath is already .husky" in result.stderr
    assert git(repo, "config", "core.hooksPath").stdout.strip() == ".husky"


def test_install_hooks_again_is_quiet_about_its_own_shims(repo: Path) -> None:
    for _ in range(2):
        result = qms("install-hooks", cwd=repo)
        assert result.returncode == 0 and "kept" not in result.stdout


def test_an_older_shim_is_brought_up_to_date_to_chain_a_local_hook(repo: Path) -> None:
    old = "#!/bin/sh\n# qms-docs hook shim (qms-docs-shim)\nexec qms hook pre-commit \"$@\"\n"
    (repo / "hooks" / "pre-commit").write_text(old, encoding="utf-8")
    local_hook(repo, "pre-commit", 'echo "lint ran" >> "$(git rev-parse --git-dir)/lint.log"\n')
    installed = qms("install-hooks", cwd=repo)
    assert installed.returncode == 0 and "updated hooks/pre-commit" in installed.stdout
    assert (repo / "hooks" / "pre-commit").read_text() == shims()["hooks/pre-commit"]
    assert commit_as(repo, {QP1: make_document("QP-001", revision=2, status="draft")}, "QP-001: start revision 2",
                     AUTHOR).returncode == 0
    assert (repo / ".git" / "lint.log").read_text() == "lint ran\n"


def test_a_team_hook_of_the_same_name_in_hooks_cannot_chain_and_is_refused(repo: Path) -> None:
    (repo / "hooks" / "pre-commit").write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    local_hook(repo, "pre-commit", "exit 0\n")
    result = qms("install-hooks", cwd=repo)
    assert result.returncode == 1 and "would switch off .git/hooks/pre-commit" in result.stderr
