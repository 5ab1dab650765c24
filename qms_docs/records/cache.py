"""The verification cache: a speed-up, never evidence.

Kept in the git folder (`git rev-parse --git-common-dir`/qms-cache/, records.cache_store), never in the
repository, each file bound to the repository by an HMAC with a random key kept beside it:
- `commits.log` (records.cache_known): the commits History read up to the last head verified, and what
  Policies.trust found for each; append-only while the history only grows.
- `state.json`: that head, the length and MAC of the log, where each document path's lineage stands, and
  per lineage: its versions, its identity (a digest of the qms-docs code, the documents folder, and each
  version's commit id, path, blob and the qms.yml in force there: a commit id fixes the commit's whole
  ancestry, so the same identity means the same facts), its verdicts and what it adds to `verify`'s outcome.
- `outcome.json`: the outcome of the last head verified.

A later head whose new commits all descend from the cached head reads (one `git log`) and judges only what
the new commits touch: the lineages they change, and the lineages that could not be read; everything else
is the cached result. Any other head (a rewritten or unknown history) is read afresh (unchanged lineages
still reuse their verdicts by identity). A tampered, foreign, corrupt or stale file is ignored, then
rewritten; any failure to read or write the cache only costs speed."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import qms_docs
from qms_docs.errors import GitError
from qms_docs.gitio import runner
from qms_docs.gitio.changes import PastVersion
from qms_docs.gitio.log import Commit, require_full_history
from qms_docs.records.cache_known import LOG, CommitLog, KnownHistory, LineMac, StaleCache, log_lines, versions_out
from qms_docs.records.cache_store import Store, open_store, write_atomic
from qms_docs.records.configs import Policies, TrustState
from qms_docs.records.history import History, Version, log_commits
from qms_docs.records.provenance import parent_blobs
from qms_docs.records.verify import Failure, LineageResult, Outcome, Totals, Verdict
from qms_docs.signatures.policy import Problem

STATE = "state"
OUTCOME = "outcome.json"
DISABLE_ENV = "QMS_NO_CACHE"  # set (to anything but "" or "0") by --no-cache for the processes a command starts
FORMAT = 2
T = TypeVar("T")


def disabled_by_env() -> bool:
    return os.environ.get(DISABLE_ENV, "") not in ("", "0")


@contextlib.contextmanager
def turned_off() -> Iterator[None]:
    """No cache for what runs inside (in this process and the processes it starts), e.g. a site build."""
    before = os.environ.get(DISABLE_ENV)
    os.environ[DISABLE_ENV] = "1"
    try:
        yield
    finally:
        if before is None:
            del os.environ[DISABLE_ENV]
        else:
            os.environ[DISABLE_ENV] = before


def code_identity() -> str:
    """The qms-docs version and its source files (size and time): verdicts of other code are not reused."""
    h = hashlib.sha256(f"{FORMAT} {qms_docs.__version__}".encode())
    package = Path(qms_docs.__file__).parent
    for path in sorted(package.rglob("*.py")):
        st = path.stat()
        h.update(f"{path.relative_to(package)} {st.st_size} {st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def _descend(walk: bytes, base: str) -> bool:
    """Every commit of `rev-list --parents --topo-order --reverse base..head` descends from `base`."""
    below = {base}
    for line in walk.decode().splitlines():
        sha, *parents = line.split()
        if not any(p in below for p in parents):
            return False
        below.add(sha)
    return True


# Verdicts, per lineage ----------------------------------------------------------------------------------------

def _verdict_out(v: Verdict) -> list[Any]:
    return [v.position, v.revision, v.doc_id, v.doc_key, v.approved,
            [_problem_out(p) for p in v.problems], list(v.entries),
            [list(a) for a in v.added_by], v.config_ok] + ([[_problem_out(p) for p in v.warnings]] if v.warnings else [])


def _problem_out(p: Problem) -> list[Any]:
    return [p.code, p.index, p.line, p.message]


def _verdict_in(v: list[Any]) -> Verdict:
    warnings = tuple(Problem(*p) for p in v[9]) if len(v) > 9 else ()
    if not v[5] and not v[7]:  # the common case, read thousands of times per run: nothing to convert
        return Verdict(v[0], v[1], v[2], v[3], bool(v[4]), (), (), (), bool(v[8]), warnings)
    return Verdict(v[0], v[1], v[2], v[3], bool(v[4]), tuple(Problem(*p) for p in v[5]), tuple(v[6]),
                   tuple((a[0], a[1]) for a in v[7]), bool(v[8]), warnings)


class LineageCache:
    """Verdicts by lineage identity (JSON text, decoded when used)."""

    def __init__(self, known: dict[str, str], documents_dir: str, code: str):
        self.salt = f"{code}\n{documents_dir}\n".encode()
        self.known = known
        self.used: dict[str, str] = {}
        self._decoded: dict[str, list[Verdict]] = {}  # key -> the verdicts read (a walk asks twice per lineage)
        self._keys: dict[int, tuple[Sequence[Version], int, str]] = {}  # id(versions) -> (versions, length, key)

    def key(self, versions: Sequence[Version], policies: Policies) -> str:
        """The lineage's identity: each version's commit, blob, path and the qms.yml in force there."""
        memo = self._keys.get(id(versions))
        if memo is not None and memo[0] is versions and len(versions) == memo[1]:
            return memo[2]
        text = "".join(f"{v.commit.sha} {v.blob} {policies.in_force(v.commit)} {v.path}\n" for v in versions)
        key = hashlib.sha256(self.salt + text.encode("utf-8", "surrogateescape")).hexdigest()
        self._keys[id(versions)] = (versions, len(versions), key)
        return key

    def has(self, versions: Sequence[Version], policies: Policies) -> bool:
        return self.key(versions, policies) in self.known

    def get(self, versions: Sequence[Version], policies: Policies) -> list[Verdict] | None:
        key = self.key(versions, policies)
        decoded = self._decoded.get(key)
        if decoded is not None and self.used.get(key) is not None:
            return list(decoded)
        raw = self.used.get(key) or self.known.get(key)
        if raw is None:
            return None
        try:
            verdicts = [_verdict_in(v) for v in json.loads(raw)]
        except (TypeError, ValueError, IndexError, KeyError, AttributeError):
            return None
        if any(not 0 <= v.position < len(versions) or any(not 0 <= i < len(versions) for _, i in v.added_by)
               for v in verdicts):
            return None
        self.used[key] = raw
        self._decoded[key] = verdicts
        return list(verdicts)

    def put(self, versions: Sequence[Version], policies: Policies, verdicts: Iterable[Verdict]) -> None:
        self._decoded.pop(self.key(versions, policies), None)
        self.used[self.key(versions, policies)] = json.dumps([_verdict_out(v) for v in verdicts],
                                                             separators=(",", ":"))


# The state file: a MAC line, a JSON header, then one line per lineage: its key and its entry (JSON, read when
# asked for): [versions ([commit, log offset, path, blob]), identity, verdicts (None: not kept), revisions,
# ids, failures, dirty (1: an unreadable version: judged afresh each run, its note comes from parsing it)].

def _entry(versions: Sequence[Version], offsets: Mapping[str, int], identity: str, verdicts: str | None,
           result: LineageResult) -> bytes:
    failures = [[f.position, f.commit, f.doc_id, f.revision, f.path, f.problem, f.code] for f in result.failures]
    return json.dumps([versions_out(versions, offsets), identity, None if verdicts is None else json.loads(verdicts),
                       result.revisions, list(result.ids), failures, int(verdicts is None)],
                      separators=(",", ":")).encode()


def _result(entry: list[Any]) -> LineageResult:
    return LineageResult(int(entry[3]), tuple(str(i) for i in entry[4]), tuple(Failure(*f) for f in entry[5]))


class State:
    """The state file, checked: the cached head, and what is known up to it."""

    def __init__(self, header: dict[str, Any], lines: dict[str, bytes]):
        self.head = str(header["head"])
        self.log = (int(header["log"][0]), str(header["log"][1]))  # the log's length and generation
        self.count = int(header["count"])
        self.untrusted = {str(s): int(o) for s, o in header["untrusted"]}  # sha -> log offset
        self.removed = [str(k) for k in header["removed"]]
        self.current = {str(p): str(k) for p, k in header["current"].items()}
        self.offsets = {str(header["head"]): int(header["head_offset"])}
        t = header["totals"]
        self.totals = (int(t["revisions"]), {str(k): int(n) for k, n in t["ids"].items()}, [str(k) for k in t["failing"]])
        self.dirty = [str(k) for k in header["dirty"]]
        self.lines = lines
        self._entries: dict[str, list[Any]] = {}

    def entry(self, key: str) -> list[Any]:
        found = self._entries.get(key)
        if found is None:
            try:
                found = json.loads(self.lines[key])
                if not (isinstance(found, list) and len(found) == 7 and isinstance(found[1], str)):
                    raise ValueError("not a lineage entry")
            except (KeyError, ValueError) as e:
                raise StaleCache(f"lineage {key}: {e}") from e
            self._entries[key] = found
        return found

    def identities(self, keys: Iterable[str]) -> dict[str, str]:
        """identity -> verdicts (JSON text) of the lineages `keys`."""
        found = {}
        for key in keys:
            e = self.entry(key)
            if e[2] is not None:
                found[e[1]] = json.dumps(e[2], separators=(",", ":"))
        return found

    @classmethod
    def read(cls, store: Store, code: str, documents_dir: str) -> State | None:
        body = store.read(STATE)
        if body is None:
            return None
        head, *rest = body.split(b"\n")
        try:
            header = json.loads(head)
            if header["code"] != code or header["documents_dir"] != documents_dir:
                return None
            lines = {}
            for line in rest:
                key, _, entry = line.partition(b"\t")
                lines[json.loads(key)] = entry
            return cls(header, lines)
        except (KeyError, TypeError, ValueError, IndexError, AttributeError):
            return None


@dataclass
class Session:
    """One command's use of the cache: the commits to read, and the verdicts already known."""

    store: Store | None
    root: Path
    documents_dir: str
    code: str
    lineages: LineageCache
    state: State | None = None
    known: KnownHistory | None = None
    history: History | None = None
    log: CommitLog | None = field(default=None, repr=False)
    full: bool = False  # the history holds every lineage

    @classmethod
    def open(cls, root: Path, documents_dir: str, enabled: bool = True) -> Session:
        store = open_store(root) if enabled and not disabled_by_env() else None
        code = code_identity() if store is not None else ""
        state = State.read(store, code, documents_dir) if store is not None else None
        return cls(store, root, documents_dir, code, LineageCache({}, documents_dir, code), state)

    def fresh(self) -> Session:
        """The same session without what the cache knew of the history (after a StaleCache)."""
        return Session(self.store, self.root, self.documents_dir, self.code,
                       LineageCache({}, self.documents_dir, self.code))

    def run(self, work: Callable[[Session], T]) -> T:
        """`work(session)`; again without the cache's history when a line of it turns out unusable."""
        try:
            return work(self)
        except StaleCache:
            return work(self.fresh())

    def load(self, root: Path, head: str, documents_dir: str, policies: Policies, *, full: bool = False) -> History:
        """The history reachable from `head`, with `policies` trusted. When `head` extends the cached head,
        only the new commits are read, and the history holds the lineages they touch (all with `full`)."""
        require_full_history(root)
        walk = self._walk(head)
        state = self.state
        if walk is None or state is None or self.log is None:
            if state is not None:  # a rewritten or unknown history: unchanged lineages keep their verdicts
                self.lineages.known = state.identities(state.lines)
            self.state = None
            history = History(root, log_commits(root, [head], documents_dir), documents_dir)
            policies.trust(root, head, history.commits)
        else:
            new = log_commits(root, [head, "--not", state.head], documents_dir) if walk else []
            known = self.known = KnownHistory(self.log, state.count, state.current,
                                              {k: partial(state.entry, k) for k in state.lines}, state.removed)
            history = History(root, new, documents_dir, known)
            for key in state.dirty:
                history.touch(key)
            if full:
                history.materialize()
                self.full = True
            self.lineages.known = state.identities(k for k in history.lineages if k in state.lines)
            untrusted = [known.commit(s, o) for s, o in state.untrusted.items()]
            policies.trust(root, head, [*new, *untrusted],
                           TrustState(state.head, known.actual, known.trusted, tuple(state.untrusted)), walk)
        self.history = history
        return history

    def _walk(self, head: str) -> bytes | None:
        """The rev-list of the commits after the cached head (b"": none), or None when the cache cannot serve."""
        state = self.state
        if state is None or self.store is None:
            return None
        size, generation = state.log
        try:
            with open(self.store.folder / LOG, "rb") as f:
                data = f.read(size)
        except OSError:
            return None
        if len(data) != size:
            return None
        self.log = CommitLog(data, LineMac(self.store, generation), state.offsets)
        if state.head == head:
            return b""
        try:
            walk = runner.git(self.root, "rev-list", "--parents", "--topo-order", "--reverse", head,
                              "--not", state.head)
        except GitError:
            return None
        return walk if walk and _descend(walk, state.head) else None

    def prior(self) -> Totals | None:
        """The results of the cached lineages the history does not hold (no new commit touched them)."""
        state, history = self.state, self.history
        if state is None or history is None or self.full:
            return None
        revisions, ids, failing = state.totals
        totals = Totals(revisions, Counter(ids), {})
        try:
            for key in failing:
                totals.failures[key] = _result(state.entry(key)).failures
            for key in [*history.lineages, *(k for k in history.removed if k not in history.lineages)]:
                if key in state.lines:
                    totals.remove(key, _result(state.entry(key)))
        except (TypeError, ValueError, IndexError) as e:
            raise StaleCache(str(e)) from e
        return totals

    def save(self, policies: Policies, outcome: Outcome) -> None:
        """Keep what this run verified (after it verified it)."""
        history, trust, store = self.history, policies.state, self.store
        if store is None or history is None or trust is None or outcome.totals is None:
            return
        if self.state is None or trust.new or history.lineages:
            self._save_state(store, history, policies, trust, outcome.totals, outcome.lineages)
        store.save(OUTCOME, {"code": self.code, "documents_dir": self.documents_dir, "head": outcome.head,
                             "outcome": _outcome_out(outcome)})

    def _save_state(self, store: Store, history: History, policies: Policies, trust: TrustState, totals: Totals,
                    results: Mapping[str, LineageResult]) -> None:
        state = self.state
        commits = {c.sha: c for c in history.commits}

        def records() -> Iterator[tuple[str, int | None, str | None, str | None, str | None, Commit | None]]:
            for s in trust.new:
                c = commits.get(s)
                base = trust.trusted[c.parents[0]] if c is not None and c.parents else None
                yield s, history.position(s) if c is not None else None, trust.actual[s], trust.trusted[s], base, c

        if state is not None and self.log is not None:  # extend the log
            size, generation = state.log
            lines, offsets = log_lines(self.log.mac, size, records())
            if not store.append(LOG, size, lines):
                return
            offsets = {**self.log.offsets, **offsets}
            removed = set(state.removed) | history.removed
            kept = {k: v for k, v in state.lines.items() if k not in removed and k not in history.lineages}
        else:
            generation = secrets.token_hex(16)
            lines, offsets = log_lines(LineMac(store, generation), 0, records())
            if not write_atomic(store.folder / LOG, lines):
                return
            size, removed, kept = 0, set(history.removed), {}
        dirty = []
        for key, versions in history.lineages.items():
            identity = self.lineages.key(versions, policies)
            verdicts = self.lineages.used.get(identity)
            kept[key] = _entry(versions, offsets, identity, verdicts, results[key])
            if verdicts is None:
                dirty.append(key)
        header = {"code": self.code, "documents_dir": self.documents_dir, "head": trust.head,
                  "head_offset": offsets[trust.head], "log": [size + len(lines), generation], "count": history.count,
                  "untrusted": [[s, offsets[s]] for s in trust.untrusted], "removed": sorted(removed),
                  "current": history.current, "dirty": dirty,
                  "totals": {"revisions": totals.revisions, "ids": dict(totals.ids), "failing": list(totals.failures)}}
        body = b"\n".join([json.dumps(header, separators=(",", ":")).encode(),
                           *(json.dumps(k).encode() + b"\t" + e for k, e in kept.items())])
        write_atomic(store.folder / STATE, store.mac(STATE, body).hexdigest().encode() + b"\n" + body)

    def outcome(self, head: str) -> Outcome | None:
        """The outcome of verifying `head` with this code, when the last verification was of the same head."""
        value = self.store.load(OUTCOME) if self.store is not None else None
        if not (isinstance(value, dict) and value.get("head") == head and value.get("code") == self.code
                and value.get("documents_dir") == self.documents_dir):
            return None
        try:
            return _outcome_in(head, value["outcome"])
        except (KeyError, TypeError, ValueError, IndexError, AttributeError):
            return None


