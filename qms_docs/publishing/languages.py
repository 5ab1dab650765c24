"""What the site of one language shows (SPEC 8): per document in force, its translation in force in that
language when one is verified and renders an approved source revision, else the source with a notice.

The selection (`selection.select`) is made once, from one pass over history, for every language: the
translations in force are judged there exactly as the sources are (`records.verify.Judge`, the type's
`translation_approvers`), so a draft, a forged approval or a withdrawn translation never gets here. This
module only decides, per language, which of the verified revisions each page shows, with the judgement of
`qms translations` (current, stale, missing, broken):
- current: the translation, no notice;
- stale: the translation, with a notice naming the newer source revision in force and linking to it;
- missing or broken (its `translation_of` names no approved source revision, or not its digest): the
  source, with a "not translated" notice; the content keeps the source's language (`lang`)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass

from qms_docs.publishing.selection import Entry, Publication
from qms_docs.publishing.translations import BROKEN, CURRENT, MISSING, STALE, Row, forced, judge, shown_translations

SOURCE = "source"  # the state of every page of the default language's site
SAFE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$")  # a language tag that is also a safe folder name


@dataclass(frozen=True)
class Shown:
    """One document as the site of one language shows it."""

    state: str  # SOURCE, CURRENT, STALE, MISSING or BROKEN
    language: str  # the language of the content shown (the source's when not translated)
    source: Entry  # the source revision in force
    row: Row | None = None  # the judgement of the translation (None on the default language's site)


@dataclass(frozen=True)
class Localization:
    """The language of one site, and what each of its pages shows."""

    language: str
    default: str  # the sources' language (the site at `/`)
    languages: tuple[str, ...]  # every site: the default language first
    shown: Mapping[str, Shown]  # by document id
    states: Mapping[str, tuple[tuple[str, str], ...]]  # id -> ((language, state), ...) for the master list

    @property
    def prefix(self) -> str:
        """The folder of this site below the default language's site ("" for the default)."""
        return "" if self.language == self.default else self.language + "/"


def site_languages(pub: Publication) -> tuple[str, ...]:
    """The languages with a site of their own: `languages.available` of qms.yml (tags safe as folder names)."""
    return tuple(lang for lang in pub.config.languages.available if SAFE_TAG.match(lang))


def localize(pub: Publication, language: str) -> Publication:
    """The publication as the site of `language` shows it (the default language: the sources, with the
    translation states for the master list)."""
    default = pub.config.languages.default
    translations = shown_translations(pub)
    others = site_languages(pub)
    rows = {(x.id, lang): _judge(x, translations.get((x.id, lang)), lang) for x in pub.documents for lang in others}
    states = {x.id: tuple((lang, rows[x.id, lang].state) for lang in others) for x in pub.documents}
    shown: dict[str, Shown] = {}
    documents: list[Entry] = []
    for x in pub.documents:
        row = rows.get((x.id, language))
        translation = translations.get((x.id, language))
        if row is None or translation is None or row.state not in (CURRENT, STALE):
            state = SOURCE if language == default else row.state if row else MISSING
            shown[x.id] = Shown(state, default, x, row)
            documents.append(x)
            continue
        shown[x.id] = Shown(row.state, language, x, row)
        documents.append(dataclasses.replace(translation, uri=x.uri, doc_type=x.doc_type, next_review=x.next_review))
    site = Localization(language, default, (default, *others), shown, states)
    return dataclasses.replace(pub, documents=tuple(documents), site=site)


def broken(pub: Publication) -> list[str]:
    """A build warning per translation in force whose `translation_of` is broken (QMS072): it is not shown."""
    site = pub.site
    if site is None:
        return []
    return [f"{doc_id} ({lang}): translation_of names no approved revision of the source or not its digest "
            f"(QMS072); the source is shown instead"
            for doc_id, pairs in site.states.items() for lang, state in pairs if state == BROKEN]


def _judge(source: Entry, translation: Entry | None, language: str) -> Row:
    return judge(forced(source), forced(translation) if translation else None,
                 translation.doc if translation else None, language)


__all__ = ["BROKEN", "CURRENT", "MISSING", "SOURCE", "STALE", "Localization", "Shown", "broken", "localize",
           "site_languages"]
