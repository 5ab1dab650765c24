"""`qms translate ID --lang L`: start the translation of the source revision in force as a draft (SPEC 8).

The draft sits beside its source as NAME.L.md: the source's front matter (title, type, owner, clauses,
references) and body are copied for the translator to replace, at revision 1, status draft, with
`language: L` and `translation_of: {revision, digest}` naming the revision in force: the verified one
the site publishes, not a draft on top of it. `qms revise ID --lang L --source-revision` later points
an existing translation at a newer source revision in force."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from qms_docs import publishing
from qms_docs.commands import _documents
from qms_docs.commands.new import render
from qms_docs.config import Config
from qms_docs.errors import QmsError, UsageError
from qms_docs.files import write_atomic
from qms_docs.model.document import Document
from qms_docs.rules.translations import translation_file

COPIED = ("id", "title", "type", "owner", "clauses", "references", "review_months")


def check_language(config: Config, lang: str) -> None:
    """A usage error unless qms.yml offers the language for translations."""
    offered = config.languages.available
    if lang not in offered:
        raise UsageError(f"{lang} is not a translation language of this QMS (languages.available in qms.yml: "
                         f"{', '.join(offered) or 'none'})")


def source_in_force(root: Path, doc_id: str, today: dt.date) -> Document:
    """The source's revision in force today, as the site selects it (verified); QmsError when none."""
    entry = publishing.select(root, today).by_id().get(doc_id)
    if entry is None:
        raise QmsError(f"{doc_id} has no revision in force (approved, verified and effective) to translate; "
                       f"`qms publish` says why a revision is held back")
    return entry.doc


def link(source: Document) -> dict[str, Any]:
    """The `translation_of` value naming this source revision."""
    return {"revision": source.revision, "digest": source.digest}


def run(root: Path, doc_id: str, lang: str, today: dt.date) -> str:
    """Write the draft translation; return a message naming its file."""
    with _documents.editing(root):
        snap, current = _documents.find(root, doc_id)
        check_language(snap.config, lang)
        existing = next((d for d in snap.documents if d.is_translation and d.id == current.id and d.language == lang),
                        None)
        if existing is not None:
            raise QmsError(f"{existing.path}: {current.id} already has a translation into {lang}; start its next "
                           f"revision with `qms revise {current.id} --lang {lang} -m SUMMARY --source-revision`")
        source = source_in_force(root, current.id or doc_id, today)
        front: dict[str, Any] = {k: source.meta[k] for k in COPIED if k in source.meta}
        front |= {"revision": 1, "status": "draft", "language": lang, "translation_of": link(source),
                  "approvals": []}
        path = translation_file(current.path, lang)
        write_atomic(root / path, render(front, source.body.lstrip("\n")).encode("utf-8"), create=True)
    return (f"{path}: {current.id} translation into {lang} started (draft, revision 1) from revision "
            f"{source.revision} in force; translate the title and body, then collect signatures with "
            f"`qms approve {current.id} --lang {lang}`")


def repointed(root: Path, doc: Document) -> dict[str, Any]:
    """`{"translation_of": ...}` naming the source revision in force (for `qms revise --source-revision`)."""
    if not doc.is_translation or not doc.id:
        raise UsageError(f"{doc.path}: --source-revision applies to a translation; add --lang LANG")
    from qms_docs.clock import today

    return {"translation_of": link(source_in_force(root, doc.id, today()))}


def repoint_draft(root: Path, doc: Document, changes: dict[str, Any], summary: str | None) -> str:
    """Point a translation still in progress at the source revision in force; its signatures become stale."""
    if summary is not None:
        changes = {**changes, "change_summary": summary}
    _documents.rewrite(root, doc, changes)
    target = changes["translation_of"]["revision"]
    return (f"{doc.path}: {doc.id} ({doc.language}) revision {doc.revision} ({doc.status}) now translates source "
            f"revision {target}; translate what changed, then collect signatures with "
            f"`qms approve {doc.id} --lang {doc.language}`")
