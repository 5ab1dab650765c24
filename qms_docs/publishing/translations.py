"""Which translation each site shows: each document in force x each language of `languages.available`,
judged from the verified history (the same judgement as `qms verify` and the site): current, stale,
missing or broken (SPEC 8). `qms translations` prints it; the sites per language choose by it.

- current: the translation in force translates the source revision in force (same digest);
- stale: it translates an older revision; `since` is the day the first newer source revision took effect;
- missing: no revision of the translation is in force (a draft may be pending: `pending_revision`);
- broken: its `translation_of` names no approved revision of the source, or not that revision's digest
  (the history half of QMS072: a static check knows only the source's current revision).
Sources with no revision in force, or withdrawn, have no rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from qms_docs.gitio.snapshots import from_commit
from qms_docs.model.document import Document
from qms_docs.publishing.selection import Entry, Publication, select

CURRENT, STALE, MISSING, BROKEN = "current", "stale", "missing", "broken"


@dataclass(frozen=True)
class Forced:
    """One document (source or translation) as the verified history sees it."""

    doc: Document  # the revision in force (None-free: documents with none are not kept)
    approved: dict[int, str]  # every revision that counted -> its digest
    effective: dict[int, dt.date]  # every revision that was in force -> its effective date


@dataclass(frozen=True)
class Row:
    id: str
    language: str
    state: str
    revision: int | None  # the translation's revision in force
    translates: int | None  # the source revision it translates
    source_revision: int  # the source revision in force
    since: dt.date | None  # stale since: the day a newer source revision took effect
    pending_revision: int | None  # a newer translation revision not in force yet
    path: str | None


def rows(root: Path, today: dt.date) -> list[Row]:
    """One row per source document in force and language of `languages.available`, sorted by id: from the
    site's own selection (one verified pass over history, served by the verification cache when it has the
    verdicts), and each translation file's state at HEAD for its pending revision and path."""
    pub = select(root, today)
    if pub.head is None:
        return []
    latest = from_commit(pub.root, pub.head, pub.config).by_key()
    chosen = shown_translations(pub)
    return sorted((judge(forced(x), _forced_or_none(chosen.get((x.id, lang))), latest.get(f"{x.doc.key}@{lang}"), lang)
                   for x in pub.documents for lang in pub.config.languages.available),
                  key=lambda r: (r.id, r.language))


def shown_translations(pub: Publication) -> dict[tuple[str, str], Entry]:
    """The translations in force by (id, language), each signed as its source's type requires: a translation
    whose type differs from its source's is never shown (nor counted)."""
    types = {x.id: x.doc.type for x in pub.documents}
    return {(t.id, t.doc.language or ""): t for t in pub.translations if t.doc.type == types.get(t.id)}


def forced(entry: Entry) -> Forced:
    """A published entry as the judgement sees it: every revision that counts, every one that was in force."""
    effective = {r.revision: r.effective_date for r in entry.history if r.effective_date is not None}
    return Forced(entry.doc, dict(entry.approved), effective)


def _forced_or_none(entry: Entry | None) -> Forced | None:
    return forced(entry) if entry is not None else None


def judge(source: Forced, translation: Forced | None, now: Document | None, language: str) -> Row:
    """The state of one document's translation into one language."""
    doc_id, in_force_rev = source.doc.id or "", source.doc.revision or 0
    pending = now.revision if now is not None and (translation is None or now.revision != translation.doc.revision) \
        else None
    path = now.path if now is not None else None
    if translation is None:
        return Row(doc_id, language, MISSING, None, None, in_force_rev, None, pending, path)
    link = translation.doc.translation_of
    if link is None or source.approved.get(link.revision) != link.digest:
        return Row(doc_id, language, BROKEN, translation.doc.revision, link.revision if link else None,
                   in_force_rev, None, pending, path)
    if link.revision >= in_force_rev:
        return Row(doc_id, language, CURRENT, translation.doc.revision, link.revision, in_force_rev, None, pending, path)
    newer = [d for n, d in source.effective.items() if n > link.revision]
    return Row(doc_id, language, STALE, translation.doc.revision, link.revision, in_force_rev,
               min(newer, default=None), pending, path)


def states(table: list[Row]) -> dict[str, dict[str, str]]:
    """id -> language -> state (for the master list and the report)."""
    out: dict[str, dict[str, str]] = {}
    for row in table:
        out.setdefault(row.id, {})[row.language] = row.state
    return out
