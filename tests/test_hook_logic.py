"""The hooks' logic in process: ref updates fed as bytes to the functions git's stdin reaches, and the
staged check reading the index git names in GIT_INDEX_FILE. The pushes through real shims and a real
server are in tests/test_hooks_e2e.py; here one read-only history serves every test of the module."""

from __future__ import annotations

import io
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from qms_docs import hooks
from qms_docs.clock import today
from qms_docs.errors import UsageError
from qms_docs.hooks import pre_commit, pre_push, pre_receive
from qms_docs.hooks.refs import RefUpdate, parse_ref_updates
from tests.builders import AUTHOR, PEOPLE, QMS_YML, commit, doc_path, git, make_document
from tests.site_fixture import isolated_env

JANE, OMAR = PEOPLE["quality-manager"], PEOPLE["process-owner"]
QP1 = doc_path("QP-001")
NULL = "0" * 40
SILENT = make_document("QP-001", body="# Changed without a new revision\n", sign=False)


def _draft(text: str, status: str = "draft") -> str:
    return text.replace('status: "approved"', f'status: "{status}"')


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    """(repository, branch -> tip). main: QP-001 revision 1 approved. Branches from main: `silent` edits
    it without a new revision, `deleted` removes it, `draft` starts revision 2, `revised` writes revision 2
    (Sam) and has it signed by Jane and Omar in commits of their own. Read-only for the tests."""
    home, repo = tmp_path_factory.mktemp("hook-logic-home"), tmp_path_factory.mktemp("hook-logic") / "repo"
    with isolated_env(home):
        repo.mkdir()
        git(repo, "init", "-q", "-b", "main")
        commit(repo, {"qms.yml": QMS_YML, QP1: make_document("QP-001")}, "QP-001: issue revision 1", author=JANE)
        branches = {"main": git(repo, "rev-parse", "HEAD").stdout.strip()}
        steps = {
            "silent": [({QP1: SILENT}, "QP-001: quick fix", AUTHOR)],
            "deleted": [({QP1: None}, "QP-001: remove", AUTHOR)],
            "draft": [({QP1: make_document("QP-001", revision=2, status="draft")}, "QP-001: start revision 2", AUTHOR)],
            "revised": [
                ({QP1: _draft(make_document("QP-001", revision=2, sign=False))}, "QP-001: revision 2", AUTHOR),
                ({QP1: _draft(make_document("QP-001", revision=2, roles=["quality-manager"]), "review")},
                 "QP-001: approve revision 2", JANE),
                ({QP1: make_document("QP-001", revision=2)}, "QP-001: approve revision 2", OMAR)],
        }
        for branch, commits in steps.items():
            git(repo, "checkout", "-q", "-b", branch, "main")
            for files, message, who in commits:
                branches[branch] = commit(repo, files, message, author=who)
        git(repo, "checkout", "-q", "main")
        yield repo, branches


def receive(repo: Path, *lines: str) -> tuple[int, str]:
    """pre-receive as git runs it: `<old> <new> <ref>` lines on stdin."""
    return pre_receive.run(repo, [], io.BytesIO("".join(f"{line}\n" for line in lines).encode()))


# --- parsing what git writes on stdin -------------------------------------------------------------

def test_pre_receive_lines_become_ref_updates() -> None:
    new, old = "a" * 40, "b" * 64  # SHA-1 and SHA-256 object ids alike
    data = f"{NULL} {new} refs/heads/main\n\n{old} {'0' * 64} refs/tags/v1\r\n".encode()
    main, tag = parse_ref_updates(data, "pre-receive")
    assert main == RefUpdate("refs/heads/main", NULL, new) and main.created and not main.deleted
    assert main.branch == "main"
    assert tag.deleted and tag.branch is None and tag.old == old


def test_pre_push_lines_name_the_remote_ref_and_keep_the_local_one() -> None:
    data = b"refs/heads/topic " + b"1" * 40 + b" refs/heads/main " + b"2" * 40 + b"\n"
    (update,) = parse_ref_updates(data, "pre-push")
    assert update == RefUpdate("refs/heads/main", "2" * 40, "1" * 40, "refs/heads/topic")


@pytest.mark.parametrize(("data", "kind"), [
    (b"refs/heads/main " + b"1" * 40 + b" refs/heads/main " + b"2" * 40 + b"\n", "pre-receive"),  # a pre-push line
    (NULL.encode() + b" " + b"1" * 40 + b" refs/heads/main\n", "pre-push"),  # a pre-receive line
    (b"\xff\xfe garbage\n", "pre-receive"),
])
def test_a_line_git_would_not_send_is_a_usage_error_naming_it(data: bytes, kind: str) -> None:
    with pytest.raises(UsageError, match=rf"{kind}: line 1 of the ref updates on stdin"):
        parse_ref_updates(data, kind)


def test_an_empty_stdin_is_no_update() -> None:
    assert parse_ref_updates(b"", "pre-receive") == [] and parse_ref_updates(b"\n\n", "pre-push") == []


@pytest.mark.parametrize(("name", "args"), [("pre-push", ["origin"]), ("pre-receive", ["extra"]), ("commit-msg", [])])
def test_a_hook_called_with_the_wrong_arguments_exits_2_with_its_usage(name: str, args: list[str]) -> None:
    code, text = hooks.run(name, args, None, io.BytesIO())
    assert code == 2 and f"expected {hooks.HOOKS[name].arity} argument(s), got {len(args)}" in text
    assert f"usage: {hooks.HOOKS[name].usage}" in text


