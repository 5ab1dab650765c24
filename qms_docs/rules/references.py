"""QMS040-QMS042: references between documents."""

from __future__ import annotations

from collections.abc import Iterator

from qms_docs.model.document import Document, Status
from qms_docs.rules.base import Context, Hit


def unknown_reference(ctx: Context) -> Iterator[Hit]:
    """QMS040: a reference to a document id that no file has."""
    ids = ctx.snapshot.by_id()
    for doc in ctx.snapshot.documents:
        for ref in doc.references:
            if ref not in ids:
                yield Hit(doc.path, doc.line_of("references"), f"reference to unknown document {ref}")


def obsolete_reference(ctx: Context) -> Iterator[Hit]:
    """QMS041: an active document references an obsolete one."""
    ids = ctx.snapshot.by_id()
    for doc in ctx.snapshot.documents:
        if doc.status is Status.OBSOLETE:
            continue
        for ref in doc.references:
            target = ids.get(ref)
            if target is not None and target.status is Status.OBSOLETE:
                yield Hit(doc.path, doc.line_of("references"), f"references {ref}, which is obsolete")


def never_issued(target: Document, ctx: Context) -> str | None:
    """Why a document has no revision in force in this snapshot, or None when it may have one.

    Only a first revision can say so on its own: from revision 2 on, an earlier revision was
    approved (revisions are raised only after an approval), and that one stays in force."""
    if target.revision not in (None, 1):
        return None
    if target.status in (Status.DRAFT, Status.REVIEW):
        return f"its first revision is still a {target.status}: it was never issued"
    if target.status is Status.APPROVED and target.effective_date is not None and target.effective_date > ctx.today:
        return f"its first revision is in force only from {target.effective_date}"
    return None


def reference_not_in_force(ctx: Context) -> Iterator[Hit]:
    """QMS042: an approved document references a document that has no revision in force."""
    ids = ctx.snapshot.by_id()
    for doc in ctx.snapshot.documents:
        if doc.status is not Status.APPROVED:
            continue
        for ref in doc.references:
            target = ids.get(ref)
            why = never_issued(target, ctx) if target is not None else None
            if why:
                yield Hit(doc.path, doc.line_of("references"), f"references {ref}, which is not in force: {why}")
