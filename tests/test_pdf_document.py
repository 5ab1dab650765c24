"""`qms pdf ID`: the site's selection on paper, with head, footer, signatures, watermarks and manifest."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.builders import commit_signed, doc_path, make_document
from tests.pdf_fixture import font_names, ink, manifest, needs_weasyprint, pages_text, qms
from tests.site_fixture import HOSTILE_TITLE, SECRETS, isolated_env, make_site_repo

pytestmark = needs_weasyprint


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The publishing fixture (QMS_TODAY 2026-11-22): QP-002 rev 2 in force (rev 1 before 2026-06-01),
    QP-001 rev 1 in force under a draft, WI-001 rev 2 from 2027-01-01, FRM-001 withdrawn, QP-003 a draft."""
    base = tmp_path_factory.mktemp("pdf-doc")
    with isolated_env(base):
        yield make_site_repo(base / "repo")


@pytest.fixture(scope="module")
def qp002(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out") / "qp-002.pdf"
    with isolated_env(tmp_path_factory.mktemp("home")):
        code, stdout, stderr = qms(site, "pdf", "QP-002", "--out", str(out))
    assert code == 0, stderr
    assert f"wrote {out}: QP-002 revision 2 as in force on 2026-11-22" in stdout
    return out


def test_document_pdf_has_head_footer_and_the_signature_manifestation(qp002: Path) -> None:
    pages = pages_text(qp002)
    for n, text in enumerate(pages, start=1):
        assert "Acme Quality Manual · QP-002" in text and "Revision 2" in text  # the head, on every page
        assert f"Page {n} of {len(pages)}" in text
        assert "Printed 2026-11-22 · UNCONTROLLED COPY WHEN PRINTED" in text
    first = pages[0]
    assert HOSTILE_TITLE in first  # the title is text, never markup
    assert "zeppelin scorecard, yearly" in first  # revision 2's body
    for signed in ("Jane Doe", "quality-manager", "Omar Haddad", "process-owner", "approved", "2026-02-27 14:03 UTC"):
        assert signed in first
    assert re.search(r"sha256:[0-9a-f]{12}", first)


def test_document_pdf_carries_nothing_that_is_not_in_force(qp002: Path) -> None:
    text = "\n".join(pages_text(qp002))
    for secret in SECRETS:
        assert secret not in text
    assert "UNCOMMITTED-TEXT" not in text


def test_manifest_names_the_revision_digest_signatures_and_commit(qp002: Path, site: Path) -> None:
    data = manifest(qp002)
    assert data["format"] == "qms-pdf-manifest/1" and data["kind"] == "document"
    head = (site / ".git").exists() and __import__("subprocess").run(
        ["git", "-C", str(site), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    assert data["source_commit"] == head
    [doc] = data["documents"]
    assert (doc["id"], doc["revision"], doc["effective_date"]) == ("QP-002", 2, "2026-06-01")
    assert doc["digest"].startswith("sha256:") and len(doc["digest"]) == 71
    assert {(s["name"], s["role"], s["meaning"]) for s in doc["signatures"]} == {
        ("Jane Doe", "quality-manager", "approved"), ("Omar Haddad", "process-owner", "approved")}
    assert all(s["digest"] == doc["digest"] for s in doc["signatures"])


def test_manifest_says_how_each_signature_is_proven_in_the_words_of_history(qp002: Path, site: Path) -> None:
    [doc] = manifest(qp002)["documents"]
    code, out, _ = qms(site, "history", "QP-002", "--format", "json")
    assert code == 0
    [history] = [r for r in json.loads(out)["revisions"] if r["revision"] == 2]
    proven = {(s["name"], s["proof"], s["proven_by"], s["key"]) for s in history["signatures"]}
    assert {(s["name"], s["proof"], s["proven_by"], s["key"]) for s in doc["signatures"]} == proven
    assert all(s["proven_by"] in ("entry", "commit", "author") and s["proof"] for s in doc["signatures"])


def test_verify_pdf_says_in_force_then_superseded_after_a_new_revision(qp002: Path, site: Path,
                                                                     tmp_path: Path) -> None:
    code, out, _ = qms(site, "verify-pdf", str(qp002))
    assert code == 0 and "QP-002 revision 2: in force" in out
    repo = tmp_path / "clone"
    __import__("subprocess").run(["git", "clone", "-q", str(site), str(repo)], check=True)
    commit_signed(repo, {doc_path("QP-002"): make_document("QP-002", revision=3, title="Purchasing",
                                                    effective_date=dt.date(2026, 11, 1), body="# Purchasing v3\n")},
           "QP-002 revision 3", date="2026-10-20T10:00:00Z")
    code, out, _ = qms(repo, "verify-pdf", str(qp002))
    assert code == 1
    assert "QP-002 revision 2: superseded: revision 3 is in force since 2026-11-01: recall this copy" in out


def test_verify_pdf_refuses_what_is_not_a_qms_pdf(site: Path, tmp_path: Path) -> None:
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"not a pdf at all")
    code, _, err = qms(site, "verify-pdf", str(junk))
    assert code == 2 and "not a readable PDF" in err and "Traceback" not in err
    bare = tmp_path / "bare.pdf"
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    with bare.open("wb") as f:
        writer.write(f)
    code, out, _ = qms(site, "verify-pdf", str(bare))
    assert code == 1 and "unknown: no qms manifest" in out
    code, _, err = qms(site, "verify-pdf", str(tmp_path / "missing.pdf"))
    assert code == 2 and "missing.pdf" in err


@pytest.mark.parametrize(("doc_id", "why"), [("QP-003", "it has no approved, effective revision"),
                                             ("FRM-001", "it was withdrawn on 2026-05-01"),
                                             ("QP-999", "it has no approved, effective revision")])
def test_a_document_with_no_revision_in_force_is_refused(site: Path, tmp_path: Path, doc_id: str, why: str) -> None:
    out = tmp_path / "x.pdf"
    code, _, err = qms(site, "pdf", doc_id, "--out", str(out))
    assert code == 1 and f"{doc_id}: no revision is in force on 2026-11-22 ({why})" in err
    assert not out.exists()


@pytest.mark.parametrize("args", [["QP-002", "--lang", "nb"], [], ["QP-002", "--manual"],
                                  ["QP-002", "--copy-no", "1"], ["QP-002", "--issued-to", "Bob"],
                                  ["QP-002", "--commit"], ["QP-002", "--copy-no", "1", "--issued-to", " \n "]])
def test_usage_errors_exit_2_before_anything_is_written(site: Path, tmp_path: Path, args: list[str]) -> None:
    code, _, err = qms(site, "pdf", *args, "--out", str(tmp_path / "x.pdf"))
    assert code == 2 and "Traceback" not in err
    assert not (tmp_path / "x.pdf").exists() and not (site / "records").exists()


def test_as_of_a_past_day_prints_that_revision_marked_superseded(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "old.pdf"
    code, stdout, _ = qms(site, "pdf", "QP-002", "--as-of", "2026-04-01", "--out", str(out))
    assert code == 0 and "revision 1" in stdout and "marked SUPERSEDED" in stdout
    text = pages_text(out)[0]
    assert "Revision 1" in text and "zeppelin scorecard." in text
    assert "SUPERSEDED" in text and "not the revision in force on 2026-11-22" in text
    assert manifest(out)["as_of"] == "2026-04-01"
    code, report, _ = qms(site, "verify-pdf", str(out))
    assert code == 1 and "QP-002 revision 1: superseded" in report


def test_as_of_a_future_day_prints_the_coming_revision_marked_not_yet_in_force(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "future.pdf"
    code, stdout, _ = qms(site, "pdf", "WI-001", "--as-of", "2027-02-01", "--out", str(out))
    assert code == 0 and "WI-001 revision 2" in stdout and "marked NOT YET IN FORCE" in stdout
    text = pages_text(out)[0]
    assert "NOT YET IN FORCE" in text and "FUTURE-ONLY-TEXT" in text


def test_pages_are_drawn_not_blank(qp002: Path, tmp_path: Path) -> None:
    assert ink(qp002, 1, tmp_path) > 0.03  # a blank A4 page is 0.0


TURKISH_NORWEGIAN = "Şşğİıöç — Ørsta, Ålesund, Bærum, Æ"


def test_turkish_and_norwegian_letters_are_typeset_in_fonts_that_have_them(qms_repo: Path, tmp_path: Path) -> None:
    body = f"# Kalite {TURKISH_NORWEGIAN}\n\nIğdır ve Şırnak: {TURKISH_NORWEGIAN}.\n"
    commit_signed(qms_repo, {doc_path("QP-001"): make_document("QP-001", title=f"Prosedyre {TURKISH_NORWEGIAN}", body=body)},
           "QP-001")
    out = tmp_path / "letters.pdf"
    code, _, err = qms(qms_repo, "pdf", "QP-001", "--out", str(out))
    assert code == 0, err
    text = pages_text(out)[0]
    assert text.count(TURKISH_NORWEGIAN) >= 3 and "Iğdır ve Şırnak" in text
    fonts = font_names(out)
    assert fonts and all("DejaVu" in f or "Noto" in f for f in fonts), fonts  # no fallback to a font without them


def test_long_tables_break_across_pages_with_their_header_repeated(qms_repo: Path, tmp_path: Path) -> None:
    rows = "".join(f"| R{n:03d} | row {n} of the calibration register |\n" for n in range(1, 121))
    body = "# Register\n\n| Gauge-Head | Register-Entry-Head |\n|---|---|\n" + rows
    commit_signed(qms_repo, {doc_path("QP-001"): make_document("QP-001", body=body)}, "QP-001")
    out = tmp_path / "table.pdf"
    assert qms(qms_repo, "pdf", "QP-001", "--out", str(out))[0] == 0
    pages = pages_text(out)
    with_rows = [t for t in pages if re.search(r"\bR\d{3}\b", t)]
    assert len(with_rows) >= 2
    assert all("Gauge-Head" in t and "Register-Entry-Head" in t for t in with_rows)
    assert all(f"R{n:03d}" in "\n".join(pages) for n in range(1, 121))
