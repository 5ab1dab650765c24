"""Issue 10.11: `qms list` and `qms review-due` fit an 80-column terminal, ids and dates intact."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from qms_docs.cli import cli
from tests.builders import commit_signed, doc_path, make_document

LONG_TITLE = "Control of Externally Provided Processes, Products and Services Including Outsourced Heat Treatment"
LONG_OWNER = "Ingrid Berg-Johansen, Human Resources and Training Coordinator <ingrid.berg-johansen@acme.example>"
IDS = ("FRM-001", "POL-001", "QP-001", "QP-002", "WI-001")


@pytest.fixture
def manual(qms_repo: Path) -> Path:
    old = dt.date(2024, 1, 8)  # due for review by 2026-11-22
    commit_signed(qms_repo, {doc_path("QP-001"): make_document("QP-001", title=LONG_TITLE, owner=LONG_OWNER, effective_date=old),
                      doc_path("QP-002"): make_document("QP-002", title="Internal Audit", effective_date=old),
                      doc_path("FRM-001"): make_document("FRM-001", title="Training Record", owner=LONG_OWNER),
                      doc_path("POL-001"): make_document("POL-001", title="Quality Policy", effective_date=old),
                      doc_path("WI-001"): make_document("WI-001", status="draft", title=LONG_TITLE)},
           "QP-001 QP-002 FRM-001 POL-001 WI-001: first issue")
    return qms_repo


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("columns", [80, 100])
def test_the_master_list_fits_the_terminal(manual: Path, monkeypatch: pytest.MonkeyPatch, columns: int) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    out = run("list", "--repo", str(manual))
    assert max(len(line) for line in out.splitlines()) <= columns
    for doc_id in IDS:
        assert sum(line.count(f"│ {doc_id} ") for line in out.splitlines()) == 1, doc_id
    for day in ("2024-01-08", "2026-01-08", "2026-03-01", "2029-03-01"):
        assert day in out
    assert "5 documents" in out


def test_a_narrow_terminal_drops_type_and_owner_and_says_so(manual: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    out = run("list", "--repo", str(manual))
    assert "work-instruction" not in out and "Ingrid" not in out
    assert "5 documents (Type, Owner left out to fit 80 columns; see --format csv)" in " ".join(out.split())
    monkeypatch.setenv("COLUMNS", "300")
    wide = run("list", "--repo", str(manual))
    assert LONG_OWNER in wide and LONG_TITLE in wide and "work-instruction" in wide and "left out" not in wide


def test_review_due_fits_80_columns(manual: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    out = run("review-due", "--repo", str(manual))
    assert max(len(line) for line in out.splitlines()) <= 80
    for doc_id, due in (("POL-001", "2025-01-08"), ("QP-001", "2026-01-08"), ("QP-002", "2026-01-08")):
        assert any(f"│ {doc_id} " in line and due in line for line in out.splitlines()), doc_id
    assert "overdue 683 days" in out and "3 due, 3 overdue" in out
