"""What the verification cache knows of a history: the commits History read, and the lineages they made.

`commits.log` holds one line per commit reachable from the head last verified, parents first: a MAC
(LineMac), the commit id, then (JSON-quoted) its position in History's order (empty when History did not
list it), the qms.yml it leaves, the one in force after it and the one in force at its first parent
(Policies.trust), and, for a commit History listed, its identity facts and changes. The log only grows
while the history does; a later run reads back just the lines it asks for, by offset (the commits of the
lineages new commits touch), never the whole file."""

from __future__ import annotations

import datetime as dt
import hmac
import json
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any

from qms_docs.gitio.log import Change, Commit
from qms_docs.records.cache_store import Store
from qms_docs.records.history import Version

LOG = "commits.log"

NONE = "-"  # no qms.yml (a blob id, or REV:PATH, is never "-")


def commit_out(c: Commit) -> str:
    """One commit as one string of NUL-separated fields (git allows no NUL in a path, name or e-mail)."""
    fields = [c.sha, " ".join(c.parents), c.author_name, c.author_email, str(int(c.authored.timestamp())),
              str(int(c.committed.timestamp())), str(len(c.parent_changes))]
    for group in (c.changes, *c.parent_changes):
        fields.append(str(len(group)))
        for x in group:
            fields += [x.status, x.path, x.blob, x.old_blob, x.old_path]
    return "\0".join(fields)


def commit_in(text: str) -> Commit:
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


class StaleCache(Exception):
    """A cache line, read back late, is not what it should be (a bug wrote it, or a file changed under us)."""


class LineMac:
    """Each log line carries an HMAC over the log's generation (random, per log written afresh), its offset in
    the file and its content: a line is checked when it is read, and cannot be moved or replayed elsewhere."""

    def __init__(self, store: Store, generation: str):
        self.base = store.mac(f"{LOG}\0{generation}")

    def __call__(self, offset: int, body: bytes) -> bytes:
        h = self.base.copy()
        h.update(b"%d\0" % offset + body)
        digest: str = h.hexdigest()
        return digest[:32].encode()


def log_lines(mac: LineMac, offset: int, records: Iterable[tuple[str, int | None, str | None, str | None,
                                                                   str | None, Commit | None]]) -> tuple[bytes, dict[str, int]]:
    """The log lines of `records` (sha, position, qms.yml left, in force after, in force at the first parent,
    commit) written from `offset`, and each commit's offset."""
    out, offsets = [], {}
    for sha, position, actual, trusted, base, commit in records:
        fields = ["" if position is None else str(position), actual or NONE, trusted or NONE, base or NONE]
        if commit is not None:
            fields.append(commit_out(commit))
        body = f"{sha} {json.dumps(chr(0).join(fields))}".encode()
        line = mac(offset, body) + b" " + body + b"\n"
        offsets[sha] = offset
        offset += len(line)
        out.append(line)
    return b"".join(out), offsets


Record = tuple[int, "str | None", "str | None", "str | None", "Commit | None"]


class CommitLog:
    """A commits.log read back: a line is found by its offset (or, rarely, by a scan), checked and decoded
    when first asked for."""

    def __init__(self, data: bytes, mac: LineMac, offsets: dict[str, int]):
        self.data, self.mac = data, mac
        self.offsets = dict(offsets)
        self._records: dict[str, Record] = {}
        self._scanned = False

    def find(self, sha: str) -> int | None:
        if sha not in self.offsets and not self._scanned:
            self._scanned = True
            offset = 0
            for line in self.data.split(b"\n")[:-1]:
                self.offsets.setdefault(line[33:line.find(b" ", 33)].decode(), offset)
                offset += len(line) + 1
        return self.offsets.get(sha)

    def __contains__(self, sha: str) -> bool:
        return sha in self._records or self.find(sha) is not None

    def record(self, sha: str, offset: int | None = None) -> Record:
        """(position or -1, qms.yml left, qms.yml in force after, in force at the first parent, commit or None)."""
        found = self._records.get(sha)
        if found is not None:
            return found
        try:
            at = self.find(sha) if offset is None else offset
            if at is None:
                raise KeyError(sha)
            end = self.data.index(b"\n", at)
            mac, body = self.data[at:at + 32], self.data[at + 33:end]
            name, _, text = body.partition(b" ")
            if not hmac.compare_digest(mac, self.mac(at, body)) or name.decode() != sha:
                raise ValueError("a cached commit line does not match its MAC")
            fields = json.loads(text).split("\0", 4)
            commit = commit_in(fields[4]) if len(fields) == 5 else None
            if len(fields) < 4 or (commit is not None and commit.sha != sha):
                raise ValueError("a cached commit line is malformed")
            actual, trusted, base = (None if f == NONE else f for f in fields[1:4])
            found = (int(fields[0]) if fields[0] else -1, actual, trusted, base, commit)
        except (KeyError, ValueError, IndexError, AttributeError, OverflowError, TypeError) as e:
            raise StaleCache(f"commit {sha}: {e}") from e
        self._records[sha] = found
        self.offsets[sha] = at
        return found


class TrustView(Mapping[str, "str | None"]):
    """A column of the log (qms.yml left, or in force after, each commit) as a read-only mapping; what a read
    line says of its first parent (in force after it) is known without reading the parent's line."""

    def __init__(self, log: CommitLog, column: int, learned: dict[str, str | None]):
        self.log, self.column, self.learned = log, column, learned

    def __getitem__(self, sha: str) -> str | None:
        if self.column == 2 and sha in self.learned:
            return self.learned[sha]
        return self.log.record(sha)[self.column]  # type: ignore[return-value]

    def __contains__(self, sha: object) -> bool:
        return isinstance(sha, str) and ((self.column == 2 and sha in self.learned) or sha in self.log)

    def __iter__(self) -> Iterator[str]:
        raise TypeError("a cached trust state is read by commit, never listed")

    def __len__(self) -> int:
        raise TypeError("a cached trust state is read by commit, never counted")


class KnownHistory:
    """The history up to the cached head, as records.history.Known: lineages read back on demand."""

    def __init__(self, log: CommitLog, count: int, current: dict[str, str], entries: Mapping[str, Callable[[], list[Any]]],
                 removed: Collection[str]):
        self.log, self.count, self.current, self.entries = log, count, current, entries
        self.keys: Collection[str] = entries.keys()
        self.removed = removed
        self.learned: dict[str, str | None] = {}
        self.actual, self.trusted = TrustView(log, 1, self.learned), TrustView(log, 2, self.learned)

    def commit(self, sha: str, offset: int | None = None) -> Commit:
        record = self.log.record(sha, offset)
        commit = record[4]
        if commit is None:
            raise StaleCache(f"commit {sha} is not in the cached log")
        if commit.parents:
            self.learned.setdefault(commit.parents[0], record[3])
        return commit

    def position(self, sha: str) -> int:
        return self.log.record(sha)[0] if sha in self.log else -1

    def versions(self, key: str) -> list[Version]:
        try:
            return [Version(self.commit(sha, int(offset)), path, blob or None)
                    for sha, offset, path, blob in self.entries[key]()[0]]
        except (TypeError, ValueError, KeyError) as e:
            raise StaleCache(f"lineage {key}: {e}") from e


def versions_out(versions: Sequence[Version], offsets: Mapping[str, int]) -> list[list[Any]]:
    return [[v.commit.sha, offsets[v.commit.sha], v.path, v.blob or ""] for v in versions]
