"""Page numbers of a manual laid out in parts: WeasyPrint stopped before it lays out the margin boxes.

WeasyPrint paginates first (`make_all_pages`, repeated until the page count is stable) and lays out
the margin boxes of each page after (`make_margin_boxes`, in `weasyprint.layout.layout_document`), with
the `page` and `pages` counters of the pagination. `numbered` hooks in between: it tells the caller
how many pages there are and where each anchor is, and prints the page numbers it is answered."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class LaidOut:
    """A part's pages, before its margin boxes: how many, and the page (from 1) of each anchor."""

    pages: int
    anchors: Mapping[str, int]


@dataclass(frozen=True)
class Numbering:
    offset: int  # the pages before the part
    total: int  # the manual's pages


@contextmanager
def numbered(number: Callable[[LaidOut], Numbering]) -> Iterator[None]:
    """WeasyPrint's layout with a stop before the margin boxes: `number` is told the pages laid out
    and answers how to number them. (Patches `weasyprint.layout`'s two steps; put back on exit.)"""
    from weasyprint import layout  # type: ignore[import-untyped]

    make_all_pages, make_margin_boxes = layout.make_all_pages, layout.make_margin_boxes
    final: list[Any] = []
    numbering: list[Numbering] = []

    def all_pages(*args: Any) -> Iterator[Any]:
        final.clear()
        for page in make_all_pages(*args):
            final.append(page)
            yield page

    def margin_boxes(context: Any, page: Any, state: Any) -> Any:
        if not numbering:
            numbering.append(number(LaidOut(len(final), _anchors(final))))
        offset, total = numbering[0].offset, numbering[0].total
        quote_depth, values, scopes, groups = state
        page_number = values["page"]
        values = {**values, "page": [*page_number[:-1], page_number[-1] + offset], "pages": [total]}
        return make_margin_boxes(context, page, (quote_depth, values, scopes, groups))

    layout.make_all_pages, layout.make_margin_boxes = all_pages, margin_boxes
    try:
        yield
    finally:
        layout.make_all_pages, layout.make_margin_boxes = make_all_pages, make_margin_boxes


def _anchors(pages: Sequence[Any]) -> dict[str, int]:
    found: dict[str, int] = {}
    for n, page in enumerate(pages, start=1):
        for box in page.descendants():
            name = box.style["anchor"]
            if name and name not in found:
                found[name] = n
    return found
