"""`qms check --base REF`: the static and change rules between a base commit and a new snapshot.

Roles and rules come from the base's qms.yml (SPEC 3), for every rule: a change cannot grant its
author a role and then use it. History facts come from one `git log` pass over base..head.

When the new snapshot is the working tree or the index, head is HEAD plus the uncommitted state:
the committed part of the range is judged fully; an approval entry or a qms.yml edit that exists
only in the uncommitted state has no commit (and so no author or SSH signature) yet, and is
judged when it is committed (the pre-commit hook) and pushed (pre-push, pre-receive, CI)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from qms_docs import engine, snapshot
from qms_docs.commands import change_facts
from qms_docs.config import Config
from qms_docs.errors import UsageError
from qms_docs.gitio import changes, runner
from qms_docs.gitio import log as gitlog
from qms_docs.history import History
from qms_docs.rules import STATIC_RULES
from qms_docs.rules.base import Context, Finding
from qms_docs.rules.change import CHANGE_RULES
from qms_docs.rules.config_change import trusted_files
from qms_docs.rules.revisions import match_documents


def comparison_base(root: Path, base: str, head: str | None) -> str:
    """The commit to compare documents with: `base`, or the merge base when head does not contain it
    (a branch behind its target must not be blamed for the target's newer changes)."""
    if head is None or changes.is_ancestor(root, base, head):
        return base
    return changes.merge_base(root, base, head) or base


def base_snapshot(root: Path, rev: str, config: Config, current: snapshot.Snapshot,
                  changed: set[str]) -> snapshot.Snapshot:
    """The documents at `rev`; a file the change left as it was is taken from `current`, not parsed again."""
    same = current.by_path()
    unreadable = {e.path: e for e in current.broken}
    entries = [e for e in runner.list_tree(root, rev, config.documents_dir) if snapshot.is_document(e[0], config.documents_dir)]
    kept = {e[0] for e in entries if e[0] not in changed and (e[0] in same or e[0] in unreadable)}
    with runner.BlobReader(root) as reader:
        parsed = snapshot.build("", config, ((path, reader.read(oid) or b"") for path, oid in entries
                                             if path not in kept))
    documents = sorted([*parsed.documents, *(same[p] for p in kept if p in same)], key=lambda d: d.path)
    broken = (*parsed.broken, *(unreadable[p] for p in kept if p in unreadable))
    return snapshot.Snapshot(f"commit {rev[:12]}", config, tuple(documents), broken, rev)


def run(root: Path, current: snapshot.Snapshot, base: str, today: dt.date, *,
        branch: str | None = None, facts: Mapping[str, Any] | None = None) -> list[Finding]:
    """Findings of STATIC_RULES + CHANGE_RULES for `current` against `base`, judged with the base's config.

    `branch`: the branch the change goes to (QMS014 applies to protected ones); by default the
    branch `base` names, and a base that names no branch (a commit id, HEAD~3) counts as protected.
    `facts`: more facts from a hook (the ref update of a push)."""
    base_commit = runner.resolve(root, base)
    if base_commit is None:
        raise UsageError(f"--base {base}: not a commit in this repository (in CI, fetch it: fetch-depth: 0)")
    head_commit = current.commit or runner.resolve(root, "HEAD")
    doc_base = comparison_base(root, base_commit, head_commit)
    config = snapshot.config_at(root, base_commit)
    current = replace(current, config=config)
    target = branch or changes.branch_of(root, base)
    head_spec = current.commit or (changes.INDEX if current.label == snapshot.INDEX else changes.WORKTREE)
    diff = changes.changed_files(root, doc_base, head_spec, (config.documents_dir,))
    old = base_snapshot(root, doc_base, config, current, {c.old_path for c in diff})
    ctx = Context(current, today, old, {
        "renames": {c.old_path: c.path for c in diff if c.status == "R"},
        "protected": target is None or target in config.protected_branches,
    })
    gathered: dict[str, Any] = {}
    if head_commit is not None and head_commit != doc_base:
        gathered = _history_facts(root, ctx, (doc_base, base_commit), head_commit, committed=current.commit is not None)
    ctx = replace(ctx, facts={**ctx.facts, **gathered, **(facts or {})})
    return engine.run(ctx, STATIC_RULES + CHANGE_RULES)


def _history_facts(root: Path, ctx: Context, revs: tuple[str, str], head: str, *, committed: bool) -> dict[str, Any]:
    """One `git log` pass over the range: who added each new signature, who wrote it, who changed qms.yml."""
    config = ctx.config
    paths = trusted_files(config)
    commits = gitlog.log(root, [f"{revs[0]}..{head}"], [config.documents_dir, *paths])
    matching = match_documents(ctx)
    documents = [*matching.pairs, *((None, d) for d in matching.added)]
    with History(root, commits, config.documents_dir) as history:
        facts = change_facts.signature_facts(root, config, history, revs, committed, documents)
    return {**facts, "config_commits": tuple(change_facts.config_commits(commits, paths))}
