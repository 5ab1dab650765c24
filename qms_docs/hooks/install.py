"""Install the hooks: the committed shims through core.hooksPath, or the pre-receive hook of a server."""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path

from qms_docs.commands.init import HOOKS, template
from qms_docs.errors import UsageError
from qms_docs.files import write_atomic
from qms_docs.gitio import repo as gitrepo
from qms_docs.gitio import runner

MARKER = "# qms-docs-server-hook"
SERVER_HOOK = """#!/bin/sh
{marker}: installed by `qms install-hooks --server`; run it again to update this file.
# A pre-receive hook that was here before runs first (pre-receive.legacy); if it refuses, so does this.
python={python}
legacy="$(dirname "$0")/pre-receive.legacy"
if [ -x "$legacy" ]; then
    input=$(mktemp) || exit 1
    trap 'rm -f "$input"' EXIT
    cat >"$input"
    "$legacy" "$@" <"$input" || exit $?
    "$python" -m qms_docs hook pre-receive "$@" <"$input"
    exit $?
fi
exec "$python" -m qms_docs hook pre-receive "$@"
"""


def is_our_script(path: Path) -> bool:
    try:
        return MARKER in path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def install_client(root: Path) -> list[str]:
    """Point core.hooksPath at the committed shims in hooks/ (restoring any shim that is missing)."""
    done = []
    for name in HOOKS:
        shim = root / "hooks" / name
        if not shim.exists():
            write_atomic(shim, template(f"hooks/{name}"), create=True)
            done.append(f"created hooks/{name}")
        if not os.access(shim, os.X_OK):
            shim.chmod(shim.stat().st_mode | 0o111)
            done.append(f"made hooks/{name} executable")
    old = gitrepo.set_config(root, "core.hooksPath", "hooks")
    done.append("core.hooksPath = hooks" + (f" (was {old})" if old and old != "hooks" else "")
                + ": git now runs the pre-commit, commit-msg and pre-push checks of qms-docs")
    if shutil.which("qms") is None:
        done.append("warning: `qms` is not on PATH, and the hooks call it; install qms-docs where git can find it")
    return done


def install_server(git_dir: Path) -> list[str]:
    """Install the pre-receive hook into a bare repository; a foreign hook is kept and runs first."""
    if not git_dir.is_dir():
        raise UsageError(f"--server {git_dir}: no such folder")
    bare = runner.git(git_dir, "rev-parse", "--is-bare-repository", check=False).decode().strip()
    if bare != "true":
        what = "not a git repository" if not bare else "not a bare repository (give the server's GIT_DIR)"
        raise UsageError(f"--server {git_dir}: {what}")
    hooks = (git_dir / runner.git_text(git_dir, "rev-parse", "--git-path", "hooks").strip()).resolve()
    target, legacy = hooks / "pre-receive", hooks / "pre-receive.legacy"
    done = []
    if target.exists() and not is_our_script(target):
        if legacy.exists():
            raise UsageError(f"{target}: a pre-receive hook exists and so does {legacy.name}; "
                             f"merge them by hand, then run this again")
        os.replace(target, legacy)
        done.append(f"kept the existing hook as {legacy}; it runs first")
    script = SERVER_HOOK.format(marker=MARKER, python=shlex.quote(sys.executable))
    write_atomic(target, script.encode("utf-8"))
    target.chmod(0o755)
    done.append(f"installed {target} (runs {sys.executable} -m qms_docs hook pre-receive)")
    return done
