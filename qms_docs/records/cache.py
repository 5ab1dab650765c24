"""The verification cache: a speed-up, never evidence.

Kept in the git folder (`git rev-parse --git-common-dir`/qms-cache/), never in the repository:
- `history.json`: the commits History read for the last head verified (one `git log` pass), and what
  Policies.trust found for each commit. A later head whose new commits all descend from it reads only
  those commits; any other head (a rewritten or unknown history) is read afresh.
- `lineages.json`: the verdicts on each document lineage, keyed by a digest of the qms-docs code, the
  documents folder, and each version's commit id, path, blob and the qms.yml in force there. A commit id
  fixes the commit's whole ancestry, so the same key means the same facts: the same verdicts.

Each file carries an HMAC-SHA256 (over its name and body) with a random key kept beside it in the git
folder: entries are written only by qms after a verification; a tampered file, a file copied from
another repository, or a corrupt one fails the check and is ignored (then rewritten). Writes are atomic
(a temporary file renamed over the old one). Any failure to read or write the cache only costs speed."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import qms_docs
from qms_docs.errors import GitError
from qms_docs.gitio import runner
from qms_docs.gitio.log import Change, Commit, require_full_history
from qms_docs.records.configs import Policies, TrustState
from qms_docs.records.history import History, Version, log_commits
from qms_docs.records.verify import Failure, Outcome, Verdict
from qms_docs.signatures.policy import Problem

FOLDER = "qms-cache"
KEY_FILE = "key"
HISTORY = "history.json"
OUTCOME = "outcome.json"
LINEAGES = "lineages.json"
DISABLE_ENV = "QMS_NO_CACHE"  # set (to anything but "" or "0") by --no-cache for the processes a command starts
FORMAT = 1


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


@dataclass(frozen=True)
class Store:
    """The cache folder and its MAC key."""

    folder: Path
    key: bytes

    def _mac(self, name: str, body: bytes) -> str:
        return hmac.new(self.key, name.encode() + b"\0" + body, hashlib.sha256).hexdigest()

    def load(self, name: str) -> Any:
        """The JSON in `name` when its MAC is ours; None when absent, corrupt, tampered or foreign."""
        try:
            data = (self.folder / name).read_bytes()
        except OSError:
            return None
        mac, _, body = data.partition(b"\n")
        if not hmac.compare_digest(mac, self._mac(name, body).encode()):
            return None
        try:
            return json.loads(body)
        except ValueError:
            return None

    def save(self, name: str, value: Any) -> None:
        """Write `value` atomically; a failure (full disk, read-only folder) is ignored: the cache is optional."""
        body = json.dumps(value, separators=(",", ":")).encode()
        _write_atomic(self.folder / name, self._mac(name, body).encode() + b"\n" + body)


def _write_atomic(path: Path, data: bytes) -> bool:
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
        return True
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return False


def _key(folder: Path) -> bytes | None:
    """The folder's MAC key, made on first use (32 random bytes, readable by the owner only)."""
    path = folder / KEY_FILE
    try:
        key = path.read_bytes()
        if len(key) == 32:
            return key
    except FileNotFoundError:
        pass
    except OSError:
        return None
    key = secrets.token_bytes(32)
    try:
        fd, tmp = tempfile.mkstemp(prefix=".key.", dir=folder)  # mode 0600
        with os.fdopen(fd, "wb") as f:
            f.write(key)
        os.replace(tmp, path)
    except OSError:
        return None
    return key


def open_store(root: Path) -> Store | None:
    """The repository's cache (made on first use); None when it cannot be used (it is never needed)."""
    try:
        common = Path(runner.git_text(root, "rev-parse", "--git-common-dir").strip())
        folder = common if common.is_absolute() else root / common
        folder = folder / FOLDER
        folder.mkdir(mode=0o700, exist_ok=True)
    except (GitError, OSError):
        return None
    key = _key(folder)
    return None if key is None else Store(folder, key)


# Commits, as History read them ------------------------------------------------------------------------------

def _commit_out(c: Commit) -> str:
    """One commit as one string of NUL-separated fields (git allows no NUL in a path, name or e-mail): read
    back with one split, several times faster than nested JSON lists."""
    fields = [c.sha, " ".join(c.parents), c.author_name, c.author_email, str(int(c.authored.timestamp())),
              str(int(c.committed.timestamp())), str(len(c.parent_changes))]
    for group in (c.changes, *c.parent_changes):
        fields.append(str(len(group)))
        for x in group:
            fields += [x.status, x.path, x.blob, x.old_blob, x.old_path]
    return "\0".join(fields)


def _commit_in(text: str) -> Commit:
    f = text.split("\0")
    groups: list[tuple[Change, ...]] = []
    i = 7
    for _ in range(int(f[6]) + 1):
        n, i = int(f[i]), i + 1
        groups.append(tuple(Change(f[j], f[j + 1], f[j + 4], f[j + 2], f[j + 3]) for j in range(i, i + 5 * n, 5)))
        i += 5 * n
    if i != len(f):
        raise ValueError("a cached commit has trailing fields")
    return Commit(f[0], tuple(f[1].split()), f[2], f[3], dt.datetime.fromtimestamp(int(f[4]), dt.UTC),
                  dt.datetime.fromtimestamp(int(f[5]), dt.UTC), groups[0], tuple(groups[1:]))


@dataclass
class Loaded:
    """The commits of a head's history, and the trust state when the cache gave (or extended) it."""

    commits: list[Commit]
    trust: TrustState | None
    walk: bytes | None  # rev-list of the commits after the cached head, for Policies.trust
    raw: list[str] = field(default_factory=list)  # the cached commits as stored (not encoded again)


