"""`qms translations [--format table|json|csv]`: each document in force x each language: current, stale,
missing or broken, as `qms_docs.publishing.translations` judges it (the judgement the sites per language
use); this module only formats the rows."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from qms_docs.formats import tables
from qms_docs.formats.fit import Column, as_fitted_grid
from qms_docs.publishing.translations import BROKEN, CURRENT, MISSING, STALE, Row, rows

__all__ = ["BROKEN", "FORMATS", "rows"]

COLUMNS = ("id", "language", "state", "revision", "translates", "source_revision", "since", "pending_revision",
           "path")
SHOWN = (Column("Id"), Column("Lang"), Column("State"), Column("Rev"), Column("Translates"), Column("Source rev"),
         Column("Since"), Column("Pending", drop=1), Column("Path", drop=2, overflow="ellipsis", min_width=12))


def as_dicts(table: list[Row]) -> list[dict[str, Any]]:
    return [asdict(r) for r in table]


def as_json(table: list[Row]) -> str:
    return tables.as_json(as_dicts(table))


def as_csv(table: list[Row]) -> str:
    return tables.as_csv(as_dicts(table), COLUMNS)


def as_table(table: list[Row]) -> str:
    cells = [[tables.cell(getattr(r, c)) for c in COLUMNS] for r in table]
    counts = {s: sum(1 for r in table if r.state == s) for s in (CURRENT, STALE, MISSING, BROKEN)}
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n) or "no translations to judge"
    return as_fitted_grid("Translations", SHOWN, cells, summary)


FORMATS = {"table": as_table, "json": as_json, "csv": as_csv}
