"""pre-push: the server's checks, run before the push leaves the machine (for each protected branch pushed)."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from qms_docs.changes.push import check_updates
from qms_docs.changes.refs import parse_ref_updates
from qms_docs.clock import today
from qms_docs.gitio import changes, runner


def run(repo: Path | None, args: list[str], stdin: BinaryIO) -> tuple[int, str]:
    """args: the remote's name and URL; stdin: `<local ref> <local oid> <remote ref> <remote oid>` lines.

    A new protected branch is judged against the remote's default branch as last fetched."""
    root = runner.find_root(repo)
    remote = args[0]
    updates = parse_ref_updates(stdin.read(), "pre-push")
    return check_updates(root, "pre-push", updates, changes.remote_default_branch(root, remote), today())
