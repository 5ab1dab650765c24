"""The change rules between a base commit and a new state, on real git histories (`qms check --base`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from qms_docs import engine, snapshot
from qms_docs.commands import check
from qms_docs.config import parse_config
from qms_docs.hooks.commit_msg import clean_message
from qms_docs.rules.base import Context
from qms_docs.rules.change import CHANGE_RULES
from qms_docs.rules.facts import ChangeFacts, CommitMessage, RefChange
from tests.builders import AUTHOR, PEOPLE, QMS_YML, commit, doc_path, git, make_document

TODAY = dt.date(2026, 11, 22)
JANE, CEO, OMAR = PEOPLE["quality-manager"], PEOPLE["top-management"], PEOPLE["process-owner"]
QP1 = doc_path("QP-001")


def line_of(text: str, needle: str, nth: int = 1) -> int:
    return [i for i, line in enumerate(text.splitlines(), start=1) if needle in line][nth - 1]


def draft_of(text: str) -> str:
    """The same content with status draft (effective_date kept, so signatures made later match it)."""
    return text.replace('status: "approved"', 'status: "draft"')


def found(repo: Path, base: str, head: str | None = "HEAD") -> list[tuple[str, str, int | None]]:
    """(code, path, line) of every finding of `qms check --base BASE [--head HEAD]`."""
    return [(f.code, f.path, f.line) for f in check.run(repo, TODAY, head=head, base=base)]


def messages(repo: Path, base: str, code: str) -> list[str]:
    return [f.message for f in check.run(repo, TODAY, head="HEAD", base=base) if f.code == code]


@pytest.fixture
def approved(qms_repo: Path) -> str:
    """QP-001 revision 1, approved; the base of each test (its own provenance is not in the range)."""
    return commit(qms_repo, {QP1: make_document("QP-001")}, "QP-001: issue revision 1", author=JANE)


def sign_revision_2(repo: Path, *, author: tuple[str, str] = AUTHOR, body: str | None = None) -> str:
    """Revision 2 written by `author`, then signed by Jane and by Omar, each in a commit of their own."""
    final = make_document("QP-001", revision=2, body=body)
    commit(repo, {QP1: draft_of(make_document("QP-001", revision=2, body=body, sign=False))},
           "QP-001: revision 2 for review", author=author)
    commit(repo, {QP1: make_document("QP-001", revision=2, body=body, roles=["quality-manager"])},
           "QP-001: approve as quality-manager", author=JANE)
    commit(repo, {QP1: final}, "QP-001: approve as process-owner", author=OMAR)
    return final


# QMS010 ---------------------------------------------------------------------------------------------

def test_a_revised_and_signed_revision_has_no_finding(qms_repo: Path, approved: str) -> None:
    sign_revision_2(qms_repo)
    assert found(qms_repo, approved) == []


def test_a_silent_edit_of_an_approved_revision_is_qms010_at_the_revision_line(qms_repo: Path, approved: str) -> None:
    text = make_document("QP-001", body="# Changed\n\nSilently.\n", sign=False)
    commit(qms_repo, {QP1: text}, "QP-001: tweak")
    assert ("QMS010", QP1, line_of(text, "revision:")) in found(qms_repo, approved)
    assert messages(qms_repo, approved, "QMS010")[0].startswith("content changed but revision is still 1")


def test_a_draft_may_change_freely(qms_repo: Path, approved: str) -> None:
    commit(qms_repo, {QP1: make_document("QP-001", revision=2, status="draft")}, "QP-001: revision 2")
    base = git(qms_repo, "rev-parse", "HEAD").stdout.strip()
    commit(qms_repo, {QP1: make_document("QP-001", revision=2, status="draft", body="# Rewritten\n")}, "QP-001: more")
    assert found(qms_repo, base) == []


def test_setting_an_approved_revision_back_to_draft_does_not_make_a_new_revision(qms_repo: Path, approved: str) -> None:
    text = make_document("QP-001", status="draft", body="# Edited as a draft\n", effective_date=None)
    commit(qms_repo, {QP1: text}, "QP-001: back to draft")
    assert found(qms_repo, approved) == [("QMS010", QP1, line_of(text, "revision:"))]
    assert "setting it back to draft does not start a new revision" in messages(qms_repo, approved, "QMS010")[0]


def test_only_a_status_change_is_not_a_content_change(qms_repo: Path, approved: str) -> None:
    commit(qms_repo, {QP1: draft_of(make_document("QP-001"))}, "QP-001: withdraw approval for rework")
    assert found(qms_repo, approved) == []


# renames: the same document --------------------------------------------------------------------------

def test_a_moved_document_keeps_its_identity(qms_repo: Path, approved: str) -> None:
    git(qms_repo, "mv", QP1, "controlled/procedures/QP-001-document-control.md")
    commit(qms_repo, {}, "QP-001: rename the file", author=JANE)
    assert found(qms_repo, approved) == []


def test_a_moved_and_silently_edited_document_is_qms010_at_its_new_path(qms_repo: Path, approved: str) -> None:
    moved = "controlled/archive/QP-001-document-control.md"
    text = make_document("QP-001", body="# Everything is different now\n\nNothing in common with the old text.\n",
                         sign=False)
    commit(qms_repo, {QP1: None, moved: text}, "QP-001: move and rewrite")
    codes = found(qms_repo, approved)
    assert ("QMS010", moved, line_of(text, "revision:")) in codes
    assert not [c for c in codes if c[0] == "QMS012"]


# QMS011-QMS013 ---------------------------------------------------------------------------------------

def test_a_revision_that_goes_down_is_qms011(qms_repo: Path) -> None:
    base = commit(qms_repo, {QP1: make_document("QP-001", revision=2)}, "QP-001: revision 2", author=JANE)
    text = make_document("QP-001", revision=1, sign=False, status="draft")
    commit(qms_repo, {QP1: text}, "QP-001: back to 1")
    assert found(qms_repo, base) == [("QMS011", QP1, line_of(text, "revision:"))]
    assert messages(qms_repo, base, "QMS011") == ["revision went down from 2 to 1; revisions only go up"]


def test_a_revision_that_skips_a_number_is_qms011(qms_repo: Path, approved: str) -> None:
    text = make_document("QP-001", revision=3, status="draft")
    commit(qms_repo, {QP1: text}, "QP-001: revision 3")
    assert found(qms_repo, approved) == [("QMS011", QP1, line_of(text, "revision:"))]
    assert "went up from 1 to 3; the next revision is 2" in messages(qms_repo, approved, "QMS011")[0]


def test_a_deleted_document_is_qms012_at_its_old_path(qms_repo: Path, approved: str) -> None:
    commit(qms_repo, {QP1: None}, "QP-001: delete")
    assert found(qms_repo, approved) == [("QMS012", QP1, None)]
    assert "qms obsolete QP-001" in messages(qms_repo, approved, "QMS012")[0]


def test_an_unreadable_document_is_qms001_not_a_deletion(qms_repo: Path, approved: str) -> None:
    commit(qms_repo, {QP1: "no front matter\n"}, "QP-001: oops")
    assert [c for c, _, _ in found(qms_repo, approved)] == ["QMS001"]


def test_a_changed_id_is_qms013_at_the_id_line(qms_repo: Path, approved: str) -> None:
    text = make_document("QP-001", revision=2, status="draft").replace('id: "QP-001"', 'id: "QP-002"')
    commit(qms_repo, {QP1: text}, "QP-001: renumber")
    assert found(qms_repo, approved) == [("QMS013", QP1, 2)]


# QMS014 and the base's configuration ----------------------------------------------------------------

GRANT_SAM = QMS_YML.replace("quality-manager: [jane@acme.example]",
                            "quality-manager: [jane@acme.example, sam@acme.example]")


def test_qms_yml_changed_by_someone_without_a_config_role_is_qms014(qms_repo: Path, approved: str) -> None:
    commit(qms_repo, {"qms.yml": GRANT_SAM}, "Make me quality manager", author=AUTHOR)
    assert found(qms_repo, approved) == [("QMS014", "qms.yml", None)]
    assert "sam@acme.example" in messages(qms_repo, approved, "QMS014")[0]


def test_qms_yml_changed_by_the_quality_manager_is_fine(qms_repo: Path, approved: str) -> None:
    commit(qms_repo, {"qms.yml": GRANT_SAM}, "Sam joins quality", author=JANE)
    assert found(qms_repo, approved) == []


def test_qms014_applies_only_when_the_base_is_a_protected_branch(qms_repo: Path, approved: str) -> None:
    git(qms_repo, "branch", "feature")
    git(qms_repo, "checkout", "-q", "-b", "topic")
    commit(qms_repo, {"qms.yml": GRANT_SAM}, "Experiment", author=AUTHOR)
    assert found(qms_repo, "feature") == []
    assert [c for c, _, _ in found(qms_repo, "main")] == ["QMS014"]


def test_roles_come_from_the_base_not_from_the_change(qms_repo: Path, approved: str) -> None:
    """A change cannot grant its author a role and use it: every rule judges with the base's roles."""
    commit(qms_repo, {"qms.yml": GRANT_SAM}, "Make me quality manager", author=AUTHOR)
    sam_signed = make_document("QP-001", revision=2, roles=["quality-manager"]).replace(
        '"Jane Doe"', '"Sam Author"').replace('"jane@acme.example"', '"sam@acme.example"')
    commit(qms_repo, {QP1: sam_signed}, "QP-001: revision 2, approved by me", author=AUTHOR)
    codes = found(qms_repo, approved)
    assert ("QMS023", QP1, line_of(sam_signed, 'email: "sam@acme.example"')) in codes
    assert ("QMS014", "qms.yml", None) in codes
    assert "QMS023" not in [f.code for f in check.run(qms_repo, TODAY, head="HEAD")]  # by its own qms.yml


