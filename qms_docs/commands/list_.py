"""`qms list`: the master document list."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from qms_docs import snapshot
from qms_docs.model.document import Status
from qms_docs.model.review import next_review

COLUMNS = ("id", "title", "type", "revision", "status", "effective_date", "owner", "next_review")


def rows(root: Path, status: str | None = None) -> list[dict[str, Any]]:
    """One row a document of the working tree, sorted by id."""
    snap = snapshot.from_worktree(root)
    out = []
    for doc in sorted(snap.documents, key=lambda d: (d.id or "", d.path)):
        if status and doc.meta.get("status") != status:
            continue
        review = next_review(doc, snap.config.types.get(doc.type or "")) if doc.status is Status.APPROVED else None
        out.append({"id": doc.id, "title": doc.title, "type": doc.type, "revision": doc.revision,
                    "status": doc.meta.get("status"), "effective_date": doc.effective_date, "owner": doc.owner,
                    "next_review": review, "path": doc.path})
    return out


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def as_json(table: list[dict[str, Any]]) -> str:
    data = [{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r.items()} for r in table]
    return json.dumps({"schema": 1, "documents": data}, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def as_csv(table: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([*COLUMNS, "path"])
    for r in table:
        writer.writerow([_cell(r[c]) for c in (*COLUMNS, "path")])
    return buf.getvalue()


def as_table(table: list[dict[str, Any]], width: int | None = None) -> str:
    from rich.console import Console
    from rich.table import Table

    grid = Table(title="Master Document List", title_justify="left")
    for column in COLUMNS:
        grid.add_column(column.replace("_", " ").title(), overflow="fold")
    for r in table:
        grid.add_row(*(_cell(r[c]) for c in COLUMNS))
    buffer = io.StringIO()
    console = Console(file=buffer, width=width or 160, highlight=False, color_system=None)
    console.print(grid)
    console.print(f"{len(table)} document{'s' * (len(table) != 1)}")
    return buffer.getvalue()


FORMATS = {"table": as_table, "json": as_json, "csv": as_csv}
