"""Install the hooks: the committed shims through core.hooksPath, or the pre-receive hook of a server."""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path

from qms_docs import branches
from qms_docs.commands.init import HOOKS, template
from qms_docs.config import load_config
from qms_docs.errors import ConfigError, QmsError, UsageError
from qms_docs.files import write_atomic
from qms_docs.gitio import repo as gitrepo
from qms_docs.gitio import runner

MARKER = "# qms-docs-server-hook"
SHIM_MARKER = "qms-docs-shim"
CHAINS = "--git-common-dir"  # what a shim that runs the local hook of its name first contains
PRE_COMMIT_FRAMEWORK = ("pre-commit.com", "ID: 138fd403")  # what the pre-commit framework's hook scripts carry
FRAMEWORK_CONFIG = ".pre-commit-config.yaml"
FRAMEWORK_HINT = """this repository uses the pre-commit framework, which runs the git hooks itself: `qms install-hooks`
would set core.hooksPath, and `pre-commit install` then refuses ("Cowardly refusing...").
Add the qms-docs hooks to {config} instead:
  - repo: https://github.com/<owner>/qms-docs
    rev: v<release>   # a release tag
    hooks: [{{id: qms-check}}, {{id: qms-commit-msg}}, {{id: qms-merge-ids}}, {{id: qms-push}}]
then run `pre-commit install --hook-type pre-commit --hook-type commit-msg --hook-type pre-merge-commit --hook-type pre-push`"""
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


class HooksRefused(QmsError):
    """core.hooksPath would silently switch off hooks that are installed now."""


def local_hooks(root: Path) -> dict[str, Path]:
    """name -> file of each hook git runs today from the repository's own hooks folder (not samples)."""
    folder = root / runner.git_text(root, "rev-parse", "--git-common-dir").strip() / "hooks"
    if not folder.is_dir():
        return {}
    return {p.name: p for p in sorted(folder.iterdir())
            if p.is_file() and os.access(p, os.X_OK) and not p.name.endswith(".sample")
            and not _ours(p.read_text(encoding="utf-8", errors="replace"))}


def _ours(text: str) -> bool:
    return SHIM_MARKER in text or MARKER in text


def check_coexistence(root: Path) -> list[str]:
    """Refuse when core.hooksPath would switch off hooks in use; the lines saying which hooks are chained."""
    found = local_hooks(root)
    framework = (root / FRAMEWORK_CONFIG).exists() or any(
        m in p.read_text(encoding="utf-8", errors="replace") for p in found.values() for m in PRE_COMMIT_FRAMEWORK)
    if framework:
        raise HooksRefused("install-hooks: " + FRAMEWORK_HINT.format(config=FRAMEWORK_CONFIG))
    old = gitrepo.config_value(root, "core.hooksPath")
    if old and Path(old) not in (Path("hooks"), root / "hooks"):
        raise HooksRefused(f"install-hooks: core.hooksPath is already {old}; its hooks would stop running. "
                           f"Copy them into hooks/ (or call them from the qms-docs shims), then "
                           f"`git config --unset core.hooksPath` and run this again")
    lost = sorted(n for n in found if n not in HOOKS or not _chains(root / "hooks" / n))
    if lost:
        raise HooksRefused(f"install-hooks: core.hooksPath would switch off {', '.join(f'.git/hooks/{n}' for n in lost)} "
                           f"(no qms-docs shim in hooks/ runs it). Move each into hooks/ (committed: it then runs "
                           f"for everyone) or delete it, then run this again")
    done = []
    for name in found:
        shim = root / "hooks" / name
        if shim.exists() and CHAINS not in shim.read_text(encoding="utf-8", errors="replace"):
            write_atomic(shim, template(f"hooks/{name}"))
            done.append(f"updated hooks/{name} to the current qms-docs shim, which runs .git/hooks/{name} first; commit it")
        done.append(f"kept .git/hooks/{name}: the qms-docs shim runs it first")
    return done


def _chains(shim: Path) -> bool:
    """Whether hooks/NAME is (or will be) a qms-docs shim that can run the local hook of its name first."""
    if not shim.exists():
        return True  # written from the template below
    text = shim.read_text(encoding="utf-8", errors="replace")
    return CHAINS in text or SHIM_MARKER in text  # an older qms-docs shim is brought up to date


def install_client(root: Path) -> list[str]:
    """Point core.hooksPath at the committed shims in hooks/ (restoring any shim that is missing).

    A hook already in .git/hooks keeps running: the shim of the same name runs it first. Hooks that
    cannot be chained, another core.hooksPath, or the pre-commit framework make it refuse instead."""
    done = check_coexistence(root)
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
    try:
        note = branches.warning(root, load_config(root).protected_branches)
    except ConfigError:
        note = None
    return [*done, note.rstrip("\n")] if note else done


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
