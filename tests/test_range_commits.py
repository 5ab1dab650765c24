"""Every commit of a range counts (SPEC 4): intermediate commits and merges, judged by `qms check --base`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from qms_docs.commands import check
from tests.builders import AUTHOR, PEOPLE, QMS_YML, commit, doc_path, git, make_document

TODAY = dt.date(2026, 11, 22)
JANE, OMAR = PEOPLE["quality-manager"], PEOPLE["process-owner"]
QP1 = doc_path("QP-001")
GRANT_SAM = QMS_YML.replace("quality-manager: [jane@acme.example]",
                            "quality-manager: [jane@acme.example, sam@acme.example]")


def draft_of(text: str) -> str:
    return text.replace('status: "approved"', 'status: "draft"')


def findings(repo: Path, base: str) -> list[tuple[str, str, str]]:
    """(code, path, message) of every error of `qms check --base BASE --head HEAD`."""
    return [(f.code, f.path, f.message) for f in check.run(repo, TODAY, head="HEAD", base=base)
            if f.severity == "error"]


def as_author(who: tuple[str, str]) -> dict[str, str]:
    return {"GIT_AUTHOR_NAME": who[0], "GIT_AUTHOR_EMAIL": who[1], "GIT_COMMITTER_NAME": who[0],
            "GIT_COMMITTER_EMAIL": who[1]}


def merge(repo: Path, branch: str, who: tuple[str, str], files: dict[str, str] | None = None) -> str:
    """`git merge --no-ff --no-commit BRANCH`, then write `files` into the merge and commit it as `who`."""
    git(repo, "merge", "-q", "--no-ff", "--no-commit", branch, check=False)
    for rel, text in (files or {}).items():
        (repo / rel).write_text(text, encoding="utf-8")
        git(repo, "add", "--", rel)
    git(repo, "commit", "-q", "--no-edit", env=as_author(who))
    return git(repo, "rev-parse", "HEAD").stdout.strip()


def diverge(repo: Path, side: dict[str, str | None], main_author: tuple[str, str] = JANE) -> None:
    """Branch `side` with `side` committed by Sam, and main moved on meanwhile (so a merge is a true merge)."""
    git(repo, "checkout", "-q", "-b", "side")
    commit(repo, side, "Side work", author=AUTHOR)
    git(repo, "checkout", "-q", "main")
    commit(repo, {"README.md": "main moved on\n"}, "Readme", author=main_author)


def sign_as(repo: Path, text: str, who: tuple[str, str]) -> str:
    return commit(repo, {QP1: text}, f"QP-001: approve as {who[0]}", author=who)


JANE_SIGNED_2 = draft_of(make_document("QP-001", revision=2, roles=["quality-manager"]))
APPROVED_2 = make_document("QP-001", revision=2)
DRAFT_2 = draft_of(make_document("QP-001", revision=2, sign=False))


@pytest.fixture
def approved(qms_repo: Path) -> str:
    """QP-001 revision 1, approved, on main: the base of each test."""
    return commit(qms_repo, {QP1: make_document("QP-001")}, "QP-001: issue revision 1", author=JANE)


# 8.1: merges are judged ------------------------------------------------------------------------------

def test_a_role_granted_inside_a_merge_and_then_used_is_refused(qms_repo: Path, approved: str) -> None:
    diverge(qms_repo, {QP1: DRAFT_2})
    grant = merge(qms_repo, "side", AUTHOR, {"qms.yml": GRANT_SAM})
    sam_signed = JANE_SIGNED_2.replace('"Jane Doe"', '"Sam Author"').replace('"jane@acme.example"', '"sam@acme.example"')
    commit(qms_repo, {QP1: sam_signed}, "QP-001: approve as quality-manager", author=AUTHOR)
    found = findings(qms_repo, approved)
    assert ("QMS014", "qms.yml") in [(c, p) for c, p, _ in found]
    assert any(m.startswith(f"in commit {grant[:12]}: changed on a protected branch by commit {grant[:12]} of "
                            f"Sam Author") for c, _, m in found if c == "QMS014")
    assert "QMS023" in [c for c, _, _ in found]  # and the base's roles still judge the signature


def test_a_document_rewritten_inside_a_merge_is_judged_like_a_commit(qms_repo: Path, approved: str) -> None:
    diverge(qms_repo, {"controlled/forms/FRM-001.md": make_document("FRM-001", status="draft")})
    silent = make_document("QP-001", body="# Rewritten in the merge\n", sign=False)
    merge(qms_repo, "side", AUTHOR, {QP1: silent})
    assert ("QMS010", QP1) in [(c, p) for c, p, _ in findings(qms_repo, approved)]


def test_a_merge_that_takes_an_older_revision_is_a_rollback(qms_repo: Path, approved: str) -> None:
    git(qms_repo, "branch", "old")
    for text, who in ((DRAFT_2, AUTHOR), (JANE_SIGNED_2, JANE), (APPROVED_2, OMAR)):
        commit(qms_repo, {QP1: text}, "QP-001: revision 2", author=who)
    base = git(qms_repo, "rev-parse", "HEAD").stdout.strip()
    git(qms_repo, "checkout", "-q", "old")
    commit(qms_repo, {"README.md": "old side\n"}, "Readme", author=JANE)
    git(qms_repo, "checkout", "-q", "main")
    merge(qms_repo, "old", AUTHOR, {QP1: make_document("QP-001")})  # resolves QP-001 by taking revision 1 back
    assert [(c, m) for c, _, m in findings(qms_repo, base)] == \
        [("QMS011", "revision went down from 2 to 1; revisions only go up")]


def test_signatures_made_on_two_branches_and_merged_are_accepted(qms_repo: Path, approved: str) -> None:
    """Each approver signs on a branch of their own; the merge combines the entries it did not write."""
    commit(qms_repo, {QP1: DRAFT_2}, "QP-001: revision 2", author=AUTHOR)
    git(qms_repo, "checkout", "-q", "-b", "omar")
    omar_only = draft_of(make_document("QP-001", revision=2, roles=["process-owner"]))
    sign_as(qms_repo, omar_only, OMAR)
    git(qms_repo, "checkout", "-q", "main")
    sign_as(qms_repo, JANE_SIGNED_2, JANE)
    jane_first = make_document("QP-001", revision=2, roles=["quality-manager", "process-owner"])
    merge(qms_repo, "omar", PEOPLE["top-management"], {QP1: jane_first})
    assert findings(qms_repo, approved) == []


def test_a_feature_branch_merged_after_main_moved_on_is_accepted(qms_repo: Path, approved: str) -> None:
    git(qms_repo, "checkout", "-q", "-b", "feature")
    for text, who in ((DRAFT_2, AUTHOR), (JANE_SIGNED_2, JANE), (APPROVED_2, OMAR)):
        commit(qms_repo, {QP1: text}, "QP-001: revision 2", author=who)
    git(qms_repo, "checkout", "-q", "main")
    wi = "controlled/work-instructions/WI-001.md"
    commit(qms_repo, {wi: draft_of(make_document("WI-001", sign=False))}, "WI-001: new", author=AUTHOR)
    commit(qms_repo, {wi: make_document("WI-001")}, "WI-001: approve", author=OMAR)
    merge(qms_repo, "feature", AUTHOR)
    assert findings(qms_repo, approved) == []


# 8.2: every commit counts ----------------------------------------------------------------------------

def test_a_forged_approval_in_the_middle_of_a_range_is_refused(qms_repo: Path, approved: str) -> None:
    commit(qms_repo, {QP1: DRAFT_2}, "QP-001: revision 2", author=AUTHOR)
    forged = commit(qms_repo, {QP1: APPROVED_2}, "QP-001: approved", author=AUTHOR)
    commit(qms_repo, {QP1: DRAFT_2}, "QP-001: back to draft", author=AUTHOR)
    found = findings(qms_repo, approved)
    assert [c for c, _, _ in found] == ["QMS025", "QMS025"]
    assert all(m.startswith(f"in commit {forged[:12]}: approval ") for _, _, m in found)


def test_a_spoofed_author_in_the_middle_is_refused_when_signing_is_required(qms_repo: Path) -> None:
    config = QMS_YML.replace("signing: {required: false", "signing: {required: true, method: commit")
    base = commit(qms_repo, {"qms.yml": config, ".qms/allowed_signers": "", QP1: make_document("QP-001")},
                  "QP-001: issue revision 1", author=JANE)
    commit(qms_repo, {QP1: DRAFT_2}, "QP-001: revision 2", author=AUTHOR)
    jane = sign_as(qms_repo, JANE_SIGNED_2, JANE)  # unsigned commits under the signers' names
    omar = sign_as(qms_repo, APPROVED_2, OMAR)
    commit(qms_repo, {QP1: DRAFT_2}, "QP-001: back to draft", author=AUTHOR)
    found = [(c, m) for c, _, m in findings(qms_repo, base)]
    assert [c for c, _ in found] == ["QMS025", "QMS025"]
    assert {m.split(":")[0] for _, m in found} == {f"in commit {jane[:12]}", f"in commit {omar[:12]}"}
    assert all("is not signed by a key listed for" in m for _, m in found)


def test_a_middle_commit_restoring_a_superseded_revision_is_refused(qms_repo: Path, approved: str) -> None:
    for text, who in ((DRAFT_2, AUTHOR), (JANE_SIGNED_2, JANE), (APPROVED_2, OMAR)):
        commit(qms_repo, {QP1: text}, "QP-001: revision 2", author=who)
    base = git(qms_repo, "rev-parse", "HEAD").stdout.strip()
    back = commit(qms_repo, {QP1: make_document("QP-001")}, "QP-001: restore revision 1", author=AUTHOR)
    commit(qms_repo, {QP1: APPROVED_2}, "QP-001: revision 2 again", author=AUTHOR)
    found = findings(qms_repo, base)
    assert (f"in commit {back[:12]}: revision went down from 2 to 1; revisions only go up") in \
        [m for c, _, m in found if c == "QMS011"]


def test_a_range_of_several_clean_revisions_is_accepted(qms_repo: Path, approved: str) -> None:
    """Revision 2 approved, then revision 3 begun, in one range: each step goes up by one."""
    for text, who in ((DRAFT_2, AUTHOR), (JANE_SIGNED_2, JANE), (APPROVED_2, OMAR)):
        commit(qms_repo, {QP1: text}, "QP-001: revision 2", author=who)
    commit(qms_repo, {QP1: make_document("QP-001", revision=3, status="draft")}, "QP-001: revision 3", author=AUTHOR)
    assert findings(qms_repo, approved) == []


# 8.9: who wrote a revision ---------------------------------------------------------------------------

def test_an_early_author_is_found_behind_a_rewrite_of_the_revision_line(qms_repo: Path, approved: str) -> None:
    commit(qms_repo, {QP1: DRAFT_2}, "QP-001: revision 2", author=JANE)
    reworded = DRAFT_2.replace("revision: 2\n", "revision: 2  # second issue\n", 1)
    base = commit(qms_repo, {QP1: reworded}, "QP-001: note on the revision line", author=AUTHOR)
    jane_signed = JANE_SIGNED_2.replace("revision: 2\n", "revision: 2  # second issue\n", 1)
    sign_as(qms_repo, jane_signed, JANE)
    sign_as(qms_repo, APPROVED_2.replace("revision: 2\n", "revision: 2  # second issue\n", 1), OMAR)
    found = [m for c, _, m in findings(qms_repo, base) if c == "QMS024"]
    assert len(found) == 1 and "jane@acme.example wrote revision 2" in found[0]


@pytest.mark.parametrize("before_the_range", [False, True])
def test_content_written_in_a_merge_is_authored_by_the_merge_author(qms_repo: Path, approved: str,
                                                                    before_the_range: bool) -> None:
    """Jane finishes the draft while merging; in the range, or before it (the walk back along the file sees merges)."""
    diverge(qms_repo, {QP1: DRAFT_2}, main_author=OMAR)
    body = "# Purpose\n\nFinished by Jane while merging.\n"
    merged = merge(qms_repo, "side", JANE, {QP1: draft_of(make_document("QP-001", revision=2, body=body, sign=False))})
    base = commit(qms_repo, {"README.md": "later\n"}, "Readme", author=OMAR) if before_the_range else approved
    sign_as(qms_repo, draft_of(make_document("QP-001", revision=2, body=body, roles=["quality-manager"])), JANE)
    sign_as(qms_repo, make_document("QP-001", revision=2, body=body), OMAR)
    found = [m for c, _, m in findings(qms_repo, base) if c == "QMS024"]
    assert len(found) == 1 and f"jane@acme.example wrote revision 2 (commit {merged[:12]})" in found[0]


# 8.10: a revision number, once approved, names one content -------------------------------------------

REWORKED = draft_of(make_document("QP-001", body="# Reworked without a new revision\n", sign=False))


def approve_reworked(repo: Path) -> None:
    body = "# Reworked without a new revision\n"
    sign_as(repo, draft_of(make_document("QP-001", body=body, roles=["quality-manager"])), JANE)
    sign_as(repo, make_document("QP-001", body=body), OMAR)


def test_approving_other_content_under_the_same_revision_number_is_qms010(qms_repo: Path, approved: str) -> None:
    commit(qms_repo, {QP1: REWORKED}, "QP-001: rework", author=AUTHOR)
    approve_reworked(qms_repo)
    found = [m for c, _, m in findings(qms_repo, approved) if c == "QMS010"]
    assert any("revision 1 was already approved with other content" in m for m in found)


def test_the_approved_content_before_the_range_still_holds_the_number(qms_repo: Path, approved: str) -> None:
    """The rework reached main earlier (as a draft); approving it now is still two contents for revision 1."""
    base = commit(qms_repo, {QP1: REWORKED}, "QP-001: rework", author=AUTHOR)
    approve_reworked(qms_repo)
    found = [(c, m) for c, _, m in findings(qms_repo, base)]
    assert ("QMS010", "revision 1 was already approved with other content: a revision number, once approved, "
                      "names one content (setting it back to draft does not start a new revision); start revision 2 "
                      "with `qms revise QP-001 -m SUMMARY`") in found


# guarded files (SPEC 3) ------------------------------------------------------------------------------

def test_mkdocs_yml_and_trusted_files_are_guarded(qms_repo: Path) -> None:
    config = QMS_YML + "trusted_files: [.github/workflows/qms.yml]\n"
    base = commit(qms_repo, {"qms.yml": config, "mkdocs.yml": "site_name: QMS\n"}, "Set up", author=JANE)
    commit(qms_repo, {"mkdocs.yml": "site_name: QMS\nhooks: [evil.py]\n", ".github/workflows/qms.yml": "on: push\n"},
           "Site tweaks", author=AUTHOR)
    assert sorted((c, p) for c, p, _ in findings(qms_repo, base)) == \
        [("QMS014", ".github/workflows/qms.yml"), ("QMS014", "mkdocs.yml")]


def test_a_merge_that_took_the_draft_unchanged_adds_no_author(qms_repo: Path, approved: str) -> None:
    """Jane merges Sam's draft as it is (before the range), then signs it: she wrote none of it."""
    diverge(qms_repo, {QP1: DRAFT_2}, main_author=OMAR)
    base = merge(qms_repo, "side", JANE)
    sign_as(qms_repo, JANE_SIGNED_2, JANE)
    sign_as(qms_repo, APPROVED_2, OMAR)
    assert findings(qms_repo, base) == []