def _outcome_out(o: Outcome) -> dict[str, Any]:
    return {"revisions": o.revisions, "documents": o.documents, "commits": o.commits, "notes": o.notes,
            "failures": [[f.position, f.commit, f.doc_id, f.revision, f.path, f.problem, f.code] for f in o.failures]}


def _outcome_in(head: str, v: dict[str, Any]) -> Outcome:
    failures = [Failure(*f) for f in v["failures"]]
    if not all(isinstance(n, str) for n in v["notes"]) or any(len(f) != 7 for f in v["failures"]):
        raise ValueError("not an outcome")
    return Outcome(head, int(v["revisions"]), int(v["documents"]), int(v["commits"]), failures, list(v["notes"]))


def past_versions(root: Path, rev: str, documents_dir: str) -> Callable[[str], list[PastVersion] | None] | None:
    """From the cache, when it holds the history of exactly commit `rev`: path -> the versions that wrote the
    document, newest first, as gitio.changes.versions_back walks them (a merge that took the file from a
    parent wrote nothing); None for a path it does not know. None when the cache cannot serve `rev`."""
    session = Session.open(root, documents_dir)
    state = session.state
    if state is None or state.head != runner.resolve(root, rev) or session._walk(state.head) is None \
            or session.log is None:
        return None
    known = KnownHistory(session.log, state.count, state.current, {k: partial(state.entry, k) for k in state.lines},
                         state.removed)

    def versions(path: str) -> list[PastVersion] | None:
        key = state.current.get(path)
        if key is None or key not in state.lines:
            return None
        try:
            lineage = known.versions(key)
        except StaleCache:
            return None
        return [PastVersion(v.commit.sha, v.commit.author_name, v.commit.author_email, v.blob)
                for v in reversed(lineage) if v.blob is not None and (not v.commit.is_merge or v.blob not in parent_blobs(v))]

    return versions
