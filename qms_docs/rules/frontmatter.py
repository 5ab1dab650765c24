"""QMS001-QMS005: is each file a well-formed controlled document?"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from qms_docs.model.document import MAX_REVIEW_MONTHS, Document, Meaning, Status, utc_time
from qms_docs.rules.base import Context, Hit, each_document

_MEANINGS = frozenset(m.value for m in Meaning)
DIGEST_RE = re.compile(r"^sha256:[0-9a-f]{64}$")


def unreadable_front_matter(ctx: Context) -> Iterator[Hit]:
    """QMS001: the parser could not read the file's front matter."""
    for error in ctx.snapshot.broken:
        yield Hit(error.path, error.line, error.message)


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _is_text_list(value: Any) -> bool:
    return isinstance(value, list) and all(_is_text(v) for v in value)


REQUIRED: dict[str, tuple[Any, str]] = {
    "id": (_is_text, "a document number such as QP-003"),
    "title": (_is_text, "a non-empty title"),
    "type": (_is_text, "a document type from qms.yml"),
    "revision": (_is_count, "a whole number, 1 or more"),
    "status": (_is_text, "draft, review, approved or obsolete"),
    "owner": (_is_text, "the responsible person or role"),
}
OPTIONAL: dict[str, tuple[Any, str]] = {
    "effective_date": (lambda v: isinstance(v, dt.date) and not isinstance(v, dt.datetime), "a date (YYYY-MM-DD)"),
    "clauses": (_is_text_list, 'a list of quoted clause numbers, e.g. ["7.5.2", "7.5.3"]'),
    "references": (_is_text_list, "a list of document ids"),
    "change_summary": (_is_text, "a non-empty sentence"),
    "review_months": (lambda v: _is_count(v) and v <= MAX_REVIEW_MONTHS, f"a whole number of months, 1 to {MAX_REVIEW_MONTHS}"),
    "approvals": (lambda v: isinstance(v, list) and all(isinstance(a, dict) for a in v), "a list of approval entries"),
}
APPROVAL_CHECKS: dict[str, tuple[Any, str]] = {
    "name": (_is_text, "the signer's printed name"),
    "email": (lambda v: _is_text(v) and "@" in v, "the signer's e-mail address"),
    "role": (_is_text, "the role signed for"),
    "meaning": (lambda v: isinstance(v, str) and v in _MEANINGS, "approved or reviewed"),
    "at": (lambda v: utc_time(v) is not None, "the UTC time of signing, e.g. 2026-02-27T14:03:00Z"),
    "revision": (_is_count, "the revision signed"),
    "digest": (lambda v: isinstance(v, str) and bool(DIGEST_RE.match(v)), "sha256: and 64 hex digits"),
}


@each_document
def malformed_field(doc: Document, ctx: Context) -> Iterator[Hit]:
    """QMS002: a required field is missing or a field has the wrong type."""
    for key, (valid, expected) in REQUIRED.items():
        if key not in doc.meta or doc.meta[key] is None:
            yield Hit(doc.path, 1, f"required field `{key}` is missing ({expected})")
        elif not valid(doc.meta[key]):
            yield Hit(doc.path, doc.line_of(key), f"`{key}` must be {expected}")
    for key, (valid, expected) in OPTIONAL.items():
        if doc.meta.get(key) is not None and not valid(doc.meta[key]):
            yield Hit(doc.path, doc.line_of(key), f"`{key}` must be {expected}")
    if doc.revision is not None and doc.revision >= 2 and doc.meta.get("change_summary") is None:
        yield Hit(doc.path, 1, f"required field `change_summary` is missing (required from revision 2; "
                               f"this is revision {doc.revision})")
    for n, approval in enumerate(doc.approvals, start=1):
        for key, (valid, expected) in APPROVAL_CHECKS.items():
            if approval.raw.get(key) is None:
                yield Hit(doc.path, approval.line, f"approval {n}: `{key}` is missing ({expected})")
            elif not valid(approval.raw[key]):
                yield Hit(doc.path, approval.line_of(key), f"approval {n}: `{key}` must be {expected}")


@each_document
def id_off_pattern(doc: Document, ctx: Context) -> Iterator[Hit]:
    """QMS003: the id does not match its type's prefix pattern."""
    doc_type = ctx.doc_type(doc)
    if doc.id and doc_type and not doc_type.id_pattern.match(doc.id):
        yield Hit(doc.path, doc.line_of("id"),
                  f"id {doc.id!r} does not match type {doc_type.name}: expected {doc_type.prefix}-NNN")


def duplicate_id(ctx: Context) -> Iterator[Hit]:
    """QMS004: the same (id, language) in two files (a source has the default language; SPEC 8)."""
    default = ctx.config.languages.default
    paths: dict[tuple[str, str], list[Document]] = defaultdict(list)
    for doc in ctx.snapshot.documents:
        if doc.id:
            paths[doc.id, doc.language or default].append(doc)
    for (doc_id, language), docs in paths.items():
        in_language = f" in language {language}" if language != default else ""
        for doc in docs if len(docs) > 1 else ():
            others = ", ".join(d.path for d in docs if d is not doc)
            yield Hit(doc.path, doc.line_of("id"), f"id {doc_id}{in_language} is also used by {others}")


@each_document
def unknown_type_or_status(doc: Document, ctx: Context) -> Iterator[Hit]:
    """QMS005: the type is not in qms.yml, or the status is not one of the four."""
    if doc.type and doc.type not in ctx.config.types:
        known = ", ".join(ctx.config.types)
        yield Hit(doc.path, doc.line_of("type"), f"unknown type {doc.type!r} (qms.yml defines: {known})")
    if doc.meta.get("status") and _is_text(doc.meta["status"]) and doc.status is None:
        yield Hit(doc.path, doc.line_of("status"),
                  f"unknown status {doc.meta['status']!r} (use: {', '.join(Status)})")
