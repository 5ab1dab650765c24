"""Run git, and read many blobs through one `git cat-file --batch` process."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Self

from qms_docs.errors import GitError, UsageError


def git(root: Path, *args: str, input: bytes | None = None, check: bool = True) -> bytes:
    """Run `git -C root ARGS`; stdout as bytes, GitError with git's message on failure."""
    try:
        proc = subprocess.run(["git", "-C", str(root), *args], input=input, capture_output=True)
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH") from None
    if check and proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip() or f"exit code {proc.returncode}"
        raise GitError(f"git {' '.join(args[:3])}: {message}")
    return proc.stdout


def git_text(root: Path, *args: str) -> str:
    return git(root, *args).decode("utf-8", "surrogateescape")


def find_root(start: Path | None = None) -> Path:
    """The top of the repository holding `start`: the nearest folder with `.git`, else with qms.yml.

    In a bare repository (a server hook) git's own GIT_DIR is the root."""
    here = (start or Path.cwd()).resolve()
    if not here.exists():
        raise UsageError(f"--repo {here}: no such folder")
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    for folder in (here, *here.parents):
        if (folder / "qms.yml").exists():
            return folder
    if os.environ.get("GIT_DIR") or (here / "HEAD").is_file() and (here / "objects").is_dir():
        return here
    raise UsageError(f"{here} is not inside a git repository; run `qms init` there first")


def git_path(root: Path, name: str) -> Path:
    """A file in the git folder (`rev-parse --git-path`: honours worktrees and GIT_DIR)."""
    return root / git_text(root, "rev-parse", "--git-path", name).strip()


def head_and_git_paths(root: Path, names: Sequence[str]) -> tuple[str | None, dict[str, Path]]:
    """The commit HEAD names (None before the first commit) and where each of `names` lives in the git
    folder, from one `git rev-parse` (a hook asks both: one process fewer on every commit)."""
    args = [a for name in names for a in ("--git-path", name)]
    out = git(root, "rev-parse", *args, "--verify", "--quiet", "--end-of-options", "HEAD^{commit}", check=False)
    lines = out.decode("utf-8", "surrogateescape").splitlines()
    if len(lines) < len(names):
        raise GitError(f"git rev-parse --git-path: no answer for {', '.join(names)}")
    return (lines[len(names)].strip() or None) if len(lines) > len(names) else None, \
        {name: root / line for name, line in zip(names, lines, strict=False)}


def resolve(root: Path, rev: str) -> str | None:
    """The commit id `rev` names, or None when it names nothing (e.g. an unborn HEAD)."""
    out = git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}", check=False)
    return out.decode().strip() or None


REGULAR_FILES = ("100644", "100755")  # git's modes of a regular file; 120000 is a symbolic link
GITLINK = "160000"  # a submodule: a commit of another repository, no blob


def _records(out: bytes) -> Iterator[tuple[list[bytes], str]]:
    """(meta fields, path) of each `META<TAB>PATH` record of a -z listing."""
    for record in out.split(b"\0"):
        if record:
            meta, path = record.split(b"\t", 1)
            yield meta.split(), path.decode("utf-8", "surrogateescape")


def list_tree(root: Path, rev: str, under: str) -> list[tuple[str, str]]:
    """(path, blob id) of every file below `under` in commit `rev` (symbolic links included: git stores them as blobs)."""
    return [(path, oid) for path, mode, oid in tree_listing(root, rev, under) if mode != GITLINK]


def tree_listing(root: Path, rev: str, under: str) -> list[tuple[str, str, str]]:
    """(path, mode, object id) of every entry below `under` in commit `rev`: files (100644, 100755), symbolic
    links (120000) and submodules (160000, a commit id)."""
    out = git(root, "ls-tree", "-r", "-z", "--full-tree", rev, "--", under)
    return [(path, mode.decode(), oid.decode()) for (mode, _, oid), path in _records(out)]


def tree_entries(root: Path, rev: str, paths: Sequence[str]) -> dict[str, tuple[str, str]]:
    """{path: (mode, object id)} of those of `paths` (exact paths, no patterns) that commit `rev` holds;
    a symlink keeps its mode 120000, a folder 040000."""
    wanted, found = set(paths), dict[str, tuple[str, str]]()
    for start in range(0, len(paths), 500):  # a few long git command lines, never one too long
        out = git(root, "--literal-pathspecs", "ls-tree", "-z", "--full-tree", rev, "--", *paths[start:start + 500])
        found |= {path: (mode.decode(), oid.decode()) for (mode, _, oid), path in _records(out) if path in wanted}
    return found


def list_index(root: Path, under: str) -> list[tuple[str, str]]:
    """(path, blob id) of every staged file below `under`; honours GIT_INDEX_FILE."""
    return [(path, oid) for path, mode, oid in index_listing(root, under) if mode != GITLINK]


def index_listing(root: Path, under: str) -> list[tuple[str, str, str]]:
    """(path, mode, object id) of every staged entry below `under` (stage 0), as `tree_listing`."""
    out = git(root, "ls-files", "--stage", "-z", "--", under)
    return [(path, mode.decode(), oid.decode()) for (mode, oid, stage), path in _records(out) if stage == b"0"]


class BlobReader:
    """One long-lived `git cat-file --batch`; use as a context manager."""

    def __init__(self, root: Path):
        self.root = root
        self._proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        if self._proc is not None:
            assert self._proc.stdin is not None
            self._proc.stdin.close()
            self._proc.wait()
            self._proc = None

    def read(self, spec: str) -> bytes | None:
        """The content of a blob (an id, or `REV:PATH`); None when it does not exist."""
        if self._proc is None:
            self._proc = subprocess.Popen(["git", "-C", str(self.root), "cat-file", "--batch"],
                                          stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        stdin, stdout = self._proc.stdin, self._proc.stdout
        assert stdin is not None and stdout is not None
        stdin.write(spec.encode("utf-8", "surrogateescape") + b"\n")
        stdin.flush()
        header = stdout.readline()
        if not header or header.endswith(b" missing\n") or header.endswith(b" ambiguous\n"):
            if not header:
                raise GitError(f"git cat-file stopped while reading {spec}")
            return None
        size = int(header.split()[2])
        data = stdout.read(size)
        stdout.read(1)  # the LF after each object
        return data

    def read_many(self, specs: Iterable[str]) -> Iterator[tuple[str, bytes | None]]:
        for spec in specs:
            yield spec, self.read(spec)


class ReadsBlobs:
    """Owns one BlobReader (`self._reader`): a context manager that closes it (History, Policies)."""

    _reader: BlobReader

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._reader.close()


def read_blobs(root: Path, specs: Sequence[str]) -> dict[str, bytes | None]:
    with BlobReader(root) as reader:
        return dict(reader.read_many(specs))


def config_value(root: Path, key: str) -> str | None:
    """A git config value, or None when unset. For the hot path (the commit-msg hook's core.commentChar);
    the other commands read and write config through gitio.repo."""
    out = git(root, "config", "--get", key, check=False)
    return out.decode("utf-8", "replace").strip() or None
