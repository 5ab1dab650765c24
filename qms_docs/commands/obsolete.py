"""`qms obsolete ID -m REASON [--effective DATE]`: start a withdrawal (status obsolete, revision +1).

A withdrawal is a revision like any other (SPEC 5): new content (status, revision, reason and the
date it takes effect, default today), so the old approvals are cleared, and it is signed with
`qms approve` by the type's approvers. Until every required role signed it and its date has come,
the previous revision stays in force."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from qms_docs.commands import _documents
from qms_docs.errors import QmsError
from qms_docs.model.document import Status


def run(root: Path, doc_id: str, reason: str, effective: dt.date, lang: str | None = None) -> str:
    """Set status obsolete, raise the revision, record the reason and date, clear approvals; return a message."""
    text = _documents.summary_text(reason, "reason")
    with _documents.editing(root):
        _, doc = _documents.find(root, doc_id, lang)
        if doc.status is Status.OBSOLETE:
            raise QmsError(f"{doc.path}: {doc.id} is already obsolete (revision {doc.revision}); nothing to do")
        if doc.revision is None:
            raise QmsError(f"{doc.path}: `revision` is not a whole number; fix it before withdrawing the document")
        if doc.status is None:
            raise QmsError(f"{doc.path}: status {doc.meta.get('status')!r} is not one of {', '.join(Status)}; "
                           f"fix it before withdrawing the document")
        revision = doc.revision + 1
        _documents.rewrite(root, doc, {"revision": revision, "status": str(Status.OBSOLETE),
                                       "change_summary": text, "effective_date": effective, "approvals": []})
    return (f"{doc.path}: {doc.id} withdrawal started at revision {revision} (obsolete, effective "
            f"{effective.isoformat()}); commit it, then collect signatures with `qms approve {doc.id}`: until "
            f"they are complete, revision {doc.revision} stays in force")
