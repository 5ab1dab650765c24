"""`qms install-hooks [--server GIT_DIR]`."""

from __future__ import annotations

from pathlib import Path

from qms_docs.errors import UsageError
from qms_docs.hooks.install import install_client, install_server


def run(root: Path | None, server: Path | None) -> str:
    """Client: core.hooksPath -> hooks/. Server: the pre-receive hook of a bare repository."""
    if server is not None:
        return "\n".join(install_server(server))
    if root is None:
        raise UsageError("install-hooks: give --repo or --server GIT_DIR")
    return "\n".join(install_client(root))
