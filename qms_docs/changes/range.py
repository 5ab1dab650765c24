"""A base..head range judged commit by commit (SPEC 4 "Every commit counts").

Every new commit is compared with each of its parents (merges included, see `steps`), with the rules
and roles of the base's qms.yml (SPEC 3): the CHANGE rules (QMS010-QMS013) on the documents it changed,
and the HISTORY rules on what it did: the approval entries it added were added by its author (QMS025,
QMS024 with everyone who wrote the revision so far) and the guarded files it wrote were changed by its
author (QMS014). A commit that breaks a rule refuses the range even when a later commit repairs it; its
findings name it (`in commit abc123def456: ...`). The last step (the head commit, or the uncommitted
state against HEAD) is reported without that prefix. Entries and guarded files changed only in the
uncommitted state have no commit yet: they are judged when committed (pre-commit) and pushed.

Cost: one `git log` for the range, one `git diff-tree` for its merges, one `cat-file --batch` for
every blob a commit changed (each parsed once), one `git log --no-walk` for the SSH signatures (with
signing.required), and for a document whose revision was begun before the range and is signed in
it, one walk back along that file to the previous released revision (`past`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import TracebackType

from qms_docs.changes.past import Past, never_released, revision_past
from qms_docs.changes.steps import Load, StepChanges, new_entries, step_changes
from qms_docs.config import Config
from qms_docs.errors import DocumentError
from qms_docs.gitio import changes as gitchanges
from qms_docs.gitio import log as gitlog
from qms_docs.gitio import runner
from qms_docs.gitio.log import Change, Commit
from qms_docs.gitio.signatures import verified_signers
from qms_docs.gitio.snapshots import INDEX
from qms_docs.model.document import Document
from qms_docs.model.frontmatter import parse
from qms_docs.model.snapshot import Snapshot
from qms_docs.rules import engine
from qms_docs.rules.base import Context, Finding, Scope, in_scope
from qms_docs.rules.change import CHANGE_RULES
from qms_docs.rules.config_change import guarded_files
from qms_docs.rules.facts import ChangeFacts, ConfigCommit, Matching, Signature
from qms_docs.rules.revisions import LOCKED
from qms_docs.signatures.allowed_signers import AllowedSigners
from qms_docs.signatures.in_force import allowed_signers

PER_COMMIT = (Scope.CHANGE, Scope.HISTORY)


def doc_key(doc: Document) -> str:
    """A document's identity across commits: its key (the id, `ID@LANG` for a translation; a moved
    file is the same document), else its path."""
    return doc.key or doc.path


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
    """One commit of the range and its changes against each parent (sha None: the uncommitted state against HEAD,
    or with `being_made`, the commit the pre-commit hook judges)."""

    sha: str | None
    author_name: str
    author_email: str
    per_parent: tuple[tuple[Change, ...], ...]
    being_made: bool = False  # sha None: the commit being made (pre-commit, judged as its author's), not a mere state
    committed: dt.datetime | None = None  # the committer date (an entry signature's `at` may not be later)

    @classmethod
    def of(cls, commit: Commit) -> Step:
        per_parent = commit.parent_changes if commit.is_merge else (commit.changes,)
        return cls(commit.sha, commit.author_name, commit.author_email, per_parent, committed=commit.committed)


@dataclass
class RangeJudge:
    """Judges the steps of a range in order (parents first), remembering what each did."""

    config: Config
    today: dt.date
    protected: bool
    past: dict[str, Past] = field(default_factory=dict)  # document key -> its revision's past
    signers: dict[str, frozenset[str]] = field(default_factory=dict)  # sha -> principals of its SSH signature
    allowed_signers: AllowedSigners | None = None  # the base's allowed-signers file (entry signatures)
    approved: dict[tuple[str, int], dict[str, set[str | None]]] = field(default_factory=dict)
    # ^ (document, revision) -> digest it was approved with -> the commits that approved it (None: before the range)
    ancestry: Callable[[], dict[str, tuple[str, ...]]] = dict  # the range's commits -> their parents (read when needed)
    _parents: dict[str, tuple[str, ...]] | None = None
    authors: dict[tuple[str, int], dict[str, str | None]] = field(default_factory=dict)  # -> e-mail -> first commit
    drafts_only: Callable[[Step, tuple[Document, ...]], frozenset[str]] = lambda step, gone: frozenset()
    # ^ the paths of the documents a step deleted that were never released (QMS012 spares them; default: none)
    findings: list[Finding] = field(default_factory=list)

    def remember_approved(self, doc: Document, sha: str | None = None) -> None:
        """`doc` is a released revision at commit `sha` (None: at the base, or before the range)."""
        if doc.status in LOCKED and doc.revision is not None:
            self.approved.setdefault((doc_key(doc), doc.revision), {}).setdefault(doc.digest, set()).add(sha)

    def seed(self, base: Sequence[Document]) -> None:
        """What was approved before the range: the base's released documents and the revisions' pasts."""
        for doc in base:
            self.remember_approved(doc)
        for key, past in self.past.items():
            for digest in past.approved:
                self.approved.setdefault((key, past.revision), {}).setdefault(digest, set()).add(None)

    def approved_before(self, doc: Document, step: Step) -> frozenset[str]:
        """The contents the doc's revision number was approved with at the base or at an ancestor of `step`
        (a parallel branch of the same range is not "before": it is judged when a merge brings it in)."""
        found = self.approved.get((doc_key(doc), doc.revision or 0), {})
        if doc.digest in found or step.sha is None:  # same content, or the uncommitted state (after every commit)
            return frozenset(found)
        ancestors = self._ancestors(step)
        return frozenset(d for d, shas in found.items() if any(s is None or s in ancestors for s in shas))

    def _ancestors(self, step: Step) -> set[str]:
        """The range's commits reachable from the step's parents (the rare path: content differs from every approval)."""
        if self._parents is None:
            self._parents = self.ancestry()
        seen: set[str] = set()
        todo = list(self._parents.get(step.sha or "", ()))
        while todo:
            sha = todo.pop()
            if sha not in seen and sha in self._parents:
                seen.add(sha)
                todo += self._parents[sha]
        return seen

    def judge(self, step: Step, changes: StepChanges, last: bool) -> None:
        """Judge one step against its parents, then remember what it approved and wrote."""
        before = self._context(step, changes)
        for t in changes.touched:  # who wrote what counts from this step on (QMS024 sees the step's own content)
            if (step.sha or step.being_made) and isinstance(t.new, Document) and t.new.revision is not None \
                    and t.wrote_content():
                self.authors.setdefault((doc_key(t.new), t.new.revision), {}).setdefault(step.author_email.lower(), step.sha)
        ctx = replace(before, facts=self._history(step, changes, before))
        found = engine.run(ctx, in_scope(CHANGE_RULES, *PER_COMMIT))
        if not last and step.sha:
            found = [f._replace(message=f"in commit {step.sha[:12]}: {f.message}") for f in found]
        self.findings += found
        for t in changes.touched:
            if isinstance(t.new, Document):
                self.remember_approved(t.new, step.sha)

    def _context(self, step: Step, changes: StepChanges) -> Context:
        label = f"commit {step.sha[:12]}" if step.sha else "uncommitted changes"
        news = [t.new for t in changes.touched if isinstance(t.new, Document)]
        base = Snapshot(label, self.config, (*(t.reference for t in changes.touched if t.reference), *changes.gone))
        head = Snapshot(label, self.config, tuple(news),
                        tuple(t.new for t in changes.touched if isinstance(t.new, DocumentError)))
        approved = {d.path: self.approved_before(d, step) for d in news if d.revision is not None}
        facts = ChangeFacts(renames=changes.renames, approved_digests=approved, protected=self.protected,
                            never_released=self.drafts_only(step, changes.gone) if changes.gone else frozenset(),
                            added=frozenset(t.path for t in changes.touched if t.reference is None),
                            allowed_signers=self.allowed_signers)
        return Context(head, self.today, base, facts)

    def _history(self, step: Step, changes: StepChanges, ctx: Context) -> ChangeFacts:
        """The step's own history facts: the entries it added, who wrote what they sign, the guarded files it wrote."""
        if step.sha is None and not step.being_made:  # an uncommitted state: no author or signature to judge
            return ctx.facts
        signed_by = self.signers.get(step.sha or "", frozenset())
        signatures = tuple(Signature(t.path, i, step.sha, step.author_name, step.author_email, signed_by, step.committed)
                           for t in changes.touched for i, _ in t.added_entries())
        docs = ctx.snapshot.by_path()
        authors = {s.path: self.content_authors(docs[s.path]) for s in signatures if s.path in docs}
        guarded = tuple(ConfigCommit(step.sha, step.author_name, step.author_email, p, signed_by) for p in changes.guarded)
        return replace(ctx.facts, signatures=signatures, content_authors=authors, config_commits=guarded)

    def content_authors(self, doc: Document) -> dict[str, str | None]:
        """E-mail -> commit, for everyone who wrote content of the doc's revision (before and in the range)."""
        past = self.past.get(doc_key(doc))
        wrote: dict[str, str | None] = dict(past.authors) if past is not None and past.revision == doc.revision else {}
        for email, sha in self.authors.get((doc_key(doc), doc.revision or 0), {}).items():
            wrote.setdefault(email, sha)
        return wrote


