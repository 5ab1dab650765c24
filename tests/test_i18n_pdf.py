"""`qms pdf --lang L`: the selection of L's site on paper, with L's labels; `qms verify-pdf` judges a printed
translation against the translations in force."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.i18n_fixture import SECRETS, make_i18n_repo
from tests.pdf_fixture import manifest, needs_weasyprint, pages_text, pypdf, qms

ISO_DATE = re.compile(r"\b20\d\d-[01]\d-[0-3]\d\b")

pytestmark = [pytest.mark.integration, needs_weasyprint]


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.site_fixture import isolated_env

    with isolated_env(tmp_path_factory.mktemp("home")):
        return make_i18n_repo(tmp_path_factory.mktemp("i18n-pdf") / "repo")


def test_a_document_pdf_in_norwegian_prints_the_translation_with_its_labels(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "qp2.pdf"
    code, stdout, err = qms(repo, "pdf", "QP-002", "--lang", "nb", "--out", str(out))
    assert code == 0, err
    text = " ".join(pages_text(out))
    assert "Leverandører evalueres årlig." in text and "Suppliers are evaluated" not in text
    assert "Endringssammendrag" in text and "Side 1 av" in text and "USTYRT KOPI" in text
    assert "revisjon 1 av QP-002" in text and "QP-002 revisjon 2 (engelsk)" in text  # stale: the newer source
    printed = manifest(out)["documents"]
    assert [(d["id"], d.get("language"), d["revision"]) for d in printed] == [("QP-002", "nb", 1)]
    code, stdout, _ = qms(repo, "verify-pdf", str(out))
    assert code == 0 and "QP-002 revision 1: in force" in stdout


def test_the_turkish_manual_shows_sources_marked_not_translated_and_nothing_forged(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "manual.pdf"
    code, _, err = qms(repo, "pdf", "--manual", "--lang", "tr", "--out", str(out))
    assert code == 0, err
    text = " ".join(pages_text(out))
    assert "Kalite el kitabı" in text and "Ana Doküman Listesi" in text and "İçindekiler" in text
    assert "Every gauge is calibrated yearly." in text and "ÇEVRİLMEDİ" in text  # the forged tr is held back
    assert not [s for s in SECRETS if s in text]


def test_lang_must_be_a_language_of_the_manual(repo: Path, tmp_path: Path) -> None:
    code, _, err = qms(repo, "pdf", "QP-001", "--lang", "de", "--out", str(tmp_path / "x.pdf"))
    assert code == 2 and "not a language of this manual" in err and "en, nb, tr" in err
    assert not (tmp_path / "x.pdf").exists()


def test_the_norwegian_manual_writes_every_date_as_norwegians_do_and_the_english_one_keeps_iso(
        repo: Path, tmp_path: Path) -> None:
    printed = {}
    for lang in ("nb", "en"):
        out = tmp_path / f"manual.{lang}.pdf"
        code, _, err = qms(repo, "pdf", "--manual", "--lang", lang, "--out", str(out))
        assert code == 0, err
        printed[lang] = pages_text(out)
        assert pypdf.PdfReader(str(out)).trailer["/Root"]["/Lang"] == lang  # what a screen reader speaks
    cover, contents = printed["nb"][0], printed["nb"][1]
    assert "Kvalitetshåndbok" in cover and "Dokumentene som er i kraft per 22.11.2026" in cover
    assert "Skrevet ut 22.11.2026. Bare revisjonene i kraft" in cover and "Kildecommit" in cover
    assert "Skrevet ut 22.11.2026 · USTYRT KOPI NÅR DEN SKRIVES UT" in cover and "Side 1 av" in cover
    assert "Innhold" in contents and "Dokumentoversikt" in contents
    assert not [m for page in printed["nb"] for m in ISO_DATE.findall(page)]  # no 2026-11-22 anywhere
    english = printed["en"][0]
    assert "The documents in force on 2026-11-22" in english and "Printed 2026-11-22 · UNCONTROLLED COPY" in english
    assert "22.11.2026" not in " ".join(printed["en"])


def test_a_superseded_revision_printed_in_norwegian_dates_its_warning_in_norwegian(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "qp2-old.pdf"
    code, stdout, err = qms(repo, "pdf", "QP-002", "--as-of", "2026-03-15", "--lang", "nb", "--out", str(out))
    assert code == 0 and "marked SUPERSEDED" in stdout, err
    text = " ".join(pages_text(out))
    assert "ERSTATTET · Denne revisjonen var i kraft per 15.03.2026, men er ikke revisjonen i kraft per 22.11.2026." \
        in " ".join(text.split())
    assert not ISO_DATE.findall(text)


def test_a_turkish_controlled_copy_names_its_holder_in_turkish(repo: Path, tmp_path: Path) -> None:
    work = shutil.copytree(repo, tmp_path / "repo")  # the copy is recorded in the repository's register
    out = tmp_path / "qp1.pdf"
    code, _, err = qms(work, "pdf", "QP-001", "--lang", "tr", "--copy-no", "4", "--issued-to", "Ayşe Çelik",
                       "--out", str(out))
    assert code == 0, err
    first = " ".join(pages_text(out)[0].split())
    assert "Kontrollü kopya 4, teslim alan: Ayşe Çelik" in first and "Basım tarihi 22.11.2026" in first
    assert "Sayfa 1 / 1" in first and "UNCONTROLLED" not in first and not ISO_DATE.findall(first)
