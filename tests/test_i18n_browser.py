"""The sites per language in a real headless Chromium, served over HTTP as a reader gets them: the switcher
keeps the page, a Norwegian search finds the Norwegian page, `lang` says what the reader sees."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.i18n_fixture import NB_WORD, make_i18n_repo
from tests.test_site_browser import CHROMIUM, _serve, launched

pytestmark = [pytest.mark.integration, pytest.mark.browser,
              pytest.mark.skipif(CHROMIUM is None, reason="no Chromium at /usr/bin/chromium")]


@pytest.fixture(scope="module")
def i18n_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from _serve(tmp_path_factory, make_i18n_repo)


@pytest.fixture(scope="module")
def tab(i18n_url: str) -> Iterator[Any]:
    with launched() as chromium:
        yield chromium.new_context(viewport={"width": 1280, "height": 900}).new_page()


def test_the_switcher_keeps_the_page_across_languages(tab: Any, i18n_url: str) -> None:
    tab.goto(i18n_url + "nb/procedures/QP-001/")
    tab.wait_for_load_state("networkidle")  # Material has fetched the sitemaps: its own switcher handler is armed
    assert tab.evaluate("document.documentElement.lang") == "nb"
    assert "Publisert fra commit" in tab.locator(".qms-control").inner_text()
    tab.locator(".md-header__option .md-select").hover()
    tab.locator("a.md-select__link[hreflang=tr]").click()
    tab.wait_for_url(re.compile(r".*/tr/procedures/QP-001/$"))
    assert tab.evaluate("document.documentElement.lang") == "tr"
    assert "Yayımlandığı commit" in tab.locator(".qms-control").inner_text()
    tab.wait_for_load_state("networkidle")
    tab.locator(".md-header__option .md-select").hover()
    tab.locator("a.md-select__link[hreflang=en]").click()
    tab.wait_for_url(re.compile(r"http://127\.0\.0\.1:\d+/procedures/QP-001/$"))
    assert tab.evaluate("document.documentElement.lang") == "en"


def test_a_norwegian_search_finds_the_norwegian_page(tab: Any, i18n_url: str) -> None:
    tab.goto(i18n_url + "nb/")
    tab.locator("label.md-search__icon, .md-search__input").first.click()
    tab.locator("input.md-search__input").press_sequentially(NB_WORD[:-2], delay=30)  # a stem, not the whole word
    result = tab.locator(".md-search-result__item").first
    result.wait_for(state="visible", timeout=15000)
    assert "Kalibrering" in result.inner_text()
    result.locator("a").first.click()
    tab.wait_for_url(re.compile(r".*/nb/procedures/QP-001/.*"))
    assert NB_WORD in tab.locator("article").inner_text()


def test_the_untranslated_source_is_marked_english_in_the_norwegian_site(tab: Any, i18n_url: str) -> None:
    tab.goto(i18n_url + "nb/procedures/QP-003/")
    paragraph = tab.get_by_text("Every operator is trained.")
    assert paragraph.evaluate("el => el.closest('[lang]').lang") == "en"
    notice = tab.locator(".qms-language-notice")
    assert notice.is_visible() and "ikke oversatt" in notice.inner_text().lower()
    assert notice.evaluate("el => el.closest('[lang]').lang") == "nb"


def test_the_stale_notice_link_opens_the_newer_source_revision(tab: Any, i18n_url: str) -> None:
    tab.goto(i18n_url + "nb/procedures/QP-002/")
    tab.locator("a.qms-source-link").click()
    tab.wait_for_url(re.compile(r"http://127\.0\.0\.1:\d+/procedures/QP-002/$"))
    assert "Suppliers are evaluated twice a year." in tab.locator("article").inner_text()
