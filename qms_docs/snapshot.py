"""Snapshots of the documents: from the working tree, the index, or any commit.

Each snapshot carries its own qms.yml, its parsed documents, and the files that failed to parse
(a QMS001 finding each), so one bad file never hides the findings in the others."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from qms_docs.config import CONFIG_FILE, Config, load_config, parse_config
from qms_docs.errors import ConfigError, DocumentError
from qms_docs.gitio import runner
from qms_docs.model.document import Document
from qms_docs.model.frontmatter import parse

WORKTREE = "working tree"
INDEX = "index"


@dataclass(frozen=True)
class Snapshot:
    label: str
    config: Config
    documents: tuple[Document, ...]
    broken: tuple[DocumentError, ...] = ()
    commit: str | None = None

    def by_id(self) -> dict[str, Document]:
        return {d.id: d for d in self.documents if d.id}

    def by_path(self) -> dict[str, Document]:
        return {d.path: d for d in self.documents}

    def find(self, doc_id: str) -> Document | None:
        return next((d for d in self.documents if d.id == doc_id), None)


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
    """The documents as they are on disk; needs no git at all."""
    config = config or load_config(root)
    return build(WORKTREE, config, _disk_files(root, config.documents_dir))


def _disk_files(root: Path, documents_dir: str) -> Iterator[tuple[str, bytes]]:
    """(repository path, bytes) of every *.md file below the documents folder (os.walk: pathlib's
    rglob costs several times more on a thousand files)."""
    top = os.path.join(root, documents_dir)
    for folder, dirs, names in os.walk(top):
        dirs.sort()
        rel = os.path.relpath(folder, root).replace(os.sep, "/")
        for name in names:
            if name.endswith(".md"):
                path = os.path.join(folder, name)
                if os.path.isfile(path):
                    with open(path, "rb") as f:
                        yield f"{rel}/{name}", f.read()


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