def needs_past(old: Document | None, new: Document) -> bool:
    """A revision begun before the range, signed or released in it: its past decides QMS010 and QMS024."""
    if old is None or old is new or old.revision is None or old.revision != new.revision:
        return False  # (`old is new`: a document the range left as it was)
    return bool(new_entries(old, new)) or (new.status in LOCKED and old.status not in LOCKED)


def pasts(root: Path, rev: str, matching: Matching, load: Load, documents_dir: str) -> dict[str, Past]:
    """Document key -> the past of its revision, for each document that needs one (from the verification
    cache when it holds the history of `rev`, records.cache.past_versions)."""
    needed = [(old, new) for old, new in matching.pairs if needs_past(old, new) and new.revision is not None]
    if not needed:
        return {}
    from qms_docs.records.cache import past_versions  # history reading: only when a past is needed

    cached = past_versions(root, rev, documents_dir)
    return {doc_key(new): revision_past(root, rev, old.path, new.revision or 0, load, cached) for old, new in needed}


def signed_by(root: Path, shas: Sequence[str], allowed_signers: bytes | None) -> dict[str, frozenset[str]]:
    """sha -> lower-case principals of a valid SSH signature on it (keys from `allowed_signers`)."""
    found = verified_signers(root, list(dict.fromkeys(shas)), allowed_signers)
    return {sha: frozenset(p.strip().lower() for p in (who or "").split(",") if p.strip()) for sha, who in found.items()}


