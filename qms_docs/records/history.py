"""Each document's life in git: versions (one per commit that changed it), grouped into revisions.

Built from one `git log` pass; file contents are read lazily through one `cat-file --batch`
process and parsed once. A renamed or moved file keeps its lineage (SPEC: the same document)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from qms_docs.config import CONFIG_FILE
from qms_docs.errors import DocumentError
from qms_docs.gitio import log as gitlog
from qms_docs.gitio import runner
from qms_docs.gitio.log import Commit
from qms_docs.gitio.stream import stream_objects
from qms_docs.model.document import Document, Status
from qms_docs.model.frontmatter import parse


@dataclass(frozen=True)
class Version:
    """The document as one commit left it (`blob` is None when the commit deleted it)."""

    commit: Commit
    path: str
    blob: str | None


@dataclass(frozen=True)
class Revision:
    """The consecutive versions that carry one `revision` number."""

    number: int | None
    versions: tuple[tuple[Version, Document], ...]

    @property
    def last(self) -> tuple[Version, Document]:
        return self.versions[-1]

    @property
    def commits(self) -> tuple[Commit, ...]:
        return tuple(v.commit for v, _ in self.versions)

    def approved(self) -> tuple[Version, Document] | None:
        """The last version of this revision whose status is approved."""
        return next(((v, d) for v, d in reversed(self.versions) if d.status is Status.APPROVED), None)


def group_revisions(versions: Iterable[tuple[Version, Document | DocumentError | None]]) -> list[Revision]:
    """Consecutive readable versions with the same revision number, as Revisions, oldest first."""
    groups: list[Revision] = []
    for version, doc in versions:
        if not isinstance(doc, Document):
            continue  # deleted, or unreadable: in no state at all
        if groups and groups[-1].number == doc.revision:
            groups[-1] = Revision(doc.revision, (*groups[-1].versions, (version, doc)))
        else:
            groups.append(Revision(doc.revision, ((version, doc),)))
    return groups


def log_commits(root: Path, revs: Sequence[str], documents_dir: str) -> list[Commit]:
    """The commits History reads: those reachable from `revs` that change a document or qms.yml, parents
    first in topological order (a head whose new commits all descend from an earlier head lists that
    head's history first: the verification cache extends it)."""
    paths = [documents_dir, CONFIG_FILE]  # qms.yml too: who changed it decides which roles are in force
    return gitlog.log(root, revs, paths, merges=True, full_history=True, topo_order=True)


class Known(Protocol):
    """What the verification cache knows of the history up to an earlier head (records.cache): History
    extends it with the commits after that head, and reads back only the lineages those commits touch."""

    current: dict[str, str]  # path -> lineage key, at the earlier head
    keys: Collection[str]  # every lineage key
    removed: Collection[str]  # lineage keys joined into another (History.removed)
    count: int  # commits History listed up to the earlier head

    def versions(self, key: str) -> list[Version]: ...

    def position(self, sha: str) -> int: ...


Parser = Callable[[str, bytes, str], Document]


def _parse(blob: str, data: bytes, path: str) -> Document:
    return parse(data, path)


class History(runner.ReadsBlobs):
    """Use as a context manager: `with History.load(root, ["HEAD"], "controlled") as h:`.

    With `known`, `commits` are only those after the known head, and `lineages` holds only the lineages
    they touch (`materialize` reads back the others)."""

    def __init__(self, root: Path, commits: Sequence[Commit], documents_dir: str, known: Known | None = None):
        self.root = root
        self.commits = tuple(commits)
        self._reader = runner.BlobReader(root)
        self._parsed: dict[str, Document | DocumentError] = {}
        self.parser: Parser = _parse  # (blob id, content, path) -> Document; raises DocumentError
        self.lineages: dict[str, list[Version]] = {}
        self._prefix = documents_dir.rstrip("/") + "/"
        self.known = known
        offset = known.count if known is not None else 0
        self._positions = {c.sha: offset + i for i, c in enumerate(self.commits)}
        self.removed: set[str] = set()  # lineage keys joined into another (a file moved and rewritten)
        self.count = offset + len(self.commits)  # commits in the whole history
        current: dict[str, str] = dict(known.current) if known is not None else {}
        for commit in self.commits:
            for change in commit.changes:
                self._track(commit, change, current)
        self.current = current
        self._join_rewritten_moves()

    def position(self, sha: str) -> int:
        """The commit's place in history order (-1: not in it)."""
        found = self._positions.get(sha)
        if found is None and self.known is not None:
            return self.known.position(sha)
        return -1 if found is None else found

    def _lineage(self, key: str) -> list[Version]:
        found = self.lineages.get(key)
        if found is None and self.known is not None and key in self.known.keys:
            found = self.lineages[key] = self.known.versions(key)
        return found if found is not None else self.lineages.setdefault(key, [])

    def _taken(self, key: str) -> bool:
        return key in self.lineages or key in self.removed or (
            self.known is not None and (key in self.known.keys or key in self.known.removed))

    def touch(self, key: str) -> None:
        """Read back a known lineage no new commit changed (to judge it again)."""
        self._lineage(key)

    def materialize(self) -> None:
        """Every lineage, the known ones included (in history order of their first commit)."""
        if self.known is None:
            return
        touched = self.lineages
        self.lineages = {k: touched[k] if k in touched else self.known.versions(k) for k in self.known.keys
                         if k not in self.removed}
        self.lineages.update(touched)

    def _is_doc(self, path: str) -> bool:
        return path.startswith(self._prefix) and path.endswith(".md")

    def _track(self, commit: Commit, change: gitlog.Change, current: dict[str, str]) -> None:
        if change.status in "RD":
            key = current.pop(change.old_path, None)
        else:  # modified keeps its lineage; added or copied starts one
            key = current.get(change.path) if change.status in "MT" else None
        if key is None and change.status in "ARMT" and not change.deleted:
            key = current.get(change.path)  # a merge bringing in a file a side branch added or moved: the same file
        if change.deleted or not self._is_doc(change.path):  # deleted, or moved out of the documents
            if key is not None:
                self._lineage(key).append(Version(commit, change.old_path, None))
            return
        if key is None:
            key = change.path
            while self._taken(key):  # a path re-used after a deletion starts a new lineage
                key += "'"
            self.lineages[key] = []
        current[change.path] = key
        self._lineage(key).append(Version(commit, change.path, change.blob))

    def _join_rewritten_moves(self) -> None:
        """git's rename detection misses a file moved and rewritten in one commit (under 50% alike):
        join a lineage that ends in a deletion with one that starts in the same commit with the same id."""
        ended: dict[str, list[str]] = {}
        for key, versions in self.lineages.items():
            if len(versions) >= 2 and versions[-1].blob is None:
                ended.setdefault(versions[-1].commit.sha, []).append(key)
        for key in [k for k, v in self.lineages.items() if ended and v[0].commit.sha in ended]:
            first = self.document(self.lineages[key][0])
            candidates = ended[self.lineages[key][0].commit.sha]
            for old in candidates:
                before = self.document(self.lineages[old][-2])
                if isinstance(first, Document) and isinstance(before, Document) and first.id and first.key == before.key:
                    self.lineages[old] = self.lineages[old][:-1] + self.lineages.pop(key)
                    self.removed.add(key)
                    self.current = {path: old if k == key else k for path, k in self.current.items()}
                    candidates.remove(old)
                    break

    @classmethod
    def load(cls, root: Path, revs: Sequence[str], documents_dir: str) -> History:
        gitlog.require_full_history(root)
        return cls(root, log_commits(root, revs, documents_dir), documents_dir)


    def document(self, version: Version) -> Document | DocumentError | None:
        """The parsed document of a version; a DocumentError for an unreadable one; None if deleted."""
        return None if version.blob is None else self.blob_document(version.blob, version.path)

    def blob_document(self, blob: str, path: str = "") -> Document | DocumentError:
        """The parsed document in a blob (parsed once); a DocumentError when it is not readable."""
        if blob not in self._parsed:
            data = self._reader.read(blob)
            try:
                if data is None:
                    raise DocumentError("the file's content is missing from the repository", path)
                self._parsed[blob] = self.parser(blob, data, path)
            except DocumentError as e:
                self._parsed[blob] = e
        return self._parsed[blob]

    def preload(self, progress: Callable[[int, int], None] | None = None, keys: Iterable[str] | None = None,
                versions: Iterable[Version] | None = None) -> None:
        """Parse every version's blob now (of the lineages `keys` only, or the `versions` only, when given),
        streamed through one pipelined cat-file (faster than one by one)."""
        paths: dict[str, str] = {}
        if versions is None:
            versions = (v for vs in (self.lineages.values() if keys is None else (self.lineages[k] for k in keys))
                        for v in vs)
        for v in versions:
            if v.blob is not None and v.blob not in self._parsed:
                paths.setdefault(v.blob, v.path)
        for n, (oid, data) in enumerate(stream_objects(self.root, list(paths)), start=1):
            try:
                if data is None:
                    raise DocumentError("the file's content is missing from the repository", paths[oid])
                self._parsed[oid] = self.parser(oid, data, paths[oid])
            except DocumentError as e:
                self._parsed[oid] = e
            if progress is not None and (n % 250 == 0 or n == len(paths)):
                progress(n, len(paths))

    def seed(self, documents: Mapping[str, Document]) -> None:
        """Documents already parsed by blob id (a cache kept across site rebuilds)."""
        self._parsed.update(documents)

    def parsed_documents(self) -> dict[str, Document]:
        return {blob: doc for blob, doc in self._parsed.items() if isinstance(doc, Document)}

    def unreadable(self) -> list[tuple[Version, DocumentError]]:
        """Versions whose (already parsed) blob is not a readable document, oldest first: skipped, reported."""
        found, seen = [], set()
        for versions in self.lineages.values():
            for v in versions:
                parsed = self._parsed.get(v.blob or "")
                if isinstance(parsed, DocumentError) and (v.blob, v.path) not in seen:
                    seen.add((v.blob, v.path))
                    found.append((v, parsed))
        return sorted(found, key=lambda f: self.position(f[0].commit.sha))

    def raw(self, version: Version) -> bytes | None:
        return None if version.blob is None else self._reader.read(version.blob)

    def revisions(self, key: str) -> list[Revision]:
        """The lineage's parsed versions grouped by revision number, oldest first."""
        return group_revisions((v, self.document(v)) for v in self.lineages[key])

    def latest(self, key: str) -> Document | None:
        """The newest readable state of a lineage (None when deleted or never readable)."""
        for version in reversed(self.lineages[key]):
            doc = self.document(version)
            if version.blob is None or isinstance(doc, Document):
                return doc if isinstance(doc, Document) else None
        return None

    def keys_by_id(self) -> dict[str, list[str]]:
        """Document key (id; `ID@LANG` for a translation) -> lineage keys that have carried it (one,
        unless a file was re-created)."""
        ids: dict[str, list[str]] = {}
        for key, versions in self.lineages.items():
            seen = []
            for version in versions:
                doc = self.document(version)
                if isinstance(doc, Document) and doc.id and doc.key not in seen:
                    seen.append(doc.key)
            for doc_id in seen:
                ids.setdefault(doc_id, []).append(key)
        return ids

    def __iter__(self) -> Iterator[str]:
        return iter(self.lineages)
