"""The checks of one update of a protected branch, shared by pre-push (client) and pre-receive (server)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from qms_docs.changes import compare as change_check
from qms_docs.changes.refs import RefUpdate
from qms_docs.changes.verdict import verdict
from qms_docs.config import Config
from qms_docs.errors import ConfigError
from qms_docs.gitio import changes, runner
from qms_docs.gitio import snapshots as snapshot
from qms_docs.model.snapshot import Snapshot
from qms_docs.rules import STATIC_RULES, engine
from qms_docs.rules.base import Context, Finding, Scope, in_scope
from qms_docs.rules.change import CHANGE_RULES
from qms_docs.rules.facts import ChangeFacts, RefChange


def base_of(root: Path, update: RefUpdate, default: str | None) -> str | None:
    """The commit an update is judged against: the old tip, or for a new branch the default branch's tip
    (None when there is none: a first push is checked by the static rules only)."""
    if not update.created:
        return runner.resolve(root, update.old) or update.old
    return runner.resolve(root, default) if default and default != update.ref else None


def judging_config(root: Path, update: RefUpdate, base: str | None) -> Config:
    """The qms.yml that says which branches are protected: the base's, else the pushed commit's, else HEAD's."""
    for rev in (base, None if update.deleted else update.new, "HEAD"):
        if rev and runner.resolve(root, rev):
            return snapshot.config_at(root, rev)
    raise ConfigError(f"{update.ref}: no qms.yml to judge this push by")


def check_update(root: Path, update: RefUpdate, base: str | None, config: Config, day: dt.date) -> list[Finding]:
    """QMS060 for a deletion or rewrite, then the static and change rules of the new tip against the base."""
    known = base is not None and runner.resolve(root, base) is not None
    fast_forward = update.created or (known and changes.is_ancestor(root, update.old, update.new))
    rewrite = ChangeFacts(ref_changes=(RefChange(update.ref, update.old, update.new, fast_forward, update.deleted),))
    if update.deleted or (base is not None and not known):  # deleted, or the remote moved on (fetch first)
        return engine.run(Context(Snapshot(update.ref, config, ()), day, None, rewrite),
                          in_scope(CHANGE_RULES, Scope.PUSH))
    snapshot.config_at(root, update.new)  # a broken qms.yml is refused (ConfigError), never let onto the branch
    if base is None:
        return engine.run(Context(snapshot.from_commit(root, update.new), day), STATIC_RULES)
    current = snapshot.from_commit(root, update.new, config)
    return change_check.run(root, current, base, day, branch=update.branch, facts=rewrite)


def check_updates(root: Path, hook: str, updates: Sequence[RefUpdate], default: str | None,
                  day: dt.date) -> tuple[int, str]:
    """Every update of a protected branch is checked; one refused update refuses the push."""
    code, text = 0, ""
    for update in updates:
        if update.branch is None:
            continue
        base = base_of(root, update, default)
        config = judging_config(root, update, base)
        if update.branch not in config.protected_branches:
            continue
        result, out = verdict(hook, check_update(root, update, base, config, day), f"push to {update.ref} refused")
        code, text = max(code, result), text + out
    return code, text
