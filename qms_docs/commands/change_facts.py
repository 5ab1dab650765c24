"""Gather the history facts the provenance and config rules judge, for the commits of one range.

Everything comes from one `git log` pass over the range (plus, for a revision begun before the
range, a walk back along that one file that stops at the revision's start), so the cost grows with
the range, not with the whole history."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from qms_docs.config import Config
from qms_docs.errors import DocumentError
from qms_docs.gitio import changes, runner
from qms_docs.gitio.log import Commit
from qms_docs.gitio.signatures import verified_signers
from qms_docs.history import History, Revision, Version
from qms_docs.model.document import Document
from qms_docs.model.frontmatter import parse
from qms_docs.provenance import content_commits, signature_evidence
from qms_docs.rules.config_change import ConfigCommit, trusted_files
from qms_docs.rules.provenance import Signature, new_entries


def config_commits(commits: Iterable[Commit], paths: Sequence[str]) -> list[ConfigCommit]:
    """Commits that changed one of the configuration files."""
    return [ConfigCommit(c.sha, c.author_name, c.author_email, p)
            for c in commits for p in dict.fromkeys(ch.path for ch in c.changes if ch.path in paths
                                                    or ch.old_path in paths)]


def _lineage(history: History, ends: dict[str, str], doc: Document) -> list[tuple[Version, Document]]:
    """The parsed versions (in the range) of the lineage that ends at the document (`ends`: path -> key)."""
    key = ends.get(doc.path)
    if key is None and doc.id:  # moved in the working tree only: find it by its id
        key = next(iter(history.keys_by_id().get(doc.key, [])[-1:]), None)
    found = []
    for version in history.lineages[key] if key is not None else ():
        parsed = history.document(version)
        if isinstance(parsed, Document):
            found.append((version, parsed))
    return found


def _walk_back(root: Path, rev: str, path: str, revision: int, reader: runner.BlobReader) -> dict[str, str]:
    """Content authors (e-mail -> sha) of `revision` in the commits up to `rev` (it began before the range).

    The walk stops at the commit that began the revision (found by its `revision:` line), else at
    the first version of another revision: its length is the revision's, not the history's."""
    start = changes.revision_start(root, rev, path, revision)
    versions: list[tuple[str, str, Document]] = []
    before: Document | None = None
    for sha, _, email, blob in changes.versions_back(root, rev, path):
        data = reader.read(blob)
        try:
            doc = parse(data, path) if data is not None else None
        except DocumentError:
            continue
        if doc is None or doc.revision != revision:
            before = doc
            break
        versions.append((sha, email, doc))
        if sha == start:  # the first commit of the revision: it wrote content by definition
            break
    authors: dict[str, str] = {}
    digest = before.digest if before is not None else None
    for sha, email, doc in reversed(versions):
        if doc.digest != digest:
            authors.setdefault(email.lower(), sha)
            digest = doc.digest
    return authors


def _content_authors(root: Path, base_rev: str, old: Document | None, new: Document,
                     versions: list[tuple[Version, Document]], reader: runner.BlobReader) -> dict[str, str]:
    """Who wrote the signed revision of `new`: e-mail -> the first commit of theirs that changed its content."""
    start = len(versions)
    while start and versions[start - 1][1].revision == new.revision:  # the revision's run at the end
        start -= 1
    mine = versions[start:]
    if not mine or new.revision is None:
        return {}
    before = versions[start - 1][1] if start else old
    authors: dict[str, str] = {}
    if start == 0 and old is not None and old.revision == new.revision:  # begun before the range
        authors = _walk_back(root, base_rev, old.path, new.revision, reader)
    for commit in content_commits(Revision(new.revision, tuple(mine)), before):
        authors.setdefault(commit.author_email.lower(), commit.sha)
    return authors


def signature_facts(root: Path, config: Config, history: History, revs: tuple[str, str], committed: bool,
                    documents: Iterable[tuple[Document | None, Document]]) -> dict[str, Any]:
    """`signatures` (who added each new approval entry) and `content_authors` (who wrote each signed revision).

    An entry found in no commit of the range is only in the working tree or index when `committed`
    is false: it has no commit yet and is judged when it is committed (pre-commit) and pushed.
    `revs`: the commit the documents are compared with, and the base whose allowed-signers file is trusted."""
    doc_base, trust = revs
    signatures: list[Signature] = []
    authors: dict[str, dict[str, str]] = {}
    ends = {v[-1].path: k for k, v in history.lineages.items() if v and v[-1].blob}
    with runner.BlobReader(root) as reader:
        for old, new in documents:
            entries = new_entries(old, new)
            if not entries:
                continue
            versions = _lineage(history, ends, new)
            evidence = list(signature_evidence(Revision(None, tuple(versions))))
            for index, approval in entries:
                found = next((e for e in evidence if e.approval.raw == approval.raw), None)
                if found is not None:
                    c = found.commit
                    signatures.append(Signature(new.path, index, c.sha, c.author_name, c.author_email))
                elif committed:
                    signatures.append(Signature(new.path, index, None, "", ""))
            doc_type = config.types.get(new.type or "")
            if doc_type is not None and not doc_type.allow_self_approval and versions:
                authors[new.path] = _content_authors(root, doc_base, old, new, versions, reader)
        if config.signing.required and signatures:
            trusted = reader.read(f"{trust}:{trusted_files(config)[1]}")
            signed = verified_signers(root, [s.commit for s in signatures if s.commit], trusted)
            signatures = [replace(s, signed_by=signed.get(s.commit)) if s.commit else s for s in signatures]
    return {"signatures": tuple(signatures), "content_authors": authors}
