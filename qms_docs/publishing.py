"""Choose what the site publishes: for each document, the newest revision that is effective today.

Everything comes from the commits reachable from HEAD, read in one `git log` pass (`History`) with
blobs read lazily through one `cat-file` process. A working copy that is a draft, a revision not
yet effective, or a file with uncommitted edits therefore never reaches the site: the newest
committed revision that is approved, signed by every required role for that exact content, and
effective on or before today does. A document that was never effective is left out; a document
whose latest state is obsolete goes to the archive only, as metadata."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from qms_docs.config import Config, DocType, load_config
from qms_docs.errors import DocumentError
from qms_docs.gitio import runner
from qms_docs.gitio.log import Commit
from qms_docs.history import History, Version
from qms_docs.model.document import Approval, Document, Status
from qms_docs.model.frontmatter import parse
from qms_docs.model.review import next_review
from qms_docs.snapshot import config_at

# A cheap hint of a version's revision number, read without YAML: it only lets the walk skip the
# older versions of a revision already settled; every document that is published or listed is
# fully parsed and checked. Anything unusual (no match, two matches, a leading zero) means "parse".
_REVISION_LINE = re.compile(rb"^revision:[ \t]*([1-9][0-9]*)[ \t]*(?:#[^\n]*)?\r?$", re.M)


@dataclass(frozen=True)
class RevisionRow:
    """One line of a document's revision history: a revision that became effective."""

    revision: int
    effective_date: dt.date | None
    change_summary: str | None
    signatures: tuple[Approval, ...]
    commit: str


@dataclass(frozen=True)
class Entry:
    """A published document: the effective revision and where it lives on the site."""

    doc: Document
    uri: str  # below the documents folder, e.g. "procedures/QP-003.md"
    commit: Commit
    doc_type: DocType
    history: tuple[RevisionRow, ...]  # newest first; the first row is the published revision
    next_review: dt.date | None

    @property
    def id(self) -> str:
        return self.doc.id or ""


@dataclass(frozen=True)
class Withdrawn:
    """An obsolete document: metadata of its withdrawal, never its content."""

    doc: Document
    withdrawn: dt.date  # the withdrawal's effective date, else the day it was committed
    last_effective: int | None  # the last revision that was in force


@dataclass(frozen=True)
class Publication:
    config: Config
    today: dt.date
    head: str | None
    documents: tuple[Entry, ...] = ()
    archive: tuple[Withdrawn, ...] = ()
    notes: tuple[str, ...] = field(default=())  # what was held back, and why (for the build log)
    problems: tuple[str, ...] = field(default=())  # what is wrong in the repository (build warnings)
    root: Path = Path(".")

    def by_id(self) -> dict[str, Entry]:
        return {e.id: e for e in self.documents}


def is_effective(doc: Document, config: Config, today: dt.date) -> bool:
    """Approved, every required role signed this exact content, and in force by `today`."""
    doc_type = config.types.get(doc.type or "")
    return (doc_type is not None and bool(doc.id) and doc.revision is not None
            and doc.status is Status.APPROVED and doc.effective_date is not None
            and doc.effective_date <= today and set(doc_type.approvers) <= doc.signed_roles())


def select(start: Path, today: dt.date, parsed: dict[str, Document | None] | None = None) -> Publication:
    """What the site shows on `today`, from the history of HEAD of the repository holding `start`.

    `parsed` caches documents by blob id across builds (a blob's content never changes)."""
    root = runner.find_root(start)
    head = runner.resolve(root, "HEAD")
    if head is None:
        return Publication(load_config(root), today, None, notes=("no commit yet: nothing is published",),
                           root=root)
    config = config_at(root, head)
    with History.load(root, [head], config.documents_dir) as history:
        walker = _Walker(history, config, today, {} if parsed is None else parsed)
        for key in history:
            walker.lineage(key, walker.predecessors())
    notes = walker.notes + _uncommitted(root, config.documents_dir)
    return Publication(config, today, head, tuple(sorted(walker.entries, key=_order)),
                       tuple(sorted(walker.archive, key=lambda w: w.doc.id or "")), tuple(notes),
                       tuple(walker.problems), root)


def _order(entry: Entry) -> tuple[str, int, str]:
    number = entry.id.rsplit("-", 1)[-1]
    return entry.id.rsplit("-", 1)[0], int(number) if number.isdigit() else 0, entry.id


