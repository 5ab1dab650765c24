"""Full-history verification (`qms verify`), and the judgement the site's selection shares with it.

Every version that claims approval (status `approved`, or a withdrawal `obsolete` that carries a
signature of its own content), reached in any commit from REV, merges included, is judged by the one
signature policy (signatures.policy) with facts from history (provenance.LineageFacts):
- every signature is for its revision and its digest matches its content (QMS021, QMS022);
- every role its type requires signed it (QMS020), and each signer held the role per the qms.yml in
  force where the signature was added (QMS023);
- nobody approved content they wrote since the previous approved revision (QMS024);
- the commit that added a signature was authored (and, with signing.required, validly signed) by the
  signer (QMS025);
- a revision number, once approved, names one content (QMS010).

"The qms.yml in force at commit C" is the one of C's first parent (SPEC section 3: a commit cannot
grant its own author a role and use it), or C's own for a root commit or where the parent has none."""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from qms_docs.config import CONFIG_FILE, Config
from qms_docs.gitio.log import Commit
from qms_docs.model.document import Document, Status
from qms_docs.records.configs import Policies
from qms_docs.records.history import History, Revision, Version, group_revisions
from qms_docs.records.provenance import LineageFacts, entry_key
from qms_docs.signatures.allowed_signers import AllowedSigners
from qms_docs.signatures.policy import Problem, RevisionFacts, SignatureFacts, backdated, judge, signers_of

if TYPE_CHECKING:
    from qms_docs.records.cache import LineageCache

TITLES = {"QMS005": "unknown type", "QMS010": "revision reused", "QMS014": "guarded file changed by a non-approver",
          "QMS020": "missing signature",
          "QMS021": "stale approval", "QMS022": "approval for another revision", "QMS023": "signer without the role",
          "QMS024": "self-approval", "QMS025": "forged approval", "QMS033": "backdated signature"}


@dataclass(frozen=True)
class Failure:
    """One problem, named by the commit that shows (or caused) it."""

    position: int  # order of the commit in history, for sorting
    commit: str
    doc_id: str
    revision: int | None
    path: str
    problem: str  # "QMS025 forged approval: …": the rule's code and name, then what is wrong
    code: str = ""

    def __str__(self) -> str:
        rev = "?" if self.revision is None else self.revision
        return f"{self.commit[:12]} {self.doc_id} rev {rev} ({self.path}): {self.problem}"


