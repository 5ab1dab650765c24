"""The git layer's own promises: the pipelined cat-file reader stops cleanly when its reader stops
early, and the GitPython side (gitio/repo.py, gitio/commit.py) creates, configures and commits as git
itself would."""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest

from qms_docs.errors import GitError, UsageError
from qms_docs.gitio import commit as gitcommit
from qms_docs.gitio import repo as gitrepo
from qms_docs.gitio import stream
from tests.builders import commit, git


@pytest.fixture
def blobs(tmp_path: Path) -> tuple[Path, str, str]:
    """(repository, id of a 1 MB blob, id of a small one)."""
    repo = tmp_path / "blobs"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    big = git(repo, "hash-object", "-w", "--stdin", input="x" * 1_000_000).stdout.strip()
    small = git(repo, "hash-object", "-w", "--stdin", input="small\n").stdout.strip()
    return repo, big, small


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[subprocess.Popen[bytes]]:
    """Every process the stream starts."""
    procs: list[subprocess.Popen[bytes]] = []
    real = subprocess.Popen

    def popen(*args: Any, **kwargs: Any) -> subprocess.Popen[bytes]:
        proc: subprocess.Popen[bytes] = real(*args, **kwargs)
        procs.append(proc)
        return proc

    monkeypatch.setattr(stream.subprocess, "Popen", popen)
    return procs


def _feeders() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "cat-file-feed"]


def test_the_stream_yields_every_object_in_order_and_none_for_a_missing_one(
        blobs: tuple[Path, str, str], started: list[subprocess.Popen[bytes]]) -> None:
    repo, big, small = blobs
    got = list(stream.stream_objects(repo, [small, "f" * 40, big, small]))
    assert [spec for spec, _ in got] == [small, "f" * 40, big, small]
    assert [data if data is None or len(data) < 100 else len(data) for _, data in got] == \
        [b"small\n", None, 1_000_000, b"small\n"]
    assert started[0].returncode == 0 and not _feeders()


def test_a_reader_that_stops_early_ends_git_and_the_writer_thread(
        blobs: tuple[Path, str, str], started: list[subprocess.Popen[bytes]]) -> None:
    """100,000 requests for a 1 MB object: git blocks writing its answers and the writer blocks writing
    the requests (both pipes are full) when the reader stops after the first object."""
    repo, big, _ = blobs
    outcome: list[object] = []

    def read_one() -> None:
        objects = stream.stream_objects(repo, [big] * 100_000)
        outcome.append(len(next(objects)[1] or b""))
        objects.close()  # what a `break` out of the loop does
        outcome.append("closed")

    reader = threading.Thread(target=read_one, daemon=True)
    reader.start()
    reader.join(timeout=60)
    assert not reader.is_alive(), "the stream hung after its reader stopped"
    assert outcome == [1_000_000, "closed"]
    (proc,) = started
    assert proc.returncode is not None, "git cat-file was left running"
    assert not _feeders(), "the writer thread was left running"


def test_a_git_that_dies_is_an_error_not_a_hang(blobs: tuple[Path, str, str]) -> None:
    repo, _, small = blobs
    objects = stream.stream_objects(repo.parent / "no-repository-here", [small])
    with pytest.raises(GitError, match="git cat-file stopped while reading"):
        next(objects)
    assert not _feeders()


# --- gitio/repo.py and gitio/commit.py (GitPython) ---------------------------------------------

def test_init_creates_a_repository_once(tmp_path: Path) -> None:
    target = tmp_path / "new"
    target.mkdir()
    assert gitrepo.init(target) is True and (target / ".git" / "HEAD").is_file()
    assert gitrepo.init(target) is False
    assert gitrepo.init(tmp_path / "release-first", "release") is True
    assert git(tmp_path / "release-first", "symbolic-ref", "HEAD").stdout == "refs/heads/release\n"


