"""QMS010-QMS013: a controlled document changes only through a new revision, and keeps its id.

Base and new documents are matched by path, then by the renames git detected (`facts["renames"]`,
old path -> new path), then by id: a moved or renamed file is the same document."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from qms_docs.model.document import Document, Status
from qms_docs.rules.base import Context, Hit

LOCKED = (Status.APPROVED, Status.OBSOLETE)  # released revisions; a draft or review may change freely


@dataclass(frozen=True)
class Matching:
    """The base documents paired with their new state, the ones gone, and the new ones."""

    pairs: tuple[tuple[Document, Document], ...]
    deleted: tuple[Document, ...]
    added: tuple[Document, ...]


def match_documents(ctx: Context) -> Matching:
    """Pair each base document with its new state (by path, rename, then id).

    `facts["added"]`, when given, lists the new paths; it lets `ctx.base` hold only the changed
    documents (the pre-commit hook reads no more than it must)."""
    if ctx.base is None:
        return Matching((), (), ())
    renames = ctx.facts.get("renames", {})
    head = ctx.snapshot.by_path()
    unreadable = {e.path for e in ctx.snapshot.broken}
    pairs: list[tuple[Document, Document]] = []
    lost: list[Document] = []
    for old in ctx.base.documents:
        target = renames.get(old.path, old.path)
        if target in head:
            pairs.append((old, head[target]))
        elif target not in unreadable:  # an unreadable file is reported by QMS001, not as deleted
            lost.append(old)
    paired = {new.path for _, new in pairs}
    known = {d.path for d in ctx.base.documents} | {e.path for e in ctx.base.broken}
    added_paths = ctx.facts.get("added")
    candidates = [d for d in ctx.snapshot.documents if d.path not in paired
                  and (d.path in added_paths if added_paths is not None else d.path not in known)]
    by_id: dict[str, Document] = {}
    for doc in candidates:
        if doc.id:
            by_id.setdefault(doc.key, doc)
    deleted = []
    for old in lost:
        new = by_id.pop(old.key, None) if old.id else None
        if new is None:
            deleted.append(old)
        else:
            pairs.append((old, new))
            paired.add(new.path)
    return Matching(tuple(pairs), tuple(deleted), tuple(d for d in candidates if d.path not in paired))


def revision_not_raised(ctx: Context) -> Iterator[Hit]:
    """QMS010: the content of an approved revision changed but its revision number did not."""
    for old, new in match_documents(ctx).pairs:
        if old.status not in LOCKED or old.revision is None or new.revision != old.revision \
                or old.digest == new.digest:
            continue
        doc_id = new.id or old.id or "ID"
        hint = " (setting it back to draft does not start a new revision)" if new.status is Status.DRAFT else ""
        yield Hit(new.path, new.line_of("revision"),
                  f"content changed but revision is still {new.revision}: revision {old.revision} was "
                  f"{old.status}{hint}; start revision {old.revision + 1} with `qms revise {doc_id} -m SUMMARY`")


def revision_out_of_step(ctx: Context) -> Iterator[Hit]:
    """QMS011: the revision went down, or up by more than one."""
    for old, new in match_documents(ctx).pairs:
        if old.revision is None or new.revision is None:
            continue
        if new.revision < old.revision:
            yield Hit(new.path, new.line_of("revision"),
                      f"revision went down from {old.revision} to {new.revision}; revisions only go up")
        elif new.revision > old.revision + 1:
            yield Hit(new.path, new.line_of("revision"),
                      f"revision went up from {old.revision} to {new.revision}; the next revision is {old.revision + 1}")


def document_deleted(ctx: Context) -> Iterator[Hit]:
    """QMS012: a controlled document was deleted instead of withdrawn."""
    for old in match_documents(ctx).deleted:
        doc_id = old.id or "ID"
        yield Hit(old.path, None, f"controlled document {doc_id} was deleted; restore it and withdraw it "
                                  f"with status obsolete instead (`qms obsolete {doc_id} -m REASON`)")


def id_changed(ctx: Context) -> Iterator[Hit]:
    """QMS013: a document's id changed."""
    for old, new in match_documents(ctx).pairs:
        if old.id and new.id and old.id != new.id:
            yield Hit(new.path, new.line_of("id"),
                      f"id changed from {old.id} to {new.id}; a document keeps its id for life: restore "
                      f"{old.id} (withdraw it with `qms obsolete` if it is replaced) and create {new.id} anew")
