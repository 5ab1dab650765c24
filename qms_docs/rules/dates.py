"""QMS030-QMS032: effective dates and periodic review."""

from __future__ import annotations

from collections.abc import Iterator

from qms_docs.model.document import Document, Status
from qms_docs.model.review import next_review, review_interval
from qms_docs.rules.base import Context, Hit, each_document


@each_document
def no_effective_date(doc: Document, ctx: Context) -> Iterator[Hit]:
    """QMS030: an approved document has no effective_date."""
    if doc.status is Status.APPROVED and doc.meta.get("effective_date") is None:
        yield Hit(doc.path, doc.line_of("status"), "status is approved but `effective_date` is missing")


@each_document
def review_overdue(doc: Document, ctx: Context) -> Iterator[Hit]:
    """QMS031: the periodic review of an approved document is overdue (a translation follows its source's
    reviews: a new source revision makes it stale, QMS070)."""
    if doc.status is not Status.APPROVED or doc.is_translation:
        return
    doc_type = ctx.doc_type(doc)
    due = next_review(doc, doc_type)
    if due is not None and due < ctx.today:
        months = review_interval(doc, doc_type)
        yield Hit(doc.path, doc.line_of("effective_date"),
                  f"periodic review overdue since {due} (every {months} months from {doc.effective_date})")


@each_document
def backdated(doc: Document, ctx: Context) -> Iterator[Hit]:
    """QMS032: the effective date is earlier than the last signature of the revision."""
    signed = [a.at for a in doc.approvals if a.at is not None and a.revision == doc.revision]
    if doc.effective_date is None or not signed:
        return
    last = max(signed)
    if doc.effective_date < last.date():
        yield Hit(doc.path, doc.line_of("effective_date"),
                  f"effective_date {doc.effective_date} is before the last signature "
                  f"({last:%Y-%m-%dT%H:%M:%SZ}): backdated")