def test_a_parallel_draft_of_the_same_revision_is_not_an_edit_of_its_approval(qms_repo: Path, approved: str) -> None:
    """Priya drafted revision 2 on her branch while Sam's revision 2 was approved on his; the merge keeps
    the approved one. Her draft came before no approval it could have changed: no QMS010."""
    priya = ("Priya Nair", "priya@acme.example")
    git(qms_repo, "checkout", "-q", "-b", "priya")
    commit(qms_repo, {QP1: draft_of(make_document("QP-001", revision=2, body="# Priya's idea\n", sign=False))},
           "QP-001: revision 2, another idea", author=priya)
    git(qms_repo, "checkout", "-q", "main")
    for text, who in ((DRAFT_2, AUTHOR), (JANE_SIGNED_2, JANE), (APPROVED_2, OMAR)):
        commit(qms_repo, {QP1: text}, "QP-001: revision 2", author=who)
    merge(qms_repo, "priya", AUTHOR, {QP1: APPROVED_2})  # the conflict resolved for the approved text
    assert findings(qms_repo, approved) == []
    # the same merge resolved for the draft: other content for an approved revision number
    git(qms_repo, "reset", "-q", "--hard", "HEAD~1")
    merge(qms_repo, "priya", AUTHOR, {QP1: draft_of(make_document("QP-001", revision=2, body="# Priya's idea\n",
                                                                  sign=False))})
    assert "QMS010" in [c for c, _, _ in findings(qms_repo, approved)]
