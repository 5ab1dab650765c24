"""`qms history`, `show`, `diff` and `review-due` on real repositories with real histories."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from qms_docs.cli import cli
from tests.audit_history import Doc, body, init_qms_repo, read_only_history, tick
from tests.builders import AUTHOR, commit, commit_signed, doc_path, git, make_document

QP = doc_path("QP-001")
OLD_QP = "controlled/QP-001.md"


def qms(repo: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [*args, "--repo", str(repo)], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def manual(manual_history: tuple[Path, dict[str, Any]]) -> tuple[Path, dict[str, Any]]:
    """The session's shared manual (read-only): QP-001 in three revisions, moved before the third, and so on."""
    return manual_history


# --- history ------------------------------------------------------------------------------------------------------

def test_history_json_lists_every_revision_across_the_move(manual: tuple[Path, dict[str, Any]]) -> None:
    repo, steps = manual
    code, out, err = qms(repo, "history", "QP-001", "--format", "json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["schema"] == 1 and data["id"] == "QP-001" and data["path"] == QP
    assert data["paths"] == [OLD_QP, QP]
    revs = data["revisions"]
    assert [r["revision"] for r in revs] == [1, 2, 3]
    assert [r["change_summary"] for r in revs] == [None, "Retention periods added.", "Clarified scope."]
    assert [r["status"] for r in revs] == ["approved"] * 3 and revs[0]["effective_date"] == "2026-03-01"
    assert [c["sha"] for c in revs[0]["commits"]] == steps["QP-001"][0]
    assert revs[1]["paths"] == [OLD_QP, QP] and revs[1]["commits"][-1]["sha"] == steps["move"]
    assert revs[0]["commits"][0]["subject"] == "QP-001: revision 1 for review"
    assert revs[0]["commits"][0]["author"] == "Sam Author" and revs[0]["commits"][0]["status"] == "draft"
    signatures = revs[2]["signatures"]
    assert [(s["name"], s["role"], s["commit"]) for s in signatures] == [
        ("Jane Doe", "quality-manager", steps["QP-001"][2][1]), ("Omar Haddad", "process-owner", steps["QP-001"][2][2])]
    assert all(s["digest_matches"] and s["added_by_signer"] for s in signatures)


def test_history_text_is_readable_by_an_auditor(manual: tuple[Path, dict[str, Any]]) -> None:
    repo, steps = manual
    code, out, _ = qms(repo, "history", "QP-001")
    assert code == 0
    lines = out.splitlines()
    assert lines[:2] == ["QP-001  Control of Documented Information", f"File: {QP} (earlier: {OLD_QP})"]
    draft, jane, omar = steps["QP-001"][1]
    assert f"Revision 2 - approved, effective 2026-03-01, approved in {omar[:12]}" in lines
    assert "  Change summary: Retention periods added." in lines
    assert (f"    {jane[:12]}  2026-01-05 14:00:00 UTC  Jane Doe <jane@acme.example>  [draft]  "
            f"QP-001: approve revision 2 as quality-manager") in lines
    assert f"matches the content; added in {jane[:12]} by the signer" in out
    assert lines[-1] == "3 revisions, 10 commits"


def test_history_shows_a_withdrawn_document_and_a_forged_signature(qms_repo: Path) -> None:
    wi = Doc(qms_repo, "WI-002", doc_path("WI-002"))
    wi.draft(body(1))
    forged = wi.sign("process-owner", author=AUTHOR)
    wi.withdraw("No longer used.")
    code, out, _ = qms(qms_repo, "history", "WI-002")
    assert code == 0
    assert "Revision 2 - obsolete: withdrawal, takes effect 2026-03-01" in out
    assert f"added in {forged[:12]} by Sam Author <sam@acme.example>, NOT the signer" in out


def test_history_of_a_deleted_document_is_still_available(qms_repo: Path) -> None:
    wi = Doc(qms_repo, "WI-003", doc_path("WI-003"))
    wi.release(body(1))
    gone = commit(qms_repo, {doc_path("WI-003"): None}, "WI-003: delete", date=tick(qms_repo))
    code, out, _ = qms(qms_repo, "history", "WI-003")
    assert code == 0 and "Revision 1 - approved" in out
    assert f"Deleted in {gone[:12]}" in out and "Sam Author <sam@acme.example>: WI-003: delete" in out


def test_history_of_an_unknown_id_exits_1(manual: tuple[Path, dict[str, Any]]) -> None:
    code, out, err = qms(manual[0], "history", "QP-999")
    assert (code, out) == (1, "")
    assert err == "Error: QP-999: no such document in the history of HEAD (see `qms list`)\n"


def test_history_runs_as_a_program(manual: tuple[Path, dict[str, Any]]) -> None:
    proc = subprocess.run([sys.executable, "-m", "qms_docs", "history", "WI-001", "--format", "json",
                           "--repo", str(manual[0])], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stderr == ""
    assert [r["revision"] for r in json.loads(proc.stdout)["revisions"]] == [1]


def test_history_finds_a_document_whose_file_name_does_not_carry_its_id(qms_repo: Path) -> None:
    doc = Doc(qms_repo, "QP-005", "controlled/procedures/document-control.md", title="Document Control")
    doc.release(body(1))
    doc.release(body(2), "Second issue.")
    code, out, _ = qms(qms_repo, "history", "QP-005", "--format", "json")
    assert code == 0 and [r["revision"] for r in json.loads(out)["revisions"]] == [1, 2]
    code, out, _ = qms(qms_repo, "show", "QP-005")
    assert code == 0 and out == (qms_repo / "controlled/procedures/document-control.md").read_text(encoding="utf-8")


# --- show ---------------------------------------------------------------------------------------------------------

def test_show_prints_the_exact_bytes_of_a_revision(manual: tuple[Path, dict[str, Any]]) -> None:
    repo, steps = manual
    code, out, _ = qms(repo, "show", "QP-001")
    assert code == 0 and out.encode() == (repo / QP).read_bytes()
    last_of_rev_1 = steps["QP-001"][0][-1]
    code, out, _ = qms(repo, "show", "QP-001", "--revision", "1")
    assert code == 0 and out == git(repo, "show", f"{last_of_rev_1}:{OLD_QP}").stdout
    assert "revision: 1\nstatus: \"approved\"" in out and "The text of revision 1." in out


def test_show_keeps_crlf_line_endings(qms_repo: Path) -> None:
    text = make_document("FRM-002").replace("\n", "\r\n")
    path = qms_repo / doc_path("FRM-002")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode())
    git(qms_repo, "add", "--", doc_path("FRM-002"))
    git(qms_repo, "commit", "-q", "-m", "FRM-002: first issue")
    result = CliRunner().invoke(cli, ["show", "FRM-002", "--revision", "1", "--repo", str(qms_repo)])
    assert result.exit_code == 0 and result.stdout_bytes == text.encode()


def test_show_an_unknown_revision_names_the_known_ones(manual: tuple[Path, dict[str, Any]]) -> None:
    code, _, err = qms(manual[0], "show", "QP-001", "--revision", "9")
    head = git(manual[0], "rev-parse", "--short=12", "HEAD").stdout.strip()
    assert code == 1
    assert err == f"Error: QP-001 has no revision 9 in the history of {head} (revisions: 1, 2, 3)\n"


# --- diff ---------------------------------------------------------------------------------------------------------

def test_diff_is_a_unified_diff_of_front_matter_and_body(manual: tuple[Path, dict[str, Any]]) -> None:
    code, out, _ = qms(manual[0], "diff", "QP-001", "1", "3")  # across the move
    assert code == 0
    assert out.startswith("--- QP-001 rev 1\n+++ QP-001 rev 3\n@@ ")
    lines = out.splitlines()
    assert {"-revision: 1", "+revision: 3", '+change_summary: "Clarified scope."'} <= set(lines)
    assert "-The text of revision 1. Records are kept for 3 years." in lines
    assert "+The text of revision 3. Records are kept for 5 years." in lines


def test_word_diff_is_a_redline(manual: tuple[Path, dict[str, Any]]) -> None:
    code, out, _ = qms(manual[0], "diff", "QP-001", "1", "2", "--word")
    assert code == 0
    assert out.startswith("--- QP-001 rev 1\n+++ QP-001 rev 2\n---\n")
    assert "revision: [-1-]{+2+}\n" in out
    assert "The text of revision [-1.-]{+2.+} Records are kept for [-3-]{+4+} years.\n" in out


def test_diff_of_an_unknown_revision_exits_1(manual: tuple[Path, dict[str, Any]]) -> None:
    code, _, err = qms(manual[0], "diff", "WI-001", "1", "2")
    assert code == 1 and "WI-001 has no revision 2" in err and "(revisions: 1)" in err


# --- review-due ---------------------------------------------------------------------------------------------------

def issue_for_review(repo: Path) -> str:
    files = {
        doc_path("POL-001"): make_document("POL-001", title="Quality Policy", effective_date=dt.date(2025, 1, 1)),
        doc_path("WI-001"): make_document("WI-001", title="Deburring", effective_date=dt.date(2026, 5, 1),
                                          review_months=6),
        doc_path("QP-001"): make_document("QP-001", title="Control", effective_date=dt.date(2024, 12, 1)),
        doc_path("FRM-001"): make_document("FRM-001", title="Request", effective_date=dt.date(2026, 3, 1)),
        doc_path("QP-002"): make_document("QP-002", status="draft"),
        doc_path("QP-003"): make_document("QP-003", revision=2, status="obsolete", effective_date=dt.date(2019, 1, 1)),
    }
    return commit_signed(init_qms_repo(repo), files, "Issue the documents")  # each signature by its signer: in force


@pytest.fixture(scope="module")
def reviews(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Today is 2026-11-22 (conftest): POL-001 overdue since 2026-01-01, WI-001 since 2026-11-01 (own
    6-month interval), QP-001 due 2026-12-01, FRM-001 due 2029; a draft and an obsolete one never due.
    Built once for the module; read-only."""
    with read_only_history(tmp_path_factory, "reviews", issue_for_review) as (repo, _):
        yield repo


def test_review_due_lists_overdue_documents_first(reviews: Path) -> None:
    code, out, _ = qms(reviews, "review-due")
    assert code == 0
    rows = [line for line in out.splitlines() if line.startswith("│")]
    assert [r.split("│")[1].strip() for r in rows] == ["POL-001", "WI-001"]
    assert "overdue 325 days" in rows[0] and "2026-01-01" in rows[0] and "overdue 21 days" in rows[1]
    assert out.splitlines()[-1] == "2 due, 2 overdue"


def test_review_due_within_days_as_json_and_csv(reviews: Path) -> None:
    code, out, _ = qms(reviews, "review-due", "--within", "30", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["schema"] == 1 and data["today"] == "2026-11-22"
    assert [(d["id"], d["due"], d["days_overdue"]) for d in data["documents"]] == [
        ("POL-001", "2026-01-01", 325), ("WI-001", "2026-11-01", 21), ("QP-001", "2026-12-01", -9)]
    code, out, _ = qms(reviews, "review-due", "--within", "30", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["id", "title", "owner", "effective_date", "due", "days_overdue", "pending", "path"]
    assert rows[3][:6] == ["QP-001", "Control", "Jane Doe <jane@acme.example>", "2024-12-01", "2026-12-01", "-9"]


def test_review_due_with_nothing_due(qms_repo: Path) -> None:
    code, out, _ = qms(qms_repo, "review-due")
    assert (code, out) == (0, "No periodic review due today (2026-11-22).\n")
