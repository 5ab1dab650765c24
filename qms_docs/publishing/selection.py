"""Choose what the site publishes: for each document, the revision in force today (SPEC 6).

Everything comes from the commits reachable from HEAD, read in one `git log` pass (`History`, merges
included) with blobs streamed through one `cat-file` process. The revision in force is the
highest-numbered revision that passes what `qms verify` checks (the same judgement: signatures.policy
with facts from history) and is effective on or before today; a working copy, a draft, a forged or
superseded revision restored in some commit, or an unsigned withdrawal never reaches the site. A
document that was never effective is left out; one whose revision in force is an approved withdrawal
goes to the archive only, as metadata."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from qms_docs.config import Config, DocType, load_config
from qms_docs.gitio import runner
from qms_docs.gitio.log import Commit
from qms_docs.gitio.snapshots import config_at
from qms_docs.model.document import Approval, Document, Status
from qms_docs.records.cache import Session
from qms_docs.records.cache_documents import ParsedFrontMatter
from qms_docs.records.configs import Policies
from qms_docs.records.history import History, Version
from qms_docs.records.proofs import prove
from qms_docs.records.review import next_review
from qms_docs.records.verify import Judge, Judged, unreadable_notes, verify
from qms_docs.signatures.policy import Proof

if TYPE_CHECKING:
    from qms_docs.publishing.languages import Localization


@dataclass(frozen=True)
class RevisionRow:
    """One line of a document's revision history: a revision that became effective."""

    revision: int
    effective_date: dt.date | None
    change_summary: str | None
    signatures: tuple[Approval, ...]
    commit: str


@dataclass(frozen=True)
class Superseded:
    """A revision that was in force and was replaced: it keeps a permanent page, marked SUPERSEDED."""

    doc: Document
    commit: str  # short id of the commit it was published from
    until: dt.date | None  # the effective date of the revision that replaced it


@dataclass(frozen=True)
class Upcoming:
    """An approved, verified revision whose effective date has not come (NOT YET IN FORCE)."""

    doc: Document
    uri: str
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
    superseded: tuple[Superseded, ...] = ()  # newest first
    approved: Mapping[int, str] = field(default_factory=dict)  # digest of every revision that counts (SPEC 8)

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
    upcoming: tuple[Upcoming, ...] = ()  # by effective date, then id
    proofs: Mapping[tuple[str, int], tuple[Proof, ...]] = field(default_factory=dict)  # (key, revision) -> per entry
    translations: tuple[Entry, ...] = ()  # the translations in force, verified as the sources are (SPEC 8)
    site: Localization | None = None  # the language of the site, when the manual has translations

    def by_id(self) -> dict[str, Entry]:
        return {e.id: e for e in self.documents}

    def proofs_of(self, doc: Document) -> tuple[Proof, ...]:
        """How each approval entry of a published revision is proven (by entry index)."""
        return self.proofs.get((doc.key or "", doc.revision or 0), ())


def select(start: Path, today: dt.date, parsed: dict[str, Document | None] | None = None) -> Publication:
    """What the site shows on `today`, from the history of HEAD of the repository holding `start`.

    `parsed` caches documents by blob id across builds (a blob's content never changes)."""
    root = runner.find_root(start)
    head = runner.resolve(root, "HEAD")
    if head is None:
        return Publication(load_config(root), today, None, notes=("no commit yet: nothing is published",),
                           root=root)
    config = config_at(root, head)
    cache = {} if parsed is None else parsed
    session = Session.open(root, config.documents_dir)
    walker, unreadable, proofs = session.run(lambda s: _walk(s, root, head, config, today, cache))
    notes = unreadable + walker.notes + _uncommitted(root, config.documents_dir)
    return Publication(config, today, head, tuple(sorted(walker.entries, key=_order)),
                       tuple(sorted(walker.archive, key=lambda w: w.doc.id or "")), tuple(notes),
                       tuple(walker.problems), root,
                       tuple(sorted(walker.upcoming, key=lambda u: (u.doc.effective_date or today, u.doc.id or ""))),
                       {(j.doc.key or "", j.doc.revision or 0): p for j, p in zip(walker.proved, proofs, strict=True)},
                       tuple(sorted(walker.translations, key=lambda t: (_order(t), t.doc.language or ""))))


