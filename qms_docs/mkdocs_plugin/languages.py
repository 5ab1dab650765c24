"""One site per language (SPEC 8): the default language's at `/`, each of `languages.available` at `/LANG/`.

`mkdocs build` (or `qms publish`) builds the default language's site; after it, the plugin builds each
other language's site into `site_dir/LANG/` with the same mkdocs.yml (as mkdocs-static-i18n does), handing
the nested build the selection already made: history is read once for every language. Each site gets
`theme.language` (Material's own words and `<html lang>`), a search index with that language's lunr
stemmer, Material's language switcher (`extra.alternate`) pointing at the same page in every language,
and the content of a page that is not in the site's language (a missing translation shows the source)
wrapped in an element with its own `lang`."""

from __future__ import annotations

import dataclasses
import html
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from mkdocs.config.defaults import MkDocsConfig

from qms_docs.publishing import languages
from qms_docs.publishing.labels import for_language
from qms_docs.publishing.render import relative_url
from qms_docs.publishing.selection import Publication

# lunr-languages' stemmers that MkDocs and Material ship (Material's search plugin `lang`); Norwegian is "no"
LUNR = frozenset("ar da de du el es fi fr he hi hu hy it ja jp kn ko nl no pt ro ru sa sv ta te th tr vi zh".split())
ALIASES = {"nb": "no", "nn": "no"}


def stemmer(language: str) -> str:
    """The lunr language of Material's search plugin for a site language (nb -> no); English otherwise."""
    primary = language.split("-")[0].lower()
    primary = ALIASES.get(primary, primary)
    return primary if primary in LUNR else "en"


def native_name(language: str) -> str:
    """The language's own name for the switcher (`Norsk bokmål`), else its tag."""
    words = for_language(language)
    return words.native_name if words.language == language.split("-")[0].lower() else language


def prepare(config: MkDocsConfig, pub: Publication) -> Publication:
    """The default language's publication (with the translation states), and its site's language in the
    theme; the publication unchanged when the manual has no translations."""
    if not languages.site_languages(pub):
        return pub
    localized = languages.localize(pub, pub.config.languages.default)
    _speak(config, localized)
    return dataclasses.replace(localized, problems=(*localized.problems, *languages.broken(localized)))


def alternates(pub: Publication, page_url: str | None, site_url: str | None = None) -> list[dict[str, str]]:
    """Material's `extra.alternate`: per language, its home (`link`: absolute below the default site's
    `site_url` when set, else relative to this site's root, as Material writes it through `url`) and this
    page on its site (`href`, relative to the page; our partials/alternate.html links it). `page_url` None:
    the homes only (404 page)."""
    site = pub.site
    if site is None:
        return []
    out = []
    for lang in site.languages:
        root = "" if lang == site.default else lang + "/"
        home = urljoin(site_url, ("../" if site.prefix else "") + root) if site_url else \
            ("../" if site.prefix else "") + root
        alt = {"name": native_name(lang), "lang": lang, "link": home}
        if page_url is not None:
            alt["href"] = relative_url(root + page_url, site.prefix + page_url)
        out.append(alt)
    return out


def set_alternates(config: MkDocsConfig, pub: Publication, page_url: str) -> None:
    if pub.site is not None:
        config.extra["alternate"] = alternates(pub, page_url, config.site_url)


def foreign(pub: Publication) -> dict[str, str]:
    """Page uri -> the language of its content, for the pages whose content is not in the site's language."""
    site = pub.site
    if site is None:
        return {}
    return {s.source.uri: s.language for s in site.shown.values() if s.language != site.language}


def wrap(content: str, language: str) -> str:
    """The page's content in an element that says its language."""
    return f'<div class="qms-lang" lang="{html.escape(language)}">{content}</div>'


def build_others(config: MkDocsConfig, pub: Publication) -> None:
    """Each other language's site into site_dir/LANG/, from the same selection (no second pass over history).

    MkDocs hands the nested configuration the same plugin instances (they have `on_startup`, so it keeps
    them): the qms plugin gets the language's publication for the nested build and its own state back after."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    for language in languages.site_languages(pub):
        site_url = urljoin(config.site_url, language + "/") if config.site_url else None  # canonical URLs, sitemap
        nested = load_config(config.config_file_path, site_dir=str(Path(config.site_dir) / language),
                             site_url=site_url, use_directory_urls=config.use_directory_urls, strict=config.strict)
        localized = languages.localize(pub, language)
        plugin: Any = nested.plugins["qms"]  # our QmsPlugin (this module is below plugin.py: no import of it)
        saved = plugin.prepared, plugin.publication, plugin.foreign, plugin.published
        plugin.prepared = localized
        _speak(nested, localized)
        try:
            build(nested)
        finally:
            plugin.prepared, plugin.publication, plugin.foreign, plugin.published = saved


def _speak(config: MkDocsConfig, pub: Publication) -> None:
    """The site's language: Material's words, `<html lang>`, the search stemmer and the switcher's home links."""
    assert pub.site is not None
    config.theme["language"] = pub.site.language
    for name, plugin in config.plugins.items():  # the default language's site keeps mkdocs.yml's search settings
        if pub.site.prefix and name.split("/")[-1] == "search" and hasattr(plugin, "config"):
            plugin.config["lang"] = [stemmer(pub.site.language)]
    config.extra["alternate"] = alternates(pub, None, config.site_url)
