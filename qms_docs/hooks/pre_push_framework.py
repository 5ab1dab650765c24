"""pre-push under the pre-commit framework (`.pre-commit-hooks.yaml`, id `qms-push`).

The framework reads git's ref updates itself and hands a hook only the first one that pushes something
(PRE_COMMIT_LOCAL_BRANCH, _TO_REF, _REMOTE_BRANCH, _FROM_REF; no FROM_REF when the push starts a history),
so `git push origin feature main` would check `feature` alone. Every other update a push can make to a
protected branch is therefore checked too: each local branch named like a protected branch whose tip has
commits the remote's branch (as last fetched) lacks. A push that leaves such a local branch behind is judged
as if it pushed it (run the hooks of a branch you push, keep the protected branches you do not push clean:
`git switch main && git reset --keep origin/main`). A deletion the framework does not report (a push that
only deletes) reaches the server's pre-receive hook, which judges every update."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import BinaryIO

from qms_docs.changes.push import check_updates
from qms_docs.changes.refs import RefUpdate
from qms_docs.clock import today
from qms_docs.errors import UsageError
from qms_docs.gitio import changes, runner
from qms_docs.gitio import snapshots as snapshot

NULL = "0" * 40


def run(repo: Path | None, args: list[str], stdin: BinaryIO) -> tuple[int, str]:
    """The framework's update and every other update of a protected branch this push may make."""
    root = runner.find_root(repo)
    remote = os.environ.get("PRE_COMMIT_REMOTE_NAME", "")
    if not remote:
        raise UsageError("qms hook pre-push-framework: PRE_COMMIT_REMOTE_NAME is not set (the pre-commit framework "
                         "sets it for a pre-push hook); outside the framework use `qms hook pre-push REMOTE URL`")
    named, default = framework_update(root, os.environ), changes.remote_default_branch(root, remote)
    others = local_protected(root, remote, {u.ref for u in named})
    code, text = check_updates(root, "pre-push", named, default, today())
    more, said = check_updates(root, "pre-push", others, default, today())
    if more:
        said += (f"(the pre-commit framework tells qms only the first branch a push updates, so each local protected "
                 f"branch ahead of {remote}'s is judged as pushed: if this push leaves it behind, put it back "
                 f"first, e.g. `git branch -f main {remote}/main` from another branch)\n")
    return max(code, more), text + said


def framework_update(root: Path, env: Mapping[str, str]) -> list[RefUpdate]:
    """The one update the framework names (none when it names no branch)."""
    local, remote_ref = env.get("PRE_COMMIT_LOCAL_BRANCH", ""), env.get("PRE_COMMIT_REMOTE_BRANCH", "")
    new = env.get("PRE_COMMIT_TO_REF") or (runner.resolve(root, local) if local else None)
    if not remote_ref or not new:
        return []
    return [RefUpdate(remote_ref, env.get("PRE_COMMIT_FROM_REF") or NULL, new, local)]


def local_protected(root: Path, remote: str, known: set[str]) -> list[RefUpdate]:
    """A ref update for each local protected branch (qms.yml at HEAD) ahead of the remote's, as last fetched."""
    head = runner.resolve(root, "HEAD")
    if head is None:
        return []
    named = bool(runner.git(root, "config", "--get", f"remote.{remote}.url", check=False).strip())
    found = []
    for branch in snapshot.config_at(root, head).protected_branches:
        ref = f"refs/heads/{branch}"
        local = runner.resolve(root, ref)
        if local is None or ref in known:
            continue
        fetched = runner.resolve(root, f"refs/remotes/{remote}/{branch}")
        if fetched is None and not named:
            continue  # a URL: what it holds is unknown
        if fetched is not None and (fetched == local or changes.is_ancestor(root, local, fetched)):
            continue  # nothing of it to push
        found.append(RefUpdate(ref, fetched or NULL, local, ref))
    return found