def judge_range(root: Path, ctx: Context, revs: tuple[str, str], head: str, current: Snapshot | None) -> list[Finding]:
    """The findings of every commit of doc_base..head, and of the uncommitted state when `current` is given.

    `revs`: the commit the documents are compared with, and the base whose qms.yml (`ctx.config`) and
    allowed-signers file are trusted. `ctx`: the head snapshot against the documents of `revs[0]`."""
    doc_base, trust = revs
    config = ctx.config
    guarded = guarded_files(config)
    commits = gitlog.log(root, [f"{doc_base}..{head}"], [config.documents_dir, *guarded],
                         merges=True, full_history=True, topo_order=True)
    with Blobs(root) as blobs:
        past = pasts(root, doc_base, ctx.matching, blobs.load, config.documents_dir)
        judge = RangeJudge(config, ctx.today, ctx.facts.protected, past,
                           ancestry=lambda: gitchanges.parents_of(root, f"{doc_base}..{head}"),
                           drafts_only=lambda step, gone: never_released(root, f"{step.sha}^" if step.sha else head, gone))
        judge.seed(ctx.base.documents if ctx.base is not None else ())
        judge.allowed_signers = allowed_signers(blobs.reader, trust, config)
        steps = [(step, step_changes(step.per_parent, config.documents_dir, guarded, blobs.load, blobs.load))
                 for step in map(Step.of, commits)]
        if config.signing.required:
            allowed = blobs.reader.read(f"{trust}:{config.signing.allowed_signers}")
            judge.signers = signed_by(root, [s.sha for s, c in steps if s.sha and (c.guarded or c.adds_entries())],
                                      allowed)
        for n, (step, changes) in enumerate(steps):
            judge.judge(step, changes, last=current is None and n == len(steps) - 1)
        if current is not None:
            on_disk: dict[str, Document | DocumentError] = {**{e.path: e for e in current.broken}, **current.by_path()}
            head_spec = gitchanges.INDEX if current.label == INDEX else gitchanges.WORKTREE
            diff = gitchanges.changed_files(root, head, head_spec, (config.documents_dir, *guarded))
            pending = Step(None, "", "", (tuple(diff),))
            judge.judge(pending, step_changes(pending.per_parent, config.documents_dir, guarded, blobs.load,
                                              lambda path, blob: on_disk.get(path)), last=True)
    return judge.findings


def judge_commit_being_made(root: Path, config: Config, parents: Sequence[str], author: tuple[str, str],
                            protected: bool, today: dt.date) -> list[Finding]:
    """The commit being made (the index) against each of its parents, as a range judges a commit: HEAD and,
    when it concludes a merge, MERGE_HEAD. What it takes unchanged from a parent is not its author's doing."""
    guarded = guarded_files(config)
    paths = (config.documents_dir, *guarded)
    per_parent = tuple(tuple(gitchanges.changed_files(root, p, gitchanges.INDEX, paths)) for p in parents)
    step = Step(None, author[0], author[1], per_parent, being_made=True)
    with Blobs(root) as blobs:
        judge = RangeJudge(config, today, protected, drafts_only=lambda step, gone: never_released(root, parents[0], gone),
                           allowed_signers=allowed_signers(blobs.reader, parents[0], config))
        judge.judge(step, step_changes(per_parent, config.documents_dir, guarded, blobs.load, blobs.load), last=True)
    return judge.findings
