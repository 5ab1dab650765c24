"""A base..head range judged commit by commit (SPEC 4 "Every commit counts").

Every new commit is compared with each of its parents (merges included, see `steps`), with the rules
and roles of the base's qms.yml (SPEC 3). A commit that breaks a change rule refuses the range even
when a later commit repairs it; its findings name it (`in commit abc123def456: ...`). The last step
(the head commit, or the uncommitted state against HEAD) is reported without that prefix.

The same pass gathers the history facts the end-to-end rules judge: who added each approval entry
(QMS025), who wrote each signed revision (QMS024), and who changed a guarded file (QMS014).

Cost: one `git log` for the range, one `git diff-tree` for its merges, one `cat-file --batch` for
every blob a commit changed (each parsed once), and for a document whose revision was begun before
the range and is signed in it, one walk back along that file to the previous released revision."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import TracebackType

from qms_docs import engine
from qms_docs.changes.past import Past, revision_past
from qms_docs.changes.steps import StepChanges, entry_key, new_entries, step_changes
from qms_docs.config import Config
from qms_docs.errors import DocumentError
from qms_docs.gitio import changes as gitchanges
from qms_docs.gitio import log as gitlog
from qms_docs.gitio import runner
from qms_docs.gitio.log import Change, Commit
from qms_docs.gitio.signatures import verified_signers
from qms_docs.model.document import Document
from qms_docs.model.frontmatter import parse
from qms_docs.rules.base import Context, Finding, Scope, in_scope
from qms_docs.rules.change import CHANGE_RULES
from qms_docs.rules.facts import ChangeFacts, ConfigCommit, Matching, Signature
from qms_docs.rules.revisions import LOCKED
from qms_docs.snapshot import Snapshot

_PENDING = ("", "", "")  # an entry added only in the uncommitted state: judged when it is committed


def doc_key(doc: Document) -> str:
    """A document's identity across commits: its id (a moved file is the same document), else its path."""
    return doc.id or doc.path


class Blobs:
    """Documents parsed from blobs, each blob read and parsed once; use as a context manager."""

    def __init__(self, root: Path):
        self.reader = runner.BlobReader(root)
        self._parsed: dict[str, Document | DocumentError | None] = {}

    def __enter__(self) -> Blobs:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.reader.close()

    def load(self, path: str, blob: str) -> Document | DocumentError | None:
        if blob not in self._parsed:
            data = self.reader.read(blob)
            try:
                self._parsed[blob] = None if data is None else parse(data, path)
            except DocumentError as e:
                self._parsed[blob] = e
        return self._parsed[blob]


@dataclass(frozen=True)
class Step:
    """One commit of the range (sha None: the uncommitted state against HEAD) and its changes against each parent."""

    sha: str | None
    author_name: str
    author_email: str
    per_parent: tuple[tuple[Change, ...], ...]

    @classmethod
    def of(cls, commit: Commit) -> Step:
        per_parent = commit.parent_changes if commit.is_merge else (commit.changes,)
        return cls(commit.sha, commit.author_name, commit.author_email, per_parent)


@dataclass
class RangeJudge:
    """Walks the steps of a range in order, judging each and remembering what it did."""

    config: Config
    guarded: tuple[str, ...]
    today: dt.date
    blobs: Blobs
    approved: dict[tuple[str, int], set[str]] = field(default_factory=dict)
    adders: dict[tuple[str, tuple[tuple[str, str], ...]], tuple[str, str, str]] = field(default_factory=dict)
    authors: dict[tuple[str, int], dict[str, str]] = field(default_factory=dict)
    config_commits: list[ConfigCommit] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def remember_approved(self, doc: Document) -> None:
        if doc.status in LOCKED and doc.revision is not None:
            self.approved.setdefault((doc_key(doc), doc.revision), set()).add(doc.digest)

    def judge(self, step: Step, last: bool, current: Snapshot | None = None) -> None:
        """Judge one step; `current` gives the new side of the uncommitted state (its blobs are not in git)."""
        load = self.blobs.load
        if current is not None:
            on_disk: dict[str, Document | DocumentError] = {**{e.path: e for e in current.broken}, **current.by_path()}
            load = lambda path, blob: on_disk.get(path)  # noqa: E731
        changes = step_changes(step.per_parent, self.config.documents_dir, self.guarded, self.blobs.load, load)
        found = engine.run(self._context(step, changes), in_scope(CHANGE_RULES, Scope.CHANGE))
        if not last and step.sha:
            found = [f._replace(message=f"in commit {step.sha[:12]}: {f.message}") for f in found]
        self.findings += found
        self._remember(step, changes)

    def _context(self, step: Step, changes: StepChanges) -> Context:
        label = f"commit {step.sha[:12]}" if step.sha else "uncommitted changes"
        news = [t.new for t in changes.touched if isinstance(t.new, Document)]
        base = Snapshot(label, self.config, (*(t.reference for t in changes.touched if t.reference), *changes.gone))
        head = Snapshot(label, self.config, tuple(news),
                        tuple(t.new for t in changes.touched if isinstance(t.new, DocumentError)))
        approved = {d.path: frozenset(self.approved[(doc_key(d), d.revision)]) for d in news
                    if d.revision is not None and (doc_key(d), d.revision) in self.approved}
        facts = ChangeFacts(renames=changes.renames, approved_digests=approved,
                            added=frozenset(t.path for t in changes.touched if t.reference is None))
        return Context(head, self.today, base, facts)

    def _remember(self, step: Step, changes: StepChanges) -> None:
        for t in changes.touched:
            if not isinstance(t.new, Document):
                continue
            key = doc_key(t.new)
            self.remember_approved(t.new)
            adder = (step.sha, step.author_name, step.author_email) if step.sha else _PENDING
            for _, approval in t.added_entries():
                self.adders.setdefault((key, entry_key(approval)), adder)
            if step.sha and t.new.revision is not None and t.wrote_content():
                self.authors.setdefault((key, t.new.revision), {}).setdefault(step.author_email.lower(), step.sha)
        if step.sha:
            self.config_commits += [ConfigCommit(step.sha, step.author_name, step.author_email, p) for p in changes.guarded]

    def signatures(self, matching: Matching) -> Iterator[Signature]:
        """Who added each approval entry that is new at the head (an entry found in no commit: by nobody)."""
        for old, new in matching.changed():
            for index, approval in new_entries(old, new):
                sha, name, email = self.adders.get((doc_key(new), entry_key(approval)), (None, "", ""))
                if (sha, name, email) != _PENDING:
                    yield Signature(new.path, index, sha, name, email)

    def content_authors(self, doc: Document, past: Past | None) -> dict[str, str | None]:
        """E-mail -> commit, for everyone who wrote content of the doc's revision (before and in the range)."""
        wrote: dict[str, str | None] = dict(past.authors) if past is not None else {}
        for email, sha in self.authors.get((doc_key(doc), doc.revision or 0), {}).items():
            wrote.setdefault(email, sha)
        return wrote


