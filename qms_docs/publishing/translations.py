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
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from qms_docs.config import Config, load_config
from qms_docs.gitio import runner
from qms_docs.gitio.snapshots import config_at
from qms_docs.model.document import Document, Status
from qms_docs.publishing.selection import in_force
from qms_docs.records.configs import Policies
from qms_docs.records.history import History
from qms_docs.records.verify import Judge

CURRENT, STALE, MISSING, BROKEN = "current", "stale", "missing", "broken"



@dataclass(frozen=True)
class Forced:
    """One document (source or translation) as the verified history sees it."""

    doc: Document  # the revision in force (None-free: documents with none are not kept)
    approved: dict[int, str]  # every revision that counted -> its digest
    effective: dict[int, dt.date]  # every revision that was in force -> its effective date
    latest: Document  # the current state at HEAD


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


def documents(root: Path, today: dt.date) -> tuple[Config, dict[str, Forced], dict[str, Document]]:
    """(qms.yml at HEAD, documents in force by key, latest state of every document by key)."""
    head = runner.resolve(root, "HEAD")
    if head is None:
        return load_config(root), {}, {}
    config = config_at(root, head)
    forced: dict[str, Forced] = {}
    latest: dict[str, Document] = {}
    with History.load(root, [head], config.documents_dir) as history, Policies(root) as policies:
        policies.trust(root, head, history.commits)
        history.preload()
        judge = Judge(history, policies)
        for key, versions in history.lineages.items():
            now = history.latest(key) if versions and versions[-1].blob is not None else None
            if now is None or not now.id:
                continue
            latest[now.key] = now
            judged = [j for j in judge.lineage(versions) if j.doc.key == now.key]
            effective = in_force(judged, today)
            if effective:
                forced[now.key] = Forced(effective[0].doc, {j.doc.revision: j.doc.digest for j in judged
                                                            if j.counts and j.doc.revision is not None},
                                         {j.doc.revision: j.doc.effective_date for j in effective
                                          if j.doc.revision is not None and j.doc.effective_date is not None},
                                         now)
    return config, forced, latest


def rows(root: Path, today: dt.date) -> list[Row]:
    """One row per source document in force and language of `languages.available`, sorted by id."""
    config, forced, latest = documents(root, today)
    return sorted(judge_all(config, forced, latest), key=lambda r: (r.id, r.language))


def judge_all(config: Config, forced: dict[str, Forced], latest: dict[str, Document]) -> Iterator[Row]:
    for key, source in forced.items():
        if source.doc.is_translation or source.doc.status is not Status.APPROVED:
            continue
        for language in config.languages.available:
            yield judge(source, forced.get(f"{key}@{language}"), latest.get(f"{key}@{language}"), language)


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
