"""`qms diff ID A B [--word]`: what changed between two revisions, front matter and body."""

from __future__ import annotations

from pathlib import Path

from qms_docs import redline
from qms_docs.model.document import document_key
from qms_docs.trail import open_trail


def run(root: Path, doc_id: str, a: int, b: int, *, word: bool, lang: str | None = None) -> str:
    """A unified diff (or with `word`, a word-level redline) of the files of revisions A and B (with
    `lang`, of the translation into that language)."""
    doc_id = document_key(doc_id, lang)
    with open_trail(root, doc_id) as trail:
        old_version, _ = trail.revision(a).last
        new_version, _ = trail.revision(b).last
        old = trail.raw(old_version).decode("utf-8", "replace")
        new = trail.raw(new_version).decode("utf-8", "replace")
    old_label, new_label = f"{doc_id} rev {a}", f"{doc_id} rev {b}"
    if old == new:
        return f"{old_label} and {new_label} are identical\n"
    if not word:
        return redline.unified(old, new, old_label, new_label)
    text = redline.words(old, new)
    return f"--- {old_label}\n+++ {new_label}\n{text}" + ("" if text.endswith("\n") else "\n")
