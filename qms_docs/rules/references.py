"""QMS040-QMS041: references between documents."""

from __future__ import annotations

from collections.abc import Iterator

from qms_docs.model.document import Status
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