def test_config_is_read_as_git_reads_it_including_git_config_global(
        qms_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """GitPython's own config reader ignores GIT_CONFIG_GLOBAL; the signer must be who git commits as."""
    elsewhere = tmp_path / "other.gitconfig"
    elsewhere.write_text("[user]\n\tname = Elsewhere Person\n\temail = else@acme.example\n", encoding="utf-8")
    git(qms_repo, "config", "--unset", "user.name")
    git(qms_repo, "config", "--unset", "user.email")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(elsewhere))
    assert gitrepo.identity(qms_repo) == ("Elsewhere Person", "else@acme.example")
    assert gitrepo.config_value(qms_repo, "core.hooksPath") is None


def test_set_config_writes_the_repository_config_and_returns_the_old_value(qms_repo: Path) -> None:
    assert gitrepo.set_config(qms_repo, "core.hooksPath", "elsewhere") is None
    assert gitrepo.set_config(qms_repo, "core.hooksPath", "hooks") == "elsewhere"
    assert git(qms_repo, "config", "--local", "--get", "core.hooksPath").stdout == "hooks\n"


def test_a_folder_that_is_no_repository_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not a git repository") as caught:
        gitrepo.config_value(tmp_path, "user.name")
    assert caught.value.exit_code == 2


def test_is_committed_clean(qms_repo: Path) -> None:
    assert gitcommit.is_committed_clean(qms_repo, "qms.yml")
    assert not gitcommit.is_committed_clean(qms_repo, "controlled/missing.md")
    (qms_repo / "qms.yml").write_text("changed: true\n", encoding="utf-8")
    assert not gitcommit.is_committed_clean(qms_repo, "qms.yml")
    git(qms_repo, "add", "qms.yml")
    assert not gitcommit.is_committed_clean(qms_repo, "qms.yml")


def test_commit_file_commits_only_that_file_as_the_author(qms_repo: Path) -> None:
    commit(qms_repo, {"a.md": "a\n", "b.md": "b\n"}, "a and b")
    (qms_repo / "a.md").write_text("a2\n", encoding="utf-8")
    (qms_repo / "b.md").write_text("b2\n", encoding="utf-8")
    git(qms_repo, "add", "b.md")
    sha = gitcommit.commit_file(qms_repo, "a.md", "QP-001: sign", author="Jane Doe <jane@acme.example>", sign=False)
    assert git(qms_repo, "rev-parse", "HEAD").stdout.strip() == sha
    assert git(qms_repo, "show", "--name-only", "--format=%an <%ae>|%s", sha).stdout.split() == \
        ["Jane", "Doe", "<jane@acme.example>|QP-001:", "sign", "a.md"]
    assert git(qms_repo, "diff", "--cached", "--name-only").stdout == "b.md\n"  # still staged


def test_commit_file_runs_the_hooks_and_a_refusal_is_a_git_error_with_the_hooks_words(qms_repo: Path) -> None:
    hooks = qms_repo / "hooks"
    hooks.mkdir()
    (hooks / "pre-commit").write_text("#!/bin/sh\necho 'refused by the hook' >&2\nexit 1\n", encoding="utf-8")
    (hooks / "pre-commit").chmod(0o755)
    git(qms_repo, "config", "core.hooksPath", "hooks")
    (qms_repo / "qms.yml").write_text("changed: true\n", encoding="utf-8")
    head = git(qms_repo, "rev-parse", "HEAD").stdout
    with pytest.raises(GitError, match="git commit: refused by the hook"):
        gitcommit.commit_file(qms_repo, "qms.yml", "change", author="Jane Doe <jane@acme.example>", sign=False)
    assert git(qms_repo, "rev-parse", "HEAD").stdout == head
    assert git(qms_repo, "diff", "--cached", "--name-only").stdout == ""


def test_a_config_git_cannot_read_is_an_error_naming_it(qms_repo: Path) -> None:
    with (qms_repo / ".git" / "config").open("a", encoding="utf-8") as f:
        f.write("[broken\n")
    with pytest.raises(GitError, match="git config --get user.name: .*config"):
        gitrepo.identity(qms_repo)
