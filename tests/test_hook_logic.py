"""The hooks' logic in process: ref updates fed as bytes to the functions git's stdin reaches, and the
staged check reading the index git names in GIT_INDEX_FILE. The pushes through real shims and a real
server are in tests/test_hooks_e2e.py, which keeps only what proves the wiring; what the hooks decide is
asserted here, on two read-only histories (one with signing.required) built once for the module."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from qms_docs import hooks
from qms_docs.changes.refs import RefUpdate, parse_ref_updates
from qms_docs.cli import cli
from qms_docs.clock import today
from qms_docs.errors import UsageError
from qms_docs.hooks import pre_commit, pre_push, pre_receive
from tests.audit_history import read_only_history
from tests.builders import AUTHOR, PEOPLE, QMS_YML, commit, doc_path, git, make_document
from tests.helpers_hooks import commit_as

JANE, OMAR = PEOPLE["quality-manager"], PEOPLE["process-owner"]
QP1 = doc_path("QP-001")
NULL = "0" * 40
SILENT = make_document("QP-001", body="# Changed without a new revision\n", sign=False)


def _draft(text: str, status: str = "draft") -> str:
    return text.replace('status: "approved"', f'status: "{status}"')


CONFIG = QMS_YML.replace("protected_branches: [main]", "protected_branches: [main, release]")
DRAFT_2 = _draft(make_document("QP-001", revision=2, sign=False))
JANE_SIGNED = _draft(make_document("QP-001", revision=2, roles=["quality-manager"]), "review")


BRANCHES = {  # branch -> (the branch it starts from, its commits: files, message, author)
    "silent": ("main", [({QP1: SILENT}, "QP-001: quick fix", AUTHOR)]),
    "deleted": ("main", [({QP1: None}, "QP-001: remove", AUTHOR)]),
    "draft": ("main", [({QP1: make_document("QP-001", revision=2, status="draft")}, "QP-001: start revision 2", AUTHOR)]),
    "revised": ("main", [
        ({QP1: DRAFT_2}, "QP-001: revision 2", AUTHOR),
        ({QP1: JANE_SIGNED}, "QP-001: approve revision 2", JANE),
        ({QP1: make_document("QP-001", revision=2)}, "QP-001: approve revision 2", OMAR)]),
    "forged": ("main", [
        ({QP1: DRAFT_2}, "QP-001: revision 2", AUTHOR),
        ({QP1: make_document("QP-001", revision=2)}, "QP-001: approved", AUTHOR)]),
    "forged-middle": ("main", [
        ({QP1: DRAFT_2}, "QP-001: revision 2", AUTHOR),
        ({QP1: make_document("QP-001", revision=2)}, "QP-001: approved", AUTHOR),
        ({QP1: DRAFT_2}, "QP-001: back to draft", AUTHOR)]),
    "self": ("main", [
        ({QP1: DRAFT_2}, "QP-001: revision 2", JANE),
        ({QP1: JANE_SIGNED}, "QP-001: sign", JANE),
        ({QP1: make_document("QP-001", revision=2)}, "QP-001: sign", OMAR)]),
    "grant": ("main", [
        ({"qms.yml": CONFIG.replace("quality-manager: [jane@acme.example]", "quality-manager: [sam@acme.example]")},
         "Make me quality manager", AUTHOR),
        ({QP1: make_document("QP-001", revision=2, roles=["quality-manager"]).replace(
            '"Jane Doe"', '"Sam Author"').replace('"jane@acme.example"', '"sam@acme.example"')},
         "QP-001: revision 2, approved", AUTHOR)]),
    "restored": ("revised", [
        ({QP1: make_document("QP-001")}, "QP-001: restore revision 1", AUTHOR),
        ({QP1: make_document("QP-001", revision=2)}, "QP-001: revision 2 again", AUTHOR)]),
}


def build_branches(repo: Path) -> dict[str, str]:
    """main: QP-001 revision 1 approved, `main` and `release` protected; then every branch of BRANCHES."""
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    tips = {"main": commit(repo, {"qms.yml": CONFIG, QP1: make_document("QP-001")}, "QP-001: issue revision 1",
                           author=JANE)}
    for branch, (start, commits) in BRANCHES.items():
        git(repo, "checkout", "-q", "-b", branch, start)
        for n, (files, message, who) in enumerate(commits):
            tips[f"{branch}~{len(commits) - 1 - n}"] = commit(repo, files, message, author=who)
        tips[branch] = tips[f"{branch}~0"]
    git(repo, "checkout", "-q", "main")
    return tips


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    """(repository, branch -> tip, and `branch~N` -> the commit N before that tip): main, and the branches of
    BRANCHES: `silent` edits QP-001 without a new revision, `deleted` removes it, `draft` starts revision 2,
    `revised` writes revision 2 (Sam) and has it signed by Jane and Omar in commits of their own, `forged` has
    Sam commit revision 2 with Jane's and Omar's signatures typed in, `forged-middle` does so in the middle and
    returns to a draft, `self` has Jane write revision 2 and sign it, `grant` has Sam make himself quality
    manager and sign as one; from `revised`, `restored` puts revision 1 back, then revision 2 again.
    Built once for the module; read-only."""
    with read_only_history(tmp_path_factory, "hook-logic", build_branches) as built:
        yield built


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


def test_a_new_protected_branch_is_judged_against_the_default_branch(history: tuple[Path, dict[str, str]]) -> None:
    repo, tip = history
    code, text = receive(repo, f"{NULL} {tip['deleted']} refs/heads/release")
    assert code == 1 and f"{QP1}: QMS012 error" in text
    assert receive(repo, f"{NULL} {tip['main']} refs/heads/release") == (0, "")


def test_pre_receive_refuses_signatures_typed_in_by_someone_else(history: tuple[Path, dict[str, str]]) -> None:
    """Sam types Jane's and Omar's signature entries into revision 2 and commits them himself."""
    repo, tip = history
    code, text = receive(repo, f"{tip['main']} {tip['forged']} refs/heads/main")
    assert code == 1 and "QMS025 error: approval 1 (Jane Doe, quality-manager): added by commit" in text


def test_every_commit_of_a_push_counts_not_only_the_tip(history: tuple[Path, dict[str, str]]) -> None:
    """A forged approval, a self-approval or a superseded revision in a middle commit refuses the push."""
    repo, tip = history
    code, text = receive(repo, f"{tip['main']} {tip['forged-middle']} refs/heads/main")
    assert code == 1 and (f"QMS025 error: in commit {tip['forged-middle~1'][:12]}: approval 1 (Jane Doe, "
                          f"quality-manager): added by commit") in text
    code, text = receive(repo, f"{tip['main']} {tip['self']} refs/heads/main")
    assert code == 1 and (f"QMS024 error: in commit {tip['self~1'][:12]}: approval 1 (Jane Doe, quality-manager): "
                          f"jane@acme.example wrote revision 2") in text
    code, text = receive(repo, f"{tip['revised']} {tip['restored']} refs/heads/main")
    assert code == 1 and f"QMS011 error: in commit {tip['restored~1'][:12]}: revision went down from 2 to 1" in text


def test_granting_oneself_a_role_and_using_it_in_the_same_push_is_refused(history: tuple[Path, dict[str, str]]) -> None:
    repo, tip = history
    code, text = receive(repo, f"{tip['main']} {tip['grant']} refs/heads/main")
    assert code == 1 and "qms.yml: QMS014 error" in text
    assert "QMS023 error: approval 1 (Sam Author, quality-manager): sam@acme.example does not hold" in text


def test_pre_push_refuses_before_anything_is_sent(history: tuple[Path, dict[str, str]]) -> None:
    repo, tip = history
    stdin = io.BytesIO(f"refs/heads/silent {tip['silent']} refs/heads/main {tip['main']}\n".encode())
    code, text = pre_push.run(repo, ["origin", "git@example.invalid:qms.git"], stdin)
    assert code == 1 and text.startswith("qms pre-push: push to refs/heads/main refused") and "QMS010" in text
    stdin = io.BytesIO(f"refs/heads/revised {tip['revised']} refs/heads/main {tip['main']}\n".encode())
    assert pre_push.run(repo, ["origin", "git@example.invalid:qms.git"], stdin) == (0, "")


# --- signing.required: the signature entries' commits must be signed by the signers' keys --------------

def _signed_commit(repo: Path, files: dict[str, str], message: str, who: tuple[str, str], key: Path | None) -> str:
    done = commit_as(repo, files, message, who, *(("-S", f"--gpg-sign={key.with_suffix('.pub')}") if key else ()))
    assert done.returncode == 0, done.stderr
    return git(repo, "rev-parse", "HEAD").stdout.strip()


def build_signed(repo: Path) -> dict[str, str]:
    """main: signing.required with Jane's and Omar's keys listed; from it, revision 2 (Sam) signed by Jane and
    Omar in commits signed by their own keys (`signed`), Jane's signed by Eve's key (`wrong-key`), both
    unsigned (`unsigned`), and both unsigned in the middle of a push that returns to a draft (`spoofed-middle`)."""
    folder = repo.parent / "keys"
    folder.mkdir()
    keys = {}
    for name, email in (("jane", JANE[1]), ("omar", OMAR[1]), ("eve", "eve@evil.example")):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", email, "-f", str(folder / name)], check=True)
        keys[name] = folder / name
    allowed = "".join(f'{email} namespaces="git" {" ".join(keys[n].with_suffix(".pub").read_text().split()[:2])}\n'
                      for n, email in (("jane", JANE[1]), ("omar", OMAR[1])))
    config = CONFIG.replace("signing: {required: false", "signing: {required: true, method: commit")
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "gpg.format", "ssh")
    tips = {"main": commit(repo, {"qms.yml": config, ".qms/allowed_signers": allowed, QP1: make_document("QP-001")},
                           "QP-001: issue revision 1", author=JANE)}
    revision_2 = make_document("QP-001", revision=2)
    for branch, jane_key, omar_key, back in (("signed", keys["jane"], keys["omar"], False),
                                             ("wrong-key", keys["eve"], keys["omar"], False),
                                             ("unsigned", None, None, False), ("spoofed-middle", None, None, True)):
        git(repo, "checkout", "-q", "-b", branch, "main")
        tips[branch] = _signed_commit(repo, {QP1: DRAFT_2}, "QP-001: revision 2", AUTHOR, None)
        tips[branch] = _signed_commit(repo, {QP1: JANE_SIGNED}, "QP-001: approve", JANE, jane_key)
        tips[branch] = _signed_commit(repo, {QP1: revision_2}, "QP-001: approve", OMAR, omar_key)
        if back:
            tips[branch] = _signed_commit(repo, {QP1: DRAFT_2}, "QP-001: back to draft", AUTHOR, None)
    git(repo, "checkout", "-q", "main")
    return tips


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    """build_signed's repository and branch tips, built once for the module; read-only."""
    if shutil.which("ssh-keygen") is None:
        pytest.skip("ssh-keygen is not installed")
    with read_only_history(tmp_path_factory, "hook-logic-signed", build_signed) as built:
        yield built


