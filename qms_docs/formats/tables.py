"""Tables of rows (dicts) as CSV, JSON or a plain-text grid; shared by `list` and `review-due`."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Mapping, Sequence
from typing import Any

from qms_docs.model.printable import printable


def cell(value: Any) -> str:
    """A value as table text: dates in ISO 8601, None as empty."""
    return "" if value is None else value.isoformat() if isinstance(value, dt.date) else str(value)


def as_csv(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row[c]) for c in columns])
    return buf.getvalue()


def as_json(rows: Sequence[Mapping[str, Any]], **extra: Any) -> str:
    """`{"schema": 1, "documents": [...], **extra}` with sorted keys and ISO dates."""
    data = [{k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in r.items()} for r in rows]
    return json.dumps({"schema": 1, "documents": data, **extra}, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def as_grid(title: str, headers: Sequence[str], rows: Sequence[Sequence[str]], footer: str, width: int = 160) -> str:
    """A plain-text table (rich, no colour) with a title and a closing line. Every cell is plain
    text: a `[/bold]` in a title is not rich markup, and control characters print escaped."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    grid = Table(title=Text(printable(title)), title_justify="left")
    for header in headers:
        grid.add_column(header, overflow="fold")
    for row in rows:
        grid.add_row(*(Text(printable(value)) for value in row))
    buf = io.StringIO()
    console = Console(file=buf, width=width, highlight=False, color_system=None)
    console.print(grid)
    console.print(Text(printable(footer)))
    return buf.getvalue()
