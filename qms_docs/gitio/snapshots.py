"""Loading snapshots of the documents from the working tree, the index, or any commit (a bare
repository included: blobs are read through git). The Snapshot itself is `qms_docs.model.snapshot`."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from qms_docs.config import CONFIG_FILE, Config, load_config, parse_config
from qms_docs.errors import ConfigError, DocumentError
from qms_docs.gitio import runner
from qms_docs.model.frontmatter import MAX_DOCUMENT_BYTES
from qms_docs.model.snapshot import Snapshot, build, is_document

WORKTREE = "working tree"
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
INDEX = "index"


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
    """The staged documents (what the next commit will hold); a staged `*.md` that is not a regular file is
    a QMS001 finding."""
    with runner.BlobReader(root) as reader:
        config = config or _config_from(reader, ":" + CONFIG_FILE, INDEX)
        return _snapshot(INDEX, config, reader, runner.index_listing(root, config.documents_dir))


def from_commit(root: Path, rev: str, config: Config | None = None) -> Snapshot:
    """The documents in a commit; works in a bare repository. A `*.md` that is not a regular file (a symbolic
    link, a submodule) is a QMS001 finding."""
    commit = runner.resolve(root, rev)
    if commit is None:
        raise ConfigError(f"{rev}: not a commit in this repository")
    with runner.BlobReader(root) as reader:
        config = config or _config_from(reader, f"{commit}:{CONFIG_FILE}", rev)
        return _snapshot(f"commit {commit[:12]}", config, reader, runner.tree_listing(root, commit, config.documents_dir),
                         commit)


def _snapshot(label: str, config: Config, reader: runner.BlobReader, listing: Iterable[tuple[str, str, str]],
              commit: str | None = None) -> Snapshot:
    """The snapshot of the regular `*.md` files of a git listing; every other `*.md` entry is broken (QMS001)."""
    entries = [(path, mode, oid) for path, mode, oid in listing if is_document(path, config.documents_dir)]
    snap = build(label, config, _blobs(reader, [(p, o) for p, m, o in entries if m in runner.REGULAR_FILES]), commit)
    irregular = [DocumentError(_IRREGULAR.get(m, f"is not a regular file (git mode {m})") + "; a controlled "
                               "document must be a regular file", p) for p, m, _ in entries if m not in runner.REGULAR_FILES]
    if not irregular:
        return snap
    return replace(snap, broken=tuple(sorted((*snap.broken, *irregular), key=lambda e: e.path)))


_IRREGULAR = {"120000": "is not a regular file: git holds a symbolic link",
              runner.GITLINK: "is not a regular file: git holds a submodule (a commit of another repository)"}


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

