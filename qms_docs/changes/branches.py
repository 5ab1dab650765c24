"""The branches of a working repository, and a warning when its work would land on a branch that no
qms-docs guard protects (the pre-receive hook, pre-push and CI judge protected branches only).

One `git for-each-ref` process: cheap enough for `qms check` (see bench/bench_check.py)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from qms_docs.gitio import runner


@dataclass(frozen=True)
class Branches:
    current: str | None  # None: detached HEAD (CI), or no commit yet
    local: frozenset[str]
    remote: frozenset[str]  # branch names on any remote (refs/remotes/REMOTE/NAME -> NAME)


def read(root: Path) -> Branches:
    """The current, local and remote-tracking branches of the repository at `root`."""
    out = runner.git(root, "for-each-ref", "--format=%(HEAD)%(refname)", "refs/heads", "refs/remotes", check=False)
    current, local, remote = None, set(), set()
    for line in out.decode("utf-8", "surrogateescape").splitlines():
        head, ref = line[:1], line[1:]
        if ref.startswith("refs/heads/"):
            local.add(ref.removeprefix("refs/heads/"))
            current = ref.removeprefix("refs/heads/") if head == "*" else current
        elif ref.count("/") >= 3 and not ref.endswith("/HEAD"):
            remote.add(ref.split("/", 3)[3])
    return Branches(current, frozenset(local), frozenset(remote))


def unguarded(branches: Branches, protected: tuple[str, ...], *, need_remote: bool = True) -> str | None:
    """A warning when the current branch is unprotected and no protected branch exists at all.

    Working on a feature branch beside a protected `main` is the normal flow and says nothing;
    a repository whose only line is `master` while qms.yml protects `main` pushes unguarded."""
    current = branches.current
    if not protected or current is None or current in protected or (need_remote and not branches.remote):
        return None
    if any(b in branches.local or b in branches.remote for b in protected):
        return None
    where = "here or on a remote" if branches.remote else "in this repository"
    return (f"warning: branch {current} is not protected (qms.yml protected_branches: {', '.join(protected)}), "
            f"and no protected branch exists {where}: pushes of {current} pass no qms-docs check "
            f"(pre-receive, pre-push and CI judge protected branches only). Rename it "
            f"(`git branch -m {current} {protected[0]}`) or add {current} to protected_branches.\n")


def warning(root: Path, protected: tuple[str, ...]) -> str | None:
    """The warning for a working repository with a remote, or None."""
    if not protected or not (root / ".git").exists():
        return None
    return unguarded(read(root), protected)


def note_unguarded(root: Path, protected: tuple[str, ...]) -> None:
    """Say on stderr (the findings and the exit code stay as they are) when pushes would go unguarded."""
    note = warning(root, protected)
    if note:
        sys.stderr.write(note)


def current_branch(root: Path) -> str | None:
    """The branch HEAD names, even before the first commit; None when detached."""
    out = runner.git(root, "symbolic-ref", "--quiet", "--short", "HEAD", check=False)
    return out.decode("utf-8", "surrogateescape").strip() or None
