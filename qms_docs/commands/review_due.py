"""`qms review-due`: documents whose revision in force is due for its periodic review, overdue first.

A pending revision (a draft, one in review, one approved with a date still to come) does not hide the
review of the revision in force: it is named beside it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from qms_docs.commands._standing import standings, with_pending
from qms_docs.formats import tables
from qms_docs.formats.fit import Column, as_fitted_grid
from qms_docs.records.review import review_interval

COLUMNS = ("id", "title", "owner", "effective_date", "due", "days_overdue", "pending")
SHOWN = (Column("Id"), Column("Title", overflow="wrap", min_width=16),
         Column("Owner", drop=1, overflow="ellipsis", min_width=12), Column("Effective"), Column("Review due"),
         Column("Status", overflow="wrap", min_width=16))


def rows(root: Path, today: dt.date, within: int = 0) -> list[dict[str, Any]]:
    """Documents whose revision in force is due for review on or before today + `within` days.

    `days_overdue` is positive when overdue, 0 when due today, negative for the days left."""
    config, documents = standings(root, today)
    horizon = today + dt.timedelta(days=within)
    found = []
    for s in documents:
        doc, due = s.in_force, s.next_review
        if doc is None or due is None or due > horizon:
            continue
        found.append({"id": doc.id, "title": doc.title, "owner": doc.owner, "type": doc.type,
                      "revision": doc.revision, "effective_date": doc.effective_date, "due": due,
                      "review_months": review_interval(doc, config.types.get(doc.type or "")),
                      "days_overdue": (today - due).days, "pending": s.pending_text(), "path": s.path})
    return sorted(found, key=lambda r: (r["due"], r["id"] or "", r["path"]))


def state(days_overdue: int) -> str:
    if days_overdue > 0:
        return f"overdue {days_overdue} day{'s' * (days_overdue != 1)}"
    return "due today" if days_overdue == 0 else f"due in {-days_overdue} day{'s' * (days_overdue != -1)}"


def as_text(table: list[dict[str, Any]], today: dt.date, within: int) -> str:
    horizon = "today" if within == 0 else f"within {within} days"
    if not table:
        return f"No periodic review due {horizon} ({today.isoformat()}).\n"
    cells = [[*(tables.cell(r[c]) for c in COLUMNS[:-2]), with_pending(state(r["days_overdue"]), r["pending"])]
             for r in table]
    overdue = sum(1 for r in table if r["days_overdue"] > 0)
    return as_fitted_grid(f"Periodic reviews due {horizon} (as of {today.isoformat()})", SHOWN, cells,
                          f"{len(table)} due, {overdue} overdue")


def run(root: Path, today: dt.date, within: int, fmt: str) -> str:
    """The documents due for review in the chosen format."""
    table = rows(root, today, within)
    if fmt == "json":
        return tables.as_json(table, today=today.isoformat(), within_days=within)
    if fmt == "csv":
        return tables.as_csv(table, (*COLUMNS, "path"))
    return as_text(table, today, within)
