"""GitPython, where a command needs a repository object and no hot path waits for its import (92 ms):
creating a repository, reading and writing its config, and (through gitio/commit.py) the commit of
`qms approve --commit`.

- Every `git.Repo` is opened as a context manager: an unclosed one leaves `git cat-file` processes
  behind (GitPython #1209).
- `repo.index` is never used: it reads `<git dir>/index` and ignores the GIT_INDEX_FILE git hands to
  hooks (GitPython #1388). Commits go through git's own `commit` (`repo.git`), which also runs the
  repository's hooks, so a signature committed by qms is checked like any other commit.
- Config is read and written through git itself (`repo.git.config`): GitPython's config reader ignores
  GIT_CONFIG_GLOBAL, `-c` and conditional includes, and an identity must be the one git commits as.

`qms check` and the hooks never import this module (tests/test_code_style.py asserts it)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from git import Repo
from git.exc import GitCommandError, InvalidGitRepositoryError, NoSuchPathError

from qms_docs.errors import GitError, UsageError


def _message(e: GitCommandError) -> str:
    """git's own words: GitPython wraps stderr as "\\n  stderr: '...'"."""
    text = str(e.stderr).strip().removeprefix("stderr:").strip().strip("'").strip()
    return text or f"exit code {e.status}"


@contextmanager
def opened(root: Path) -> Iterator[Repo]:
    """The repository at `root`; a git failure inside the block becomes a GitError with git's message."""
    try:
        with Repo(root, search_parent_directories=True) as repo:
            yield repo
    except (InvalidGitRepositoryError, NoSuchPathError):
        raise UsageError(f"{root} is not a git repository; run `qms init` there first") from None
    except GitCommandError as e:
        raise GitError(f"git {e.command[1] if len(e.command) > 1 else ''}: {_message(e)}") from None


def init(path: Path, initial_branch: str | None = None) -> bool:
    """Make `path` a git repository (`git init`, on `initial_branch` when given) unless it is one
    already; whether it was created."""
    if (path / ".git").exists():
        return False
    try:
        branch: dict[str, Any] = {"initial_branch": initial_branch} if initial_branch else {}
        with Repo.init(path, **branch):
            return True
    except GitCommandError as e:
        raise GitError(f"git init: {_message(e)}") from None


def config_value(root: Path, key: str) -> str | None:
    """A git config value as git reads it (every scope, includes, `-c`), None when unset."""
    with opened(root) as repo:
        status, out, err = repo.git.config("--get", key, with_extended_output=True, with_exceptions=False)
    if status not in (0, 1):  # 1: unset; anything else: git could not read its config
        raise GitError(f"git config --get {key}: {err.strip() or f'exit code {status}'}")
    return out.strip() or None if status == 0 else None


def set_config(root: Path, key: str, value: str) -> str | None:
    """Set `key` in the repository's own config; the value it had before (None when unset)."""
    old = config_value(root, key)
    with opened(root) as repo:
        repo.git.config("--local", key, value)
    return old


def identity(root: Path) -> tuple[str | None, str | None]:
    """The git user (user.name, user.email) that commits and signatures are made as."""
    return config_value(root, "user.name"), config_value(root, "user.email")
