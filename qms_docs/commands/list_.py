"""`qms list`: the master document list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qms_docs import snapshot
from qms_docs.clock import today
from qms_docs.model.document import Status
from qms_docs.model.review import next_review
from qms_docs.report import tables
from qms_docs.report.fit import Column, as_fitted_grid
from qms_docs.rules.translations import in_language, translation_states

COLUMNS = ("id", "title", "type", "revision", "status", "effective_date", "owner", "next_review")
SHOWN = (Column("Id"), Column("Title", overflow="wrap", min_width=16), Column("Type", drop=2),
         Column("Rev"), Column("Status"), Column("Effective"),
         Column("Owner", drop=1, overflow="ellipsis", min_width=12), Column("Next review"))


def rows(root: Path, status: str | None = None, *, lang: str | None = None) -> list[dict[str, Any]]:
    """One row a document of the working tree, sorted by id: the sources, or with `lang` the translations
    into that language; each row says which translations are current (static: see rules.translations)."""
    snap = snapshot.from_worktree(root)
    languages = translation_states(snap, today())
    out = []
    for doc in sorted(snap.documents, key=lambda d: (d.id or "", d.path)):
        if (status and doc.meta.get("status") != status) or not in_language(doc, lang):
            continue
        review = next_review(doc, snap.config.types.get(doc.type or "")) if doc.status is Status.APPROVED else None
        out.append({"id": doc.id, "title": doc.title, "type": doc.type, "revision": doc.revision,
                    "status": doc.meta.get("status"), "effective_date": doc.effective_date, "owner": doc.owner,
                    "next_review": review, "path": doc.path, "language": doc.language if lang else None,
                    "translations": languages.get(doc.key, {})})
    return out


def as_json(table: list[dict[str, Any]]) -> str:
    return tables.as_json(table)


def as_csv(table: list[dict[str, Any]]) -> str:
    return tables.as_csv(table, (*COLUMNS, "path"))


def as_table(table: list[dict[str, Any]]) -> str:
    """The list as a table that fits the terminal (Type, then Owner, give way on a narrow one)."""
    cells = [[tables.cell(r[c]) for c in COLUMNS] for r in table]
    return as_fitted_grid("Master Document List", SHOWN, cells, f"{len(table)} document{'s' * (len(table) != 1)}")


FORMATS = {"table": as_table, "json": as_json, "csv": as_csv}
