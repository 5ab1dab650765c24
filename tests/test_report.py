"""`qms report`: a self-contained HTML audit report, checked by parsing the HTML."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from qms_docs.cli import cli
from tests.audit_history import Doc, body, copy_history, read_only_history
from tests.builders import AUTHOR, doc_path

EVIL = "<script>alert(1)</script> & Co"


class Page(HTMLParser):
    """The headings, the tables (rows of cell texts) under each heading, and every tag's attributes."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self.under: dict[str, list[list[list[str]]]] = {}  # heading -> the tables that follow it
        self.headings: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self._cell: list[str] | None = None
        self._heading: list[str] | None = None
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "table":
            self.tables.append([])
            self.under.setdefault(self.headings[-1], []).append(self.tables[-1])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag in ("h2", "h3"):
            self._heading = []
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag in ("h2", "h3") and self._heading is not None:
            self.headings.append("".join(self._heading))
            self._heading = None

    def handle_data(self, data: str) -> None:
        for sink in (self._cell, self._heading):
            if sink is not None:
                sink.append(data)

    def rows(self, heading: str) -> list[list[str]]:
        """The rows of the first table under a heading, without its header row."""
        return self.under[heading][0][1:]


def report(repo: Path, folder: Path, *args: str) -> tuple[int, str, str, str]:
    out = folder / "out" / "audit.html"
    result = CliRunner().invoke(cli, ["report", "--out", str(out), "--repo", str(repo), *args],
                                catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr, out.read_text(encoding="utf-8") if out.exists() else ""


def with_forged_form(repo: Path, manual: tuple[Path, dict[str, Any]]) -> dict[str, Any]:
    frm = Doc(copy_history(manual[0], repo), "FRM-002", doc_path("FRM-002"), title=EVIL)
    frm.draft(body(1))
    forged = frm.sign("process-owner", author=AUTHOR)
    return {**manual[1], "forged": forged, "FRM-002": frm.release(body(2), "Second issue.")}


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory,
            manual_history: tuple[Path, dict[str, Any]]) -> Iterator[tuple[Path, dict[str, Any]]]:
    """The manual, plus a form with a hostile title whose first revision carries a forged signature
    (built once for the module; read-only)."""
    with read_only_history(tmp_path_factory, "audited", lambda repo: with_forged_form(repo, manual_history)) as built:
        yield built


def test_report_holds_the_master_list_evidence_changes_and_verify_result(
        audited: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    repo, steps = audited
    code, out, err, text = report(repo, tmp_path)
    assert code == 0 and err == ""
    assert out.startswith(f"wrote {tmp_path / 'out' / 'audit.html'}: 4 documents, ")
    assert out.endswith("history verification FAILED (1 problem)\n")
    page = Page(text)
    assert page.headings[:2] == ["1. Master document list", "2. Approval evidence"]
    assert page.under["1. Master document list"][0][0] == [
        "Id", "Title", "Type", "Revision", "Status", "Effective", "Owner", "Next review", "Pending"]
    assert [r[:5] for r in page.rows("1. Master document list")] == [
        ["FRM-001", "Document Change Request", "form", "1", "approved"],  # its withdrawal is pending
        ["FRM-002", EVIL, "form", "2", "approved"],
        ["QP-001", "Control of Documented Information", "procedure", "3", "approved"],
        ["WI-001", "Deburring", "work-instruction", "1", "approved"]]

    shas = {attrs.get("title") for tag, attrs in page.tags if tag == "code"}
    _, jane, omar = steps["QP-001"][2]
    assert {jane, omar, steps["FRM-002"][-1]} <= shas  # the commits that added the current signatures
    assert [(r[0], r[1], r[4], r[6]) for r in page.rows("QP-001 Control of Documented Information")] == [
        ("Jane Doe jane@acme.example", "quality-manager", "3", jane[:12]),
        ("Omar Haddad omar@acme.example", "process-owner", "3", omar[:12])]

    [failure] = page.rows("5. History verification")
    assert failure[:3] == [steps["forged"][:12], "FRM-002", "1"] and "forged approval" in failure[4]


def test_report_escapes_every_value_and_needs_nothing_from_outside(
        audited: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    _, _, _, text = report(audited[0], tmp_path)
    assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in text
    page = Page(text)
    tags = {tag for tag, _ in page.tags}
    assert "style" in tags and not tags & {"script", "link", "img", "iframe"}
    assert not [a for _, attrs in page.tags for k, a in attrs.items() if k in ("src", "href")]


def test_report_since_limits_the_changes(audited: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    repo, steps = audited
    everything = Page(report(repo, tmp_path)[3]).rows("3. Changes in the period")
    _, _, _, text = report(repo, tmp_path, "--since", "2026-01-06")  # the commits' clock passes midnight after 15 commits
    recent = Page(text).rows("3. Changes in the period")
    assert "changes cover since 2026-01-06" in re.sub(r"<[^>]+>", "", text)
    assert recent and all(r[0] >= "2026-01-06" for r in recent)
    assert len(recent) < len(everything) and recent == everything[:len(recent)]  # newest first
    assert recent[0][1] == steps["FRM-002"][-1][:12]
    assert recent[0][2:] == ["Omar Haddad omar@acme.example", "FRM-002: approve revision 2 as process-owner",
                             "FRM-002 rev 2 (approved): Second issue."]


def test_report_of_a_clean_history_says_verified_and_lists_overdue_reviews(
        manual_history: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    repo = copy_history(manual_history[0], tmp_path / "repo")
    Doc(repo, "POL-001", doc_path("POL-001"), title="Quality Policy", effective=dt.date(2024, 1, 1)).release(body(1))
    code, out, err, text = report(repo, tmp_path)
    assert code == 0 and err == "" and out.endswith("1 overdue review; history verified\n")
    page = Page(text)
    assert "PASSED: verified 6 revisions of 4 documents in" in text and "5. History verification" not in page.under
    assert page.rows("4. Overdue periodic reviews") == [
        ["POL-001", "Quality Policy", "Sam Author <sam@acme.example>", "2024-01-01", "2025-01-01", "690", ""]]
