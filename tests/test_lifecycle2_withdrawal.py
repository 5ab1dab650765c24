"""A withdrawal is a controlled change (QMS015, QMS016), and a draft-only document may be deleted (QMS012),
through real `git commit` and `git push` into a bare server with the pre-receive hook."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from qms_docs.publishing.selection import select
from tests.builders import AUTHOR, PEOPLE, commit, commit_signed, doc_path, git, make_document
from tests.helpers_hooks import commit_as, make_server, push, qms, shims, with_qms_on_path

JANE, CEO = PEOPLE["quality-manager"], PEOPLE["top-management"]
POL = doc_path("POL-001")
QP2 = doc_path("QP-002")
TODAY = dt.date(2026, 11, 22)


@pytest.fixture
def server(qms_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """(bare remote with pre-receive, working clone with the shims); main holds POL-001 revision 1, approved."""
    with_qms_on_path(monkeypatch)
    commit(qms_repo, shims(), "Hooks", author=JANE)
    commit_signed(qms_repo, {POL: make_document("POL-001")}, "POL-001: issue revision 1")
    return make_server(qms_repo, tmp_path)


@pytest.fixture
def withdrawn(qms_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """As `server`, but revision 2 of POL-001 is a withdrawal signed by both roles and in force since 2026-06-01."""
    with_qms_on_path(monkeypatch)
    commit(qms_repo, shims(), "Hooks", author=JANE)
    commit_signed(qms_repo, {POL: make_document("POL-001")}, "POL-001: issue revision 1")
    withdrawal = make_document("POL-001", revision=2, status="obsolete", sign=True, effective_date=dt.date(2026, 6, 1))
    commit_signed(qms_repo, {POL: withdrawal}, "POL-001: withdraw")
    return make_server(qms_repo, tmp_path)


def remote_main(remote: Path) -> str:
    return git(remote, "rev-parse", "main").stdout.strip()


def in_force(repo: Path) -> dict[str, int | None]:
    pub = select(repo, TODAY)
    return {e.id: e.doc.revision for e in pub.documents} | {f"{w.doc.id} (withdrawn)": w.doc.revision
                                                              for w in pub.archive}


def test_anyone_may_start_a_withdrawal_but_the_policy_stays_in_force_until_it_is_signed(server: tuple[Path, Path]) -> None:
    remote, work = server
    started = qms("obsolete", "POL-001", "-m", "No longer needed", cwd=work)
    assert started.returncode == 0, started.stderr
    done = commit_as(work, {}, "POL-001: withdraw", AUTHOR, "-a")
    assert done.returncode == 0, done.stderr
    assert "QMS016 warning" in done.stdout + done.stderr  # pending, said so, not refused
    pushed = push(work, "main")
    assert pushed.returncode == 0, pushed.stderr
    assert in_force(work) == {"POL-001": 1}  # the Quality Policy did not leave the manual
    checked = qms("check", cwd=work)
    assert checked.returncode == 0
    assert f"{POL}:6: QMS016 warning" in checked.stdout and "top-management, quality-manager" in checked.stdout
    assert "revision 1 stays in force" in checked.stdout


def test_a_withdrawal_in_force_cannot_be_turned_back_into_a_draft(withdrawn: tuple[Path, Path]) -> None:
    remote, work = withdrawn
    assert in_force(work) == {"POL-001 (withdrawn)": 2}
    back = make_document("POL-001", revision=3, status="draft")
    refused = commit_as(work, {POL: back}, "POL-001: bring it back", AUTHOR)
    assert refused.returncode == 1 and "QMS015 error" in refused.stderr
    assert commit_as(work, {}, "POL-001: bring it back", AUTHOR, "--no-verify").returncode == 0
    before = remote_main(remote)
    pushed = push(work, "--no-verify", "main")
    assert pushed.returncode == 1
    assert f"remote: {POL}:6: QMS015 error" in pushed.stderr and "is final" in pushed.stderr
    assert remote_main(remote) == before


def test_a_withdrawal_in_force_cannot_be_revised_or_reworded(withdrawn: tuple[Path, Path]) -> None:
    remote, work = withdrawn
    revised = qms("revise", "POL-001", "-m", "Bring it back", cwd=work)
    assert revised.returncode == 1 and "a withdrawal in force is final" in revised.stderr
    reworded = (work / POL).read_text(encoding="utf-8").replace("The text of revision 2", "Other text")
    assert commit_as(work, {POL: reworded}, "POL-001: reword", AUTHOR, "--no-verify").returncode == 0
    pushed = push(work, "--no-verify", "main")
    assert pushed.returncode == 1 and "QMS015 error" in pushed.stderr


def test_a_pending_withdrawal_is_cancelled_with_revise(server: tuple[Path, Path]) -> None:
    remote, work = server
    assert qms("obsolete", "POL-001", "-m", "No longer needed", cwd=work).returncode == 0
    assert commit_as(work, {}, "POL-001: withdraw", AUTHOR, "-a").returncode == 0
    revised = qms("revise", "POL-001", "-m", "Withdrawal cancelled: still needed", cwd=work)
    assert revised.returncode == 0, revised.stderr
    assert "revision 3 started" in revised.stdout and "pending withdrawal (revision 2) is cancelled" in revised.stdout
    text = (work / POL).read_text(encoding="utf-8")
    assert "revision: 3" in text and 'status: "draft"' in text or "status: draft" in text
    assert "The text of revision 1." in text  # the content goes on from the revision in force
    done = commit_as(work, {}, "POL-001: cancel the withdrawal", AUTHOR, "-a")
    assert done.returncode == 0, done.stderr
    pushed = push(work, "main")
    assert pushed.returncode == 0, pushed.stderr
    assert in_force(work) == {"POL-001": 1}


def test_revising_a_signed_withdrawal_with_a_future_date_says_it_still_takes_effect(qms_repo: Path) -> None:
    future = make_document("POL-001", revision=2, status="obsolete", sign=True, effective_date=dt.date(2027, 1, 1))
    commit(qms_repo, {POL: future}, "POL-001: withdraw")
    revised = qms("revise", "POL-001", "-m", "Keep it", cwd=qms_repo)
    assert revised.returncode == 0, revised.stderr
    assert "still takes effect on 2027-01-01 unless revision 3 is approved before then" in revised.stdout


def test_a_draft_only_document_may_be_deleted(server: tuple[Path, Path]) -> None:
    remote, work = server
    for n in (1, 2):  # a draft, raised by hand to revision 2: still never approved
        done = commit_as(work, {QP2: make_document("QP-002", revision=n, status="draft")}, "QP-002: draft", AUTHOR)
        assert done.returncode == 0, done.stderr
    assert push(work, "main").returncode == 0
    gone = commit_as(work, {QP2: None}, "QP-002: drop the draft", AUTHOR)
    assert gone.returncode == 0, gone.stderr
    pushed = push(work, "main")
    assert pushed.returncode == 0, pushed.stderr
    assert remote_main(remote) == git(work, "rev-parse", "HEAD").stdout.strip()


def test_a_document_approved_once_may_not_be_deleted_even_as_a_draft(server: tuple[Path, Path]) -> None:
    remote, work = server
    done = commit_as(work, {POL: make_document("POL-001", revision=2, status="draft")}, "POL-001: rev 2", AUTHOR)
    assert done.returncode == 0, done.stderr
    assert push(work, "main").returncode == 0
    refused = commit_as(work, {POL: None}, "POL-001: drop", AUTHOR)
    assert refused.returncode == 1 and f"{POL}: QMS012 error" in refused.stderr
    assert commit_as(work, {}, "POL-001: drop", AUTHOR, "--no-verify").returncode == 0
    before = remote_main(remote)
    pushed = push(work, "--no-verify", "main")
    assert pushed.returncode == 1 and f"remote: {POL}: QMS012 error" in pushed.stderr
    assert remote_main(remote) == before


def test_a_draft_created_and_deleted_inside_one_push_is_accepted(server: tuple[Path, Path]) -> None:
    remote, work = server
    assert commit_as(work, {QP2: make_document("QP-002", status="draft")}, "QP-002: draft", AUTHOR).returncode == 0
    assert commit_as(work, {QP2: None}, "QP-002: drop", AUTHOR).returncode == 0
    assert push(work, "main").returncode == 0


def test_the_signatures_of_a_withdrawal_in_force_cannot_be_removed(withdrawn: tuple[Path, Path]) -> None:
    remote, work = withdrawn
    stripped = make_document("POL-001", revision=2, status="obsolete", sign=False, effective_date=dt.date(2026, 6, 1))
    refused = commit_as(work, {POL: stripped}, "POL-001: tidy", AUTHOR)
    assert refused.returncode == 1 and "QMS015 error" in refused.stderr