def _walk(session: Session, root: Path, head: str, config: Config, today: dt.date,
          cache: dict[str, Document | None]) -> tuple[_Walker, list[str], list[tuple[Proof, ...]]]:
    """Judge and choose, every lineage of HEAD's history (verdicts from the verification cache when it has them);
    what was verified is kept for the next build and the next `qms verify`."""
    with Policies(root) as policies, session.load(root, head, config.documents_dir, policies, full=True) as history:
        history.seed({blob: doc for blob, doc in cache.items() if doc is not None})
        front = ParsedFrontMatter(session.store, session.code) if session.store is not None else None
        if front is not None:
            history.parser = front.document  # front matter loaded by an earlier build: no YAML read again
            front.keep(cache)
        judge = Judge(history, policies, session.lineages)
        history.preload(versions=_shown(history, judge))
        walker = _Walker(history, config, today, judge)
        for key in history:
            walker.lineage(key, walker.predecessors())
        proofs = prove(root, policies, [(j.doc, {n: v.commit for n, v in j.added_by.items()}) for j in walker.proved],
                       walker.judge.allowed_signers)
        if session.store is not None:  # what was verified is kept (every lineage's verdicts, for `qms verify` too)
            session.save(policies, verify(history, {}, policies, head, session.lineages))
        if front is not None:
            front.save()
        cache.update(history.parsed_documents())
        return walker, unreadable_notes(history), proofs


def _shown(history: History, judge: Judge) -> Iterator[Version]:
    """The versions the walk reads: of a lineage the cache has verdicts for, those that claim approval and the
    newest; of any other, all (it is judged afresh)."""
    for versions in history.lineages.values():
        verdicts = judge.cache.get(versions, judge.policies) if judge.cache is not None else None
        if verdicts is None:
            yield from versions
        else:
            yield from (versions[v.position] for v in verdicts)
            yield from versions[-1:]


def _order(entry: Entry) -> tuple[str, int, str]:
    number = entry.id.rsplit("-", 1)[-1]
    return entry.id.rsplit("-", 1)[0], int(number) if number.isdigit() else 0, entry.id


def in_force(judged: list[Judged], today: dt.date) -> list[Judged]:
    """Per revision number, the newest version that counts (verified as `qms verify` does) and is effective by
    `today`; highest revision first. The first is the revision in force (an approved withdrawal: withdrawn)."""
    newest: dict[int, Judged] = {}
    for j in judged:
        d = j.doc
        if j.counts and d.revision is not None and d.effective_date is not None and d.effective_date <= today:
            newest[d.revision] = j
    return [newest[n] for n in sorted(newest, reverse=True)]


