"""`qms check`: the static rules on one snapshot, plus the change rules against a base."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from qms_docs.changes.branches import note_unguarded
from qms_docs.errors import UsageError
from qms_docs.gitio import snapshots as snapshot
from qms_docs.model.snapshot import Snapshot
from qms_docs.rules import STATIC_RULES, engine
from qms_docs.rules.base import Context, Finding


def load_head(root: Path, *, staged: bool = False, head: str | None = None) -> Snapshot:
    if staged and head:
        raise UsageError("use either --staged or --head, not both")
    if staged:
        return snapshot.from_index(root)
    if head:
        return snapshot.from_commit(root, head)
    return snapshot.from_worktree(root)


def run(root: Path, today: dt.date, *, staged: bool = False, head: str | None = None,
        base: str | None = None) -> list[Finding]:
    """Findings for the chosen snapshot; with a base, the change rules too (roles from the base)."""
    current = load_head(root, staged=staged, head=head)
    if head is None:  # a working copy (not CI on a commit): is its branch guarded at all?
        note_unguarded(root, current.config.protected_branches)
    if base is None:
        return engine.run(Context(current, today), STATIC_RULES)
    from qms_docs.changes.compare import run as check_change  # history reading: only when needed

    return check_change(root, current, base, today)