# QMS024 self-approval ---------------------------------------------------------------------------------

def test_a_signer_who_wrote_the_revision_is_qms024(qms_repo: Path, approved: str) -> None:
    final = sign_revision_2(qms_repo, author=JANE)
    assert found(qms_repo, approved) == [("QMS024", QP1, line_of(final, "- name:", 1))]
    assert "jane@acme.example wrote revision 2" in messages(qms_repo, approved, "QMS024")[0]


def test_a_revision_written_before_the_range_is_still_attributed(qms_repo: Path, approved: str) -> None:
    """The draft reached main earlier; the signatures come later: the walk back finds its author."""
    commit(qms_repo, {QP1: draft_of(make_document("QP-001", revision=2, sign=False))}, "QP-001: rev 2", author=JANE)
    base = commit(qms_repo, {"README.md": "unrelated\n"}, "docs", author=JANE)
    commit(qms_repo, {QP1: make_document("QP-001", revision=2, roles=["quality-manager"])}, "QP-001: sign", author=JANE)
    final = make_document("QP-001", revision=2)
    commit(qms_repo, {QP1: final}, "QP-001: sign", author=OMAR)
    assert found(qms_repo, base) == [("QMS024", QP1, line_of(final, "- name:", 1))]


def test_self_approval_is_allowed_where_the_type_allows_it(qms_repo: Path) -> None:
    allow = QMS_YML.replace("review_months: 24}\n  work", "review_months: 24, allow_self_approval: true}\n  work", 1)
    commit(qms_repo, {"qms.yml": allow}, "Procedures may be self-approved", author=JANE)
    base = commit(qms_repo, {QP1: make_document("QP-001")}, "QP-001: issue", author=JANE)
    sign_revision_2(qms_repo, author=JANE)
    assert found(qms_repo, base) == []


