"""`qms pdf --lang L`: the selection of L's site on paper, with L's labels; `qms verify-pdf` judges a printed
translation against the translations in force."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.i18n_fixture import SECRETS, make_i18n_repo
from tests.pdf_fixture import manifest, needs_weasyprint, pages_text, qms

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
