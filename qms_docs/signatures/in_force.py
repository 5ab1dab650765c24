"""The allowed-signers file in force: at one commit, or at many at once (one `cat-file --batch-check` for all of
them, each distinct file read and parsed once: a history has thousands of commits and a handful of files)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from qms_docs.config import Config
from qms_docs.gitio import runner
from qms_docs.signatures.allowed_signers import AllowedSigners
from qms_docs.signatures.policy import signers_of


def allowed_signers(reader: runner.BlobReader, rev: str, config: Config) -> AllowedSigners:
    """The allowed-signers file `config` names, as commit `rev` holds it (the one in force for a change based there)."""
    return signers_of(reader.read(f"{rev}:{config.signing.allowed_signers}"))


def signers_at(root: Path, specs: Mapping[str, str]) -> dict[str, AllowedSigners]:
    """Commit sha -> the allowed-signers file at `REV:PATH` spec given for it (empty when absent)."""
    return {sha: signers_of(data) for sha, data in files_at(root, specs).items()}


def files_at(root: Path, specs: Mapping[str, str]) -> dict[str, bytes | None]:
    """Commit sha -> the content of the file at the `REV:PATH` spec given for it (None when absent); one
    `cat-file --batch-check` for all, each distinct file read once."""
    shas = list(specs)
    if not shas:
        return {}
    # --buffer: git writes its answers in blocks, not one write (and one read here) per line (half the CPU)
    out = runner.git(root, "cat-file", "--batch-check", "--buffer",
                     input=("\n".join(specs[s] for s in shas) + "\n").encode())
    oids = [fields[0] if len(fields) == 3 and fields[1] == "blob" else None  # "<oid> blob <size>", or "... missing"
            for fields in (line.split() for line in out.decode("utf-8", "replace").splitlines())]
    read: dict[str | None, bytes | None] = {None: None}
    with runner.BlobReader(root) as reader:
        for oid in dict.fromkeys(o for o in oids if o is not None):
            read[oid] = reader.read(oid)
    return {sha: read[oid] for sha, oid in zip(shas, oids, strict=False)}