def needs_past(old: Document | None, new: Document) -> bool:
    """A revision begun before the range, signed or released in it: its past decides QMS010 and QMS024."""
    if old is None or old.revision is None or old.revision != new.revision:
        return False
    return bool(new_entries(old, new)) or (new.status in LOCKED and old.status not in LOCKED)


def pasts(root: Path, rev: str, matching: Matching, blobs: Blobs) -> dict[str, Past]:
    """new path -> the past of its revision, for each document that needs one."""
    return {new.path: revision_past(root, rev, old.path, new.revision, blobs.load)
            for old, new in matching.pairs if needs_past(old, new) and new.revision is not None}


def signed_by(root: Path, shas: Sequence[str], allowed_signers: bytes | None) -> dict[str, frozenset[str]]:
    """sha -> lower-case principals of a valid SSH signature on it (keys from `allowed_signers`)."""
    found = verified_signers(root, list(dict.fromkeys(shas)), allowed_signers)
    return {sha: frozenset(p.strip().lower() for p in (who or "").split(",") if p.strip()) for sha, who in found.items()}


def with_signers(facts: ChangeFacts, signers: dict[str, frozenset[str]]) -> ChangeFacts:
    """The facts with each commit's SSH signers filled in."""
    return replace(
        facts,
        signatures=tuple(replace(s, signed_by=signers.get(s.commit, frozenset())) if s.commit else s
                         for s in facts.signatures),
        config_commits=tuple(replace(c, signed_by=signers.get(c.sha, frozenset())) if c.sha else c
                             for c in facts.config_commits))


def judge_range(root: Path, ctx: Context, revs: tuple[str, str], head: str, guarded: tuple[str, ...],
                current: Snapshot | None) -> tuple[list[Finding], ChangeFacts]:
    """The per-commit findings of doc_base..head (plus the uncommitted state when `current` is given),
    and `ctx.facts` completed with the history facts of the range for the end-to-end rules.

    `revs`: the commit the documents are compared with, and the base whose qms.yml and allowed-signers
    file are trusted. `ctx`: the head snapshot against the documents of `revs[0]`, with the base's config."""
    doc_base, trust = revs
    config = ctx.config
    commits = gitlog.log(root, [f"{doc_base}..{head}"], [config.documents_dir, *guarded],
                         merges=True, full_history=True, topo_order=True)
    steps = [Step.of(c) for c in commits]
    with Blobs(root) as blobs:
        judge = RangeJudge(config, guarded, ctx.today, blobs)
        for old in ctx.base.documents if ctx.base is not None else ():
            judge.remember_approved(old)
        past = pasts(root, doc_base, ctx.matching, blobs)
        for _, new in ctx.matching.pairs:
            if new.path in past and new.revision is not None:
                judge.approved.setdefault((doc_key(new), new.revision), set()).update(past[new.path].approved)
        for n, step in enumerate(steps):
            judge.judge(step, last=current is None and n == len(steps) - 1)
        if current is not None:
            diff = gitchanges.changed_files(root, head, gitchanges.INDEX if current.label == "index" else gitchanges.WORKTREE,
                                            (config.documents_dir, *guarded))
            judge.judge(Step(None, "", "", (tuple(diff),)), last=True, current=current)
        signatures = tuple(judge.signatures(ctx.matching))
        signed_docs = {s.path for s in signatures}
        authors = {new.path: judge.content_authors(new, past.get(new.path)) for _, new in ctx.matching.changed()
                   if new.path in signed_docs}
        facts = replace(ctx.facts, signatures=signatures, content_authors=authors,
                        config_commits=tuple(judge.config_commits))
        if config.signing.required and (facts.signatures or facts.config_commits):
            allowed = blobs.reader.read(f"{trust}:{config.signing.allowed_signers.removeprefix('./')}")
            shas = [s.commit for s in facts.signatures if s.commit] + [c.sha for c in facts.config_commits if c.sha]
            facts = with_signers(facts, signed_by(root, shas, allowed))
    return judge.findings, facts
