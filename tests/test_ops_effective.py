"""`qms revise --effective`, `qms approve` naming it when the date is missing, and signed withdrawals."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.builders import commit, doc_path, make_document
from tests.test_edit_commands import BODY, JANE, OMAR, add, draft, front, qms, sign_as


def test_revise_with_effective_sets_the_date_before_anyone_signs(qms_repo: Path) -> None:
    path = add(qms_repo, make_document("QP-001", body=BODY))
    result = qms(qms_repo, "revise", "QP-001", "-m", "Records kept 3 years.", "--effective", "2026-12-15")
    assert result.exit_code == 0, result.stderr
    assert "QP-001 revision 2 started (draft); takes effect on 2026-12-15" in result.stdout
    meta = front(path)
    assert (meta["revision"], meta["status"], meta["effective_date"], meta["approvals"]) == \
        (2, "draft", dt.date(2026, 12, 15), [])
    for person in (JANE, OMAR):  # nobody edits the file by hand
        sign_as(qms_repo, person)
        assert qms(qms_repo, "approve", "QP-001").exit_code == 0
    assert front(path)["status"] == "approved"
    check = qms(qms_repo, "check")
    assert check.exit_code == 0, check.stdout


@pytest.mark.parametrize("command", ["revise", "obsolete"])
@pytest.mark.parametrize("value", ["2026-02-30", "15.12.2026", "tomorrow", "2026-12-15T10:00"])
def test_an_invalid_effective_date_is_a_usage_error(qms_repo: Path, value: str, command: str) -> None:
    path = add(qms_repo, make_document("QP-001", body=BODY))
    before = path.read_bytes()
    result = qms(qms_repo, command, "QP-001", "-m", "Change", "--effective", value)
    assert result.exit_code == 2
    assert "--effective" in result.stderr and value in result.stderr and "Traceback" not in result.output
    assert path.read_bytes() == before


def test_revise_of_an_approved_revision_needs_a_summary(qms_repo: Path) -> None:
    path = add(qms_repo, make_document("QP-001", body=BODY))
    before = path.read_bytes()
    result = qms(qms_repo, "revise", "QP-001", "--effective", "2026-12-15")
    assert result.exit_code == 2 and "with -m SUMMARY" in result.stderr
    assert path.read_bytes() == before


def test_approve_names_the_command_that_sets_a_missing_date_and_it_works(qms_repo: Path) -> None:
    path = add(qms_repo, draft(effective=None))
    sign_as(qms_repo, JANE)
    assert qms(qms_repo, "approve", "QP-001").exit_code == 0
    sign_as(qms_repo, OMAR)
    refused = qms(qms_repo, "approve", "QP-001")
    assert refused.exit_code == 1
    assert "`qms revise QP-001 --effective YYYY-MM-DD`" in refused.stderr
    assert "signatures already given stale" in refused.stderr
    dated = qms(qms_repo, "revise", "QP-001", "--effective", "2026-12-01")
    assert dated.exit_code == 0, dated.stderr
    assert dated.stdout == (f"{doc_path('QP-001')}: QP-001 revision 1 (draft) takes effect on 2026-12-01; 1 signature "
                            f"already given is now stale and must be given again\n")
    meta = front(path)
    assert (meta["revision"], meta["effective_date"]) == (1, dt.date(2026, 12, 1))
    assert "removed 1 stale signature" in qms(qms_repo, "approve", "QP-001").stdout  # Omar
    sign_as(qms_repo, JANE)
    assert "status: approved" in qms(qms_repo, "approve", "QP-001").stdout
    assert qms(qms_repo, "check").exit_code == 0


def test_withdrawal_is_dated_and_signed_like_any_revision(qms_repo: Path) -> None:
    path = add(qms_repo, make_document("QP-001", revision=3, body=BODY))
    started = qms(qms_repo, "obsolete", "QP-001", "-m", "Replaced by QP-007.", "--effective", "2027-01-01")
    assert started.exit_code == 0, started.stderr
    assert "revision 3 stays in force" in started.stdout
    commit(qms_repo, {doc_path("QP-001"): path.read_text(encoding="utf-8")}, "QP-001: withdraw")
    sign_as(qms_repo, JANE)
    first = qms(qms_repo, "approve", "QP-001")
    assert first.stdout.startswith("signed QP-001 revision 4 as quality-manager (1 of 2 required roles); "
                                   "status: obsolete")
    sign_as(qms_repo, OMAR)
    last = qms(qms_repo, "approve", "QP-001")
    assert "(2 of 2 required roles); status: obsolete" in last.stdout
    meta = front(path)
    assert (meta["status"], meta["revision"], meta["effective_date"]) == ("obsolete", 4, dt.date(2027, 1, 1))
    assert [a["role"] for a in meta["approvals"]] == ["quality-manager", "process-owner"]  # type: ignore[union-attr]
    again = qms(qms_repo, "approve", "QP-001", "--meaning", "reviewed")
    assert again.exit_code == 1 and "already signed by every required role" in again.stderr
    assert qms(qms_repo, "check").exit_code == 0


def test_a_withdrawal_without_a_date_says_how_to_add_it(qms_repo: Path) -> None:
    path = add(qms_repo, make_document("QP-001", revision=4, status="obsolete", effective_date=None,
                                       change_summary="Replaced by QP-007."))
    sign_as(qms_repo, JANE)
    assert qms(qms_repo, "approve", "QP-001").exit_code == 0
    before = path.read_bytes()
    sign_as(qms_repo, OMAR)
    refused = qms(qms_repo, "approve", "QP-001")
    assert refused.exit_code == 1 and "a line `effective_date: YYYY-MM-DD` in its front matter" in refused.stderr
    assert "qms revise" not in refused.stderr and path.read_bytes() == before
