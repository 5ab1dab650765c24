"""`qms list`, `qms review-due` and `qms report` show the revision in force (as the site selects it) and the
pending one beside it; `qms history` and the archive page date a withdrawal by its own effective date."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

from click.testing import CliRunner

from qms_docs.cli import cli
from qms_docs.mkdocs_plugin import pages
from qms_docs.publishing.selection import select
from tests.builders import commit, commit_signed, doc_path, make_document

POL, QP1 = doc_path("POL-001"), doc_path("QP-001")
OLD = dt.date(2025, 1, 1)  # the policy's 12-month review fell due on 2026-01-01; today is 2026-11-22


def qms(repo: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, [*args, "--repo", str(repo)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def overdue_policy_with_a_draft(repo: Path) -> None:
    commit_signed(repo, {POL: make_document("POL-001", title="Quality Policy", effective_date=OLD)}, "POL-001: issue")
    commit(repo, {POL: make_document("POL-001", title="Quality Policy", revision=2, status="draft")}, "POL-001: rev 2")


def test_a_pending_draft_does_not_hide_the_revision_in_force(qms_repo: Path) -> None:
    overdue_policy_with_a_draft(qms_repo)
    [row] = json.loads(qms(qms_repo, "list", "--format", "json"))["documents"]
    assert (row["revision"], row["status"], row["effective_date"], row["next_review"]) == (1, "approved", "2025-01-01",
                                                                                            "2026-01-01")
    assert (row["pending_revision"], row["pending_status"], row["pending"]) == (2, "draft", "2 draft")
    [line] = [r for r in csv.DictReader(io.StringIO(qms(qms_repo, "list", "--format", "csv")))]
    assert (line["revision"], line["status"], line["pending_revision"], line["pending_status"]) == ("1", "approved", "2",
                                                                                                    "draft")
    table = qms(qms_repo, "list")
    assert "│ POL-001 " in table and "approved" in table and "pending: 2 draft" in " ".join(table.split())
    assert qms(qms_repo, "list", "--status", "draft").count("POL-001") == 1  # the pending status matches too


def test_review_due_names_the_overdue_revision_in_force_and_its_pending_draft(qms_repo: Path) -> None:
    overdue_policy_with_a_draft(qms_repo)
    [row] = json.loads(qms(qms_repo, "review-due", "--format", "json"))["documents"]
    assert (row["id"], row["revision"], row["due"], row["days_overdue"], row["pending"]) == \
        ("POL-001", 1, "2026-01-01", 325, "2 draft")
    text = " ".join(qms(qms_repo, "review-due").split())
    assert "overdue 325 days" in text and "pending: 2 draft" in text and "1 due, 1 overdue" in text


def test_the_report_shows_in_force_and_pending(qms_repo: Path, tmp_path: Path) -> None:
    overdue_policy_with_a_draft(qms_repo)
    out = tmp_path / "audit.html"
    assert "1 overdue review" in qms(qms_repo, "report", "--out", str(out))
    html = out.read_text(encoding="utf-8")
    assert "<th>Pending</th>" in html and "<td>2 draft</td>" in html


def test_an_unverified_or_future_revision_is_pending_not_in_force(qms_repo: Path) -> None:
    commit_signed(qms_repo, {QP1: make_document("QP-001", effective_date=OLD)}, "QP-001: issue")
    future = make_document("QP-001", revision=2, effective_date=dt.date(2027, 2, 1))
    commit_signed(qms_repo, {QP1: future}, "QP-001: revision 2, from February")
    forged = make_document("POL-001")  # signatures committed by someone else: the site does not publish it
    commit(qms_repo, {POL: forged}, "POL-001: issue")
    rows = {r["id"]: r for r in json.loads(qms(qms_repo, "list", "--format", "json"))["documents"]}
    assert (rows["QP-001"]["revision"], rows["QP-001"]["pending"]) == (1, "2 approved, from 2027-02-01")
    assert (rows["POL-001"]["revision"], rows["POL-001"]["status"], rows["POL-001"]["pending"]) == \
        (None, None, "1 approved, from 2026-03-01")
    assert "│ POL-001 │" in qms(qms_repo, "list") and "POL-001" not in qms(qms_repo, "review-due", "--within", "9999")


def test_a_withdrawal_is_dated_by_its_own_effective_date(qms_repo: Path) -> None:
    commit_signed(qms_repo, {POL: make_document("POL-001", effective_date=OLD)}, "POL-001: issue")
    withdrawal = make_document("POL-001", revision=2, status="obsolete", sign=True, effective_date=dt.date(2026, 6, 1))
    commit_signed(qms_repo, {POL: withdrawal}, "POL-001: withdraw")
    history = qms(qms_repo, "history", "POL-001")
    assert "Revision 2 - obsolete: withdrawal, takes effect 2026-06-01" in history
    archive = pages.archive(select(qms_repo, dt.date(2026, 11, 22)))
    assert "2026-06-01" in archive and "2025-01-01" not in archive
    [row] = json.loads(qms(qms_repo, "list", "--format", "json"))["documents"]
    assert (row["revision"], row["status"], row["effective_date"], row["next_review"], row["pending"]) == \
        (2, "obsolete", "2026-06-01", None, None)
    assert "No periodic review due" in qms(qms_repo, "review-due")
