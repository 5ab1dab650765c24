"""`qms obsolete ID -m REASON`: withdraw a document (status obsolete, revision +1).

Design decision: withdrawal clears the signatures. The withdrawal revision is new content (a new
status, revision and reason), so the old approvals would be stale anyway; the commit that makes
the document obsolete, with its author and date in git, is the record of the withdrawal. Signing a
withdrawal is not offered: `qms approve` refuses obsolete documents, so an obsolete document
never passes for approved. A team that wants a signed withdrawal reviews it in the pull request
that carries the commit (or requires `signing.required` for signed commits). The `effective_date`
of the last approved revision stays, as the history of when that revision applied."""

from __future__ import annotations

from pathlib import Path

from qms_docs.commands import _documents
from qms_docs.errors import QmsError
from qms_docs.model.document import Status


def run(root: Path, doc_id: str, reason: str) -> str:
    """Set status obsolete, raise the revision, record the reason, clear approvals; return a message."""
    text = _documents.summary_text(reason, "reason")
    _, doc = _documents.find(root, doc_id)
    if doc.status is Status.OBSOLETE:
        raise QmsError(f"{doc.path}: {doc.id} is already obsolete (revision {doc.revision}); nothing to do")
    if doc.revision is None:
        raise QmsError(f"{doc.path}: `revision` is not a whole number; fix it before withdrawing the document")
    if doc.status is None:
        raise QmsError(f"{doc.path}: status {doc.meta.get('status')!r} is not one of {', '.join(Status)}; "
                       f"fix it before withdrawing the document")
    revision = doc.revision + 1
    _documents.rewrite(root, doc, {"revision": revision, "status": str(Status.OBSOLETE),
                                   "change_summary": text, "approvals": []})
    return (f"{doc.path}: {doc.id} withdrawn at revision {revision} (obsolete); "
            f"commit it so the withdrawal is on record")
