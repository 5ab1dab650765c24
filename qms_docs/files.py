"""Writing files safely: atomic replacement (a temporary file in the same folder, fsync, rename) that
leaves the old file intact and no temporary file behind when the write fails, and an exclusive lock
so that two commands editing documents at once never lose each other's change."""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from qms_docs.errors import IOFailure, QmsError

_REASONS = {
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "the disk quota is exhausted",
    errno.EFBIG: "the file would exceed the size this system allows (EFBIG)",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
}


def write_atomic(path: Path, data: bytes, *, create: bool = False) -> None:
    """Replace (or with `create`, newly create) `path` so that no reader ever sees half a file.

    On any I/O error: IOFailure naming the path, the old file untouched, no temporary file left.
    A target that exists and is not a regular file (`--out /dev/stdout`, a FIFO) is written in place:
    renaming over it would replace a device node such as /dev/null with a plain file."""
    existed = path.exists()
    if existed and not create and not path.is_file():
        _write_special(path, data)
        return
    tmp: str | None = None
    try:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        except OSError as e:
            raise IOFailure(f"{path}: cannot create a file in the folder {path.parent}: {_reason(e)}; "
                                 f"{_outcome(existed)}") from None
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask())
            if create:
                try:
                    os.link(tmp, path)  # fails if the file appeared meanwhile: never overwrite
                except FileExistsError:
                    raise QmsError(f"{path}: already exists; not overwritten") from None
            else:
                os.replace(tmp, path)
        except OSError as e:
            raise IOFailure(f"{path}: could not be written: {_reason(e)}; {_outcome(existed)}") from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _write_special(path: Path, data: bytes) -> None:
    try:
        with open(path, "wb") as f:
            f.write(data)
    except OSError as e:
        raise IOFailure(f"{path}: could not be written: {_reason(e)}") from None


def _reason(e: OSError) -> str:
    return _REASONS.get(e.errno or 0, e.strerror or str(e))


def _outcome(existed: bool) -> str:
    return "the file is unchanged" if existed else "nothing was written"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


LOCK_TIMEOUT = 30.0  # seconds a command waits for another one's edit to finish


@contextlib.contextmanager
def locked(lock_file: Path, *, timeout: float | None = None) -> Iterator[None]:
    """Hold an exclusive lock on `lock_file` (created if missing, never deleted: deleting a lock file
    lets a third process lock a different inode); QmsError after `timeout` seconds of waiting."""
    wait = LOCK_TIMEOUT if timeout is None else timeout
    try:
        fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as e:
        raise IOFailure(f"{lock_file}: cannot create the lock file that serialises edits: {_reason(e)}; "
                             f"nothing was written") from None
    try:
        deadline = time.monotonic() + wait
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                raise QmsError(f"another qms command has been editing documents in this repository for over "
                               f"{wait:g} s (it holds the lock {lock_file}); nothing was written: run the "
                               f"command again when it has finished")
            time.sleep(0.02)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True
