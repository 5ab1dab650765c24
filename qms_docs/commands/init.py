"""`qms init`: scaffold a QMS repository; never overwrites a file."""

from __future__ import annotations

from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

from qms_docs import branches
from qms_docs.config import CONFIG_FILE, parse_config
from qms_docs.errors import ConfigError, UsageError
from qms_docs.files import write_atomic
from qms_docs.gitio import repo as gitrepo

HOOKS = ("pre-commit", "commit-msg", "pre-push", "pre-merge-commit", "pre-receive")
SCAFFOLD = {  # file in the repository -> template
    "qms.yml": "qms.yml",
    "mkdocs.yml": "mkdocs.yml",
    ".gitignore": "gitignore",
    "controlled/.gitkeep": "controlled.gitkeep",
    **{f"hooks/{h}": f"hooks/{h}" for h in HOOKS},
}


def template(name: str) -> bytes:
    return resources.files("qms_docs.templates").joinpath("scaffold", name).read_bytes()


@dataclass(frozen=True)
class Scaffolded:
    created: list[str]
    kept: list[str]
    warnings: list[str]


def protected_branches(path: Path) -> tuple[str, ...]:
    """The protected branches of the qms.yml that will be in PATH: the one there, else the template's."""
    existing = path / CONFIG_FILE
    try:
        return parse_config(existing.read_text(encoding="utf-8")).protected_branches
    except (OSError, UnicodeDecodeError, ConfigError):
        return parse_config(template("qms.yml").decode("utf-8")).protected_branches


def git_init(path: Path) -> Scaffolded:
    """A new repository starts on the first protected branch; an existing one on an unguarded branch is told so."""
    protected = protected_branches(path)
    if gitrepo.init(path, protected[0] if protected else None):
        on = f" (on branch {protected[0]}, protected in qms.yml)" if protected else ""
        return Scaffolded([f".git{on}"], [], [])
    found = branches.read(path)
    note = branches.unguarded(replace(found, current=branches.current_branch(path)), protected, need_remote=False)
    return Scaffolded([], [], [note] if note else [])


def run(path: Path) -> Scaffolded:
    """The repository paths created and kept; `git init` first when PATH is not yet a repository."""
    if path.exists() and not path.is_dir():
        raise UsageError(f"{path}: not a folder")
    path.mkdir(parents=True, exist_ok=True)
    result = git_init(path)
    created, kept = result.created, result.kept
    for target, source in SCAFFOLD.items():
        dest = path / target
        if dest.exists():
            kept.append(target)
            continue
        write_atomic(dest, template(source), create=True)
        if target.startswith("hooks/"):
            dest.chmod(dest.stat().st_mode | 0o111)
        created.append(target)
    return result
