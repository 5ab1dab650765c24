"""Many objects through one `git cat-file --batch`, pipelined: a thread writes the requests while the
caller reads (and parses) the answers, so git and Python work at the same time."""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from qms_docs.errors import GitError


def stream_objects(root: Path, specs: Sequence[str]) -> Iterator[tuple[str, bytes | None]]:
    """(spec, content) for each spec (an object id or `REV:PATH`), in order; None when it does not exist."""
    if not specs:
        return
    proc = subprocess.Popen(["git", "-C", str(root), "cat-file", "--batch"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    stdin, stdout = proc.stdin, proc.stdout
    assert stdin is not None and stdout is not None

    def feed() -> None:
        try:
            for spec in specs:
                stdin.write(spec.encode("utf-8", "surrogateescape") + b"\n")
            stdin.close()
        except (BrokenPipeError, ValueError):  # the reader stopped early and closed the pipes
            pass

    writer = threading.Thread(target=feed, name="cat-file-feed", daemon=True)
    writer.start()
    complete = False
    try:
        for spec in specs:
            header = stdout.readline()
            if not header:
                raise GitError(f"git cat-file stopped while reading {spec}")
            if header.endswith((b" missing\n", b" ambiguous\n")):
                yield spec, None
                continue
            data = stdout.read(int(header.split()[2]))
            stdout.read(1)  # the LF after each object
            yield spec, data
        complete = True
    finally:
        if not complete:
            proc.kill()  # unblocks the writer thread too
        writer.join()
        for pipe in (stdin, stdout):
            try:
                pipe.close()
            except BrokenPipeError:
                pass
        proc.wait()
