"""Which revision the site publishes, chosen from real git histories."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from qms_docs.errors import GitError
from qms_docs.mkdocs_plugin.pages import breakable
from qms_docs.publishing.selection import select
from tests.builders import PEOPLE, QMS_YML, commit, commit_signed, doc_path, git, make_document

TODAY = dt.date(2026, 11, 22)
QM = PEOPLE["quality-manager"]


def write(repo: Path, doc_id: str, text: str) -> None:
    (repo / doc_path(doc_id)).write_text(text, encoding="utf-8")


def test_a_draft_on_top_of_an_approved_revision_publishes_the_approved_one(qms_repo: Path) -> None:
    commit_signed(qms_repo, {doc_path("QP-001"): make_document("QP-001", body="# QP\n\nApproved words.\n")}, "QP-001 rev 1")
    commit(qms_repo, {doc_path("QP-001"): make_document("QP-001", revision=2, status="draft", title="Draft title",
                                                        body="# QP\n\nDraft words.\n")}, "QP-001 rev 2")

    pub = select(qms_repo, TODAY)

    (entry,) = pub.documents
    assert (entry.id, entry.doc.revision, entry.doc.title) == ("QP-001", 1, "Document QP-001")
    assert "Approved words." in entry.doc.body and "Draft" not in entry.doc.body
    assert [row.revision for row in entry.history] == [1]
    assert "QP-001: revision 2 is in draft; publishing revision 1" in pub.notes


def test_a_revision_effective_in_the_future_waits_for_its_date(qms_repo: Path) -> None:
    commit_signed(qms_repo, {doc_path("WI-001"): make_document("WI-001", body="Old way.\n")}, "WI-001 rev 1")
    commit_signed(qms_repo, {doc_path("WI-001"): make_document("WI-001", revision=2, body="New way.\n",
                                                        effective_date=dt.date(2027, 1, 1))}, "WI-001 rev 2")

    before = select(qms_repo, TODAY).by_id()["WI-001"]
    after = select(qms_repo, dt.date(2027, 1, 1)).by_id()["WI-001"]

    assert (before.doc.revision, before.doc.body) == (1, "Old way.\n")
    assert "WI-001: revision 2 is approved, effective from 2027-01-01; publishing revision 1" in \
        select(qms_repo, TODAY).notes
    assert (after.doc.revision, after.doc.body) == (2, "New way.\n")
    assert [(r.revision, r.effective_date) for r in after.history] == [(2, dt.date(2027, 1, 1)),
                                                                        (1, dt.date(2026, 3, 1))]


def test_documents_never_effective_are_left_out(qms_repo: Path) -> None:
    commit(qms_repo, {doc_path("QP-002"): make_document("QP-002", effective_date=dt.date(2027, 6, 1)),
                      doc_path("QP-003"): make_document("QP-003", status="draft")}, "QP-002 QP-003")

    pub = select(qms_repo, TODAY)

    assert pub.documents == () and pub.archive == ()
    assert "QP-002: no revision is effective on 2026-11-22; not published" in pub.notes
    assert "QP-003: no revision is effective on 2026-11-22; not published" in pub.notes


def test_an_obsolete_document_goes_to_the_archive_only(qms_repo: Path) -> None:
    commit_signed(qms_repo, {doc_path("FRM-001"): make_document("FRM-001", body="Old form.\n")}, "FRM-001 rev 1")
    commit_signed(qms_repo, {doc_path("FRM-001"): make_document("FRM-001", revision=2, status="obsolete", sign=True,
                                                         effective_date=dt.date(2026, 5, 1),
                                                         change_summary="Replaced by the ERP.")}, "FRM-001 obsolete")

    pub = select(qms_repo, TODAY)

    assert pub.documents == ()
    (withdrawn,) = pub.archive
    assert (withdrawn.doc.id, withdrawn.withdrawn, withdrawn.last_effective) == ("FRM-001", dt.date(2026, 5, 1), 1)
    assert withdrawn.doc.change_summary == "Replaced by the ERP."


def test_uncommitted_edits_publish_what_head_holds(qms_repo: Path) -> None:
    commit_signed(qms_repo, {doc_path("QP-001"): make_document("QP-001", body="Committed text.\n")}, "QP-001 rev 1")
    # A validly signed revision 2, but only in the working copy: not published until committed.
    write(qms_repo, "QP-001", make_document("QP-001", revision=2, body="Uncommitted text.\n"))
    write(qms_repo, "QP-004", make_document("QP-004", body="Never committed.\n"))

    pub = select(qms_repo, TODAY)

    assert [(e.id, e.doc.body) for e in pub.documents] == [("QP-001", "Committed text.\n")]
    assert any(n.startswith(f"{doc_path('QP-001')}: uncommitted changes are not published") for n in pub.notes)
    assert any(n.startswith(f"{doc_path('QP-004')}: uncommitted changes") for n in pub.notes)


def test_an_approval_missing_a_role_or_gone_stale_is_not_effective(qms_repo: Path) -> None:
    commit(qms_repo, {doc_path("QP-001"): make_document("QP-001", roles=["quality-manager"])}, "QP-001 one signer")
    signed = make_document("QP-002", body="Signed text.\n")
    commit_signed(qms_repo, {doc_path("QP-002"): signed}, "QP-002 rev 1")
    # The body edited after the signatures, revision not raised: the old signatures are stale.
    commit(qms_repo, {doc_path("QP-002"): signed.replace("Signed text.", "Edited after signing.")}, "QP-002 edit")

    pub = select(qms_repo, TODAY)

    assert [(e.id, e.doc.body) for e in pub.documents] == [("QP-002", "Signed text.\n")]
    assert "QP-001: no revision is effective on 2026-11-22; not published" in pub.notes


def test_the_revision_history_lists_each_effective_revision_with_its_signers(qms_repo: Path) -> None:
    for rev in (1, 2):
        commit_signed(qms_repo, {doc_path("QP-005"): make_document("QP-005", revision=rev,
                                                            effective_date=dt.date(2026, rev * 3, 1))}, f"rev {rev}")
    commit(qms_repo, {doc_path("QP-005"): make_document("QP-005", revision=3, status="draft",
                                                        change_summary="Secret draft plan.")}, "rev 3")

    (entry,) = select(qms_repo, TODAY).documents

    assert [(r.revision, r.effective_date, r.change_summary) for r in entry.history] == [
        (2, dt.date(2026, 6, 1), "Revision 2 of QP-005."), (1, dt.date(2026, 3, 1), None)]
    assert [(a.name, a.role) for a in entry.history[0].signatures] == [
        ("Jane Doe", "quality-manager"), ("Omar Haddad", "process-owner")]
    assert entry.next_review == dt.date(2028, 6, 1)


def test_a_renamed_document_is_published_at_the_path_it_was_approved_under(qms_repo: Path) -> None:
    body = "".join(f"Step {n}: do the work and record it.\n" for n in range(40))  # similar enough for git's -M
    commit_signed(qms_repo, {doc_path("QP-006"): make_document("QP-006", body=body)}, "QP-006 rev 1")
    git(qms_repo, "mv", doc_path("QP-006"), "controlled/procedures/QP-006-secret-draft-name.md")
    commit(qms_repo, {"controlled/procedures/QP-006-secret-draft-name.md":
                      make_document("QP-006", revision=2, status="draft", body=body)}, "QP-006 rev 2, renamed")

    (entry,) = select(qms_repo, TODAY).documents

    assert (entry.uri, entry.doc.revision) == ("procedures/QP-006.md", 1)


def test_a_repository_without_commits_publishes_nothing(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    (tmp_path / "qms.yml").write_text(QMS_YML, encoding="utf-8")

    pub = select(tmp_path, TODAY)

    assert pub.documents == () and pub.notes == ("no commit yet: nothing is published",)


def test_a_shallow_clone_is_a_clear_error(qms_repo: Path, tmp_path: Path) -> None:
    for rev in (1, 2):
        commit(qms_repo, {doc_path("QP-001"): make_document("QP-001", revision=rev)}, f"rev {rev}", author=QM)
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{qms_repo}", str(clone))

    with pytest.raises(GitError, match="shallow clone.*git fetch --unshallow"):
        select(clone, TODAY)


def test_a_committed_file_that_no_longer_parses_keeps_its_last_effective_revision(qms_repo: Path) -> None:
    commit_signed(qms_repo, {doc_path("QP-007"): make_document("QP-007", body="Good text.\n")}, "QP-007 rev 1")
    commit(qms_repo, {doc_path("QP-007"): "---\nid: QP-007\ntitle: [unclosed\n---\nBroken.\n"}, "QP-007 broken")

    pub = select(qms_repo, TODAY)

    assert [(e.id, e.doc.body) for e in pub.documents] == [("QP-007", "Good text.\n")]
    assert pub.problems == (f"{doc_path('QP-007')}: the committed file cannot be read (see `qms check`); "
                            "QP-007 is published from its last effective revision, if any",)


def test_a_document_moved_and_rewritten_in_one_draft_keeps_its_effective_revision(qms_repo: Path) -> None:
    commit_signed(qms_repo, {doc_path("QP-008"): make_document("QP-008", body="The approved way.\n")}, "QP-008 rev 1")
    # git sees a deletion and a new file (too different for rename detection), not a move.
    commit(qms_repo, {doc_path("QP-008"): None, "controlled/new-folder/QP-008.md":
                      make_document("QP-008", revision=2, status="draft", body="Completely new words.\n" * 30)},
           "QP-008 rev 2 moved and rewritten")

    (entry,) = select(qms_repo, TODAY).documents

    assert (entry.uri, entry.doc.revision, entry.doc.body) == ("procedures/QP-008.md", 1, "The approved way.\n")


def test_a_long_fingerprint_may_wrap_but_an_ordinary_word_never_breaks() -> None:
    text = str(breakable("bare commit-forfatter, nøkkel SHA256:L6Qkh3IR/nVpT7soENgZ2zsemukgEp/6InOmDCW+NJQ"))
    assert "commit-forfatter," in text and "nøkkel" in text  # no <wbr> inside ordinary words
    assert "SHA256:L6Qkh<wbr>3IR/nVpT7soE<wbr>" in text  # a 50-character key may wrap inside a narrow card
