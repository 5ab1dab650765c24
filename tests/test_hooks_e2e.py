"""End to end: real `git commit` and `git push` through the installed shims and a bare server with pre-receive.

Only what proves the wiring is here (each hook runs, refuses and lets through as git calls it; merges; guarded
files; signed commits; installation); what the hooks decide is asserted in process in tests/test_hook_logic.py."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.audit_history import init_qms_repo
from tests.builders import AUTHOR, PEOPLE, QMS_YML, commit, doc_path, git, make_document
from tests.helpers_hooks import commit_as, install_client, make_server, push, qms, shims, with_qms_on_path
from tests.site_fixture import isolated_env

JANE, OMAR = PEOPLE["quality-manager"], PEOPLE["process-owner"]
QP1 = doc_path("QP-001")


def draft_of(text: str, status: str = "draft") -> str:
    """The same content in another status (the digest leaves status out, so signatures still match)."""
    return text.replace('status: "approved"', f'status: "{status}"')


JANE_SIGNED = draft_of(make_document("QP-001", revision=2, roles=["quality-manager"]), "review")


@pytest.fixture(scope="module")
def server_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the seed, the bare remote.git with pre-receive and the working clone with the shims, as
    `server` starts them: built once for the module, copied for each test (the tests write)."""
    where = tmp_path_factory.mktemp("server-template")
    with isolated_env(tmp_path_factory.mktemp("server-home")), pytest.MonkeyPatch.context() as mp:
        with_qms_on_path(mp)
        seed = init_qms_repo(where / "seed")
        commit(seed, {**shims(), QP1: make_document("QP-001")}, "QP-001: issue revision 1", author=JANE)
        make_server(seed, where)
    return where


