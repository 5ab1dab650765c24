"""One site per language (SPEC 8), through real git history and a real `mkdocs build`: `/` in English, `/nb/`
and `/tr/` with their labels, `lang`, search stemmer and switcher; translations only when verified and in
force; a stale translation names and links the newer source revision; a missing one shows the source."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from qms_docs.cli import cli
from qms_docs.publishing.languages import localize
from qms_docs.publishing.selection import select
from tests.builders import PEOPLE, QMS_YML, commit, commit_signed, doc_path
from tests.i18n_fixture import ELIF, NB_WORD, SECRETS, make_i18n_repo, nb_path, translation
from tests.site_fixture import build_site, isolated_env, page, site_texts

pytestmark = pytest.mark.integration
TODAY = dt.date(2026, 11, 22)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    base = tmp_path_factory.mktemp("i18n")
    with isolated_env(tmp_path_factory.mktemp("home")):
        repo = make_i18n_repo(base / "repo")
        yield repo, build_site(repo, base / "site")


@pytest.fixture(scope="module")
def site(built: tuple[Path, Path]) -> Path:
    return built[1]


def _switcher(html: str) -> dict[str, str]:
    return {lang: href for href, lang in re.findall(r'<a href="([^"]*)" hreflang="([\w-]+)" lang="[\w-]+" '
                                                     r'class="md-select__link"', html)}


def _resolve(page_path: str, href: str) -> str:
    """The site path an href of the page at `page_path` (e.g. "nb/procedures/QP-001/") leads to."""
    import posixpath

    return posixpath.normpath(posixpath.join("/" + page_path, href)).lstrip("/") + "/"


def test_the_norwegian_page_shows_the_translation_with_norwegian_labels_and_lang(site: Path) -> None:
    html = page(site, "nb/procedures/QP-001")
    assert '<html lang="nb"' in html
    assert "Alle måleinstrumenter kalibreres årlig" in html and "Every gauge is calibrated" not in html
    block = re.search(r'<div class="qms-control".*?</dl>', html, re.S).group(0)
    assert 'lang="nb"' in block
    for label in ("Dokumentstyring", "Revisjon", "Ikrafttredelsesdato", "Eier", "Neste gjennomgåelse"):
        assert label in block, label
    assert "<dd>01.04.2026</dd>" in block  # the translation's effective date, as Norwegian writes it
    assert "<dt>Oversettelse av</dt><dd>QP-001 revisjon 1 (engelsk), kontrollsum sha256:" in block  # which source
    assert "Revisjonshistorikk" in html and "Signert av" in html
    table = re.search(r'<div class="qms-table qms-signatures.*?</table>', html, re.S).group(0)
    assert "<td>godkjent</td>" in table and "<td>approved</td>" not in table  # each signature's meaning
    assert 'class="qms-lang"' not in html  # the content is in the page's language: no other lang around it
    assert "Kalibrering" in page(site, "nb").split("Siste revisjoner i kraft")[1]  # home, latest in Norwegian


def test_the_english_site_is_unchanged_at_the_root(site: Path) -> None:
    html = page(site, "procedures/QP-001")
    assert '<html lang="en"' in html and "Every gauge is calibrated yearly." in html
    assert "Document control" in html and "<dd>2026-03-01</dd>" in html and NB_WORD not in html
    assert "qms-language-notice" not in html


def test_the_switcher_leads_to_the_same_page_in_every_language(site: Path) -> None:
    for here in ("procedures/QP-001/", "nb/procedures/QP-001/", "tr/procedures/QP-001/", "nb/master-document-list/"):
        links = _switcher((site / here / "index.html").read_text(encoding="utf-8"))
        assert set(links) == {"en", "nb", "tr"}, here
        plain = here.removeprefix("nb/").removeprefix("tr/")
        targets = {lang: _resolve(here, href) for lang, href in links.items()}
        assert targets == {"en": plain, "nb": "nb/" + plain, "tr": "tr/" + plain}, here
        assert all((site / t / "index.html").is_file() for t in targets.values())
    names = re.findall(r'class="md-select__link"[^>]*>\s*([^<]*?)\s*</a>', page(site, "nb"))
    assert names == ["English", "Norsk bokmål", "Türkçe"]


def test_each_language_has_its_own_search_index_and_stemmer(site: Path) -> None:
    indexes = {lang: json.loads((site / prefix / "search/search_index.json").read_text(encoding="utf-8"))
               for lang, prefix in (("en", "."), ("nb", "nb"), ("tr", "tr"))}
    assert {lang: index["config"]["lang"] for lang, index in indexes.items()} == \
        {"en": ["en"], "nb": ["no"], "tr": ["tr"]}
    found = [d["location"] for d in indexes["nb"]["docs"] if NB_WORD in d["text"]]
    assert found and all(loc.startswith("procedures/QP-001/") for loc in found)
    assert not [d for d in indexes["en"]["docs"] if NB_WORD in d["text"]]


def test_a_missing_translation_shows_the_source_marked_not_translated_in_its_own_language(site: Path) -> None:
    html = page(site, "nb/procedures/QP-003")
    assert '<html lang="nb"' in html
    content = re.search(r'<div class="qms-lang" lang="en">(.*)</div>', html, re.S)
    assert content and "Every operator is trained. ONLY-ENGLISH" in content.group(1)
    notice = re.search(r'<div class="qms-language-notice[^"]*" role="note" lang="nb"[^>]*>(.*?)</div>', html).group(1)
    assert "Ikke oversatt" in notice and "QP-003" in notice and "engelsk" in notice
    assert "Innholdet" not in notice and "Dokumentstyring" in html  # the labels stay Norwegian
    tr = page(site, "tr/procedures/QP-003")
    assert "Çevrilmedi" in tr and '<div class="qms-lang" lang="en">' in tr and "Doküman kontrolü" in tr


def test_a_stale_translation_names_the_newer_source_revision_and_links_to_it(site: Path) -> None:
    html = page(site, "nb/procedures/QP-002")
    assert "Leverandører evalueres årlig." in html  # the translation in force is still shown
    notice = re.search(r'qms-language-notice--stale.*?</div>', html, re.S).group(0)
    assert "revisjon 1 av QP-002" in notice and "Revisjon 2" in notice and "01.06.2026" in notice
    href = re.search(r'href="([^"]+)">QP-002 revisjon 2 \(engelsk\)</a>', notice).group(1)
    target = _resolve("nb/procedures/QP-002/", href)
    assert target == "procedures/QP-002/"
    source = (site / target / "index.html").read_text(encoding="utf-8")
    assert "Suppliers are evaluated twice a year." in source and "<dd>2</dd>" in source


def test_a_draft_or_forged_translation_reaches_no_file_of_any_site(built: tuple[Path, Path]) -> None:
    repo, site = built
    texts = site_texts(site)
    assert any(p.startswith("nb/") for p in texts) and any(p.startswith("tr/") for p in texts)
    assert not [p for p, t in texts.items() if any(s in t for s in SECRETS)]
    tr = page(site, "tr/procedures/QP-001")  # the forged Turkish translation is held back: the source shows
    assert "Every gauge is calibrated yearly." in tr and "Çevrilmedi" in tr
    notes = select(repo, TODAY).notes
    assert any(n.startswith("QP-001@tr: revision 1") and "QMS025" in n for n in notes)


def test_generated_pages_and_the_master_list_speak_the_site_language(site: Path) -> None:
    mdl = page(site, "nb/master-document-list")
    assert "<h1>Dokumentoversikt</h1>" in mdl and "Oversettelser" in mdl and "22.11.2026" in mdl
    row = re.search(r'<tr><td><a class="qms-ref"[^>]*>QP-002</a>.*?</tr>', mdl).group(0)
    assert "Innkjøp" in row and "nb: utdatert" in row and "tr: mangler" in row
    assert "nb: oppdatert" in re.search(r'<tr><td><a class="qms-ref"[^>]*>QP-001</a>.*?</tr>', mdl).group(0)
    en = page(site, "master-document-list")
    assert "nb: current" in en and "nb: stale" in en and "tr: missing" in en
    nb_matrix, tr_matrix = page(site, "nb/clause-matrix"), page(site, "tr/clause-matrix")
    assert "Kapittel" in nb_matrix and "Internrevisjon" in nb_matrix and "Ledelsens gjennomgåelse" in nb_matrix
    assert "oppbevare: revisjonsprogrammet" in nb_matrix and "Internal audit" not in nb_matrix
    assert "Madde" in tr_matrix and "İç tetkik" in tr_matrix and "Dokümante edilmiş bilginin kontrolü" in tr_matrix
    assert "Utgåtte dokumenter" in page(site, "nb/archive") and "Prosedyrer" in page(site, "nb")
    assert "Ana Doküman Listesi" in page(site, "tr/master-document-list")


def test_qms_publish_builds_every_language_from_one_selection(built: tuple[Path, Path], tmp_path: Path) -> None:
    repo, _ = built
    out = tmp_path / "site"
    result = CliRunner().invoke(cli, ["publish", "--repo", str(repo), "--site-dir", str(out)])
    assert result.exit_code == 0, result.output
    assert "held back: QP-001@tr" in result.output and result.output.count("QP-001@tr") == 1  # said once
    assert (out / "nb/procedures/QP-001/index.html").is_file() and (out / "tr/index.html").is_file()


def test_a_translation_whose_source_link_is_broken_is_not_shown(tmp_path: Path) -> None:
    repo = make_i18n_repo(tmp_path / "repo")
    source = (repo / doc_path("QP-003")).read_text(encoding="utf-8")
    broken = translation(source, "tr", [(PEOPLE["quality-manager"], "quality-manager"), (ELIF, "translator-tr")],
                         title="Eğitim", body="# Eğitim\n\nTR-BROKEN-LINK\n", link_digest="sha256:" + "0" * 64)
    commit_signed(repo, {nb_path("QP-003", "tr"): broken}, "QP-003 (tr): translation")
    pub = select(repo, TODAY)
    tr = localize(pub, "tr")
    assert tr.site is not None and tr.site.shown["QP-003"].state in ("broken", "missing")
    assert tr.by_id()["QP-003"].doc.language is None  # the source
    site = build_site(repo, tmp_path / "site", strict=False)
    assert not [p for p, t in site_texts(site).items() if "TR-BROKEN-LINK" in t]
    assert "Çevrilmedi" in page(site, "tr/procedures/QP-003")


def test_a_translation_signed_as_another_type_is_not_shown(tmp_path: Path) -> None:
    repo = make_i18n_repo(tmp_path / "repo")
    source = (repo / doc_path("QP-003")).read_text(encoding="utf-8")
    cheap = translation(source, "nb", [(PEOPLE["process-owner"], "process-owner")], title="Opplæring",
                        body="# Opplæring\n\nNB-FORM-TYPED\n", doc_type="form")  # a form needs one signature
    commit_signed(repo, {nb_path("QP-003"): cheap}, "QP-003 (nb): translation")
    nb = localize(select(repo, TODAY), "nb")
    assert nb.site is not None and nb.site.shown["QP-003"].state == "missing"
    assert "NB-FORM-TYPED" not in nb.by_id()["QP-003"].doc.body
    # `qms translations` judges from the site's own selection: the same state, the file at HEAD as pending
    listed = CliRunner().invoke(cli, ["translations", "--format", "json", "--repo", str(repo)])
    rows = {(r["id"], r["language"]): r for r in json.loads(listed.output)["documents"]}
    assert (rows["QP-003", "nb"]["state"], rows["QP-003", "nb"]["path"]) == ("missing", nb_path("QP-003"))


def test_without_languages_in_qms_yml_there_is_one_site_and_no_switcher(tmp_path: Path) -> None:
    repo = make_i18n_repo(tmp_path / "repo")
    commit(repo, {"qms.yml": QMS_YML}, "One language", author=PEOPLE["quality-manager"])
    site = build_site(repo, tmp_path / "site", strict=False)
    assert not (site / "nb").exists() and "md-select__link" not in page(site, "procedures/QP-001")
    assert not [p for p, t in site_texts(site).items() if NB_WORD in t]
