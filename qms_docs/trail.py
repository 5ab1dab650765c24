"""One document's trail through git, found fast: its path at HEAD, then `git log --follow` on that path.

`qms history/show/diff` need one document, not the whole repository: a path-limited pass that
follows renames costs what `git log --follow` costs, where a full-history pass costs seconds on a
large repository. A document that is not at HEAD (deleted) falls back to the full-history pass."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from qms_docs import snapshot
from qms_docs.errors import QmsError
from qms_docs.gitio import log as gitlog
from qms_docs.gitio import runner
from qms_docs.gitio.log import Commit
from qms_docs.history import History, Revision, Version
from qms_docs.model.document import Document, split_key
from qms_docs.model.frontmatter import parse

_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$")


@dataclass
class Trail:
    """The lineages (files over time) that carried one document id, in one History."""

    doc_id: str
    head: str  # the commit the trail was read from
    history: History
    keys: list[str] = field(default_factory=list)

    def __enter__(self) -> Trail:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.history.close()

    def revisions(self) -> list[Revision]:
        """Every revision of the document, oldest first (across re-created files too)."""
        index = self._index()
        found = [r for key in self.keys for r in self.history.revisions(key)]
        return sorted(found, key=lambda r: index[r.versions[0][0].commit.sha])

    def _index(self) -> dict[str, int]:
        return {c.sha: i for i, c in enumerate(self.history.commits)}

    def versions(self) -> list[Version]:
        """Every version of the document (deletions included), oldest first."""
        index = self._index()
        return sorted((v for key in self.keys for v in self.history.lineages[key]), key=lambda v: index[v.commit.sha])

    def revision(self, number: int) -> Revision:
        """The last run of versions that carried `number`; QmsError naming the known revisions."""
        revisions = self.revisions()
        match = [r for r in revisions if r.number == number]
        if not match:
            known = ", ".join(str(n) for n in dict.fromkeys(r.number for r in revisions if r.number)) or "none"
            raise QmsError(f"{self.doc_id} has no revision {number} in the history of {self.head[:12]} "
                           f"(revisions: {known})")
        return match[-1]

    def raw(self, version: Version) -> bytes:
        data = self.history.raw(version)
        if data is None:
            raise QmsError(f"{self.doc_id}: the content of {version.path} at {version.commit.short} is missing")
        return data


def open_trail(root: Path, doc_id: str, rev: str = "HEAD") -> Trail:
    """The trail of `doc_id` in the history reachable from `rev`; QmsError when no file ever carried it."""
    head = runner.resolve(root, rev)
    if head is None:
        raise QmsError(f"{rev}: no such commit (is anything committed yet?)")
    gitlog.require_full_history(root)
    documents_dir = snapshot.config_at(root, head).documents_dir
    paths = paths_at(root, head, documents_dir, doc_id)
    commits = gitlog.log(root, [head], paths, follow=True) if len(paths) == 1 else []
    followed = bool(commits) and not _deletes_documents(root, commits[0], documents_dir)
    if followed:  # the common case: follow one file back through its renames
        history = History(root, commits, documents_dir)
    else:  # several files, or a move git's --follow cannot see: one pass over the whole history
        history = History.load(root, [head], documents_dir)
    keys = history.keys_by_id().get(doc_id, []) if followed else _last_carrying(history, doc_id)
    if not keys:
        history.close()
        raise QmsError(f"{doc_id}: no such document in the history of {rev} (see `qms list`)")
    return Trail(doc_id, head, history, keys)


def _deletes_documents(root: Path, first: Commit, documents_dir: str) -> bool:
    """Whether the commit that created the followed file also deleted a document (a move git's rename
    detection missed because the file was rewritten too)."""
    if not first.parents:
        return False
    out = runner.git(root, "diff-tree", "-r", "-z", "--name-only", "--diff-filter=D", "--no-commit-id",
                     first.parents[0], first.sha, "--", documents_dir)
    return any(p.endswith(b".md") for p in out.split(b"\0") if p)


def _last_carrying(history: History, doc_id: str) -> list[str]:
    """Lineages whose last readable version carries the id (one parse per file, not per version)."""
    keys = []
    for key, versions in history.lineages.items():
        last = next((v for v in reversed(versions) if v.blob is not None), None)
        doc = history.document(last) if last is not None else None
        if isinstance(doc, Document) and doc.key == doc_id:
            keys.append(key)
    return keys


def paths_at(root: Path, commit: str, documents_dir: str, doc_id: str) -> list[str]:
    """Files in `commit` whose front matter has this id.

    Candidates first by file name (`qms new` names files `ID-slug.md`; listing a tree is cheap),
    then by `git grep` on the `id:` line (which must read every blob); each candidate is parsed."""
    key, (doc_id, _) = doc_id, split_key(doc_id)
    if not _SAFE_ID.match(doc_id):
        return []
    files = [p for p, _ in runner.list_tree(root, commit, documents_dir) if snapshot.is_document(p, documents_dir)]
    named = re.compile(rf"(?<![A-Za-z0-9]){re.escape(doc_id)}(?![A-Za-z0-9])")
    found = _confirm(root, commit, key, [p for p in files if named.search(p.rsplit("/", 1)[-1])])
    if found:
        return found
    escaped = doc_id.replace(".", "[.]")
    pattern = rf"^id:[[:space:]]*[\"']?{escaped}[\"']?[[:space:]]*(#.*)?$"
    out = runner.git(root, "grep", "-l", "-z", "-E", "-e", pattern, commit, "--", documents_dir, check=False)
    prefix = f"{commit}:"
    grepped = [p.decode("utf-8", "surrogateescape").removeprefix(prefix) for p in out.split(b"\0") if p]
    return _confirm(root, commit, key, [p for p in grepped if snapshot.is_document(p, documents_dir)])


def _confirm(root: Path, commit: str, doc_id: str, candidates: list[str]) -> list[str]:
    """The candidate files whose parsed front matter carries `doc_id`."""
    found = []
    with runner.BlobReader(root) as reader:
        for path in candidates:
            data = reader.read(f"{commit}:{path}")
            try:
                doc = parse(data, path) if data is not None else None
            except QmsError:
                continue
            if isinstance(doc, Document) and doc.key == doc_id:  # the id, or ID@LANG for a translation
                found.append(path)
    return found
