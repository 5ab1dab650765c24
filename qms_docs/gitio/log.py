"""History in one `git log` pass: each commit's identity facts and the files it changed.

Commit messages are not in this stream (a crafted message must never be able to forge a record):
the stream holds only NUL-separated fixed fields and raw diff entries of a checked shape.
Messages are read on demand through `cat-file --batch` (`messages`)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

from qms_docs.errors import GitError
from qms_docs.gitio import runner
from qms_docs.gitio.stream import stream_objects

_FIELDS = ("%H", "%P", "%an", "%ae", "%at", "%ct")
_FORMAT = "commit%x00" + "%x00".join(_FIELDS) + "%x00"
_RAW = re.compile(rb"^:[0-7]{6} [0-7]{6} ([0-9a-f]{40,64}) ([0-9a-f]{40,64}) ([A-Z])([0-9]*)$")
_OID = re.compile(rb"^[0-9a-f]{40,64}$")


class Change(NamedTuple):  # a plain record: a NamedTuple costs a tenth of a dataclass to define
    """One file changed by a commit; `old_path` differs from `path` for a rename."""

    status: str  # A added, M modified, D deleted, R renamed, C copied, T type change
    path: str
    old_path: str
    blob: str  # the new content ("0…0" when deleted)
    old_blob: str

    @property
    def deleted(self) -> bool:
        return self.status == "D"


class Commit(NamedTuple):  # a plain record: a NamedTuple costs a tenth of a dataclass to define
    sha: str
    parents: tuple[str, ...]
    author_name: str
    author_email: str
    authored: dt.datetime
    committed: dt.datetime
    changes: tuple[Change, ...] = ()  # against the first parent (all files for a root commit)
    parent_changes: tuple[tuple[Change, ...], ...] = ()  # a merge (with `merges=True`): against each parent, in order

    @property
    def short(self) -> str:
        return self.sha[:12]

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1


def _time(value: bytes) -> dt.datetime:
    return dt.datetime.fromtimestamp(int(value or b"0"), dt.UTC)


def _text(value: bytes) -> str:
    return value.decode("utf-8", "replace")


def _path(value: bytes) -> str:
    return value.decode("utf-8", "surrogateescape")


def raw_entries(tokens: list[bytes], i: int = 0) -> tuple[list[Change], int]:
    """The raw diff entries (`--raw -z`) starting at token `i`, and the index of the first token after them.

    The one parser of raw diff output: `git log --raw`, `git diff --raw` and `git diff-tree --raw` all use it."""
    changes, n = [], len(tokens)
    while i < n:
        token = tokens[i].lstrip(b"\n")
        if not token:
            i += 1
            continue
        raw = _RAW.match(token)
        if raw is None:
            break
        old_blob, blob, status = raw.group(1).decode(), raw.group(2).decode(), raw.group(3).decode()
        if status in "RC":
            old, new, i = _path(tokens[i + 1]), _path(tokens[i + 2]), i + 3
        else:
            old = new = _path(tokens[i + 1])
            i += 2
        changes.append(Change(status, new, old, blob, old_blob))
    return changes, i


def parse_log(out: bytes) -> Iterator[Commit]:
    """Parse the output of `git log -z --raw --format=_FORMAT`."""
    tokens = out.split(b"\0")
    i, n = 0, len(tokens)
    while i < n:
        marker = tokens[i].lstrip(b"\n")
        if not marker:
            i += 1
            continue
        if marker != b"commit" or i + len(_FIELDS) >= n:
            raise GitError(f"unexpected output from git log near {marker[:40]!r}")
        sha, parents, an, ae, at, ct = tokens[i + 1:i + 1 + len(_FIELDS)]
        i += 1 + len(_FIELDS)
        changes, i = raw_entries(tokens, i)
        yield Commit(sha.decode(), tuple(p.decode() for p in parents.split()), _text(an), _text(ae), _time(at),
                     _time(ct), tuple(changes))


def log(root: Path, revs: Sequence[str], paths: Sequence[str] = (), *, first_parent: bool = False,
        follow: bool = False, merges: bool = False, full_history: bool = False, topo_order: bool = False) -> list[Commit]:
    """Commits reachable from `revs` (e.g. ["HEAD"], ["base..head"], ["new", "--not", "--all"]),
    oldest first, with the changes under `paths` (renames detected). With `follow` (one path),
    the file is followed back through its renames as `git log --follow` does.

    Plain `git log --raw` lists no changes for a merge commit. With `merges`, a merge carries its
    changes against its first parent in `changes` and against every parent in `parent_changes`
    (one extra `git diff-tree` process for all merges, never one per commit). With
    `full_history`, git does not simplify history by `paths`: a side branch whose changes a merge
    discarded is still listed. With `topo_order`, no commit comes before one of its parents."""
    args = ["log", "-z", "--raw", "--no-abbrev", "-M", "--no-color", "--no-ext-diff", f"--format={_FORMAT}"]
    args += ["--first-parent"] if first_parent else []
    args += ["--diff-merges=first-parent"] if merges else []
    args += ["--full-history"] if full_history else []
    args += ["--topo-order"] if topo_order else []
    args += ["--follow"] if follow else ["--reverse"]  # git cannot combine --follow with --reverse
    commits = list(parse_log(runner.git(root, *args, *revs, "--", *paths)))
    if merges and not first_parent:
        commits = _with_parent_changes(root, commits, paths)
    return commits[::-1] if follow else commits


def merge_changes(root: Path, merges: Sequence[Commit], paths: Sequence[str] = ()) -> dict[str, tuple[tuple[Change, ...], ...]]:
    """merge sha -> its changes under `paths` against each of its parents, in parent order.

    One `git diff-tree --stdin` for all merges, fed a line `MERGE PARENT` per parent. `git log -m`
    cannot be used: it leaves out the record of a parent with an empty diff, so its records cannot
    be matched to parents; `--always` makes diff-tree print every record, in input order."""
    pairs = [(m.sha, p) for m in merges for p in m.parents]
    if not pairs:
        return {}
    stdin = "".join(f"{m} {p}\n" for m, p in pairs).encode()
    out = runner.git(root, "diff-tree", "--stdin", "--always", "-r", "--raw", "-z", "--no-abbrev", "-M",
                     "--no-color", "--no-ext-diff", "--", *paths, input=stdin)
    tokens, i = out.split(b"\0"), 0
    found: list[tuple[Change, ...]] = []
    while i < len(tokens):
        token = tokens[i].strip(b"\n")
        i += 1
        if _OID.match(token):
            entries, i = raw_entries(tokens, i)
            found.append(tuple(entries))
    if len(found) != len(pairs):
        raise GitError(f"git diff-tree gave {len(found)} diffs for {len(pairs)} merge parents")
    result: dict[str, list[tuple[Change, ...]]] = {}
    for (sha, _), diff in zip(pairs, found, strict=True):
        result.setdefault(sha, []).append(diff)
    return {sha: tuple(diffs) for sha, diffs in result.items()}


def _with_parent_changes(root: Path, commits: list[Commit], paths: Sequence[str]) -> list[Commit]:
    by_merge = merge_changes(root, [c for c in commits if c.is_merge], paths)
    return [c._replace(parent_changes=by_merge[c.sha]) if c.sha in by_merge else c for c in commits]


def messages(root: Path, shas: Sequence[str]) -> dict[str, str]:
    """Full commit messages, read from the commit objects through one pipelined cat-file process.

    The one reader of commit messages (the headers end at the first empty line; a signature header's
    own empty lines are indented, so they never end it)."""
    found = {}
    for sha, data in stream_objects(root, shas):
        if data is not None:
            found[sha] = data.partition(b"\n\n")[2].decode("utf-8", "replace")
    return found


def require_full_history(root: Path) -> None:
    """GitError when the clone is shallow: the documents' history (signatures, authors) is missing."""
    if runner.git_text(root, "rev-parse", "--is-shallow-repository").strip() == "true":
        raise GitError("this is a shallow clone: the history of the documents is missing; "
                       "fetch it with `git fetch --unshallow` (in CI: fetch-depth: 0)")
