"""Commit one file as a given author, without touching anything else in the index (GitPython, via gitio/repo)."""

from __future__ import annotations

from pathlib import Path

from qms_docs.gitio.repo import opened


def is_committed_clean(root: Path, path: str) -> bool:
    """Whether `path` is in HEAD and neither staged nor changed in the working tree."""
    with opened(root) as repo:
        if not repo.head.is_valid():
            return False
        try:
            repo.head.commit.tree / path
        except KeyError:
            return False
        return not repo.is_dirty(index=True, working_tree=True, untracked_files=False, path=path)


def commit_file(root: Path, path: str, message: str, *, author: str, sign: bool) -> str:
    """Commit only `path` (`git commit --only`: other staged changes stay staged), running the
    repository's hooks; return the commit id. On failure (a hook, or a signing key git cannot use)
    git leaves the index as it was."""
    with opened(root) as repo:
        repo.git.commit("--quiet", "--only", f"--author={author}", "-m", message, *(["-S"] if sign else []), "--", path)
        return repo.head.commit.hexsha