def _descend(walk: bytes, base: str) -> bool:
    """Every commit of `rev-list --parents --topo-order --reverse base..head` descends from `base`."""
    below = {base}
    for line in walk.decode().splitlines():
        sha, *parents = line.split()
        if not any(p in below for p in parents):
            return False
        below.add(sha)
    return True


class HistoryCache:
    """The commits (and trust) of the last head verified, reused for a head that extends it."""

    def __init__(self, store: Store | None, root: Path, documents_dir: str, code: str):
        self.store, self.root, self.documents_dir, self.code = store, root, documents_dir, code

    def load(self, head: str) -> Loaded:
        cached = self._cached()
        if cached is not None:
            base, raw, commits, trust = cached
            if base == head:
                return Loaded(commits, trust, b"", raw)
            try:
                walk = runner.git(self.root, "rev-list", "--parents", "--topo-order", "--reverse", head,
                                  "--not", base)
            except GitError:
                walk = b""
            if walk and _descend(walk, base):
                new = log_commits(self.root, [head, "--not", base], self.documents_dir)
                return Loaded(commits + new, trust, walk, raw)
        return Loaded(log_commits(self.root, [head], self.documents_dir), None, None)

    def _cached(self) -> tuple[str, list[str], list[Commit], TrustState] | None:
        value = self.store.load(HISTORY) if self.store is not None else None
        try:
            if not (isinstance(value, dict) and value.get("code") == self.code
                    and value.get("documents_dir") == self.documents_dir):
                return None
            t = value["trust"]
            trust = TrustState(value["head"], dict(zip(t["shas"], t["actual"], strict=True)),
                               dict(zip(t["shas"], t["trusted"], strict=True)), tuple(t["untrusted"]))
            raw = value["commits"]
            return value["head"], raw, [_commit_in(c) for c in raw], trust
        except (KeyError, TypeError, ValueError, IndexError, OverflowError, OSError, AttributeError):
            return None

    def save(self, loaded: Loaded, state: TrustState | None) -> None:
        if self.store is None or state is None or loaded.walk == b"":
            return  # nothing new since the cached head
        shas = list(state.trusted)
        self.store.save(HISTORY, {
            "code": self.code, "documents_dir": self.documents_dir, "head": state.head,
            "commits": loaded.raw + [_commit_out(c) for c in loaded.commits[len(loaded.raw):]],
            "trust": {"shas": shas, "actual": [state.actual.get(s) for s in shas],
                      "trusted": [state.trusted[s] for s in shas], "untrusted": list(state.untrusted)}})


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
    """Verdicts by lineage key; `save` keeps the ones this run used (or made)."""

    def __init__(self, store: Store | None, documents_dir: str, code: str):
        self.store = store
        self.salt = f"{code}\n{documents_dir}\n".encode()
        self.known: dict[str, Any] = {}
        self.used: dict[str, Any] = {}
        self.misses = 0
        self._keys: dict[int, tuple[Sequence[Version], int, str]] = {}  # id(versions) -> (versions, length, key)
        value = store.load(LINEAGES) if store is not None else None
        if isinstance(value, dict) and isinstance(value.get("verdicts"), dict):
            self.known = value["verdicts"]

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
        raw = self.known.get(key)
        if raw is None:
            return None
        try:
            verdicts = [_verdict_in(v) for v in raw]
        except (TypeError, ValueError, IndexError, KeyError, AttributeError):
            return None
        if any(not 0 <= v.position < len(versions) or any(not 0 <= i < len(versions) for _, i in v.added_by)
               for v in verdicts):
            return None
        self.used[key] = raw
        return verdicts

    def put(self, versions: Sequence[Version], policies: Policies, verdicts: Iterable[Verdict]) -> None:
        self.misses += 1
        self.used[self.key(versions, policies)] = [_verdict_out(v) for v in verdicts]

    def save(self) -> None:
        if self.store is not None and (self.misses or self.used.keys() != self.known.keys()):
            self.store.save(LINEAGES, {"verdicts": self.used})


@dataclass
class Session:
    """One command's use of the cache: the commits to read, and the verdicts already known."""

    history: HistoryCache
    lineages: LineageCache
    loaded: Loaded | None = None

    @classmethod
    def open(cls, root: Path, documents_dir: str, enabled: bool = True) -> Session:
        store = open_store(root) if enabled and not disabled_by_env() else None
        code = code_identity() if store is not None else ""
        return cls(HistoryCache(store, root, documents_dir, code), LineageCache(store, documents_dir, code))

    def load(self, root: Path, head: str, documents_dir: str, policies: Policies) -> History:
        """The history reachable from `head` (cached commits plus the new ones), with `policies` trusted."""
        require_full_history(root)
        self.loaded = self.history.load(head)
        history = History(root, self.loaded.commits, documents_dir)
        policies.trust(root, head, history.commits, self.loaded.trust, self.loaded.walk)
        return history

    def save(self, policies: Policies, outcome: Outcome | None = None) -> None:
        """Keep what this run verified (after it verified it)."""
        if self.loaded is not None:
            self.history.save(self.loaded, policies.state)
        self.lineages.save()
        store = self.history.store
        if outcome is not None and store is not None:
            store.save(OUTCOME, {"code": self.history.code, "documents_dir": self.history.documents_dir,
                                 "head": outcome.head, "outcome": _outcome_out(outcome)})

    def outcome(self, head: str) -> Outcome | None:
        """The outcome of verifying `head` with this code, when the last verification was of the same head."""
        store = self.history.store
        value = store.load(OUTCOME) if store is not None else None
        if not (isinstance(value, dict) and value.get("head") == head and value.get("code") == self.history.code
                and value.get("documents_dir") == self.history.documents_dir):
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

