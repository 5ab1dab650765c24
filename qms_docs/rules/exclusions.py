"""QMS043: a document claims an ISO 9001 clause that qms.yml excludes."""

from __future__ import annotations

from collections.abc import Iterator

from qms_docs.model.document import Document, Status
from qms_docs.model.iso9001 import within
from qms_docs.rules.base import Context, Hit, each_document


@each_document
def excluded_clause(doc: Document, ctx: Context) -> Iterator[Hit]:
    """QMS043: an active document addresses a clause (or a sub-clause of one) that the QMS excludes."""
    if doc.status is Status.OBSOLETE or not ctx.config.exclusions:
        return
    for clause in doc.clauses:
        excluded = next((e for e in ctx.config.exclusions if within(clause, e)), None)
        if excluded is not None:
            why = ctx.config.exclusions[excluded]
            yield Hit(doc.path, doc.line_of("clauses"),
                      f"claims clause {clause}, but qms.yml excludes {excluded} ({why}); "
                      f"drop the clause or the exclusion")
