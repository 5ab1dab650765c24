"""`qms init`: scaffold a QMS repository; never overwrites a file."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from qms_docs.errors import UsageError
from qms_docs.files import write_atomic
from qms_docs.gitio import repo as gitrepo

HOOKS = ("pre-commit", "commit-msg", "pre-push", "pre-receive")
SCAFFOLD = {  # file in the repository -> template
    "qms.yml": "qms.yml",
    "mkdocs.yml": "mkdocs.yml",
    ".gitignore": "gitignore",
    "controlled/.gitkeep": "controlled.gitkeep",
    **{f"hooks/{h}": f"hooks/{h}" for h in HOOKS},
}


def template(name: str) -> bytes:
    return resources.files("qms_docs.templates").joinpath("scaffold", name).read_bytes()


def run(path: Path) -> tuple[list[str], list[str]]:
    """(created, kept) repository paths; `git init` first when PATH is not yet a repository."""
    if path.exists() and not path.is_dir():
        raise UsageError(f"{path}: not a folder")
    path.mkdir(parents=True, exist_ok=True)
    gitrepo.init(path)
    created, kept = [], []
    for target, source in SCAFFOLD.items():
        dest = path / target
        if dest.exists():
            kept.append(target)
            continue
        write_atomic(dest, template(source), create=True)
        if target.startswith("hooks/"):
            dest.chmod(dest.stat().st_mode | 0o111)
        created.append(target)
    return created, kept
