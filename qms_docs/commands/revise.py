"""`qms revise ID -m SUMMARY [--effective DATE]`: start the next revision of an approved document.

Only an approved revision is revised: a draft or review revision is still open, so it is edited
in place (a draft may change freely until it is approved) or approved first; an obsolete document
is withdrawn for good once its withdrawal is in force (QMS015). A pending withdrawal (not yet signed by
every required role, or signed with a date still to come) is cancelled by revising it: the next revision
is a draft of the same content, and the withdrawal's revision number stays used (it is in the history, and
a revision number names one content). A withdrawal already signed still takes effect on its date unless the
new revision is approved first. The new revision clears the approvals and takes `effective_date` from
`--effective` (cleared without it): the date is part of the content the approvers sign, so it is
set before anyone signs, and `qms approve` asks for it before the last signature.

`qms revise ID --effective DATE` on a revision still in progress (draft or review) sets its
effective date (and with `-m`, its change summary) without starting a new revision: that is the
command `qms approve` names when the date is missing. Signatures already given to it become stale,
and the output says so."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from qms_docs import clock
from qms_docs.commands import _documents, translate
from qms_docs.config import Config
from qms_docs.errors import QmsError, UsageError
from qms_docs.model.document import Document, Status
from qms_docs.model.edit import DELETE
from qms_docs.rules.revisions import withdrawal_in_force
from qms_docs.signatures import policy
from qms_docs.signatures.policy import RevisionFacts


def check_revisable(doc: Document, effective: dt.date | None, config: Config, today: dt.date) -> int:
    """The current revision number, or QmsError saying why the document cannot be revised."""
    if doc.revision is None:
        raise QmsError(f"{doc.path}: `revision` is not a whole number; fix it before revising")
    if withdrawal_in_force(doc, config, today):
        raise QmsError(f"{doc.path}: {doc.id} is withdrawn (revision {doc.revision}, in force since "
                       f"{doc.effective_date}); a withdrawal in force is final: create a new document with `qms new`")
    if doc.status in (Status.DRAFT, Status.REVIEW) and effective is None:
        raise QmsError(f"{doc.path}: revision {doc.revision} is still in progress ({doc.status}); "
                       f"edit it, or approve it first with `qms approve {doc.id}` (`qms revise {doc.id} "
                       f"--effective YYYY-MM-DD` sets its effective date)")
    if doc.status not in (Status.APPROVED, Status.DRAFT, Status.REVIEW, Status.OBSOLETE):
        raise QmsError(f"{doc.path}: status {doc.meta.get('status')!r} is not one of "
                       f"{', '.join(Status)}; fix it before revising")
    return doc.revision


def run(root: Path, doc_id: str, summary: str | None, effective: dt.date | None = None, *,
        lang: str | None = None, source_revision: bool = False) -> str:
    """Raise the revision (or date the one in progress); return a message. With `lang`, the translation
    into that language; `source_revision` points it at the source revision in force (SPEC 8)."""
    text = None if summary is None else _documents.summary_text(summary, "change summary")
    with _documents.editing(root):
        snap, doc = _documents.find(root, doc_id, lang)
        link = translate.repointed(root, doc) if source_revision else {}
        if link and doc.status in (Status.DRAFT, Status.REVIEW) and effective is None:
            return translate.repoint_draft(root, doc, link, text)
        revision = check_revisable(doc, effective, snap.config, clock.today())
        if doc.status in (Status.APPROVED, Status.OBSOLETE) or effective is None:
            return _start(root, doc, revision + 1, text, effective, link) + _cancelled(doc, snap.config)
        return _date(root, doc, text, effective)


def _start(root: Path, doc: Document, revision: int, text: str | None, effective: dt.date | None,
           link: dict[str, Any]) -> str:
    if text is None:
        raise UsageError(f"say what changes in revision {revision} of {doc.id} and why with -m SUMMARY")
    _documents.rewrite(root, doc, {"revision": revision, "status": str(Status.DRAFT), "change_summary": text,
                                   "effective_date": effective or DELETE, **link, "approvals": []})
    then = f"takes effect on {effective.isoformat()}; edit it" if effective else \
        f"edit it, set its effective date with `qms revise {doc.id} --effective YYYY-MM-DD`"
    return f"{doc.path}: {doc.id} revision {revision} started (draft); {then}, then collect signatures with " \
           f"`qms approve {doc.id}`"


def _cancelled(doc: Document, config: Config) -> str:
    """What revising a pending withdrawal did to it."""
    if doc.status is not Status.OBSOLETE:
        return ""
    if policy.counts(doc, RevisionFacts(config)):
        return (f"; the withdrawal (revision {doc.revision}) is already signed and still takes effect on "
                f"{doc.effective_date} unless revision {(doc.revision or 0) + 1} is approved before then")
    return f"; the pending withdrawal (revision {doc.revision}) is cancelled"


def _date(root: Path, doc: Document, text: str | None, effective: dt.date) -> str:
    """Set the effective date (and summary) of the revision in progress."""
    changes: dict[str, Any] = {"effective_date": effective}
    if text is not None:
        changes["change_summary"] = text
    before = len(doc.current_approvals())
    _documents.rewrite(root, doc, changes)
    changed = doc.effective_date != effective or text not in (None, doc.change_summary)
    stale = f"; {before} signature{'s' * (before != 1)} already given {'is' if before == 1 else 'are'} now stale " \
            f"and must be given again" if before and changed else ""
    return f"{doc.path}: {doc.id} revision {doc.revision} ({doc.status}) takes effect on {effective.isoformat()}" \
           f"{stale}"
