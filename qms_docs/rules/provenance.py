"""QMS024-QMS025: a signature is added by its signer, who did not write what they sign.

The facts come from history (`ChangeFacts.signatures`: the commit that added each new approval entry;
`ChangeFacts.content_authors`: who wrote the signed revision); these rules only judge them."""

from __future__ import annotations

from collections.abc import Iterator

from qms_docs.model.document import Approval, Document
from qms_docs.rules.base import Context, Hit
from qms_docs.rules.facts import Signature

__all__ = ["Signature", "forged_approval", "self_approval"]


def _entries(ctx: Context) -> Iterator[tuple[Signature, Document, Approval, str]]:
    docs = ctx.snapshot.by_path()
    for s in ctx.facts.signatures:
        doc = docs.get(s.path)
        if doc is None or s.index >= len(doc.approvals):
            continue
        a = doc.approvals[s.index]
        yield s, doc, a, f"approval {s.index + 1} ({a.name or '?'}, {a.role or '?'})"


def self_approval(ctx: Context) -> Iterator[Hit]:
    """QMS024: a signer authored a commit that wrote the revision they sign."""
    authors = ctx.facts.content_authors
    for s, doc, a, who in _entries(ctx):
        doc_type = ctx.doc_type(doc)
        email = (a.email or "").lower()
        if not email or a.revision != doc.revision or doc_type is None or doc_type.allow_self_approval:
            continue
        wrote = authors.get(s.path, {})
        if email in wrote:
            sha = wrote[email]
            commit = f"commit {sha[:12]}" if sha else "the commit being made"
            yield Hit(doc.path, a.line, f"{who}: {a.email} wrote revision {doc.revision} ({commit}) and cannot "
                                        f"approve it; type {doc_type.name} does not allow self-approval")


def forged_approval(ctx: Context) -> Iterator[Hit]:
    """QMS025: the commit that added an approval entry was not made (or, with signing.required, signed) by the signer."""
    signing = ctx.config.signing
    for s, doc, a, who in _entries(ctx):
        email = (a.email or "").lower()
        commit = f"commit {s.commit[:12]}" if s.commit else "the commit being made"
        if not s.author_email:
            yield Hit(doc.path, a.line, f"{who}: no commit of the signer added this entry; the signer must add "
                                        f"it in a commit of their own")
        elif s.author_email.lower() != email:
            yield Hit(doc.path, a.line, f"{who}: added by {commit} authored by {s.author_name} <{s.author_email}>, "
                                        f"not by the signer {a.email}; only the signer may add their signature "
                                        f"(`qms approve {doc.id or 'ID'} --commit`, as the signer)")
        elif signing.required and s.commit:
            if email not in s.signed_by:
                yield Hit(doc.path, a.line, f"{who}: {commit} is not signed by a key listed for {a.email} in "
                                            f"{signing.allowed_signers} (signing.required)")
