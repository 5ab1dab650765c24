"""`qms list`: the master document list: each document by its revision in force, and the pending one beside it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from qms_docs.commands._standing import Standing, standings, with_pending
from qms_docs.formats import tables
from qms_docs.formats.fit import Column, as_fitted_grid
from qms_docs.gitio import snapshots as snapshot
from qms_docs.model.document import Status
from qms_docs.records.review import next_review
from qms_docs.rules.translations import in_language, translation_states

COLUMNS = ("id", "title", "type", "revision", "status", "effective_date", "owner", "next_review")
PENDING = ("pending", "pending_revision", "pending_status", "pending_effective_date")
SHOWN = (Column("Id"), Column("Title", overflow="wrap", min_width=16), Column("Type", drop=2),
         Column("Rev"), Column("Status", overflow="wrap"), Column("Effective"),
         Column("Owner", drop=1, overflow="ellipsis", min_width=12), Column("Next review"))


def row(s: Standing) -> dict[str, Any]:
    """A document as the list shows it: revision, status, dates of the revision in force (None: none is),
    the pending revision beside it."""
    doc, force, pending = s.shown, s.in_force, s.pending
    return {"id": doc.id, "title": doc.title, "type": doc.type, "owner": doc.owner, "path": s.path,
            "revision": force.revision if force else None, "status": force.meta.get("status") if force else None,
            "effective_date": force.effective_date if force else None, "next_review": s.next_review,
            "pending": s.pending_text(), "pending_revision": pending.revision if pending else None,
            "pending_status": pending.meta.get("status") if pending else None,
            "pending_effective_date": pending.effective_date if pending else None}


def rows(root: Path, today: dt.date, status: str | None = None, *, lang: str | None = None) -> list[dict[str, Any]]:
    """One row a document (in force, or in the working tree), sorted by id; `status` matches the revision
    in force or the pending one; each row says which translations are current (static: see
    rules.translations). With `lang`, the translations into that language, as the working tree holds them."""
    if lang is not None:
        return _translation_rows(root, today, status, lang)
    snap, found = standings(root, today)
    languages = translation_states(snapshot.from_worktree(root), today) if snap.languages.available else {}
    out = [{**row(s), "translations": languages.get(s.shown.key, {})} for s in found]
    return [r for r in out if not status or status in (r["status"], r["pending_status"])]


def _translation_rows(root: Path, today: dt.date, status: str | None, lang: str) -> list[dict[str, Any]]:
    snap = snapshot.from_worktree(root)
    languages = translation_states(snap, today)
    out = []
    for doc in sorted(snap.documents, key=lambda d: (d.id or "", d.path)):
        if (status and doc.meta.get("status") != status) or not in_language(doc, lang):
            continue
        review = next_review(doc, snap.config.types.get(doc.type or "")) if doc.status is Status.APPROVED else None
        out.append({"id": doc.id, "title": doc.title, "type": doc.type, "revision": doc.revision,
                    "status": doc.meta.get("status"), "effective_date": doc.effective_date, "owner": doc.owner,
                    "next_review": review, "path": doc.path, "language": doc.language,
                    "translations": languages.get(doc.key, {}), "pending": None, "pending_revision": None,
                    "pending_status": None, "pending_effective_date": None})
    return out


def as_json(table: list[dict[str, Any]]) -> str:
    return tables.as_json(table)


def as_csv(table: list[dict[str, Any]]) -> str:
    return tables.as_csv(table, (*COLUMNS, *PENDING, "path"))


def as_table(table: list[dict[str, Any]]) -> str:
    """The list as a table that fits the terminal (Type, then Owner, give way on a narrow one); Rev, Status and
    dates are the revision in force ("-": none is), the pending revision is named under its status."""
    cells = [[_cell(r, c) for c in COLUMNS] for r in table]
    return as_fitted_grid("Master Document List", SHOWN, cells, f"{len(table)} document{'s' * (len(table) != 1)}")


def _cell(r: dict[str, Any], column: str) -> str:
    if column == "status":
        return with_pending(tables.cell(r["status"]) or "-", r["pending"])
    return "-" if column == "revision" and r[column] is None else tables.cell(r[column])


FORMATS = {"table": as_table, "json": as_json, "csv": as_csv}
