"""What happened to a revision before the range began, read back along that one document's history.

Needed only for a document whose revision at the base is the one being signed (its draft reached the
branch earlier): who wrote it (QMS024), and which contents that revision number was already approved
with (QMS010, SPEC 2: a revision number, once approved, names one content). The walk stops at the
previous released revision, so its length is the revision's, not the history's."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from qms_docs.changes.steps import Load
from qms_docs.gitio.changes import versions_back
from qms_docs.model.document import Document
from qms_docs.rules.revisions import LOCKED


@dataclass(frozen=True)
class Past:
    revision: int
    approved: frozenset[str]  # digests the revision was approved (or withdrawn) with
    authors: Mapping[str, str]  # e-mail -> first commit of theirs that wrote content


def revision_past(root: Path, rev: str, path: str, revision: int, load: Load) -> Past:
    """The past of `revision` of the document at `path` in commit `rev`, back to the previous released revision."""
    versions: list[tuple[str, str, Document]] = []
    before: Document | None = None
    for version in versions_back(root, rev, path):
        doc = load(path, version.blob)
        if not isinstance(doc, Document):
            continue
        if doc.revision is not None and doc.revision < revision and doc.status in LOCKED:
            before = doc
            break
        versions.append((version.sha, version.author_email.lower(), doc))
    approved = frozenset(d.digest for _, _, d in versions if d.revision == revision and d.status in LOCKED)
    authors: dict[str, str] = {}
    digest = before.digest if before is not None else None
    for sha, email, doc in reversed(versions):
        if doc.digest != digest:
            authors.setdefault(email, sha)
            digest = doc.digest
    return Past(revision, approved, authors)
