"""QMS024-QMS025: a signature is added (or entry-signed) by its signer, who did not write what they sign.

The facts come from history (`ChangeFacts.signatures`: the commit that added each new approval entry;
`ChangeFacts.content_authors`: who wrote the signed revision); `qms_docs.signatures.policy` judges
them, as it does for `qms verify` and the site. These rules only turn its problems into findings."""

from __future__ import annotations

from collections.abc import Iterator

from qms_docs.rules.base import Context, Hit
from qms_docs.rules.facts import Signature
from qms_docs.signatures.policy import RevisionFacts, SignatureFacts, judge

__all__ = ["Signature", "forged_approval", "self_approval"]


def _problems(ctx: Context, code: str) -> Iterator[Hit]:
    """The policy's problems with `code` for each document that has new approval entries."""
    by_path: dict[str, dict[int, SignatureFacts]] = {}
    for s in ctx.facts.signatures:
        by_path.setdefault(s.path, {})[s.index] = SignatureFacts(s.index, s.commit, s.author_name, s.author_email,
                                                                 s.signed_by, added_at=s.added_at)
    docs = ctx.snapshot.by_path()
    for path, signatures in by_path.items():
        doc = docs.get(path)
        if doc is None:
            continue
        wrote = ctx.facts.content_authors.get(path, {})
        facts = RevisionFacts(ctx.config, signatures, frozenset(wrote),
                              authored_in={email: sha or "" for email, sha in wrote.items()},
                              signers=ctx.facts.allowed_signers)
        yield from (Hit(path, p.line, p.message) for p in judge(doc, facts) if p.code == code)


def self_approval(ctx: Context) -> Iterator[Hit]:
    """QMS024: a signer authored a commit that wrote the revision they sign."""
    return _problems(ctx, "QMS024")


def forged_approval(ctx: Context) -> Iterator[Hit]:
    """QMS025: the commit that added an approval entry was not made (or, with signing.required, signed) by the signer."""
    return _problems(ctx, "QMS025")