# QMS025 forged approval -------------------------------------------------------------------------------

def test_a_signature_committed_by_someone_else_is_qms025(qms_repo: Path, approved: str) -> None:
    commit(qms_repo, {QP1: draft_of(make_document("QP-001", revision=2, sign=False))}, "QP-001: rev 2")
    final = make_document("QP-001", revision=2)
    commit(qms_repo, {QP1: final}, "QP-001: approved (signatures typed in by Sam)", author=AUTHOR)
    assert found(qms_repo, approved) == [("QMS025", QP1, line_of(final, "- name:", 1)),
                                         ("QMS025", QP1, line_of(final, "- name:", 2))]
    assert "not by the signer jane@acme.example" in messages(qms_repo, approved, "QMS025")[0]


def test_an_uncommitted_signature_is_judged_when_it_is_committed(qms_repo: Path, approved: str) -> None:
    commit(qms_repo, {QP1: draft_of(make_document("QP-001", revision=2, sign=False))}, "QP-001: rev 2")
    (qms_repo / QP1).write_text(make_document("QP-001", revision=2), encoding="utf-8")
    assert [c for c, _, _ in found(qms_repo, approved, head=None)] == []
    commit(qms_repo, {QP1: make_document("QP-001", revision=2)}, "QP-001: approved", author=AUTHOR)
    assert [c for c, _, _ in found(qms_repo, approved, head=None)] == ["QMS025", "QMS025"]


