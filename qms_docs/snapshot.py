"""Snapshots of the documents: from the working tree, the index, or any commit.

Each snapshot carries its own qms.yml, its parsed documents, and the files that failed to parse
(a QMS001 finding each), so one bad file never hides the findings in the others."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

from qms_docs.config import CONFIG_FILE, Config, load_config, parse_config
from qms_docs.errors import ConfigError, DocumentError
from qms_docs.gitio import runner
from qms_docs.model.document import Document
from qms_docs.model.frontmatter import MAX_DOCUMENT_BYTES, parse

WORKTREE = "working tree"
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
INDEX = "index"


@dataclass(frozen=True)
class Snapshot:
    label: str
    config: Config
    documents: tuple[Document, ...]
    broken: tuple[DocumentError, ...] = ()
    commit: str | None = None

    def by_id(self) -> dict[str, Document]:
        """The source documents by id (translations share their source's id: see by_key)."""
        return {d.id: d for d in self.documents if d.id and not d.is_translation}

    def by_key(self) -> dict[str, Document]:
        """Every document by key: its id, or `ID@LANG` for a translation (SPEC 8)."""
        return {d.key: d for d in self.documents if d.id}

    def by_path(self) -> dict[str, Document]:
        return {d.path: d for d in self.documents}

    def find(self, doc_id: str) -> Document | None:
        """The (first) source document with this id; one dict for the snapshot, not a scan per call."""
        return self._sources.get(doc_id)

    @cached_property
    def _sources(self) -> dict[str, Document]:
        found: dict[str, Document] = {}
        for d in self.documents:
            if d.id and not d.is_translation:
                found.setdefault(d.id, d)
        return found


def is_document(path: str, documents_dir: str) -> bool:
    return path.startswith(documents_dir.rstrip("/") + "/") and path.endswith(".md")


def build(label: str, config: Config, files: Iterable[tuple[str, bytes]], commit: str | None = None) -> Snapshot:
    """Parse (path, bytes) pairs into a snapshot, sorted by path."""
    documents, broken = [], []
    for path, data in sorted(files):
        try:
            documents.append(parse(data, path))
        except DocumentError as e:
            broken.append(e)
    return Snapshot(label, config, tuple(documents), tuple(broken), commit)


def from_worktree(root: Path, config: Config | None = None) -> Snapshot:
    """The documents as they are on disk; needs no git at all. A `*.md` that cannot be read as a
    regular file (a symbolic link, a FIFO, a socket, an I/O error) and a folder that cannot be
    listed are QMS001 findings naming the path: nothing below the documents folder is skipped."""
    config = config or load_config(root)
    files: list[tuple[str, bytes]] = []
    unreadable: list[DocumentError] = []
    for path, data in _disk_files(root, config.documents_dir):
        if isinstance(data, DocumentError):
            unreadable.append(data)
        else:
            files.append((path, data))
    snap = build(WORKTREE, config, files)
    if not unreadable:
        return snap
    return replace(snap, broken=tuple(sorted((*snap.broken, *unreadable), key=lambda e: e.path)))


def _disk_files(root: Path, documents_dir: str) -> Iterator[tuple[str, bytes | DocumentError]]:
    """(repository path, bytes or the reason it cannot be read) of every *.md file below the
    documents folder. One scandir per folder (pathlib's rglob costs several times more on a
    thousand files); symbolic links are never followed (git stores a link, not its target)."""
    top = os.path.join(root, documents_dir)
    folders = [top]
    while folders:
        folder = folders.pop()
        rel = os.path.relpath(folder, root).replace(os.sep, "/")
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name, reverse=True)
        except FileNotFoundError:
            if folder == top:
                return  # no documents folder yet: no documents
            yield rel, DocumentError("the folder disappeared while it was read", rel)
            continue
        except OSError as e:
            yield rel, DocumentError(f"the folder cannot be read ({e.strerror or e}): its documents are not checked", rel)
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                folders.append(entry.path)
            elif entry.name.endswith(".md"):
                yield f"{rel}/{entry.name}", _read_document(entry, f"{rel}/{entry.name}")


def _read_document(entry: os.DirEntry[str], path: str) -> bytes | DocumentError:
    """The file's bytes (at most one byte over the size limit, which the parser then reports).
    Opened without following links and without blocking: a FIFO swapped in reads as empty."""
    if entry.is_symlink():
        return DocumentError(f"is a symbolic link{_dangling(entry.path)}; a controlled document must be a regular "
                             "file (git would store only the link)", path)
    if not entry.is_file(follow_symlinks=False):
        return DocumentError("is not a regular file (a FIFO, socket or device); a controlled document "
                             "must be a regular file", path)
    try:
        fd = os.open(entry.path, _READ_FLAGS)
        try:
            chunks, size = [], 0
            while size <= MAX_DOCUMENT_BYTES and (chunk := os.read(fd, MAX_DOCUMENT_BYTES + 1 - size)):
                chunks.append(chunk)
                size += len(chunk)
        finally:
            os.close(fd)
    except OSError as e:
        return DocumentError(f"cannot be read: {e.strerror or e}", path)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _dangling(path: str) -> str:
    """' to a missing file' or ' in a loop' when the link leads nowhere; '' otherwise."""
    try:
        os.stat(path)
    except OSError as e:
        return " in a loop" if e.errno == errno.ELOOP else " to a missing file"
    return ""


def from_index(root: Path, config: Config | None = None) -> Snapshot:
    """The staged documents (what the next commit will hold)."""
    with runner.BlobReader(root) as reader:
        config = config or _config_from(reader, ":" + CONFIG_FILE, INDEX)
        entries = [e for e in runner.list_index(root, config.documents_dir) if is_document(e[0], config.documents_dir)]
        return build(INDEX, config, _blobs(reader, entries))


def from_commit(root: Path, rev: str, config: Config | None = None) -> Snapshot:
    """The documents in a commit; works in a bare repository."""
    commit = runner.resolve(root, rev)
    if commit is None:
        raise ConfigError(f"{rev}: not a commit in this repository")
    with runner.BlobReader(root) as reader:
        config = config or _config_from(reader, f"{commit}:{CONFIG_FILE}", rev)
        entries = [e for e in runner.list_tree(root, commit, config.documents_dir)
                   if is_document(e[0], config.documents_dir)]
        return build(f"commit {commit[:12]}", config, _blobs(reader, entries), commit)


def config_at(root: Path, rev: str) -> Config:
    """The qms.yml of a commit (the base of a change check takes roles and rules from here)."""
    with runner.BlobReader(root) as reader:
        return _config_from(reader, f"{rev}:{CONFIG_FILE}", rev)


def _config_from(reader: runner.BlobReader, spec: str, where: str) -> Config:
    data = reader.read(spec)
    if data is None:
        raise ConfigError(f"{CONFIG_FILE}: not found in the {where}; run `qms init` to create one")
    try:
        return parse_config(data.decode("utf-8"), f"{CONFIG_FILE} ({where})" if where != WORKTREE else CONFIG_FILE)
    except UnicodeDecodeError:
        raise ConfigError(f"{CONFIG_FILE} ({where}): not valid UTF-8") from None


def _blobs(reader: runner.BlobReader, entries: Iterable[tuple[str, str]]) -> Iterator[tuple[str, bytes]]:
    for path, oid in entries:
        data = reader.read(oid)
        if data is not None:
            yield path, data

