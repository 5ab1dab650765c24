"""The files `qms init` scaffolds and `qms install-hooks` installs, shipped as package data."""

from __future__ import annotations

from importlib import resources

HOOKS = ("pre-commit", "commit-msg", "pre-push", "pre-merge-commit", "pre-receive")


def template(name: str) -> bytes:
    """The bytes of a scaffold template (`qms.yml`, `mkdocs.yml`, `hooks/pre-commit`, ...)."""
    return resources.files("qms_docs.templates").joinpath("scaffold", name).read_bytes()