@pytest.fixture
def server(server_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """(bare remote with pre-receive, working clone with the shims); main holds QP-001 revision 1, approved."""
    with_qms_on_path(monkeypatch)
    where = shutil.copytree(server_template, tmp_path / "server", symlinks=True)
    remote, work = where / "remote.git", where / "work"
    git(work, "remote", "set-url", "origin", str(remote))
    return remote, work


@pytest.fixture
def client(qms_repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with the shims installed and no server, for what happens at `git commit`: main holds
    QP-001 revision 1, approved."""
    with_qms_on_path(monkeypatch)
    commit(qms_repo, {**shims(), QP1: make_document("QP-001")}, "QP-001: issue revision 1", author=JANE)
    return install_client(qms_repo)


def remote_main(remote: Path) -> str:
    return git(remote, "rev-parse", "main").stdout.strip()


def sign_revision_2(work: Path, author: tuple[str, str] = AUTHOR, *extra: str) -> None:
    """Revision 2 written by `author`, then signed by Jane and Omar in commits of their own."""
    for text, msg, who in (
            (draft_of(make_document("QP-001", revision=2, sign=False)), "QP-001: revision 2 for review", author),
            (JANE_SIGNED, "QP-001: approve revision 2", JANE),
            (make_document("QP-001", revision=2), "QP-001: approve revision 2", OMAR)):
        done = commit_as(work, {QP1: text}, msg, who, *extra)
        assert done.returncode == 0, done.stderr


def test_a_silent_edit_is_refused_by_pre_commit_by_pre_push_and_by_the_server(server: tuple[Path, Path]) -> None:
    remote, work = server
    assert git(work, "config", "core.hooksPath").stdout.strip() == "hooks"  # install-hooks points git at the shims
    silent = {QP1: make_document("QP-001", body="# Changed without a new revision\n", sign=False)}
    refused = commit_as(work, silent, "QP-001: quick fix", AUTHOR)
    assert refused.returncode == 1 and "QMS010" in refused.stderr
    assert commit_as(work, {}, "QP-001: quick fix", AUTHOR, "--no-verify").returncode == 0
    before = remote_main(remote)
    pushed = push(work, "main")
    assert pushed.returncode == 1
    shown = pushed.stdout + pushed.stderr  # git passes a pre-push hook's stdout through as it is
    assert f"{QP1}:5: QMS010 error" in shown and "remote:" not in shown  # refused before anything is sent
    pushed = push(work, "--no-verify", "main")
    assert pushed.returncode == 1
    assert f"remote: {QP1}:5: QMS010 error" in pushed.stderr
    assert remote_main(remote) == before


def test_the_first_push_into_an_empty_server_gets_the_static_checks(
        qms_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with_qms_on_path(monkeypatch)
    remote = tmp_path / "empty.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    assert qms("install-hooks", "--server", str(remote), cwd=tmp_path).returncode == 0
    commit(qms_repo, {QP1: make_document("QP-001", references=["QP-404"])}, "QP-001: issue", author=JANE)
    git(qms_repo, "remote", "add", "origin", str(remote))
    pushed = push(qms_repo, "main")
    assert pushed.returncode == 1 and f"remote: {QP1}:" in pushed.stderr and "QMS040 error" in pushed.stderr


def test_the_commit_message_must_name_the_changed_documents(client: Path) -> None:
    work = client
    draft = {QP1: make_document("QP-001", revision=2, status="draft")}
    refused = commit_as(work, draft, "Start the next revision", AUTHOR)
    assert refused.returncode == 1 and "QMS050" in refused.stderr and "does not name QP-001" in refused.stderr
    assert commit_as(work, draft, "QP-001: start the next revision", AUTHOR).returncode == 0


# pre-commit: the staged documents only ----------------------------------------------------------------

def test_commit_all_is_checked_through_the_index_git_hands_to_the_hook(client: Path) -> None:
    work = client
    (work / QP1).write_text(make_document("QP-001", body="# Edited, then `git commit -a`\n", sign=False))
    refused = git(work, "commit", "-q", "-a", "-m", "QP-001: quick fix", check=False)
    assert refused.returncode == 1 and "QMS010" in refused.stderr


def test_a_new_document_is_checked_against_every_other_id(client: Path) -> None:
    work = client
    copy = "controlled/procedures/QP-001-copy.md"
    dup = commit_as(work, {copy: make_document("QP-001", status="draft")}, "QP-001: copy", AUTHOR)
    assert dup.returncode == 1 and f"{copy}:2: QMS004 error: id QP-001 is also used by {QP1}" in dup.stderr
    git(work, "rm", "-q", "--cached", copy)
    new = {doc_path("QP-002"): make_document("QP-002", status="draft", references=["QP-001", "QP-404"])}
    unknown = commit_as(work, new, "QP-002: new procedure", AUTHOR)
    assert unknown.returncode == 1 and "QMS040 error: reference to unknown document QP-404" in unknown.stderr
    assert "QP-001" not in unknown.stderr.split("QMS040")[1]


def test_problems_in_documents_the_commit_does_not_touch_do_not_block_it(client: Path) -> None:
    work = client
    broken = commit_as(work, {"controlled/procedures/QP-009.md": "no front matter\n"}, "QP-009: wip", AUTHOR)
    assert broken.returncode == 1 and "QMS001" in broken.stderr
    commit_as(work, {}, "QP-009: wip", AUTHOR, "--no-verify")
    done = commit_as(work, {QP1: make_document("QP-001", revision=2, status="draft")}, "QP-001: rev 2", AUTHOR)
    assert done.returncode == 0, done.stderr


# signed approvals -------------------------------------------------------------------------------------

@pytest.fixture
def keys(tmp_path: Path) -> dict[str, Path]:
    if shutil.which("ssh-keygen") is None:
        pytest.skip("ssh-keygen is not installed")
    folder = tmp_path / "keys"
    folder.mkdir()
    made = {}
    for name, email in (("jane", JANE[1]), ("omar", OMAR[1]), ("eve", "eve@evil.example")):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", email, "-f", str(folder / name)],
                       check=True)
        made[name] = folder / name
    return made


@pytest.fixture
def signed_server(qms_repo: Path, tmp_path: Path, keys: dict[str, Path],
                  monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """signing.required, with Jane's and Omar's keys in .qms/allowed_signers (committed by Jane)."""
    with_qms_on_path(monkeypatch)
    allowed = "".join(f'{email} namespaces="git" {" ".join(keys[n].with_suffix(".pub").read_text().split()[:2])}\n'
                      for n, email in (("jane", JANE[1]), ("omar", OMAR[1])))
    config = QMS_YML.replace("signing: {required: false", "signing: {required: true, method: commit")
    commit(qms_repo, {**shims(), "qms.yml": config, ".qms/allowed_signers": allowed,
                      QP1: make_document("QP-001")}, "QP-001: issue revision 1", author=JANE)
    return make_server(qms_repo, tmp_path)


def signing(key: Path) -> tuple[str, ...]:
    return ("-S", f"--gpg-sign={key.with_suffix('.pub')}")


def sign_with(work: Path, jane_key: Path, omar_key: Path) -> None:
    git(work, "config", "gpg.format", "ssh")
    commit_as(work, {QP1: draft_of(make_document("QP-001", revision=2, sign=False))}, "QP-001: rev 2", AUTHOR)
    for text, who, key in ((JANE_SIGNED, JANE, jane_key),
                           (make_document("QP-001", revision=2), OMAR, omar_key)):
        done = commit_as(work, {QP1: text}, "QP-001: approve", who, *signing(key))
        assert done.returncode == 0, done.stderr


# installation -----------------------------------------------------------------------------------------

def test_install_server_keeps_a_foreign_hook_runs_it_first_and_is_idempotent(
        server: tuple[Path, Path], tmp_path: Path) -> None:
    remote, work = server
    hook = remote / "hooks" / "pre-receive"
    ours = hook.read_text()
    hook.write_text("#!/bin/sh\necho legacy saw: $(cat)\nexit ${LEGACY_EXIT:-0}\n")
    hook.chmod(0o755)
    for _ in range(2):
        assert qms("install-hooks", "--server", str(remote), cwd=tmp_path).returncode == 0
    assert hook.read_text() == ours and (remote / "hooks" / "pre-receive.legacy").exists()
    sign_revision_2(work, AUTHOR, "--no-verify")  # set-up: the push is what is tested
    pushed = push(work, "main")
    assert pushed.returncode == 0 and "remote: legacy saw:" in pushed.stderr
    git(remote, "config", "core.hooksPath", str(remote / "hooks"))  # same folder, found through git
    (remote / "hooks" / "pre-receive.legacy").write_text("#!/bin/sh\ncat >/dev/null\necho legacy says no\nexit 3\n")
    commit_as(work, {"README.md": "x\n"}, "Readme", AUTHOR)
    refused = push(work, "main")
    assert refused.returncode == 1 and "legacy says no" in refused.stderr


def test_install_server_refuses_a_non_bare_repository(
        qms_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with_qms_on_path(monkeypatch)
    result = qms("install-hooks", "--server", str(qms_repo), cwd=tmp_path)
    assert result.returncode == 2 and "not a bare repository" in result.stderr and "Traceback" not in result.stderr
    assert qms("install-hooks", "--server", str(tmp_path / "nowhere"), cwd=tmp_path).returncode == 2


# every commit of a push counts (SPEC 4) ----------------------------------------------------------------

GRANT_SAM = QMS_YML.replace("quality-manager: [jane@acme.example]", "quality-manager: [jane@acme.example, sam@acme.example]")
DRAFT_2 = draft_of(make_document("QP-001", revision=2, sign=False))


def test_a_role_granted_inside_a_merge_is_refused_by_the_server(server: tuple[Path, Path]) -> None:
    remote, work = server
    git(work, "checkout", "-q", "-b", "side")
    commit_as(work, {QP1: DRAFT_2}, "QP-001: revision 2", AUTHOR, "--no-verify")
    git(work, "checkout", "-q", "main")
    commit_as(work, {"README.md": "main moved on\n"}, "Readme", AUTHOR, "--no-verify")
    git(work, "merge", "-q", "--no-ff", "--no-commit", "side")
    done = commit_as(work, {"qms.yml": GRANT_SAM}, "Merge side", AUTHOR, "--no-verify")
    assert done.returncode == 0, done.stderr
    before = remote_main(remote)
    pushed = push(work, "--no-verify", "main")
    assert pushed.returncode == 1 and "remote: qms.yml: QMS014 error: changed on a protected branch by commit" in pushed.stderr
    assert remote_main(remote) == before


def test_a_feature_branch_merged_after_main_moved_on_is_accepted(server: tuple[Path, Path]) -> None:
    remote, work = server
    git(work, "checkout", "-q", "-b", "feature")
    sign_revision_2(work, AUTHOR, "--no-verify")  # set-up: the merge and push are what is tested
    git(work, "checkout", "-q", "main")
    wi = doc_path("WI-001")
    done = commit_as(work, {wi: make_document("WI-001", status="draft")}, "WI-001: new work instruction", AUTHOR)
    assert done.returncode == 0, done.stderr
    merged = git(work, "merge", "-q", "--no-ff", "--no-edit", "feature", check=False)
    assert merged.returncode == 0, merged.stderr
    pushed = push(work, "main")
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr
    assert remote_main(remote) == git(work, "rev-parse", "HEAD").stdout.strip()


def test_the_allowed_signers_file_changes_only_with_a_config_approvers_key(
        signed_server: tuple[Path, Path], keys: dict[str, Path]) -> None:
    """Sam adds his own key for Jane under Jane's name: refused. Revision 2 signed in commits signed by Jane's
    and Omar's keys, then Jane's own signed change of the file: accepted."""
    remote, work = signed_server
    git(work, "config", "gpg.format", "ssh")
    allowed = (work / ".qms/allowed_signers").read_text()
    eve = " ".join(keys["eve"].with_suffix(".pub").read_text().split()[:2])
    spoofed = {".qms/allowed_signers": allowed + f'jane@acme.example namespaces="git" {eve}\n'}
    assert commit_as(work, spoofed, "Add a key", JANE, "--no-verify").returncode == 0
    pushed = push(work, "--no-verify", "main")
    assert pushed.returncode == 1
    assert "remote: .qms/allowed_signers: QMS014 error: changed on a protected branch by commit" in pushed.stderr
    assert "which is not signed by a key that .qms/allowed_signers lists for a holder of quality-manager" in pushed.stderr
    git(work, "reset", "-q", "--hard", "origin/main")
    sign_with(work, keys["jane"], keys["omar"])
    omar2 = " ".join(keys["omar"].with_suffix(".pub").read_text().split()[:2])
    rotated = {".qms/allowed_signers": allowed + f'omar@acme.example namespaces="git" {omar2}\n'}
    done = commit_as(work, rotated, "Omar's second key", JANE, *signing(keys["jane"]))
    assert done.returncode == 0, done.stderr
    pushed = push(work, "main")
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr


def test_a_conflicted_merge_concluded_with_git_commit_judges_against_both_parents(server: tuple[Path, Path]) -> None:
    """The merge takes revision 2 as Jane and Omar approved it on the feature branch: the person who concludes
    the merge added none of their signatures (pre-commit sees the merge against each parent, as the server does)."""
    remote, work = server
    git(work, "checkout", "-q", "-b", "feature")
    sign_revision_2(work, AUTHOR, "--no-verify")  # set-up: the conclusion of the merge is what is tested
    git(work, "checkout", "-q", "main")
    other = draft_of(make_document("QP-001", revision=2, body="# Another idea for revision 2\n", sign=False))
    assert commit_as(work, {QP1: other}, "QP-001: revision 2, another idea", AUTHOR).returncode == 0
    assert git(work, "merge", "-q", "feature", check=False).returncode != 0  # a conflict in QP-001
    git(work, "checkout", "-q", "--theirs", "--", QP1)
    concluded = commit_as(work, {QP1: make_document("QP-001", revision=2)}, "Merge feature", AUTHOR)
    assert concluded.returncode == 0, concluded.stderr
    pushed = push(work, "main")
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr


def test_a_signature_typed_in_while_concluding_a_merge_is_refused(client: Path) -> None:
    work = client
    git(work, "checkout", "-q", "-b", "feature")
    assert commit_as(work, {QP1: DRAFT_2}, "QP-001: revision 2", AUTHOR).returncode == 0
    git(work, "checkout", "-q", "main")
    other = draft_of(make_document("QP-001", revision=2, body="# Another idea for revision 2\n", sign=False))
    assert commit_as(work, {QP1: other}, "QP-001: revision 2, another idea", AUTHOR).returncode == 0
    assert git(work, "merge", "-q", "feature", check=False).returncode != 0
    refused = commit_as(work, {QP1: JANE_SIGNED}, "Merge feature", AUTHOR)
    assert refused.returncode == 1 and "QMS025" in refused.stderr and "the commit being made" in refused.stderr