def test_signatures_in_commits_signed_by_the_signers_keys_are_accepted(signed: tuple[Path, dict[str, str]]) -> None:
    repo, tip = signed
    assert receive(repo, f"{tip['main']} {tip['signed']} refs/heads/main") == (0, "")


def test_a_signature_in_a_commit_signed_by_the_wrong_key_is_refused(signed: tuple[Path, dict[str, str]]) -> None:
    repo, tip = signed
    code, text = receive(repo, f"{tip['main']} {tip['wrong-key']} refs/heads/main")
    assert code == 1
    assert "QMS025 error: in commit" in text and "approval 1 (Jane Doe, quality-manager): commit" in text
    assert "is not signed by a key listed for jane@acme.example in .qms/allowed_signers" in text
    assert "approval 2" not in text


def test_unsigned_signature_commits_are_refused_at_the_tip_and_in_the_middle_of_a_push(
        signed: tuple[Path, dict[str, str]]) -> None:
    repo, tip = signed
    code, text = receive(repo, f"{tip['main']} {tip['unsigned']} refs/heads/main")
    assert code == 1 and text.count("QMS025 error") == 2
    code, text = receive(repo, f"{tip['main']} {tip['spoofed-middle']} refs/heads/main")
    assert code == 1 and text.count("QMS025 error: in commit") == 2


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


def test_the_staged_check_refuses_a_deletion_and_lets_a_draft_revision_through(approved: Path) -> None:
    git(approved, "rm", "-q", "--", QP1)
    code, text = pre_commit.run(approved, [], io.BytesIO())
    assert code == 1 and f"{QP1}: QMS012 error" in text
    git(approved, "reset", "-q", "--hard")
    (approved / QP1).write_text(make_document("QP-001", revision=2, status="draft"), encoding="utf-8")
    git(approved, "add", "--", QP1)
    assert pre_commit.run(approved, [], io.BytesIO()) == (0, "")


def test_qms_hook_with_the_wrong_arguments_exits_2_with_its_usage() -> None:
    result = CliRunner().invoke(cli, ["hook", "commit-msg"])
    assert result.exit_code == 2 and "usage: qms hook commit-msg MESSAGE_FILE" in result.stderr
    assert "Traceback" not in result.output


def test_a_commit_that_touches_no_document_is_not_judged(approved: Path) -> None:
    (approved / "README.md").write_text("notes\n", encoding="utf-8")
    subprocess.run(["git", "-C", str(approved), "add", "README.md"], check=True)
    assert pre_commit.run(approved, [], io.BytesIO()) == (0, "")
