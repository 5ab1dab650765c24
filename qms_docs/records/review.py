"""Periodic review dates: pure date arithmetic."""

from __future__ import annotations

import datetime as dt

from qms_docs.config import DocType
from qms_docs.model.document import Document


def add_months(day: dt.date, months: int) -> dt.date | None:
    """The same day `months` later, clipped to the month's last day (31 Jan + 1 = 28/29 Feb);
    None beyond the calendar (after 9999-12-31)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        return None
    return dt.date(year, month, min(day.day, _days_in(year, month)))


def _days_in(year: int, month: int) -> int:
    """calendar.monthrange's day count, without loading `calendar` on every hook and check."""
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def review_interval(doc: Document, doc_type: DocType | None) -> int | None:
    """The document's own `review_months`, else its type's."""
    return doc.review_months or (doc_type.review_months if doc_type else None)


def next_review(doc: Document, doc_type: DocType | None) -> dt.date | None:
    """When the current revision is due for periodic review, counted from its effective date."""
    months = review_interval(doc, doc_type)
    if doc.effective_date is None or months is None:
        return None
    return add_months(doc.effective_date, months)
