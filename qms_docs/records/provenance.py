"""Facts about who did what to a revision, gathered from history; rules and `verify` judge them.

- the commit that first added each approval entry (QMS025 compares its author with the signer);
- the authors of the commits that changed a revision's signed content (QMS024, self-approval)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from qms_docs.gitio.log import Commit
from qms_docs.model.document import Approval, Document, Status
from qms_docs.records.history import Revision, Version
from qms_docs.signatures import policy
from qms_docs.signatures.policy import SignatureFacts


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
        c = self.commit
        return policy.added_by_signer(self.approval, SignatureFacts(self.approval.index, c.sha, c.author_name,
                                                                    c.author_email))


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


# One lineage's facts for QMS024/QMS025, judged against each parent of a commit (merges included) ---------

EntryKey = tuple[tuple[str, str], ...]


def entry_key(raw: Mapping[str, Any]) -> EntryKey:
    """An approval entry's identity: all its fields as written."""
    return _key(raw)


def _null(oid: str) -> bool:
    return set(oid) == {"0"}


def parent_blobs(version: Version) -> list[str | None]:
    """The document's blob in each parent of the version's commit (None: not there, or a copy of another file).

    A merge is compared with every parent (`parent_changes`); a file a diff does not list is unchanged
    against that parent."""
    commit = version.commit
    diffs = commit.parent_changes or ((commit.changes,) if commit.parents else ())
    found: list[str | None] = []
    for diff in diffs:
        change = next((c for c in diff if c.path == version.path and not c.deleted), None)
        if change is None:
            found.append(version.blob)
        elif change.status in "AC" or _null(change.old_blob):
            found.append(None)
        else:
            found.append(change.old_blob)
    return found or [None]


class LineageFacts:
    """Who added each approval entry and who wrote content, along one document's versions (history order).

    An entry is added by the first commit whose version carries it (a merge that introduces an entry
    no parent carries added it; one taken from a side branch was added there); content is written by
    a commit whose digest differs from every parent's (a merge taking one side's content wrote nothing)."""

    def __init__(self, versions: Sequence[Version], document: Callable[[str], Document | None]):
        self.docs: list[tuple[int, Version, Document]] = []
        self.added_by: dict[EntryKey, Version] = {}
        self.writers: list[tuple[int, Commit]] = []
        self._keys: dict[int, tuple[Mapping[str, Any], EntryKey]] = {}  # id(entry) -> (entry, its key), computed once
        for position, version in enumerate(versions):
            doc = document(version.blob) if version.blob is not None else None
            if doc is None:
                continue
            self.docs.append((position, version, doc))
            parents = [document(b) if b is not None else None for b in parent_blobs(version)]
            if all(p is None or p.digest != doc.digest for p in parents):
                self.writers.append((position, version.commit))
            for a in doc.approvals:  # the first version to carry an entry added it (a side branch's
                self.added_by.setdefault(self.key(a.raw), version)  # commits come before its merge)

    def key(self, raw: Mapping[str, Any]) -> EntryKey:
        found = self._keys.get(id(raw))
        if found is None or found[0] is not raw:
            found = self._keys[id(raw)] = (raw, entry_key(raw))
        return found[1]

    def adder(self, approval: Approval, version: Version) -> Version:
        """The version whose commit added the entry (the given one when the entry is not known)."""
        return self.added_by.get(self.key(approval.raw), version)

    def authors(self, position: int, doc: Document) -> dict[str, str]:
        """E-mail (lower case) -> a commit of theirs that wrote content of `doc`'s revision: every content
        change after the last approved version of an earlier revision, up to `position` (SPEC 4, QMS024)."""
        start = -1
        for p, _, d in self.docs:
            if p >= position:
                break
            if d.status is Status.APPROVED and d.revision is not None and doc.revision is not None \
                    and d.revision < doc.revision:
                start = p
        wrote: dict[str, str] = {}
        for p, commit in self.writers:
            if start < p <= position:
                wrote.setdefault(commit.author_email.lower(), commit.sha)
        return wrote
