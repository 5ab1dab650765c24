"""The verification cache's files: in the git folder, each bound to the repository by an HMAC.

`git rev-parse --git-common-dir`/qms-cache/ holds a random 32-byte key (mode 0600, made on first use) and
files whose content is accepted only when their HMAC-SHA256 (over the file's name and body) is the key's:
a tampered file, one copied from another repository, a corrupt or half-written one is not read (then
rewritten). A JSON file carries its MAC on its first line; the append-only commit log's MAC and length are
kept in the JSON file that refers to it, so that a log extended by another process, or cut short, is not
read either. Writes are atomic (a temporary file renamed over the old one) or appends; any failure to read
or write only costs speed: the cache is never needed, and never evidence."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qms_docs.errors import GitError
from qms_docs.gitio import runner

FOLDER = "qms-cache"
KEY_FILE = "key"


@dataclass(frozen=True)
class Store:
    """The cache folder and its MAC key."""

    folder: Path
    key: bytes

    def mac(self, name: str, body: bytes = b"") -> Any:
        """An HMAC over the file's name and `body` (update it with more of the file)."""
        return hmac.new(self.key, name.encode() + b"\0" + body, hashlib.sha256)

    def read(self, name: str) -> bytes | None:
        """The body of `name` (after its MAC line) when the MAC is ours; None when absent, corrupt, tampered or foreign."""
        try:
            data = (self.folder / name).read_bytes()
        except OSError:
            return None
        mac, _, body = data.partition(b"\n")
        return body if hmac.compare_digest(mac, self.mac(name, body).hexdigest().encode()) else None

    def load(self, name: str) -> Any:
        """The JSON in `name` when its MAC is ours; None when absent, corrupt, tampered or foreign."""
        body = self.read(name)
        if body is None:
            return None
        try:
            return json.loads(body)
        except ValueError:
            return None

    def save(self, name: str, value: Any) -> None:
        """Write `value` atomically; a failure (full disk, read-only folder) is ignored: the cache is optional."""
        body = json.dumps(value, separators=(",", ":")).encode()
        write_atomic(self.folder / name, self.mac(name, body).hexdigest().encode() + b"\n" + body)

    def read_log(self, name: str, size: int, mac: str) -> tuple[bytes, Any] | None:
        """The first `size` bytes of an append-only file, and their HMAC (to extend), when it is `mac`."""
        try:
            with open(self.folder / name, "rb") as f:
                data = f.read(size)
        except OSError:
            return None
        digest = self.mac(name, data)
        if len(data) != size or not hmac.compare_digest(digest.hexdigest(), mac):
            return None
        return data, digest

    def append(self, name: str, size: int, data: bytes) -> bool:
        """Add `data` after the file's first `size` bytes (False when the file is not that long any more)."""
        try:
            with open(self.folder / name, "r+b") as f:
                if f.seek(0, os.SEEK_END) < size:
                    return False
                f.truncate(size)  # what another process added is not ours (its MAC no longer matches)
                f.seek(size)
                f.write(data)
            return True
        except OSError:
            return False


class KeptLines:
    """A cache file of one line per key (`key JSON`) after a header line that names what made the entries (code
    identity, library versions...): a file with another header, or whose MAC is not ours, is not read. Read on
    first use; `save` rewrites it with only the keys this run used (so it never grows beyond one build's)."""

    def __init__(self, store: Store, name: str, header: bytes):
        self.store, self.name, self.header = store, name, header
        self._known: dict[str, str] | None = None  # key -> JSON text (decoded by the user, when used)
        self.used: dict[str, str] = {}
        self.added = False

    def known(self) -> dict[str, str]:
        if self._known is None:
            self._known = {}
            body = self.store.read(self.name)
            header, _, rest = (body or b"").partition(b"\n")
            if header == self.header:
                lines = rest.decode("utf-8", "surrogateescape").split("\n")
                self._known = dict(line.split(" ", 1) for line in lines if " " in line)
        return self._known

    def peek(self, key: str) -> str | None:
        """The kept JSON text of `key` (not yet marked used: see `use`)."""
        return self.used.get(key) or self.known().get(key)

    def use(self, key: str, raw: str, added: bool = False) -> None:
        self.used[key] = raw
        self.added |= added

    def keep(self, keys: Iterable[str]) -> None:
        """Known keys that stay kept though this run did not use them."""
        known = self.known()
        self.used.update((k, known[k]) for k in keys if k in known and k not in self.used)

    def save(self) -> None:
        """Keep the keys used by this run (a run that used exactly what was kept writes nothing)."""
        if self.added or len(self.used) != len(self.known()):
            body = b"\n".join([self.header, *(f"{k} {v}".encode("utf-8", "surrogateescape") for k, v in self.used.items())])
            write_atomic(self.store.folder / self.name, self.store.mac(self.name, body).hexdigest().encode() + b"\n" + body)
            self._known, self.added = dict(self.used), False


def write_atomic(path: Path, data: bytes) -> bool:
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
        return True
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return False


def _key(folder: Path) -> bytes | None:
    """The folder's MAC key, made on first use (32 random bytes, readable by the owner only)."""
    path = folder / KEY_FILE
    try:
        key = path.read_bytes()
        if len(key) == 32:
            return key
    except FileNotFoundError:
        pass
    except OSError:
        return None
    key = secrets.token_bytes(32)
    if not write_atomic(path, key):  # mkstemp: mode 0600
        return None
    return key


def open_store(root: Path) -> Store | None:
    """The repository's cache (made on first use); None when it cannot be used (it is never needed)."""
    try:
        common = Path(runner.git_text(root, "rev-parse", "--git-common-dir").strip())
        folder = common if common.is_absolute() else root / common
        folder = folder / FOLDER
        folder.mkdir(mode=0o700, exist_ok=True)
    except (GitError, OSError):
        return None
    key = _key(folder)
    return None if key is None else Store(folder, key)