# QMS050 and QMS060: facts from the hooks ------------------------------------------------------------

def run_rule(code: str, facts: ChangeFacts) -> list[tuple[str, str, int | None]]:
    ctx = Context(snapshot.Snapshot("test", parse_config(QMS_YML), ()), TODAY, None, facts)
    return [(f.code, f.path, f.line) for f in engine.run(ctx, [r for r in CHANGE_RULES if r.code == code])]


def test_a_message_that_names_every_changed_document_passes() -> None:
    msg = CommitMessage(".git/COMMIT_EDITMSG", "QP-001, WI-002: retention periods", ("QP-001", "WI-002"))
    assert run_rule("QMS050", ChangeFacts(commit_message=msg)) == []


def test_a_message_missing_an_id_is_qms050() -> None:
    msg = CommitMessage(".git/COMMIT_EDITMSG", "QP-0012: retention periods", ("QP-001",))
    assert run_rule("QMS050", ChangeFacts(commit_message=msg)) == [("QMS050", ".git/COMMIT_EDITMSG", None)]


def test_comments_and_the_scissors_block_do_not_count_as_naming() -> None:
    text = "Fix typo\n# QP-001 is in the comment only\n# ------------------------ >8 ------------------------\nQP-001\n"
    assert clean_message(text) == "Fix typo"
    assert clean_message(text.replace("#", ";"), ";") == "Fix typo"


def test_a_non_fast_forward_update_and_a_deletion_are_qms060() -> None:
    old, new, zero = "a" * 40, "b" * 40, "0" * 40
    assert run_rule("QMS060", ChangeFacts(ref_changes=(RefChange("refs/heads/main", old, new, True),))) == []
    assert run_rule("QMS060", ChangeFacts(ref_changes=(RefChange("refs/heads/main", old, new, False),))) == \
        [("QMS060", "refs/heads/main", None)]
    assert run_rule("QMS060", ChangeFacts(ref_changes=(RefChange("refs/heads/main", old, zero, False, True),))) == \
        [("QMS060", "refs/heads/main", None)]


def test_the_pull_request_gate_annotates_the_changed_line(qms_repo: Path, approved: str) -> None:
    from click.testing import CliRunner

    from qms_docs.cli import cli

    commit(qms_repo, {QP1: make_document("QP-001", body="# Changed\n", sign=False)}, "QP-001: tweak")
    result = CliRunner().invoke(cli, ["check", "--repo", str(qms_repo), "--base", approved, "--head", "HEAD",
                                      "--format", "github"], catch_exceptions=False)
    assert result.exit_code == 1
    assert f"::error file={QP1},line=5,title=QMS010::QMS010: content changed but revision is still 1" in result.stdout


def test_an_unknown_base_is_a_usage_error(qms_repo: Path) -> None:
    from click.testing import CliRunner

    from qms_docs.cli import cli

    result = CliRunner().invoke(cli, ["check", "--repo", str(qms_repo), "--base", "origin/nowhere"])
    assert result.exit_code == 2 and "--base origin/nowhere: not a commit" in result.stderr
