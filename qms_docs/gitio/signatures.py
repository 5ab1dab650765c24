"""Which commits carry a valid SSH signature, and by whom: git's own `gpg.format=ssh` verification."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from qms_docs.gitio import runner


def verified_signers(root: Path, shas: Sequence[str], allowed_signers: bytes | None) -> dict[str, str | None]:
    """sha -> the principal (e-mail) whose listed key validly signed the commit, else None.

    `allowed_signers` is the content of an allowed-signers file (take it from the base commit, so
    that a push cannot list its own key); None means no key is trusted. One git process for all."""
    found: dict[str, str | None] = dict.fromkeys(shas)
    if not shas or not allowed_signers:
        return found
    fd, path = tempfile.mkstemp(prefix="qms-allowed-signers-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(allowed_signers)
        out = runner.git(root, "-c", "gpg.format=ssh", "-c", f"gpg.ssh.allowedSignersFile={path}",
                         "log", "--no-walk=unsorted", "-z", "--format=%H%x00%G?%x00%GS", *dict.fromkeys(shas), "--")
    finally:
        os.unlink(path)
    fields = out.split(b"\0")
    for i in range(0, len(fields) - 2, 3):
        sha, status, signer = (f.decode("utf-8", "replace").strip() for f in fields[i:i + 3])
        if sha in found and status == "G" and signer:
            found[sha] = signer
    return found
