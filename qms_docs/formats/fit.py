"""Tables that fit the terminal: low-priority columns are dropped, long text wraps or ends in "…",
and ids, revisions and dates are never cut. Used by `qms list` and `qms review-due`."""

from __future__ import annotations

import io
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from qms_docs.model.printable import printable

DEFAULT_WIDTH = 160  # when the output is not a terminal and COLUMNS is not set


@dataclass(frozen=True)
class Column:
    header: str
    drop: int = 0  # 0: always shown; otherwise columns are dropped highest number first
    overflow: str = ""  # "" never cut (ids, dates); "wrap" at words; "ellipsis" on one line
    min_width: int = 8


def terminal_width() -> int:
    """COLUMNS when set, else the terminal's width, else DEFAULT_WIDTH (a pipe or a file)."""
    return max(40, shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns)


def shown(columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int) -> list[int]:
    """The indexes of the columns that fit in `width`, dropping the most droppable first."""
    keep = list(range(len(columns)))
    droppable = sorted((i for i, c in enumerate(columns) if c.drop), key=lambda i: -columns[i].drop)
    while _least_width(columns, rows, keep) > width and droppable:
        keep.remove(droppable.pop(0))
    return keep


def _natural(columns: Sequence[Column], rows: Sequence[Sequence[str]], i: int) -> int:
    return max([len(columns[i].header), *(len(r[i]) for r in rows)])


def _narrowest(columns: Sequence[Column], rows: Sequence[Sequence[str]], i: int) -> int:
    """An uncut column is as wide as its widest cell; the others may shrink to their minimum."""
    natural = _natural(columns, rows, i)
    return min(natural, columns[i].min_width) if columns[i].overflow else natural


def _least_width(columns: Sequence[Column], rows: Sequence[Sequence[str]], keep: list[int]) -> int:
    """The narrowest the table can be drawn: each column, its padding (2) and border (1), and the left border."""
    return 1 + sum(_narrowest(columns, rows, i) + 3 for i in keep)


def widths(columns: Sequence[Column], rows: Sequence[Sequence[str]], keep: list[int], width: int) -> dict[int, int]:
    """The width of each kept column: uncut ones at their widest cell; the room left is shared by the
    others, each from its minimum up to its widest cell, narrowest need first."""
    sizes = {i: _narrowest(columns, rows, i) for i in keep}
    room = width - _least_width(columns, rows, keep)
    flexible = sorted((i for i in keep if columns[i].overflow), key=lambda i: _natural(columns, rows, i))
    for n, i in enumerate(flexible):
        share = max(0, room // (len(flexible) - n))
        grow = min(share, _natural(columns, rows, i) - sizes[i])
        sizes[i] += grow
        room -= grow
    return sizes


def as_fitted_grid(title: str, columns: Sequence[Column], rows: Sequence[Sequence[str]], footer: str,
                   width: int | None = None) -> str:
    """A plain-text table (rich, no colour) that is at most `width` (default: the terminal's) wide.
    Every cell is plain text: a `[/bold]` in a title is not rich markup, and control characters
    print escaped."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    rows = [[printable(cell) for cell in row] for row in rows]
    width = width or terminal_width()
    keep = shown(columns, rows, width)
    sizes = widths(columns, rows, keep, width)
    grid = Table(title=Text(printable(title)), title_justify="left")
    for i in keep:
        column = columns[i]
        options: dict[str, Any] = {"no_wrap": column.overflow != "wrap", "width": sizes[i]}
        if column.overflow:
            options["overflow"] = "fold" if column.overflow == "wrap" else "ellipsis"
        grid.add_column(column.header, **options)
    for row in rows:
        grid.add_row(*(Text(row[i]) for i in keep))
    dropped = [columns[i].header for i in range(len(columns)) if i not in keep]
    buf = io.StringIO()
    console = Console(file=buf, width=width, highlight=False, color_system=None)
    console.print(grid)
    console.print(Text(printable(footer) + (f" ({', '.join(dropped)} left out to fit {width} columns; see --format csv)"
                                            if dropped else "")))
    return buf.getvalue()
