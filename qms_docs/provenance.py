"""Facts about who did what to a revision, gathered from history; rules and `verify` judge them.

- the commit that first added each approval entry (QMS025 compares its author with the signer);
- the authors of the commits that changed a revision's signed content (QMS024, self-approval)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from qms_docs.gitio.log import Commit
from qms_docs.history import Revision, Version
from qms_docs.model.document import Approval, Document


@dataclass(frozen=True)
class SignatureEvidence:
    """An approval entry of a revision and the commit that added it."""

    approval: Approval
    version: Version  # the first version that carries the entry
    document: Document

    @property
    def commit(self) -> Commit:
        return self.version.commit

    @property
    def added_by_signer(self) -> bool:
        email = (self.approval.email or "").lower()
        return bool(email) and self.commit.author_email.lower() == email


def _key(raw: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, str(v)) for k, v in raw.items()))


def signature_evidence(revision: Revision) -> Iterator[SignatureEvidence]:
    """Each distinct approval entry of the revision, with the version that first carried it."""
    seen: set[tuple[tuple[str, str], ...]] = set()
    for version, doc in revision.versions:
        for approval in doc.approvals:
            key = _key(approval.raw)
            if key not in seen:
                seen.add(key)
                yield SignatureEvidence(approval, version, doc)


def content_commits(revision: Revision, before: Document | None = None) -> list[Commit]:
    """Commits of the revision that changed its signed content (not those that only added signatures).

    `before` is the state just before the revision's first version (None for a new document)."""
    commits, digest = [], before.digest if before is not None else None
    for version, doc in revision.versions:
        if doc.digest != digest:
            commits.append(version.commit)
            digest = doc.digest
    return commits


def content_authors(revision: Revision, before: Document | None = None) -> set[str]:
    """E-mail addresses (lower case) of the people who wrote the revision's content."""
    return {c.author_email.lower() for c in content_commits(revision, before)}
