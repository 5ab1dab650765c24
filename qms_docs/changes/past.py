"""What happened to a revision before the range began, read back along that one document's history.

Needed only for a document whose revision at the base is the one being signed (its draft reached the
branch earlier): who wrote it (QMS024), and which contents that revision number was already approved
with (QMS010, SPEC 2: a revision number, once approved, names one content). The walk stops at the
previous released revision, so its length is the revision's, not the history's."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from qms_docs.changes.steps import Load
from qms_docs.errors import DocumentError
from qms_docs.gitio import runner
from qms_docs.gitio.changes import PastVersion, versions_back
from qms_docs.model.document import Document
from qms_docs.model.frontmatter import parse
from qms_docs.rules.revisions import LOCKED


class Past(NamedTuple):  # a plain record: a NamedTuple costs a tenth of a dataclass to define
    revision: int
    approved: frozenset[str]  # digests the revision was approved (or withdrawn) with
    authors: Mapping[str, str]  # e-mail -> first commit of theirs that wrote content


def revision_past(root: Path, rev: str, path: str, revision: int, load: Load,
                  cached: Callable[[str], list[PastVersion] | None] | None = None) -> Past:
    """The past of `revision` of the document at `path` in commit `rev`, back to the previous released revision.

    `cached`: the versions of a path at `rev` from the verification cache (records.cache.past_versions), used
    when it knows the path; else one walk back along the file (`git log --follow`)."""
    versions: list[tuple[str, str, Document]] = []
    before: Document | None = None
    known = cached(path) if cached is not None else None
    for version in known if known is not None else versions_back(root, rev, path):
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


def never_released(root: Path, rev: str, gone: Sequence[Document]) -> frozenset[str]:
    """The paths of the deleted documents that no commit reachable from `rev` holds approved or obsolete:
    a draft-only document may be deleted (SPEC 4). Walks back only the deleted drafts' own files."""
    drafts = [d for d in gone if d.status not in LOCKED]
    if not drafts:
        return frozenset()
    found: set[str] = set()
    with runner.BlobReader(root) as reader:
        for doc in drafts:
            if not any(_released(reader.read(v.blob), doc.path) for v in versions_back(root, rev, doc.path)):
                found.add(doc.path)
    return frozenset(found)


def _released(data: bytes | None, path: str) -> bool:
    try:
        doc = parse(data, path) if data is not None else None
    except DocumentError:
        return False
    return isinstance(doc, Document) and doc.status in LOCKED
