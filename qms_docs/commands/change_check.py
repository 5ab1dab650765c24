"""`qms check --base REF`: the static and change rules between a base commit and a new snapshot.

Roles and rules come from the base's qms.yml (SPEC 3), for every rule: a change cannot grant its
author a role and then use it. Every commit of base..head is judged (`qms_docs.changes.range`).

When the new snapshot is the working tree or the index, head is HEAD plus the uncommitted state:
the committed part of the range is judged fully; an approval entry or a qms.yml edit that exists
only in the uncommitted state has no commit (and so no author or SSH signature) yet, and is
judged when it is committed (the pre-commit hook) and pushed (pre-push, pre-receive, CI)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from qms_docs import engine, snapshot
from qms_docs.changes.range import judge_range
from qms_docs.config import Config
from qms_docs.errors import UsageError
from qms_docs.gitio import changes, runner
from qms_docs.rules import STATIC_RULES
from qms_docs.rules.base import Context, Finding, Scope, in_scope
from qms_docs.rules.change import CHANGE_RULES
from qms_docs.rules.facts import ChangeFacts


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
        branch: str | None = None, facts: ChangeFacts | None = None) -> list[Finding]:
    """Findings for `current` against `base`, judged with the base's config: the static rules on the
    head, and the change and history rules on every commit of the range (`qms_docs.changes.range`).

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
    ctx = Context(current, today, old, replace(
        facts or ChangeFacts(), renames={c.old_path: c.path for c in diff if c.status == "R"},
        protected=target is None or target in config.protected_branches))
    end_rules = [*STATIC_RULES, *in_scope(CHANGE_RULES, Scope.PUSH)]
    if head_commit is None:  # nothing committed yet: the uncommitted state is the whole change
        return engine.run(ctx, [*end_rules, *in_scope(CHANGE_RULES, Scope.CHANGE)])
    uncommitted = None if current.commit is not None else current
    per_commit = judge_range(root, ctx, (doc_base, base_commit), head_commit, uncommitted)
    findings = {*per_commit, *engine.run(ctx, end_rules)}
    return sorted(findings, key=lambda f: (f.path, f.line or 0, f.code, f.message))
