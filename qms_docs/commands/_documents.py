"""Shared by the editing commands: hold the edit lock, find a document in the working tree, rewrite
its front matter (only if the file still holds what the command read)."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from qms_docs import snapshot
from qms_docs.errors import DocumentError, QmsError, UsageError
from qms_docs.files import locked, write_atomic
from qms_docs.gitio import runner
from qms_docs.model import edit
from qms_docs.model.document import Document
from qms_docs.model.frontmatter import decode, parse


@contextlib.contextmanager
def editing(root: Path) -> Iterator[None]:
    """One document-editing command at a time per working tree: two signers approving one file at
    once must not both read it before either writes (one signature would be lost). The lock is a
    file in the git folder (`qms-edit.lock`), so it is never committed."""
    out = runner.git(root, "rev-parse", "--git-path", "qms-edit.lock", check=False).decode().strip()
    with locked(root / out if out else root / ".qms-edit.lock"):  # no git folder: beside qms.yml
        yield


def find(root: Path, doc_id: str, lang: str | None = None) -> tuple[snapshot.Snapshot, Document]:
    """The working-tree snapshot and the one document with this id (case-insensitive as a fallback):
    the source document, or with `lang` its translation into that language (SPEC 8)."""
    snap = snapshot.from_worktree(root)
    wanted = doc_id.strip()
    candidates = [d for d in snap.documents if d.is_translation == bool(lang) and (not lang or d.language == lang)]
    matches = [d for d in candidates if d.id == wanted] \
        or [d for d in candidates if (d.id or "").upper() == wanted.upper()]
    if len(matches) > 1:
        paths = ", ".join(d.path for d in matches)
        raise QmsError(f"id {wanted} is used by {len(matches)} files ({paths}); give each document its own id first")
    if matches:
        return snap, matches[0]
    broken = next((e for e in snap.broken if _mentions(root / e.path, wanted)), None)
    if broken is not None:
        raise QmsError(f"{broken}; {wanted} cannot be edited until its front matter is fixed "
                       f"(`qms check` lists the problems)")
    if lang and snap.find(wanted) is not None:
        raise QmsError(f"{wanted} has no translation into {lang}; start one with `qms translate {wanted} --lang {lang}`")
    raise QmsError(f"no document with id {wanted} in {snap.config.documents_dir}/; `qms list` shows the ids")


def _mentions(path: Path, doc_id: str) -> bool:
    """Whether an unreadable file is probably the document asked for (by file name or `id:` line)."""
    if doc_id.upper() in path.name.upper():
        return True
    try:
        text = path.read_bytes().decode("utf-8", "replace")
    except OSError:
        return False
    return re.search(rf"^id[ \t]*:[ \t]*['\"]?{re.escape(doc_id)}['\"]?[ \t]*(#.*)?$", text, re.M | re.I) is not None


def read(root: Path, doc: Document) -> tuple[bytes, str]:
    """The file's bytes and text as they are on disk now."""
    data = (root / doc.path).read_bytes()
    try:
        return data, decode(data, doc.path)
    except DocumentError as e:
        raise QmsError(str(e)) from None


def rewrite(root: Path, doc: Document, changes: Mapping[str, Any]) -> bytes:
    """Apply front-matter edits (see model.edit.apply) and replace the file atomically; return the old bytes.

    Refused when the file no longer holds what `doc` was read from (changed by an editor meanwhile)."""
    data, text = read(root, doc)
    if not _unchanged(text, doc):
        raise QmsError(f"{doc.path}: the file changed while the command ran; nothing was written: run it again")
    new = edit.apply(text, changes, path=doc.path)
    write_atomic(root / doc.path, new.encode("utf-8"))
    return data


def _unchanged(text: str, doc: Document) -> bool:
    try:
        now = parse(text, doc.path)
    except DocumentError:
        return False
    return now.body == doc.body and dict(now.meta) == dict(doc.meta)


def summary_text(summary: str, what: str) -> str:
    """A change summary or reason, stripped; empty is a usage error."""
    text = summary.strip()
    if not text:
        raise UsageError(f"the {what} must not be empty; say what changed and why with -m")
    return text
