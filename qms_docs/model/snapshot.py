"""A snapshot of the documents: one qms.yml, the parsed documents, and the files that failed to parse
(a QMS001 finding each, so one bad file never hides the findings in the others). Pure: where the
bytes come from (working tree, index, commit) is `qms_docs.gitio.snapshots`' business."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from qms_docs.config import Config
from qms_docs.errors import DocumentError
from qms_docs.model.document import Document
from qms_docs.model.frontmatter import parse


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