def test_an_unknown_hook_exits_2_naming_the_known_ones() -> None:
    code, text = hooks.run("post-merge", [], None, io.BytesIO())
    assert code == 2 and "unknown hook 'post-merge'" in text and "pre-receive" in text


# --- pre-receive and pre-push judging ref updates -------------------------------------------------

def test_pre_receive_accepts_a_signed_revision_and_a_draft(history: tuple[Path, dict[str, str]]) -> None:
    repo, tip = history
    assert receive(repo, f"{tip['main']} {tip['revised']} refs/heads/main") == (0, "")
    assert receive(repo, f"{tip['main']} {tip['draft']} refs/heads/main") == (0, "")


def test_pre_receive_refuses_a_silent_edit_and_names_file_line_and_rule(history: tuple[Path, dict[str, str]]) -> None:
    repo, tip = history
    code, text = receive(repo, f"{tip['main']} {tip['silent']} refs/heads/main")
    assert code == 1
    assert text.startswith("qms pre-receive: push to refs/heads/main refused (")
    assert f"{QP1}:5: QMS010 error" in text


def test_pre_receive_refuses_a_deleted_document(history: tuple[Path, dict[str, str]]) -> None:
    repo, tip = history
    code, text = receive(repo, f"{tip['main']} {tip['deleted']} refs/heads/main")
    assert code == 1 and f"{QP1}: QMS012 error" in text


def test_pre_receive_refuses_a_rewind_and_a_deletion_of_the_protected_branch(
        history: tuple[Path, dict[str, str]]) -> None:
    repo, tip = history
    code, text = receive(repo, f"{tip['revised']} {tip['main']} refs/heads/main")
    assert code == 1 and "refs/heads/main: QMS060 error: non-fast-forward" in text
    code, text = receive(repo, f"{tip['main']} {NULL} refs/heads/main")
    assert code == 1 and "refs/heads/main: QMS060 error: deleting" in text


def test_one_refused_update_refuses_the_push_and_other_branches_are_not_guarded(
        history: tuple[Path, dict[str, str]]) -> None:
    repo, tip = history
    assert receive(repo, f"{tip['main']} {tip['silent']} refs/heads/feature") == (0, "")
    assert receive(repo, f"{tip['main']} {NULL} refs/heads/feature") == (0, "")
    code, text = receive(repo, f"{tip['main']} {tip['silent']} refs/heads/feature",
                         f"{tip['main']} {tip['deleted']} refs/heads/main")
    assert code == 1 and "QMS012" in text and "QMS010" not in text


def test_pre_push_refuses_before_anything_is_sent(history: tuple[Path, dict[str, str]]) -> None:
    repo, tip = history
    stdin = io.BytesIO(f"refs/heads/silent {tip['silent']} refs/heads/main {tip['main']}\n".encode())
    code, text = pre_push.run(repo, ["origin", "git@example.invalid:qms.git"], stdin)
    assert code == 1 and text.startswith("qms pre-push: push to refs/heads/main refused") and "QMS010" in text
    stdin = io.BytesIO(f"refs/heads/revised {tip['revised']} refs/heads/main {tip['main']}\n".encode())
    assert pre_push.run(repo, ["origin", "git@example.invalid:qms.git"], stdin) == (0, "")


# --- the staged check reads the index git hands to the hook -----------------------------------------

@pytest.fixture
def approved(qms_repo: Path) -> Path:
    commit(qms_repo, {QP1: make_document("QP-001")}, "QP-001: issue revision 1", author=JANE)
    return qms_repo


def test_the_staged_check_reads_git_index_file_not_the_default_index(
        approved: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`git commit -a` and `git commit --only` stage into a temporary index and name it in GIT_INDEX_FILE."""
    (approved / QP1).write_text(SILENT, encoding="utf-8")
    index = tmp_path / "commit-index"
    env = {"GIT_INDEX_FILE": str(index)}
    git(approved, "read-tree", "HEAD", env=env)
    git(approved, "add", "--", QP1, env=env)
    assert git(approved, "diff", "--cached", "--name-only").stdout == ""  # the default index is untouched

    assert pre_commit.check(approved, today()) == []  # the default index: nothing staged
    monkeypatch.setenv("GIT_INDEX_FILE", str(index))
    codes = {f.code for f in pre_commit.check(approved, today())}
    assert "QMS010" in codes


def test_the_staged_check_sees_only_what_is_staged(approved: Path) -> None:
    (approved / QP1).write_text(SILENT, encoding="utf-8")  # on disk, not staged
    assert pre_commit.check(approved, today()) == []
    git(approved, "add", "--", QP1)
    findings = pre_commit.check(approved, today())
    assert [(f.path, f.line, f.code) for f in findings if f.code == "QMS010"] == [(QP1, 5, "QMS010")]
    code, text = pre_commit.run(approved, [], io.BytesIO())
    assert code == 1 and text.startswith("qms pre-commit: commit refused") and f"{QP1}:5: QMS010 error" in text


def test_a_commit_that_touches_no_document_is_not_judged(approved: Path) -> None:
    (approved / "README.md").write_text("notes\n", encoding="utf-8")
    subprocess.run(["git", "-C", str(approved), "add", "README.md"], check=True)
    assert pre_commit.run(approved, [], io.BytesIO()) == (0, "")
