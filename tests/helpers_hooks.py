"""Shared set-up for the hook tests: a server (bare repository with the pre-receive hook) and a clone."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders import git

HOOK_NAMES = ("pre-commit", "commit-msg", "pre-push", "pre-receive")
CHECKOUT = Path(__file__).resolve().parents[1]


def with_qms_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Git runs the shims, which call `qms` from PATH: put this interpreter's scripts first."""
    folders = [str(Path(sys.executable).parent)]
    found = shutil.which("qms")
    if found:
        folders.append(str(Path(found).parent))
    monkeypatch.setenv("PATH", os.pathsep.join([*folders, os.environ.get("PATH", "")]))


def shims() -> dict[str, str]:
    """The committed hook shims, as `qms init` writes them."""
    from qms_docs.templates import template

    return {f"hooks/{name}": template(f"hooks/{name}").decode("utf-8") for name in HOOK_NAMES}


def qms(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["qms", *args], cwd=cwd, capture_output=True, text=True)


def make_server(seed: Path, where: Path) -> tuple[Path, Path]:
    """A bare clone of `seed` with the pre-receive hook installed, and a working clone with the shims."""
    for name in HOOK_NAMES:
        (seed / "hooks" / name).chmod(0o755)
    remote = where / "remote.git"
    git(where, "clone", "-q", "--bare", str(seed), str(remote))
    installed = qms("install-hooks", "--server", str(remote), cwd=where)
    assert installed.returncode == 0, installed.stderr
    work = where / "work"
    git(where, "clone", "-q", str(remote), str(work))
    return remote, install_client(work)


def install_client(work: Path) -> Path:
    """`qms install-hooks` in a working repository whose commits are Sam's (the shims are committed in it)."""
    for name in HOOK_NAMES:
        (work / "hooks" / name).chmod(0o755)
    git(work, "config", "user.name", "Sam Author")
    git(work, "config", "user.email", "sam@acme.example")
    client = qms("install-hooks", cwd=work)
    assert client.returncode == 0, client.stderr
    return work


def commit_as(repo: Path, files: dict[str, str | None], message: str, who: tuple[str, str],
              *extra: str) -> subprocess.CompletedProcess[str]:
    """Write the files and `git commit` them as `who`, hooks and all; the result is not checked."""
    for rel, text in files.items():
        if text is None:
            git(repo, "rm", "-q", "--", rel)
        else:
            (repo / rel).parent.mkdir(parents=True, exist_ok=True)
            (repo / rel).write_text(text, encoding="utf-8")
            git(repo, "add", "--", rel)
    env = {"GIT_AUTHOR_NAME": who[0], "GIT_AUTHOR_EMAIL": who[1], "GIT_COMMITTER_NAME": who[0],
           "GIT_COMMITTER_EMAIL": who[1]}
    return git(repo, "commit", "-q", "-m", message, *extra, env=env, check=False)


def push(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return git(repo, "push", "-q", "origin", *args, check=False)
