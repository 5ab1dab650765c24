"""Commit one file as a given author, without touching anything else in the index."""

from __future__ import annotations

from pathlib import Path

from qms_docs.gitio.runner import git, git_text, resolve


def is_committed_clean(root: Path, path: str) -> bool:
    """Whether `path` is in HEAD and neither staged nor changed in the working tree."""
    if resolve(root, "HEAD") is None or not _in_head(root, path):
        return False
    return git(root, "status", "--porcelain=v1", "-z", "--", path) == b""


def _in_head(root: Path, path: str) -> bool:
    return bool(git(root, "ls-tree", "--name-only", "-z", "HEAD", "--", path).strip(b"\0"))


def commit_file(root: Path, path: str, message: str, *, author: str, sign: bool) -> str:
    """Commit only `path` (`git commit --only`: other staged changes stay staged); return the commit id.

    On failure (a hook, or a signing key git cannot use) git leaves the index as it was."""
    args = ["commit", "--quiet", "--only", f"--author={author}", "-m", message]
    if sign:
        args.append("-S")
    git(root, *args, "--", path)
    return git_text(root, "rev-parse", "HEAD").strip()
