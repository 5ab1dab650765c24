"""`qms revise ID -m SUMMARY`: start the next revision of an approved document.

Only an approved revision is revised: a draft or review revision is still open, so it is edited
in place (a draft may change freely until it is approved) or approved first; an obsolete document
is withdrawn for good. The new revision clears `effective_date` together with the approvals: its
date is part of the content the approvers sign, and `qms approve` asks for it before the last
signature."""

from __future__ import annotations

from pathlib import Path

from qms_docs.commands import _documents
from qms_docs.errors import QmsError
from qms_docs.model.document import Document, Status
from qms_docs.model.edit import DELETE


def check_revisable(doc: Document) -> int:
    """The current revision number, or QmsError saying why the document cannot be revised."""
    if doc.revision is None:
        raise QmsError(f"{doc.path}: `revision` is not a whole number; fix it before revising")
    if doc.status is Status.OBSOLETE:
        raise QmsError(f"{doc.path}: {doc.id} is obsolete (withdrawn at revision {doc.revision}); "
                       f"an obsolete document is not revised: create a new one with `qms new`")
    if doc.status in (Status.DRAFT, Status.REVIEW):
        raise QmsError(f"{doc.path}: revision {doc.revision} is still in progress ({doc.status}); "
                       f"edit it, or approve it first with `qms approve {doc.id}`")
    if doc.status is not Status.APPROVED:
        raise QmsError(f"{doc.path}: status {doc.meta.get('status')!r} is not one of "
                       f"{', '.join(Status)}; fix it before revising")
    return doc.revision


def run(root: Path, doc_id: str, summary: str) -> str:
    """Raise the revision, set status draft and the change summary, clear approvals; return a message."""
    text = _documents.summary_text(summary, "change summary")
    _, doc = _documents.find(root, doc_id)
    revision = check_revisable(doc) + 1
    _documents.rewrite(root, doc, {"revision": revision, "status": str(Status.DRAFT),
                                   "change_summary": text, "effective_date": DELETE, "approvals": []})
    return (f"{doc.path}: {doc.id} revision {revision} started (draft); edit it, set `effective_date`, "
            f"then collect signatures with `qms approve {doc.id}`")
