"""QMS010-QMS016: a controlled document changes only through a new revision, keeps its id, and a
withdrawal is a controlled change: signed before it counts (QMS016), final once in force (QMS015).

Base and new documents are paired once per context (`Context.matching`: by path, then by the renames
git detected, then by id): a moved or renamed file is the same document."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from qms_docs.config import Config
from qms_docs.model.document import Document, Status
from qms_docs.rules.base import Context, Hit, each_document
from qms_docs.rules.facts import Matching, match_documents
from qms_docs.signatures import policy
from qms_docs.signatures.policy import RevisionFacts

__all__ = ["LOCKED", "Matching", "match_documents", "revision_not_raised", "revision_out_of_step",
           "document_deleted", "id_changed",
           "withdrawal_in_force", "final_withdrawal_changed", "withdrawal_unsigned"]

LOCKED = (Status.APPROVED, Status.OBSOLETE)  # released revisions; a draft or review may change freely


def _approved_with(old: Document, new: Document, ctx: Context) -> frozenset[str]:
    """The contents the new state's revision number was approved with before this change (SPEC 2)."""
    known = ctx.facts.approved_digests.get(new.path, frozenset())
    if old.status in LOCKED and old.revision == new.revision:
        known |= {old.digest}
    return known


def revision_not_raised(ctx: Context) -> Iterator[Hit]:
    """QMS010: content for a revision number that was approved with other content (an approved revision
    edited without a new revision number, even through a draft in between)."""
    for old, new in ctx.matching.pairs:
        if new.revision is None:
            continue
        approved = _approved_with(old, new, ctx)
        released = new.status in LOCKED and old.status not in LOCKED
        if not approved or new.digest in approved or (old.digest == new.digest and not released):
            continue
        doc_id = new.id or old.id or "ID"
        fix = f"start revision {new.revision + 1} with `qms revise {doc_id} -m SUMMARY`"
        if old.status in LOCKED and old.revision == new.revision:
            hint = " (setting it back to draft does not start a new revision)" if new.status is Status.DRAFT else ""
            message = (f"content changed but revision is still {new.revision}: revision {old.revision} was "
                       f"{old.status}{hint}; {fix}")
        else:
            message = (f"revision {new.revision} was already approved with other content: a revision number, once "
                       f"approved, names one content (setting it back to draft does not start a new revision); {fix}")
        yield Hit(new.path, new.line_of("revision"), message)


def revision_out_of_step(ctx: Context) -> Iterator[Hit]:
    """QMS011: the revision went down, or up by more than one."""
    for old, new in ctx.matching.pairs:
        if old.revision is None or new.revision is None:
            continue
        if new.revision < old.revision:
            yield Hit(new.path, new.line_of("revision"),
                      f"revision went down from {old.revision} to {new.revision}; revisions only go up")
        elif new.revision > old.revision + 1:
            yield Hit(new.path, new.line_of("revision"),
                      f"revision went up from {old.revision} to {new.revision}; the next revision is {old.revision + 1}")


def document_deleted(ctx: Context) -> Iterator[Hit]:
    """QMS012: a controlled document was deleted instead of withdrawn."""
    for old in ctx.matching.deleted:
        if old.path in ctx.facts.never_released:
            continue  # every committed revision a draft: nothing was ever in force (SPEC 4)
        doc_id = old.id or "ID"
        yield Hit(old.path, None, f"controlled document {doc_id} was deleted; restore it and withdraw it "
                                  f"with status obsolete instead (`qms obsolete {doc_id} -m REASON`)")


def id_changed(ctx: Context) -> Iterator[Hit]:
    """QMS013: a document's id changed."""
    for old, new in ctx.matching.pairs:
        if old.id and new.id and old.id != new.id:
            yield Hit(new.path, new.line_of("id"),
                      f"id changed from {old.id} to {new.id}; a document keeps its id for life: restore "
                      f"{old.id} (withdraw it with `qms obsolete` if it is replaced) and create {new.id} anew")


def withdrawal_in_force(doc: Document, config: Config, today: dt.date) -> bool:
    """`doc` is a withdrawal every required role signed (as the static rules judge it) whose date has come."""
    return (doc.status is Status.OBSOLETE and doc.effective_date is not None and doc.effective_date <= today
            and policy.counts(doc, RevisionFacts(config)))


def final_withdrawal_changed(ctx: Context) -> Iterator[Hit]:
    """QMS015: a withdrawal in force is final: no new revision, no status change, no other content, and its
    signatures stay (removing one would let a later commit change it as if it were pending)."""
    for old, new in ctx.matching.pairs:
        if not withdrawal_in_force(old, ctx.config, ctx.today):
            continue
        if old.digest == new.digest and withdrawal_in_force(new, ctx.config, ctx.today):
            continue  # the digest of a withdrawal holds its status, revision and content
        field = "status" if new.status is not Status.OBSOLETE else "revision" if old.digest != new.digest else "approvals"
        yield Hit(new.path, new.line_of(field),
                  f"{old.id or 'the document'} was withdrawn at revision {old.revision} (in force since "
                  f"{old.effective_date}); a withdrawal in force is final: restore revision {old.revision} as it "
                  f"was and create a new document with `qms new` instead")


def _unsigned_withdrawal(doc: Document, ctx: Context) -> Iterator[Hit]:
    """QMS016: a withdrawal (`status: obsolete`) lacks a valid approval from a required role: it stays pending."""
    if doc.status is not Status.OBSOLETE:
        return
    missing = policy.missing_roles(doc, RevisionFacts(ctx.config))
    if missing:
        before = f"revision {doc.revision - 1}" if doc.revision and doc.revision > 1 else "the previous revision"
        yield Hit(doc.path, doc.line_of("status"),
                  f"the withdrawal (revision {doc.revision}) lacks an approval from {', '.join(missing)}; it is "
                  f"pending and {before} stays in force until it is signed (`qms approve {doc.id or 'ID'}`)")


withdrawal_unsigned = each_document(_unsigned_withdrawal)
