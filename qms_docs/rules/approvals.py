"""QMS020-QMS023: do the signatures on each document cover exactly this revision and content?"""

from __future__ import annotations

from collections.abc import Iterator

from qms_docs.model.document import Document, Meaning, Status
from qms_docs.rules.base import Context, Hit, each_document


def _who(doc: Document, n: int) -> str:
    a = doc.approvals[n]
    return f"approval {n + 1} ({a.name or '?'}, {a.role or '?'})"


@each_document
def missing_signature(doc: Document, ctx: Context) -> Iterator[Hit]:
    """QMS020: an approved document lacks an `approved` signature from a required role."""
    doc_type = ctx.doc_type(doc)
    if doc.status is not Status.APPROVED or doc_type is None:
        return
    signed = {a.role for a in doc.approvals if a.meaning is Meaning.APPROVED}
    for role in doc_type.approvers:
        if role not in signed:
            yield Hit(doc.path, doc.line_of("approvals") if doc.approvals else doc.line_of("status"),
                      f"status is approved but there is no signature from the required role {role}")


@each_document
def stale_approval(doc: Document, ctx: Context) -> Iterator[Hit]:
    """QMS021: an approval's digest does not match the content it claims to sign."""
    for n, a in enumerate(doc.approvals):
        if a.digest and a.revision == doc.revision and a.digest != doc.digest:
            yield Hit(doc.path, a.line_of("digest"),
                      f"{_who(doc, n)} does not match the content: the document changed after it was signed "
                      f"(stale approval); raise the revision or have it signed again")


@each_document
def approval_for_other_revision(doc: Document, ctx: Context) -> Iterator[Hit]:
    """QMS022: an approval is for another revision than the document's."""
    for n, a in enumerate(doc.approvals):
        if a.revision is not None and doc.revision is not None and a.revision != doc.revision:
            yield Hit(doc.path, a.line_of("revision"),
                      f"{_who(doc, n)} is for revision {a.revision}, the document is at revision {doc.revision}")


@each_document
def signer_without_role(doc: Document, ctx: Context) -> Iterator[Hit]:
    """QMS023: the signer does not hold the role signed for."""
    for n, a in enumerate(doc.approvals):
        if not (a.role and a.email):
            continue
        if a.role not in ctx.config.roles:
            yield Hit(doc.path, a.line_of("role"), f"{_who(doc, n)}: role {a.role!r} is not defined in qms.yml")
        elif not ctx.config.holds(a.email, a.role):
            yield Hit(doc.path, a.line_of("email"), f"{_who(doc, n)}: {a.email} does not hold the role {a.role}")
