"""`qms report --out FILE.html [--since DATE]`: a self-contained audit report, read from one history pass."""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from qms_docs.commands import list_, review_due
from qms_docs.commands.verify import resolve
from qms_docs.files import write_atomic
from qms_docs.gitio import log as gitlog
from qms_docs.gitio import snapshots as snapshot
from qms_docs.model.document import Status
from qms_docs.records import evidence
from qms_docs.records import report_html as audit_html
from qms_docs.records.configs import Policies
from qms_docs.records.history import History, Revision
from qms_docs.records.verify import load_revisions, verify


def subjects(root: Path, shas: list[str]) -> dict[str, str]:
    """The first line of each commit message, read through one pipelined cat-file."""
    return {sha: evidence.subject(message) for sha, message in gitlog.messages(root, shas).items()}


def last_approved(revisions: list[Revision]) -> tuple[Revision | None, Revision | None]:
    """(the newest revision up to its last approved version, the current revision when it differs)."""
    for revision in reversed(revisions):
        index = max((i for i, (_, d) in enumerate(revision.versions) if d.status is Status.APPROVED), default=None)
        if index is not None:
            current = revisions[-1] if revisions[-1] is not revision or index < len(revision.versions) - 1 else None
            return Revision(revision.number, revision.versions[:index + 1]), current
    return None, revisions[-1] if revisions else None


def document_evidence(history: History, revisions: dict[str, list[Revision]], policies: Policies) -> list[dict[str, Any]]:
    """Per document at HEAD: the signatures of its newest approved revision, the commits that added them and how
    each is proven (`policies`: the qms.yml in force, as `verify` trusted it)."""
    rows: list[dict[str, Any]] = []
    approved: list[Revision | None] = []
    for key, versions in history.lineages.items():
        if not versions or versions[-1].blob is None or not revisions.get(key):
            continue
        last, current = last_approved(revisions[key])
        latest = (last or current)
        assert latest is not None
        _, doc = latest.last
        _, now = revisions[key][-1].last
        pending = f"current state: revision {current.number}, {now.meta.get('status')}" if current else ""
        rows.append({"id": now.key or key, "title": now.title, "path": versions[-1].path,
                     "revision": last.number if last else None, "status": doc.meta.get("status"),
                     "effective_date": doc.effective_date, "pending": pending, "signatures": []})
        approved.append(last)
    signed = [(row, r) for row, r in zip(rows, approved, strict=True) if r is not None]
    for (row, _), found in zip(signed, evidence.signatures(history.root, [r for _, r in signed], policies), strict=True):
        row["signatures"] = found
    return sorted(rows, key=lambda r: (r["id"], r["path"]))


def changes_since(history: History, revisions: dict[str, list[Revision]], since: dt.date | None) -> list[dict[str, Any]]:
    """Commits that changed documents on or after `since` (author date, UTC), newest first."""
    touched: dict[str, list[dict[str, Any]]] = {}
    for groups in revisions.values():
        for revision in groups:
            for version, doc in revision.versions:
                touched.setdefault(version.commit.sha, []).append(
                    {"id": doc.id, "revision": doc.revision, "status": doc.meta.get("status"),
                     "summary": doc.change_summary if doc.revision != 1 else None, "path": version.path})
    for versions in history.lineages.values():
        for version in versions:
            if version.blob is None:
                touched.setdefault(version.commit.sha, []).append(
                    {"id": version.path, "revision": "-", "status": "deleted", "summary": None, "path": version.path})
    rows = []
    for commit in reversed(history.commits):
        if commit.sha in touched and (since is None or commit.authored.date() >= since):
            rows.append({**evidence.commit_record(commit, {}),
                         "documents": sorted(touched[commit.sha], key=lambda d: str(d["id"]))})
    return rows


@contextlib.contextmanager
def _progress() -> Iterator[Any]:
    """A rich progress bar on a terminal's stderr; silent otherwise (pipes, CI, tests)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True, disable=not sys.stderr.isatty()) as bar:
        yield bar


def run(root: Path, since: dt.date | None, out: Path, today: dt.date) -> str:
    """Gather everything, write the report atomically, and say what it holds."""
    head = resolve(root, "HEAD")
    documents_dir = snapshot.config_at(root, head).documents_dir
    with _progress() as bar, History.load(root, [head], documents_dir) as history, Policies(root) as policies:
        task = bar.add_task("Reading the history", total=None)
        revisions = load_revisions(history, lambda n, total: bar.update(task, completed=n, total=total))
        bar.update(task, description="Verifying signatures")
        outcome = verify(history, revisions, policies, head)
        bar.update(task, description="Collecting evidence")
        docs = document_evidence(history, revisions, policies)
        period = changes_since(history, revisions, since)
        shas = list(dict.fromkeys([r["sha"] for r in period]))
        found = subjects(root, shas)
    for row in period:
        row["subject"] = found.get(row["sha"], "")
    overdue = [r for r in review_due.rows(root, today) if r["days_overdue"] > 0]
    data = audit_html.ReportData(root.resolve().name, head, today, since, list_.rows(root, today), docs, period,
                                 overdue, outcome, notes=outcome.notes)
    write_atomic(out, audit_html.render(data).encode("utf-8"))
    n = len(outcome.failures)
    verdict = "history verified" if outcome.ok else f"history verification FAILED ({_count(n, 'problem')})"
    return (f"wrote {out}: {_count(len(data.documents), 'document')}, {_count(len(period), 'change')}, "
            f"{_count(len(overdue), 'overdue review')}; {verdict}")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"
