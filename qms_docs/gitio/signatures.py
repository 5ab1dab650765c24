"""Which commits carry a valid SSH signature, and by whom: git's own `gpg.format=ssh` verification."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from qms_docs.gitio import runner


@dataclass(frozen=True)
class CommitSignature:
    """A commit's valid SSH signature: the principals listed for its key, and the key's fingerprint."""

    principals: frozenset[str]  # lower-case
    fingerprint: str  # `SHA256:...`, as `ssh-keygen -l` prints it


def commit_signatures(root: Path, shas: Sequence[str], allowed_signers: bytes | None) -> dict[str, CommitSignature | None]:
    """sha -> the commit's valid signature by a key listed in `allowed_signers`, else None.

    `allowed_signers` is the content of an allowed-signers file (take it from the base commit, so
    that a push cannot list its own key); None means no key is trusted. One git process for all."""
    found: dict[str, CommitSignature | None] = dict.fromkeys(shas)
    if not shas or not allowed_signers:
        return found
    fd, path = tempfile.mkstemp(prefix="qms-allowed-signers-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(allowed_signers)
        out = runner.git(root, "-c", "gpg.format=ssh", "-c", f"gpg.ssh.allowedSignersFile={path}", "log",
                         "--no-walk=unsorted", "-z", "--format=%H%x00%G?%x00%GS%x00%GF", *dict.fromkeys(shas), "--")
    finally:
        os.unlink(path)
    fields = out.split(b"\0")
    for i in range(0, len(fields) - 3, 4):
        sha, status, signer, key = (f.decode("utf-8", "replace").strip() for f in fields[i:i + 4])
        principals = frozenset(p.strip().lower() for p in signer.split(",") if p.strip())
        if sha in found and status == "G" and principals:
            found[sha] = CommitSignature(principals, key)
    return found


def verified_signers(root: Path, shas: Sequence[str], allowed_signers: bytes | None) -> dict[str, str | None]:
    """sha -> the principals (comma-separated e-mails) whose listed key validly signed the commit, else None."""
    return {sha: ",".join(sorted(s.principals)) if s else None
            for sha, s in commit_signatures(root, shas, allowed_signers).items()}
