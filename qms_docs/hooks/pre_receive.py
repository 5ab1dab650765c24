"""pre-receive (server side, in a bare repository): guard every update of a protected branch.

Runs inside git's push quarantine: the pushed objects are visible only through GIT_OBJECT_DIRECTORY
and GIT_ALTERNATE_OBJECT_DIRECTORIES, which every git call inherits (the environment is never cleaned)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

from qms_docs.changes.push import check_updates
from qms_docs.changes.refs import parse_ref_updates
from qms_docs.clock import today
from qms_docs.gitio import changes


def run(repo: Path | None, args: list[str], stdin: BinaryIO) -> tuple[int, str]:
    """stdin: `<old oid> <new oid> <ref>` lines. A new protected branch is judged against the default branch."""
    root = (repo or Path(os.environ.get("GIT_DIR") or ".")).resolve()
    updates = parse_ref_updates(stdin.read(), "pre-receive")
    return check_updates(root, "pre-receive", updates, changes.default_branch(root), today())
