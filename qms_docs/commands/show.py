"""`qms show ID [--revision N]`: the exact file of a revision as last committed."""

from __future__ import annotations

from pathlib import Path

from qms_docs import snapshot
from qms_docs.errors import QmsError
from qms_docs.gitio import runner
from qms_docs.model.document import document_key
from qms_docs.trail import open_trail, paths_at


def run(root: Path, doc_id: str, revision: int | None, lang: str | None = None) -> bytes:
    """The bytes of revision N (its last committed version); by default the document at HEAD. With
    `lang`, of the translation into that language."""
    doc_id = document_key(doc_id, lang)
    if revision is None:
        return at_head(root, doc_id)
    with open_trail(root, doc_id) as trail:
        version, _ = trail.revision(revision).last
        return trail.raw(version)


def at_head(root: Path, doc_id: str) -> bytes:
    """The file at HEAD that carries the id (no history needed)."""
    head = runner.resolve(root, "HEAD")
    if head is None:
        raise QmsError("nothing is committed yet: `qms show` prints documents as committed")
    documents_dir = snapshot.config_at(root, head).documents_dir
    paths = paths_at(root, head, documents_dir, doc_id)
    if len(paths) > 1:
        raise QmsError(f"{doc_id} is the id of {len(paths)} files at HEAD ({', '.join(paths)}); fix that first (QMS004)")
    if not paths:
        with open_trail(root, doc_id) as trail:  # raises when the id is unknown
            numbers = ", ".join(str(r.number) for r in trail.revisions())
        raise QmsError(f"{doc_id} is not in HEAD any more (deleted); show a past revision with --revision N "
                       f"(revisions: {numbers})")
    data = runner.read_blobs(root, [f"{head}:{paths[0]}"])[f"{head}:{paths[0]}"]
    if data is None:
        raise QmsError(f"{paths[0]}: missing from HEAD")
    return data
