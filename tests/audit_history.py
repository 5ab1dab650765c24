"""Build document histories commit by commit, with explicit authors and dates, for the audit tests."""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest

from qms_docs.model.digest import content_digest
from tests.builders import APPROVERS, AUTHOR, PEOPLE, QMS_YML, TYPES, commit, git, render
from tests.site_fixture import isolated_env

T = TypeVar("T")

LI = ("Li Wei", "li@acme.example")
START = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
_CLOCKS: dict[Path, int] = {}


def tick(repo: Path) -> str:
    """The next commit date of this repository: one hour after the previous one, from 2026-01-05 09:00 UTC."""
    _CLOCKS[repo] = _CLOCKS.get(repo, 0) + 1
    return (START + dt.timedelta(hours=_CLOCKS[repo])).strftime("%Y-%m-%dT%H:%M:%SZ")


def init_qms_repo(repo: Path) -> Path:
    """A git repository with the SPEC's qms.yml committed by the quality manager."""
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "Test Runner")
    git(repo, "config", "user.email", "runner@acme.example")
    (repo / "controlled").mkdir()
    commit(repo, {"qms.yml": QMS_YML}, "Set up the QMS", author=PEOPLE["quality-manager"])
    return repo


def copy_history(source: Path, repo: Path) -> Path:
    """A private copy of a shared history (same commit ids, its own clock, no verification cache) to write to."""
    shutil.copytree(source, repo, symlinks=True, ignore=shutil.ignore_patterns("qms-cache"))
    _CLOCKS[repo] = _CLOCKS.get(source, 0)
    return repo


def _state(repo: Path) -> str:
    """What a test must leave as it found it: every ref, HEAD, the index and the files."""
    return "".join(git(repo, *args).stdout for args in (
        ("for-each-ref", "--format=%(refname) %(objectname)"), ("rev-parse", "HEAD"),
        ("status", "--porcelain", "--ignored", "--untracked-files=all")))


@contextlib.contextmanager
def read_only_history(factory: pytest.TempPathFactory, name: str, build: Callable[[Path], T]) -> Iterator[tuple[Path, T]]:
    """A history `build` makes once at a new path (in the isolated git environment each test gets), shared by
    the tests of a module or session that only read it. Teardown fails if a test changed it: a test that
    writes takes its own `copy_history`. (qms's verification cache in the git folder is not the history.)"""
    home = factory.mktemp(f"{name}-home")
    repo = factory.mktemp(name) / "repo"
    with isolated_env(home):
        made = build(repo)
        before = _state(repo)
    yield repo, made
    with isolated_env(home):
        assert _state(repo) == before, f"a test wrote to the shared history {repo}: give it a copy_history"


@dataclass
class Doc:
    """One document being written and signed in a repository; each method makes one commit."""

    repo: Path
    doc_id: str
    path: str
    title: str = ""
    revision: int = 1
    status: str = "draft"
    body: str = ""
    summary: str | None = None
    effective: dt.date = dt.date(2026, 3, 1)
    approvals: list[dict[str, Any]] = field(default_factory=list)

    @property
    def type(self) -> str:
        return TYPES[self.doc_id.split("-")[0]]

    def front(self) -> dict[str, Any]:
        front: dict[str, Any] = {"id": self.doc_id, "title": self.title or f"Document {self.doc_id}",
                                 "type": self.type, "revision": self.revision, "status": self.status,
                                 "owner": "Sam Author <sam@acme.example>", "effective_date": self.effective}
        if self.summary:
            front["change_summary"] = self.summary
        front["approvals"] = list(self.approvals)
        return front

    def text(self) -> str:
        return render(self.front(), self.body)

    def digest(self) -> str:
        return content_digest(self.front(), self.body)

    def save(self, message: str, author: tuple[str, str] = AUTHOR) -> str:
        return commit(self.repo, {self.path: self.text()}, message, author=author, date=tick(self.repo))

    def draft(self, body: str, summary: str | None = None, author: tuple[str, str] = AUTHOR) -> str:
        """Start a revision (the next one, unless this is the first draft)."""
        if self.body:
            self.revision += 1
        self.body, self.summary, self.status, self.approvals = body, summary, "draft", []
        return self.save(f"{self.doc_id}: revision {self.revision} for review", author)

    def entry(self, person: tuple[str, str], role: str) -> dict[str, Any]:
        return {"name": person[0], "email": person[1], "role": role, "meaning": "approved",
                "at": dt.datetime(2026, 2, 27, 14, self.revision, tzinfo=dt.UTC), "revision": self.revision,
                "digest": self.digest()}

    def sign(self, role: str, person: tuple[str, str] | None = None, author: tuple[str, str] | None = None,
             approve: bool | None = None) -> str:
        """Add a signature for `role` (by default its holder), committed by `author` (default: the signer)."""
        person = person or PEOPLE[role]
        self.approvals.append(self.entry(person, role))
        signed = {a["role"] for a in self.approvals}
        if approve if approve is not None else signed >= set(APPROVERS[self.type]):
            self.status = "approved"
        return self.save(f"{self.doc_id}: approve revision {self.revision} as {role}", author or person)

    def release(self, body: str, summary: str | None = None) -> list[str]:
        """A clean revision: drafted by the author, then signed by each required role in turn."""
        shas = [self.draft(body, summary)]
        shas += [self.sign(role) for role in APPROVERS[self.type]]
        return shas

    def edit(self, body: str, message: str, author: tuple[str, str] = AUTHOR) -> str:
        """Change the body and nothing else (the approvals stay: they become stale)."""
        self.body = body
        return self.save(message, author)

    def move(self, new_path: str, message: str) -> str:
        old, self.path = self.path, new_path
        (self.repo / new_path).parent.mkdir(parents=True, exist_ok=True)
        (self.repo / old).rename(self.repo / new_path)
        return commit(self.repo, {old: None, new_path: self.text()}, message, date=tick(self.repo))

    def withdraw(self, reason: str) -> str:
        self.revision += 1
        self.status, self.summary, self.approvals = "obsolete", reason, []
        return self.save(f"{self.doc_id}: withdrawn", PEOPLE["quality-manager"])


def body(n: int, extra: str = "") -> str:
    return f"# Purpose\n\nThe text of revision {n}. Records are kept for {n + 2} years.{extra}\n"


def build_manual(repo: Path) -> dict[str, Any]:
    """Three revisions of a procedure (moved into procedures/ before the third), a work instruction, and a
    form that was withdrawn (obsolete). Returns the commit ids of each step."""
    from tests.builders import doc_path

    qp = Doc(repo, "QP-001", "controlled/QP-001.md", title="Control of Documented Information")
    steps: dict[str, Any] = {"QP-001": [qp.release(body(1))]}
    steps["QP-001"].append(qp.release(body(2), "Retention periods added."))
    steps["move"] = qp.move(doc_path("QP-001"), "QP-001: move into procedures/")
    steps["QP-001"].append(qp.release(body(3), "Clarified scope."))
    wi = Doc(repo, "WI-001", doc_path("WI-001"), title="Deburring")
    steps["WI-001"] = [wi.release(body(1))]
    frm = Doc(repo, "FRM-001", doc_path("FRM-001"), title="Document Change Request")
    steps["FRM-001"] = [frm.release(body(1)), [frm.withdraw("Replaced by an electronic record.")]]
    return steps
