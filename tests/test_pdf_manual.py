"""`qms pdf --manual`: cover, contents with page numbers, master list, each document on its own
pages, clause matrix; links that work; and the example manual."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pdf_fixture import manifest, needs_weasyprint, pages_text, pypdf, qms
from tests.site_fixture import KEPT_LINKS, SECRETS, isolated_env, make_links_repo, make_site_repo

pytestmark = needs_weasyprint
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def manual(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    base = tmp_path_factory.mktemp("pdf-manual")
    with isolated_env(base):
        repo = make_site_repo(base / "repo")
        out = base / "manual.pdf"
        code, stdout, stderr = qms(repo, "pdf", "--manual", "--out", str(out))
        assert code == 0, stderr
        assert "the manual (3 documents) as in force on 2026-11-22" in stdout
        yield repo, out


def head(repo: Path) -> str:
    return subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()


def test_cover_names_the_organisation_day_and_source_commit(manual: tuple[Path, Path]) -> None:
    repo, out = manual
    cover = pages_text(out)[0]
    assert "Acme Quality Manual" in cover and "Quality manual" in cover
    assert "The documents in force on 2026-11-22" in cover and f"Source commit {head(repo)}" in cover


def test_contents_give_the_page_where_each_part_starts(manual: tuple[Path, Path]) -> None:
    _, out = manual
    pages = pages_text(out)
    contents = pages[1]
    assert contents.startswith("Acme Quality Manual · Contents") or "Contents" in contents
    listed = {m.group(1): int(m.group(2)) for m in re.finditer(r"^(QP-001|QP-002|WI-001)\b.*?\.{3,}\s*(\d+)\s*$",
                                                                 contents, re.M)}
    assert set(listed) == {"QP-001", "QP-002", "WI-001"}
    for doc_id, number in listed.items():
        first = next(n for n, text in enumerate(pages, start=1) if f"Acme Quality Manual · {doc_id}" in text)
        assert number == first, doc_id
        assert f"Acme Quality Manual · {doc_id}" not in pages[first - 2]  # each document starts a new page
    assert re.search(r"Master Document List\s*\.{3,}\s*3\s*$", contents, re.M)


def test_master_list_documents_then_clause_matrix_and_archive_at_the_end(manual: tuple[Path, Path]) -> None:
    _, out = manual
    pages = pages_text(out)
    assert "3 controlled documents in force on 2026-11-22" in pages[2]
    matrix = next(n for n, t in enumerate(pages) if "ISO 9001:2015 clause matrix" in t)
    documents = [n for n, t in enumerate(pages) if "Acme Quality Manual · QP-" in t or "Acme Quality Manual · WI-" in t]
    assert max(documents) < matrix
    assert "FRM-001" in pages[-1] and "Obsolete" in pages[-1] and "Replaced by the ERP." in pages[-1]
    text = "\n".join(pages)
    for secret in SECRETS:
        assert secret not in text
    assert [d["id"] for d in manifest(out)["documents"]] == ["QP-001", "QP-002", "WI-001"]
    assert qms(manual[0], "verify-pdf", str(out))[0] == 0


def _links(pdf: Path) -> tuple[list[str], int]:
    """(the URIs of external links, the number of links inside the document)."""
    uris, internal = [], 0
    for page in pypdf.PdfReader(str(pdf)).pages:
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            if annot.get("/Subtype") != "/Link":
                continue
            action = annot.get("/A")
            if action is not None and action.get_object().get("/S") == "/URI":
                uris.append(str(action.get_object()["/URI"]))
            elif "/Dest" in annot or (action is not None and action.get_object().get("/S") == "/GoTo"):
                internal += 1
    return uris, internal


def test_references_and_contents_link_inside_the_manual(manual: tuple[Path, Path]) -> None:
    _, out = manual
    uris, internal = _links(out)
    # contents (6 entries), master list (3 ids), QP-001's body (QP-002, WI-001) and its control block refs
    assert internal >= 11 and uris == []
    qp001 = next(t for t in pages_text(out) if "Acme Quality Manual · QP-001" in t)
    assert "QP-003 NOT ISSUED" in qp001  # a draft is marked, as on the site
    assert "<script>alert('body')</script>" in qp001  # raw HTML is text


def test_only_links_that_work_on_paper_survive(tmp_path: Path) -> None:
    repo = make_links_repo(tmp_path / "repo")
    out = tmp_path / "links.pdf"
    assert qms(repo, "pdf", "QP-002", "--out", str(out))[0] == 0
    uris, _ = _links(out)
    # what leaves the PDF: http(s), mailto, tel (attr_list is not enabled, so its link is the plain https one)
    assert sorted(uris) == sorted([*(u for u in KEPT_LINKS.values() if ":" in u), "https://ok.example"])
    text = pages_text(out)[0]
    assert "relative" in text and "entity-j" in text  # refused and relative links stay as their text


def test_the_example_manual_renders(tmp_path: Path) -> None:
    """Its speed is bench/bench_pdf.py's to measure (README, Performance), never a timed test's."""
    out = tmp_path / "example.pdf"
    code, stdout, stderr = qms(ROOT, "pdf", "--manual", "--out", str(out))
    assert code == 0, stderr
    documents = len(manifest(out)["documents"])
    assert documents >= 15 and f"the manual ({documents} documents)" in stdout
    assert "warning" not in stdout + stderr
