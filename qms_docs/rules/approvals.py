"""QMS020-QMS023: do the signatures on each document cover exactly this revision and content?

Thin adapters: the judgement is signatures.policy's, the one place that decides whether a signature counts."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from qms_docs.model.document import Document
from qms_docs.rules.base import Check, Context, Hit, each_document
from qms_docs.signatures import policy
from qms_docs.signatures.policy import RevisionFacts


def _static(judgement: Callable[[Document, RevisionFacts], Iterator[policy.Problem]]) -> Check:
    """A static rule over one policy judgement (the config of the context, no history)."""

    def check(doc: Document, ctx: Context) -> Iterator[Hit]:
        for p in judgement(doc, RevisionFacts(ctx.config)):
            yield Hit(doc.path, p.line, p.message)

    check.__name__ = judgement.__name__
    check.__doc__ = judgement.__doc__
    return each_document(check)


missing_signature = _static(policy.missing_signature)
stale_approval = _static(policy.stale)
approval_for_other_revision = _static(policy.other_revision)
signer_without_role = _static(policy.without_role)
