"""What changed between two states (a commit, the index or the working tree), and ancestry tests.

One `git diff --raw` gives the changed files, their renames and both blob ids, so a hook reads only
the documents it must."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from qms_docs.gitio import runner
from qms_docs.gitio.log import Change, raw_entries

INDEX = ":index"  # compare with the staged content
WORKTREE = ":worktree"  # compare with the tracked files on disk


def is_null(oid: str) -> bool:
    """A null object id (a created or deleted ref); also covers SHA-256."""
    return set(oid) == {"0"}


def parse_raw(out: bytes) -> list[Change]:
    """Parse `git diff --raw -z` output."""
    return raw_entries(out.split(b"\0"))[0]


def changed_files(root: Path, base: str | None, head: str = INDEX, paths: tuple[str, ...] = ()) -> list[Change]:
    """Files that differ from `base` (HEAD when None) in `head`: a commit, INDEX or WORKTREE.

    With an unborn HEAD and INDEX, every staged file is an addition."""
    args = ["diff", "--raw", "-z", "-M", "--no-abbrev", "--no-color", "--no-ext-diff"]
    if head == INDEX:
        args += ["--cached", *([base] if base else [])]
    elif head == WORKTREE:
        args += [base or "HEAD"]
    else:
        args += [base or "HEAD", head]
    return parse_raw(runner.git(root, *args, "--", *paths))


def is_ancestor(root: Path, ancestor: str, descendant: str) -> bool:
    """Whether `descendant` contains `ancestor` (an update from one to the other is a fast-forward)."""
    proc = subprocess.run(["git", "-C", str(root), "merge-base", "--is-ancestor", ancestor, descendant],
                          capture_output=True)
    return proc.returncode == 0


def parents_of(root: Path, revs: str) -> dict[str, tuple[str, ...]]:
    """Every commit of `revs` (e.g. `base..head`) -> its parents: the range's ancestry, in one `git rev-list`."""
    out = runner.git_text(root, "rev-list", "--parents", revs, "--")
    return {shas[0]: tuple(shas[1:]) for shas in (line.split() for line in out.splitlines()) if shas}


def merge_base(root: Path, a: str, b: str) -> str | None:
    out = runner.git(root, "merge-base", a, b, check=False).decode().strip()
    return out or None


def branch_of(root: Path, ref: str) -> str | None:
    """The branch a ref names (`origin/main`, `refs/heads/main` -> `main`), None for a commit id or HEAD~3."""
    full = runner.git(root, "rev-parse", "--symbolic-full-name", ref, check=False).decode().strip()
    if full.startswith("refs/heads/"):
        return full.removeprefix("refs/heads/")
    if full.startswith("refs/remotes/"):
        return full.removeprefix("refs/remotes/").partition("/")[2] or None
    return None


def default_branch(root: Path) -> str | None:
    """The ref HEAD points to (`refs/heads/main`), when it holds a commit."""
    ref = runner.git(root, "symbolic-ref", "-q", "HEAD", check=False).decode().strip()
    return ref if ref and runner.resolve(root, ref) else None


def remote_default_branch(root: Path, remote: str) -> str | None:
    """The remote's default branch as last fetched (`refs/remotes/origin/HEAD` -> `refs/remotes/origin/main`)."""
    head = f"refs/remotes/{remote}/HEAD"
    if not runner.resolve(root, head):
        return None
    return runner.git_text(root, "symbolic-ref", "-q", head).strip() or None


def merge_heads(root: Path, merge_head: Path | None = None) -> list[str]:
    """The other parents of the commit being made when it concludes a merge (MERGE_HEAD), else none
    (`merge_head`: where the file is, when the caller already asked git)."""
    try:
        text = (merge_head or runner.git_path(root, "MERGE_HEAD")).read_text(encoding="ascii", errors="replace")
    except OSError:
        return []
    return [line.strip() for line in text.splitlines() if line.strip()]


def pending_author(root: Path) -> str:
    """`Name <email>` of the commit being made (git exports `--author` to the hooks)."""
    ident = runner.git_text(root, "var", "GIT_AUTHOR_IDENT").strip()
    return ident.rsplit(">", 1)[0] + ">" if ">" in ident else ident


class PastVersion(NamedTuple):  # a plain record: a NamedTuple costs a tenth of a dataclass to define
    """A file (blob) as a commit that wrote it left it."""

    sha: str
    author_name: str
    author_email: str
    blob: str


def versions_back(root: Path, rev: str, path: str) -> Iterator[PastVersion]:
    """Each commit that wrote `path` (following renames), newest first, from `rev`.

    Merges are seen (`-m`: git prints one record per parent whose diff is not empty): a merge wrote the
    file only when it differs from every parent; one that took it from a parent is left out (that
    parent's own commits follow in the walk). Streams `git log --follow`: the caller stops reading when
    it has gone back far enough, so the cost is the distance walked, not the length of the history."""
    proc = subprocess.Popen(["git", "-C", str(root), "log", "--follow", "-m", "-M", "--raw", "--no-abbrev", "--no-color",
                             "--format=%x01%H%x00%P%x00%an%x00%ae", rev, "--", path], stdout=subprocess.PIPE)
    assert proc.stdout is not None
    try:
        pending: list[str] = []  # sha, parents, name, e-mail, blob, records seen
        for line in proc.stdout:
            if line.startswith(b"\x01"):
                head = line[1:].rstrip(b"\n").decode("utf-8", "replace").split("\0")
                if pending and head[0] == pending[0]:
                    continue  # the same merge, against its next parent
                yield from _written(pending)
                pending = [*head, "", "0"] if len(head) == 4 else []
            elif line.startswith(b":") and pending:
                blob = line.split(b"\t", 1)[0].split()[3].decode()
                pending[4], pending[5] = ("" if is_null(blob) else blob), str(int(pending[5]) + 1)
        yield from _written(pending)
    finally:
        proc.kill()
        proc.wait()


def _written(pending: list[str]) -> Iterator[PastVersion]:
    if pending and pending[4] and int(pending[5]) >= max(1, len(pending[1].split())):
        yield PastVersion(pending[0], pending[2], pending[3], pending[4])