class _Walker:
    """Chooses, per document, the revision in force among the versions the one judgement lets count."""

    def __init__(self, history: History, config: Config, today: dt.date, judge: Judge):
        self.history, self.config, self.today, self.judge = history, config, today, judge
        self.prefix = config.documents_dir.rstrip("/") + "/"
        self.entries: list[Entry] = []
        self.archive: list[Withdrawn] = []
        self.upcoming: list[Upcoming] = []
        self.notes: list[str] = []
        self.problems: list[str] = []
        self.proved: list[Judged] = []  # the published revisions, whose proofs the pages show
        self.uris: dict[str, str] = {}  # site uri -> id
        self.ids: set[str] = set()
        self.translations: list[Entry] = []
        self.keys: set[str] = set()  # translations taken, by key (ID@LANG)
        self._gone: dict[str, list[Version]] | None = None

    def predecessors(self) -> dict[str, list[Version]]:
        """Versions of lineages deleted by HEAD, by document id: git's rename detection loses a file
        that was moved and rewritten at once, and the document must keep its effective revisions."""
        if self._gone is None:
            self._gone = {}
            for versions in self.history.lineages.values():
                if versions and versions[-1].blob is None:
                    doc = next((d for d in map(self.document, self.newest(versions)) if d is not None), None)
                    if doc is not None and doc.id and not doc.is_translation:
                        self._gone.setdefault(doc.id, []).extend(v for v in versions if v.blob is not None)
        return self._gone

    def document(self, version: Version) -> Document | None:
        doc = self.history.document(version)
        return doc if isinstance(doc, Document) else None

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
        if latest.is_translation:
            self.translation(versions, latest)  # it belongs to its language's site (SPEC 8), never to this one
            return
        if latest.id in self.ids:
            self.problems.append(f"{versions[-1].path}: {latest.id} is also in another file; not published twice")
            return
        self.ids.add(latest.id)
        if self.document(versions[-1]) is None:
            self.problems.append(f"{versions[-1].path}: the committed file cannot be read (see `qms check`); "
                                 f"{latest.id} is published from its last effective revision, if any")
        if latest.id in gone:
            versions = sorted([*gone[latest.id], *versions], key=lambda v: self.history.position(v.commit.sha))
        judged = [j for j in self.judge.lineage(versions) if j.doc.id == latest.id]
        effective = in_force(judged, self.today)
        self.held_back(latest.id, judged, effective)
        self.upcoming.extend(self.pending(judged, effective[0].doc.revision or 0 if effective else 0))
        if effective and effective[0].doc.status is Status.OBSOLETE:
            self.archive.append(self.withdrawn(effective))
            return
        if not effective:
            self.notes.append(f"{latest.id}: no revision is effective on {self.today}; not published")
            return
        version, doc = effective[0].version, effective[0].doc
        rows, superseded = self.rows(effective), self.superseded(effective)
        uri = version.path[len(self.prefix):]
        if uri in self.uris:
            self.problems.append(f"{latest.id}: {uri} is already used by {self.uris[uri]}; not published")
            return
        self.uris[uri] = latest.id
        doc_type = self.config.types[doc.type or ""]
        self.entries.append(Entry(doc, uri, version.commit, doc_type, rows, next_review(doc, doc_type), superseded,
                                  _digests(judged)))
        self.proved.extend(j for j in effective if j.doc.status is Status.APPROVED)
        if latest.revision != doc.revision or latest.status is not Status.APPROVED:
            self.notes.append(f"{latest.id}: revision {latest.revision} is {self.why(latest)}; "
                              f"publishing revision {doc.revision}")

    def translation(self, versions: list[Version], latest: Document) -> None:
        """A translation's revision in force, judged as a source's is (its own approvers: SPEC 8): drafts,
        forged or withdrawn translations never get an entry; which source revision it renders is judged per
        language site (`qms_docs.publishing.languages`)."""
        if latest.key in self.keys:
            self.problems.append(f"{versions[-1].path}: {latest.key} is also in another file; not published twice")
            return
        self.keys.add(latest.key)
        judged = [j for j in self.judge.lineage(versions) if j.doc.key == latest.key]
        effective = in_force(judged, self.today)
        self.held_back(latest.key, judged, effective)
        doc_type = self.config.types.get(effective[0].doc.type or "") if effective else None
        if not effective or effective[0].doc.status is not Status.APPROVED or doc_type is None:
            return
        version, doc = effective[0].version, effective[0].doc
        self.translations.append(Entry(doc, version.path[len(self.prefix):], version.commit, doc_type,
                                       self.rows(effective), None, self.superseded(effective), _digests(judged)))
        self.proved.extend(j for j in effective if j.doc.status is Status.APPROVED)

    def rows(self, effective: list[Judged]) -> tuple[RevisionRow, ...]:
        """The revision history: every approved revision that was in force, newest first."""
        return tuple(self.row(j.version, j.doc) for j in effective if j.doc.status is Status.APPROVED)

    def superseded(self, effective: list[Judged]) -> tuple[Superseded, ...]:
        """The revisions in force before the current one, each with the day it was replaced."""
        return tuple(Superseded(j.doc, j.version.commit.short, effective[n].doc.effective_date)
                     for n, j in enumerate(effective[1:]) if j.doc.status is Status.APPROVED)

    def pending(self, judged: list[Judged], floor: int) -> list[Upcoming]:
        """Per revision above `floor`, the newest version that counts and whose date has not come."""
        newest: dict[int, Judged] = {}
        for j in judged:
            d = j.doc
            if j.counts and d.revision is not None and d.revision > floor and d.effective_date is not None \
                    and d.effective_date > self.today:
                newest[d.revision] = j
        return [Upcoming(j.doc, j.version.path[len(self.prefix):], j.version.commit.short)
                for j in (newest[n] for n in sorted(newest))]

    def held_back(self, doc_id: str, judged: list[Judged], effective: list[Judged]) -> None:
        """A note for each revision above the one in force that claimed approval but does not count."""
        floor = effective[0].doc.revision or 0 if effective else 0
        said: set[tuple[int | None, str]] = set()
        for j in judged:
            if j.problems and (j.doc.revision or 0) > floor and (j.doc.revision, j.problems[0].code) not in said:
                said.add((j.doc.revision, j.problems[0].code))
                self.notes.append(f"{doc_id}: revision {j.doc.revision} ({j.version.commit.short}) is not "
                                  f"published: {j.problems[0].code} {j.problems[0].message}")

    def row(self, version: Version, doc: Document) -> RevisionRow:
        assert doc.revision is not None
        return RevisionRow(doc.revision, doc.effective_date, doc.change_summary, doc.current_approvals(),
                           version.commit.short)

    def withdrawn(self, effective: list[Judged]) -> Withdrawn:
        """An approved withdrawal in force: its date, and the last revision that was in force before it."""
        withdrawal = effective[0].doc
        assert withdrawal.effective_date is not None
        last = next((j.doc.revision for j in effective[1:] if j.doc.status is Status.APPROVED), None)
        return Withdrawn(withdrawal, withdrawal.effective_date, last)

    def why(self, doc: Document) -> str:
        if doc.status is Status.APPROVED and doc.effective_date and doc.effective_date > self.today:
            return f"approved, effective from {doc.effective_date}"
        if doc.status is Status.APPROVED:
            return "approved but not fully or validly signed"
        if doc.status is Status.OBSOLETE:
            return "a withdrawal not yet approved and in force"
        return f"in {doc.status or 'an unknown status'}"


def _digests(judged: list[Judged]) -> dict[int, str]:
    """Revision -> digest of every version that counts (a translation must name one of these)."""
    return {j.doc.revision: j.doc.digest for j in judged if j.counts and j.doc.revision is not None}


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
