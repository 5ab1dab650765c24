"""Where each document stands: the revision in force and, beside it, the pending one (SPEC 5).

"In force" is what the site publishes (`publishing.select`: verified from the history of HEAD, effective
by today), so `qms list`, `qms review-due` and `qms report` mean the same thing by it. The pending revision
is the working copy when it is not that revision: a draft, one in review, one approved with a date still
to come (or not yet committed), or a withdrawal not yet signed. A pending draft never hides the revision
people must follow, nor its review date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from qms_docs.config import Config
from qms_docs.gitio import snapshots as snapshot
from qms_docs.model.document import Document
from qms_docs.publishing.selection import select


@dataclass(frozen=True)
class Standing:
    """One document: its revision in force (None: nothing in force) and its pending revision (None: none)."""

    in_force: Document | None
    next_review: dt.date | None  # of the revision in force (None for a withdrawal)
    pending: Document | None
    path: str

    @property
    def shown(self) -> Document:
        """The revision that describes the document: the one in force, else the pending one."""
        doc = self.in_force or self.pending
        assert doc is not None
        return doc

    def pending_text(self) -> str | None:
        """The pending revision in a few words, e.g. `2 draft` or `3 approved, from 2027-01-01`."""
        p = self.pending
        if p is None:
            return None
        when = f", from {p.effective_date.isoformat()}" if p.effective_date and p.status in ("approved", "obsolete") else ""
        return f"{p.revision if p.revision is not None else '?'} {p.meta.get('status') or '?'}{when}"


def with_pending(text: str, pending: str | None) -> str:
    """A table cell: `text`, and the pending revision beside it (a narrow column wraps it)."""
    return f"{text} (pending: {pending})" if pending else text


def standings(root: Path, today: dt.date) -> tuple[Config, list[Standing]]:
    """Every document in force or in the working tree, sorted by id then path."""
    publication = select(root, today)
    worktree = snapshot.from_worktree(root)
    prefix = publication.config.documents_dir.rstrip("/") + "/"
    forced: dict[str, tuple[Document, dt.date | None, str]] = {e.id: (e.doc, e.next_review, prefix + e.uri)
                                                              for e in publication.documents}
    for w in publication.archive:
        forced[w.doc.id or ""] = (w.doc, None, w.doc.path)
    found = list(_join(forced, worktree.documents))
    return worktree.config, sorted(found, key=lambda s: (s.shown.id or "", s.path))


def _join(forced: dict[str, tuple[Document, dt.date | None, str]], current: tuple[Document, ...]) -> Iterator[Standing]:
    seen: set[str] = set()
    for doc in current:
        if doc.is_translation:  # listed with --lang; a translation follows its source (SPEC 8)
            continue
        held = forced.get(doc.id or "") if doc.id and doc.id not in seen else None
        if held is None:
            yield Standing(None, None, doc, doc.path)
            continue
        seen.add(doc.id or "")
        in_force, review, _ = held
        same = doc.revision == in_force.revision and doc.status is in_force.status
        yield Standing(in_force, review, None if same else doc, doc.path)
    for doc_id, (in_force, review, path) in forced.items():
        if doc_id not in seen:
            yield Standing(in_force, review, None, path)