@dataclass
class Outcome:
    head: str
    revisions: int = 0
    documents: int = 0
    commits: int = 0
    failures: list[Failure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what could not be read, and was skipped
    lineages: dict[str, LineageResult] = field(default_factory=dict, repr=False, compare=False)  # for the cache
    totals: Totals | None = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return not self.failures

    def summary(self) -> str:
        counts = (f"verified {self.revisions} revision{'s' * (self.revisions != 1)} of {self.documents} "
                  f"document{'s' * (self.documents != 1)} in {self.commits} commit{'s' * (self.commits != 1)} "
                  f"(history of {self.head[:12]})")
        if self.ok:
            return f"{counts}: every signature is valid"
        return f"{counts}: {len(self.failures)} failure{'s' * (len(self.failures) != 1)}"


@dataclass(frozen=True)
class Judged:
    """One version that claims approval, and every reason it does not count (empty: it counts)."""

    version: Version
    doc: Document
    problems: tuple[Problem, ...]
    added_by: Mapping[int, Version]  # entry index -> the version whose commit added it
    config: Config | None  # the qms.yml in force at the version (None: unusable)
    warnings: tuple[Problem, ...] = ()  # what verify notes but does not fail (QMS033)

    @property
    def counts(self) -> bool:
        return not self.problems


class Verdict(NamedTuple):
    """A Judged version summarised: all that `verify` needs, without the document (what the cache keeps).
    A NamedTuple, immutable like a frozen dataclass: thousands are read back from the cache per run."""

    position: int  # the version's position in the lineage's versions
    revision: int | None
    doc_id: str | None
    doc_key: str | None  # the id; `ID@LANG` for a translation
    approved: bool  # status approved: verify counts the revision (and reports its problems)
    problems: tuple[Problem, ...]
    entries: tuple[str | None, ...]  # per problem: the identity of its approval entry (None: the document's)
    added_by: tuple[tuple[int, int], ...]  # entry index -> position of the version whose commit added it
    config_ok: bool  # a usable qms.yml was in force
    warnings: tuple[Problem, ...] = ()  # noted, never failed (QMS033)

    @property
    def counts(self) -> bool:
        return not self.problems


def verdict(judged: Judged, index: Mapping[int, int]) -> Verdict:
    """`judged` summarised; `index` maps id(version) to its position in the lineage."""
    doc = judged.doc
    entries = tuple(repr(entry_key(doc.approvals[p.index].raw)) if p.index is not None else None
                    for p in judged.problems)
    return Verdict(index[id(judged.version)], doc.revision, doc.id, doc.key, doc.status is Status.APPROVED, judged.problems,
                   entries, tuple((n, index[id(v)]) for n, v in judged.added_by.items()), judged.config is not None,
                   judged.warnings)


def _has_entry_signature(doc: Document) -> bool:
    for a in doc.approvals:  # (a loop: no generator per document, thousands of documents)
        if "sig" in a.raw:
            return True
    return False


def claims_approval(doc: Document) -> bool:
    """Approved, or a withdrawal that carries a signature of its own content (an unsigned one is pending)."""
    if doc.status is Status.APPROVED:
        return True
    return doc.status is Status.OBSOLETE and any(a.revision == doc.revision and a.digest == doc.digest
                                                 for a in doc.approvals)


def unreadable_notes(history: History) -> list[str]:
    """One line per unreadable blob in history (it is skipped, never fatal)."""
    return [f"{v.commit.short} {v.path}: cannot be read, skipped ({e.message})" for v, e in history.unreadable()]


class Judge:
    """Judges the versions of lineages with the one policy; facts from history, configs from Policies.

    With a `cache`, a lineage judged before (the same versions, commits and qms.yml in force) is not judged
    again: its verdicts come from the cache, and only the documents a caller asks for are parsed."""

    def __init__(self, history: History, policies: Policies, cache: LineageCache | None = None):
        self.history = history
        self.policies = policies
        self.cache = cache
        self._allowed: dict[str, AllowedSigners] | None = None  # commit -> allowed-signers file in force

    def allowed_signers(self, commit: Commit) -> AllowedSigners:
        """The allowed-signers file in force at `commit` (for every commit of the history at once, on first use)."""
        if self._allowed is None:
            from qms_docs.signatures.in_force import signers_at

            specs = {}
            for c in self._entry_signed_commits():
                config = self.policies.at(c)
                if not isinstance(config, str):
                    specs[c.sha] = f"{self.policies.base(c)}:{config.signing.allowed_signers}"
            self._allowed = signers_at(self.history.root, specs)
        found = self._allowed.get(commit.sha)
        return found if found is not None else signers_of(self.policies.allowed_signers(commit))

    def _entry_signed_commits(self) -> list[Commit]:
        """The commits (of those parsed) whose document carries an entry signature: every commit that adds one is
        among them (any other commit's file is read on its own when asked for, in `allowed_signers`)."""
        blobs = {blob for blob, doc in self.history.parsed_documents().items() if _has_entry_signature(doc)}
        signed = {v.commit.sha for versions in self.history.lineages.values() for v in versions if v.blob in blobs}
        return [c for c in self.history.commits if c.sha in signed]

    def document(self, blob: str) -> Document | None:
        parsed = self.history.blob_document(blob)
        return parsed if isinstance(parsed, Document) else None

    def lineage(self, versions: Sequence[Version]) -> list[Judged]:
        """Every version of one document that claims approval, judged, oldest first."""
        cached = self.cache.get(versions, self.policies) if self.cache is not None else None
        if cached is not None:
            judged = [self._judged(versions, v) for v in cached]
            if all(j is not None for j in judged):
                return [j for j in judged if j is not None]
        return self._judge(versions)

    def verdicts(self, versions: Sequence[Version]) -> list[Verdict]:
        """The verdicts on a lineage, from the cache when it holds them (no document is parsed then)."""
        cached = self.cache.get(versions, self.policies) if self.cache is not None else None
        if cached is not None:
            return cached
        index = {id(v): n for n, v in enumerate(versions)}
        return [verdict(j, index) for j in self._judge(versions)]

    def _judged(self, versions: Sequence[Version], v: Verdict) -> Judged | None:
        version = versions[v.position]
        doc = self.document(version.blob) if version.blob is not None else None
        if doc is None:
            return None
        config = self.policies.at(version.commit) if v.config_ok else None
        return Judged(version, doc, v.problems, {n: versions[i] for n, i in v.added_by},
                      config if isinstance(config, Config) else None, v.warnings)

    def _judge(self, versions: Sequence[Version]) -> list[Judged]:
        judged = self._fresh(versions)
        # a lineage with an unreadable version is judged afresh each time: its note comes from parsing it
        if self.cache is not None and all(isinstance(self.history.document(v), Document) for v in versions
                                          if v.blob is not None):
            index = {id(v): n for n, v in enumerate(versions)}
            self.cache.put(versions, self.policies, [verdict(j, index) for j in judged])
        return judged

    def _fresh(self, versions: Sequence[Version]) -> list[Judged]:
        facts = LineageFacts(versions, self.document)
        pending = [(p, v, d) for p, v, d in facts.docs if claims_approval(d)]
        signed = self._signers(facts, pending)
        approved: dict[int, tuple[str, Version]] = {}  # revision -> (the approved digest, where)
        judged: list[Judged] = []
        # The same content met again (a merge taking it unchanged from the branch where it was signed)
        # keeps the judgement it had where it was made, under the qms.yml in force there: the merge's
        # first parent may not know the roles the branch was (trustedly) given meanwhile.
        seen: dict[str | None, Judged] = {}
        for position, version, doc in pending:
            if version.blob in seen:
                earlier = seen[version.blob]
                judged.append(Judged(version, doc, earlier.problems, earlier.added_by, earlier.config, earlier.warnings))
                continue
            config = self.policies.at(version.commit)
            if isinstance(config, str):
                problem = Problem("QMS023", None, None, f"the qms.yml in force is unusable, so no role can be "
                                                        f"verified: {config}")
                judged.append(Judged(version, doc, (problem,), {}, None))
                continue
            added = {n: facts.adder(a, version) for n, a in enumerate(doc.approvals)}
            problems = self._type(doc, config) + self._reused(doc, version, approved)
            if not problems:
                authors = facts.authors(position, doc)
                sigs = {n: self._signature(n, v, signed, "sig" in doc.approvals[n].raw) for n, v in added.items()}
                problems = judge(doc, RevisionFacts(config, sigs, frozenset(authors), authored_in=authors))
            judged.append(Judged(version, doc, tuple(problems), added, config, self._backdated(facts, doc)))
            seen[version.blob] = judged[-1]
        return judged

    def _signature(self, n: int, added: Version, signed: Mapping[str, frozenset[str]], entry_signed: bool) -> SignatureFacts:
        c = added.commit
        config = self.policies.at(c)
        return SignatureFacts(n, c.sha, c.author_name, c.author_email, signed.get(c.sha, frozenset()),
                              None if isinstance(config, str) else config,
                              self.allowed_signers(c) if entry_signed else None, c.committed)

    @staticmethod
    def _backdated(facts: LineageFacts, doc: Document) -> tuple[Problem, ...]:
        """QMS033 warnings: entry signatures dated before the commit that first carried the signed content."""
        if not _has_entry_signature(doc):
            return ()
        first = next((v.commit for _, v, d in facts.docs if d.digest == doc.digest), None)
        return tuple(backdated(doc, first.authored, first.sha)) if first is not None else ()

    @staticmethod
    def _type(doc: Document, config: Config) -> list[Problem]:
        if config.types.get(doc.type or "") is not None:
            return []
        return [Problem("QMS005", None, doc.line_of("type"),
                        f"status {doc.status} but type {doc.type!r} is not defined in the qms.yml in force")]

    @staticmethod
    def _reused(doc: Document, version: Version, approved: dict[int, tuple[str, Version]]) -> list[Problem]:
        """QMS010: revision N approved with one content, later approved with another."""
        if doc.revision is None or not any(a.revision == doc.revision and a.digest == doc.digest
                                           for a in doc.approvals):
            return []
        first = approved.setdefault(doc.revision, (doc.digest, version))
        if first[0] == doc.digest:
            return []
        return [Problem("QMS010", None, doc.line_of("revision"),
                        f"revision {doc.revision} was approved with other content in commit "
                        f"{first[1].commit.short}; a revision number, once approved, names one content "
                        f"forever: raise the revision")]

    def _signers(self, facts: LineageFacts, pending: list[tuple[int, Version, Document]]) -> dict[str, frozenset[str]]:
        """With signing.required where a signature was added: the principals of each adding commit's valid SSH
        signature (one git process per allowed-signers file)."""
        from qms_docs.gitio.signatures import verified_signers

        groups: dict[bytes | None, set[str]] = {}
        for _, version, doc in pending:
            for a in doc.approvals:
                commit = facts.adder(a, version).commit
                config = self.policies.at(commit)
                if not isinstance(config, str) and config.signing.required and config.signing.method == "commit":
                    groups.setdefault(self.policies.allowed_signers(commit), set()).add(commit.sha)
        found: dict[str, frozenset[str]] = {}
        for allowed, shas in groups.items():
            for sha, principal in verified_signers(self.history.root, sorted(shas), allowed).items():
                found[sha] = frozenset(p.strip().lower() for p in (principal or "").split(",") if p.strip())
        return found


def load_revisions(history: History, progress: Callable[[int, int], None] | None = None) -> dict[str, list[Revision]]:
    """Every lineage's versions, parsed once (blobs streamed through one cat-file) and grouped by revision."""
    history.preload(progress)
    return {key: group_revisions((v, history.document(v)) for v in versions)
            for key, versions in history.lineages.items()}


def _failures(v: Verdict, versions: Sequence[Version], key: str,
              position: Callable[[str], int]) -> Iterator[tuple[tuple[Any, ...], Failure]]:
    version = versions[v.position]
    added = dict(v.added_by)
    for p, entry in zip(v.problems, v.entries, strict=True):
        where = versions[added[p.index]] if p.code in ("QMS023", "QMS025") and p.index in added else version
        dedupe = (key, v.revision, p.code, entry if entry is not None else p.message)
        yield dedupe, Failure(position(where.commit.sha), where.commit.sha, v.doc_id or version.path,
                              v.revision, version.path, f"{p.code} {TITLES.get(p.code, 'error')}: {p.message}", p.code)


def _warnings(v: Verdict, versions: Sequence[Version], key: str,
              position: Callable[[str], int]) -> Iterator[tuple[tuple[Any, ...], Failure]]:
    """The verdict's warnings, each named by the version's commit (noted once per revision and entry)."""
    version = versions[v.position]
    for p in v.warnings:
        yield (key, v.revision, p.code, p.index), Failure(
            position(version.commit.sha), version.commit.sha, v.doc_id or version.path, v.revision, version.path,
            f"{p.code} warning, {TITLES.get(p.code, 'warning')}: {p.message}", p.code)


NOTED = frozenset({"QMS033"})  # codes verify notes and never fails on (warnings)


@dataclass(frozen=True)
class LineageResult:
    """What one lineage adds to an outcome: the verification cache keeps it per lineage."""

    revisions: int  # revisions that count or claim approval
    ids: tuple[str, ...]  # the documents (a translation is one of its own, SPEC 8)
    failures: tuple[Failure, ...]  # one per problem, at its earliest commit


@dataclass
class Totals:
    """The sum of lineage results (the cache keeps it, and takes out the lineages new commits change)."""

    revisions: int = 0
    ids: Counter[str] = field(default_factory=Counter)  # document -> lineages that carry it
    failures: dict[str, tuple[Failure, ...]] = field(default_factory=dict)  # lineage key -> its failures

    def add(self, key: str, r: LineageResult) -> None:
        self.revisions += r.revisions
        self.ids.update(r.ids)
        if r.failures:
            self.failures[key] = r.failures

    def remove(self, key: str, r: LineageResult) -> None:
        self.revisions -= r.revisions
        self.ids.subtract(r.ids)
        self.ids = +self.ids
        self.failures.pop(key, None)


def lineage_result(key: str, versions: Sequence[Version], verdicts: Iterable[Verdict],
                   position: Callable[[str], int]) -> LineageResult:
    revisions: set[int | None] = set()
    ids: dict[str, None] = {}
    failures: dict[tuple[Any, ...], Failure] = {}
    for v in verdicts:
        if v.approved or v.counts:
            revisions.add(v.revision)
            ids[v.doc_key or key] = None
        for dedupe, failure in _failures(v, versions, key, position):
            if dedupe not in failures or failure.position < failures[dedupe].position:
                failures[dedupe] = failure
        for dedupe, warning in _warnings(v, versions, key, position):
            failures.setdefault(("noted", *dedupe), warning)  # kept with the failures, reported as notes (NOTED)
    return LineageResult(len(revisions), tuple(ids), tuple(failures.values()))


@contextmanager
def _history_frozen() -> Iterator[None]:
    """The parsed history stays alive while its lineages are judged: the garbage collector leaves it out of its
    passes meanwhile (gc.freeze), so that a full pass costs what judging allocates, not the whole history
    (thousands of parsed documents; entry signatures allocate enough to trigger extra full passes)."""
    if gc.get_freeze_count():  # a caller froze objects of its own: leave its choice alone
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def verify(history: History, revisions: Mapping[str, list[Revision]], policies: Policies, head: str,
           cache: LineageCache | None = None, prior: Totals | None = None) -> Outcome:
    """Judge every version that claims approval, in every lineage; one failure per problem, at its earliest commit.

    `policies` may come trusted already (the cache's incremental walk); else `trust` follows all of history.
    `prior`: the results of lineages `history` does not hold (the cache's, for lineages no new commit touched)."""
    if policies.state is None or policies.state.head != head:
        policies.trust(history.root, head, history.commits)
    judge_ = Judge(history, policies, cache)
    outcome = Outcome(head, commits=history.count, notes=unreadable_notes(history))
    totals = outcome.totals = prior if prior is not None else Totals()
    with _history_frozen():
        for key, versions in history.lineages.items():
            result = outcome.lineages[key] = lineage_result(key, versions, judge_.verdicts(versions), history.position)
            totals.add(key, result)
    failures = [Failure(history.position(c.sha), c.sha, CONFIG_FILE, None, CONFIG_FILE,
                        f"QMS014 {TITLES['QMS014']}: {CONFIG_FILE} changed by {c.author_name} <{c.author_email}>, "
                        f"who holds none of the config_approvers roles; the change is not in force", "QMS014")
                for c in dict.fromkeys(policies.untrusted)]
    found = [f for fs in totals.failures.values() for f in fs]
    failures += [f for f in found if f.code not in NOTED]
    outcome.notes += [str(w) for w in sorted((f for f in found if f.code in NOTED),
                                             key=lambda f: (f.position, f.doc_id, f.problem))]
    outcome.revisions, outcome.documents = totals.revisions, len(totals.ids)
    outcome.failures = sorted(failures, key=lambda f: (f.position, f.doc_id, f.code, f.problem, f.path))
    return outcome