class _Walker:
    """Walks each lineage from its newest version back, parsing only what it must."""

    def __init__(self, history: History, config: Config, today: dt.date, parsed: dict[str, Document | None]):
        self.history, self.config, self.today = history, config, today
        self.prefix = config.documents_dir.rstrip("/") + "/"
        self.parsed = parsed
        self.entries: list[Entry] = []
        self.archive: list[Withdrawn] = []
        self.notes: list[str] = []
        self.problems: list[str] = []
        self.uris: dict[str, str] = {}  # site uri -> id
        self.ids: set[str] = set()
        self.order = {c.sha: i for i, c in enumerate(history.commits)}
        self._gone: dict[str, list[Version]] | None = None

    def predecessors(self) -> dict[str, list[Version]]:
        """Versions of lineages deleted by HEAD, by document id: git's rename detection loses a file
        that was moved and rewritten at once, and the document must keep its effective revisions."""
        if self._gone is None:
            self._gone = {}
            for versions in self.history.lineages.values():
                if versions and versions[-1].blob is None:
                    doc = next((d for d in map(self.document, self.newest(versions)) if d is not None), None)
                    if doc is not None and doc.id:
                        self._gone.setdefault(doc.id, []).extend(v for v in versions if v.blob is not None)
        return self._gone

    def document(self, version: Version, data: bytes | None = None) -> Document | None:
        assert version.blob is not None
        if version.blob not in self.parsed:
            try:
                self.parsed[version.blob] = parse(data or self.history.raw(version) or b"", version.path)
            except DocumentError:
                self.parsed[version.blob] = None
        return self.parsed[version.blob]

    def newest(self, versions: list[Version]) -> Iterator[Version]:
        return (v for v in reversed(versions) if v.blob is not None)

    def lineage(self, key: str, gone: dict[str, list[Version]]) -> None:
        versions = self.history.lineages[key]
        if not versions or versions[-1].blob is None:
            return  # deleted at HEAD: not in the manual any more (unless a current file carries its id)
        latest = next((d for d in map(self.document, self.newest(versions)) if d is not None and d.id), None)
        if latest is None or latest.id is None:
            self.problems.append(f"{versions[-1].path}: never readable as a controlled document; not published")
            return
        if latest.id in self.ids:
            self.problems.append(f"{versions[-1].path}: {latest.id} is also in another file; not published twice")
            return
        self.ids.add(latest.id)
        if self.document(versions[-1]) is None:
            self.problems.append(f"{versions[-1].path}: the committed file cannot be read (see `qms check`); "
                                 f"{latest.id} is published from its last effective revision, if any")
        if latest.id in gone:
            versions = sorted([*gone[latest.id], *versions], key=lambda v: self.order[v.commit.sha])
        effective = self.effective_versions(versions, latest.id)
        if latest.status is Status.OBSOLETE:
            self.archive.append(self.withdrawn(latest, versions, effective))
            return
        if not effective:
            self.notes.append(f"{latest.id}: no revision is effective on {self.today}; not published")
            return
        (version, doc), rows = effective[0], tuple(self.row(v, d) for v, d in effective)
        uri = version.path[len(self.prefix):]
        if uri in self.uris:
            self.problems.append(f"{latest.id}: {uri} is already used by {self.uris[uri]}; not published")
            return
        self.uris[uri] = latest.id
        doc_type = self.config.types[doc.type or ""]
        self.entries.append(Entry(doc, uri, version.commit, doc_type, rows, next_review(doc, doc_type)))
        if latest.revision != doc.revision or latest.status is not Status.APPROVED:
            self.notes.append(f"{latest.id}: revision {latest.revision} is {self.why(latest)}; "
                              f"publishing revision {doc.revision}")

    def effective_versions(self, versions: list[Version], doc_id: str) -> list[tuple[Version, Document]]:
        """The newest effective version of each revision, newest revision first."""
        found: list[tuple[Version, Document]] = []
        settled: set[int] = set()
        for version in self.newest(versions):
            data = None if version.blob in self.parsed else self.history.raw(version)
            if data is not None and _revision_hint(data) in settled:
                continue
            doc = self.document(version, data)
            if doc is None or doc.id != doc_id or doc.revision in settled:
                continue
            if is_effective(doc, self.config, self.today):
                assert doc.revision is not None
                settled.add(doc.revision)
                found.append((version, doc))
        return found

    def row(self, version: Version, doc: Document) -> RevisionRow:
        assert doc.revision is not None
        return RevisionRow(doc.revision, doc.effective_date, doc.change_summary, doc.current_approvals(),
                           version.commit.short)

    def withdrawn(self, latest: Document, versions: list[Version],
                  effective: list[tuple[Version, Document]]) -> Withdrawn:
        when = latest.effective_date or next(
            v.commit.committed.date() for v in self.newest(versions) if self.document(v) is latest)
        return Withdrawn(latest, when, effective[0][1].revision if effective else None)

    def why(self, doc: Document) -> str:
        if doc.status is Status.APPROVED and doc.effective_date and doc.effective_date > self.today:
            return f"approved, effective from {doc.effective_date}"
        if doc.status is Status.APPROVED:
            return "approved but not fully or validly signed"
        return f"in {doc.status or 'an unknown status'}"


def _revision_hint(data: bytes) -> int | None:
    end = data.find(b"\n---", 3)
    matches = _REVISION_LINE.findall(data[: end if end > 0 else len(data)])
    return int(matches[0]) if len(matches) == 1 else None


def _uncommitted(root: Path, documents_dir: str) -> list[str]:
    """A note for each document file whose working copy differs from HEAD (it is not published)."""
    out = runner.git(root, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", documents_dir)
    notes, skip = [], False
    for record in out.decode("utf-8", "surrogateescape").split("\0"):
        if skip or len(record) < 4:
            skip = False
            continue
        skip = record[0] in "RC"  # a rename is followed by its old path
        if record.endswith(".md"):
            notes.append(f"{record[3:]}: uncommitted changes are not published; the site shows what HEAD holds")
    return notes
