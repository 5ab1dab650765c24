"""Document and Approval: frozen values read from front matter, typed accessors, no I/O."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple

from qms_docs.config import MAX_REVIEW_MONTHS
from qms_docs.model.cached import cached_property
from qms_docs.model.digest import content_digest
from qms_docs.model.lines import ApprovalLines, approval_entries, top_keys


class Status(StrEnum):
    DRAFT = "draft"
    REVIEW = "review"
    APPROVED = "approved"
    OBSOLETE = "obsolete"


class Meaning(StrEnum):
    APPROVED = "approved"
    REVIEWED = "reviewed"
    AUTHORED = "authored"  # the author's own entry: counts as authorship (QMS024), never toward approval


_ZERO = dt.timedelta(0)
_STATUSES = {s.value: s for s in Status}
_MEANINGS = {m.value: m for m in Meaning}
LANGUAGE_SEPARATOR = "@"  # a translation's key: "QP-002@nb" (the source's key is its id)


class SourceLink(NamedTuple):  # a plain record: a NamedTuple costs a tenth of a dataclass to define
    """A translation's `translation_of`: the source revision it translates and that revision's digest."""

    revision: int
    digest: str


def document_key(doc_id: str, language: str | None = None) -> str:
    """The key of a document in one snapshot: its id, or `ID@LANG` for its translation into LANG (SPEC 8)."""
    return f"{doc_id}{LANGUAGE_SEPARATOR}{language}" if language else doc_id


def split_key(key: str) -> tuple[str, str | None]:
    """(id, language or None) of a document key."""
    doc_id, _, language = key.partition(LANGUAGE_SEPARATOR)
    return doc_id, language or None


@dataclass(frozen=True)
class Approval:
    """One signature entry; fields of the wrong type read as None (rule QMS002 reports them). The fields the
    rules and the signed statement read are read once (the entry, as parsed, never changes)."""

    raw: Mapping[str, Any]
    index: int = 0
    doc: Document | None = field(default=None, repr=False, compare=False)

    @property
    def line(self) -> int | None:
        """The line of the entry's first key (the `approvals:` line for a flow-style list)."""
        if self.doc is None:
            return None
        lines = self.doc.approval_lines
        return lines[self.index][0] if self.index < len(lines) else self.doc.line_of("approvals")

    @property
    def key_lines(self) -> Mapping[str, int]:
        lines = self.doc.approval_lines if self.doc is not None else ()
        return lines[self.index][1] if self.index < len(lines) else {}

    def _str(self, key: str) -> str | None:
        return _text(self.raw, key)

    @property
    def name(self) -> str | None:
        return self._str("name")

    @cached_property
    def email(self) -> str | None:
        return self._str("email")

    @cached_property
    def role(self) -> str | None:
        return self._str("role")

    @cached_property
    def meaning(self) -> Meaning | None:
        value = self.raw.get("meaning")
        return _MEANINGS.get(value) if isinstance(value, str) else None

    @cached_property
    def digest(self) -> str | None:
        return self._str("digest")

    @cached_property
    def revision(self) -> int | None:
        return _whole(self.raw.get("revision"))

    @cached_property
    def at(self) -> dt.datetime | None:
        """The signing time in UTC; None when absent, not a time, or not UTC."""
        return utc_time(self.raw.get("at"))

    def line_of(self, key: str) -> int | None:
        return self.key_lines.get(key, self.line)


@dataclass(frozen=True)
class Document:
    """One controlled document as read from one snapshot."""

    path: str
    meta: Mapping[str, Any]
    body: str
    front: str = ""  # the front-matter text, for line numbers (mapped only when a finding needs one)

    @cached_property
    def key_lines(self) -> Mapping[str, int]:
        return top_keys(self.front)

    @cached_property
    def approval_lines(self) -> ApprovalLines:
        return approval_entries(self.front, self.key_lines.get("approvals"))

    def line_of(self, key: str) -> int:
        """The line of a front-matter key, or 1 (the opening `---`) when the key is absent."""
        return self.key_lines.get(key, 1)

    def _str(self, key: str) -> str | None:
        return _text(self.meta, key)

    @cached_property
    def id(self) -> str | None:
        return self._str("id")

    @cached_property
    def title(self) -> str | None:
        return self._str("title")

    @cached_property
    def type(self) -> str | None:
        return self._str("type")

    @cached_property
    def owner(self) -> str | None:
        return self._str("owner")

    @cached_property
    def change_summary(self) -> str | None:
        return self._str("change_summary")

    @cached_property
    def revision(self) -> int | None:
        return _whole(self.meta.get("revision"))

    @cached_property
    def language(self) -> str | None:
        """The `language` field as written (a source document has the default language implicitly)."""
        return self._str("language")

    @cached_property
    def is_translation(self) -> bool:
        """A translation names its source revision with `translation_of` (SPEC 8)."""
        return "translation_of" in self.meta

    @cached_property
    def translation_of(self) -> SourceLink | None:
        """The source revision a translation translates; None when absent or malformed (QMS073)."""
        value = self.meta.get("translation_of")
        if not isinstance(value, dict):
            return None
        revision, digest = value.get("revision"), value.get("digest")
        if not isinstance(revision, int) or isinstance(revision, bool) or revision < 1 or not isinstance(digest, str):
            return None
        return SourceLink(revision, digest.strip())

    @cached_property
    def key(self) -> str:
        """The id of a source document; `ID@LANG` for a translation (the same id in another language)."""
        if not self.is_translation:
            return self.id or ""
        return document_key(self.id or "", self.language or "?")

    @cached_property
    def review_months(self) -> int | None:
        months = _whole(self.meta.get("review_months"))
        return months if months is not None and 0 < months <= MAX_REVIEW_MONTHS else None

    @cached_property
    def status(self) -> Status | None:
        value = self.meta.get("status")
        return _STATUSES.get(value) if isinstance(value, str) else None

    @cached_property
    def effective_date(self) -> dt.date | None:
        value = self.meta.get("effective_date")
        if isinstance(value, dt.datetime):
            return None
        return value if isinstance(value, dt.date) else None

    @cached_property
    def clauses(self) -> tuple[str, ...]:
        return _str_items(self.meta.get("clauses"))

    @cached_property
    def references(self) -> tuple[str, ...]:
        return _str_items(self.meta.get("references"))

    @cached_property
    def approvals(self) -> tuple[Approval, ...]:
        entries = self.meta.get("approvals")
        if not isinstance(entries, list):
            return ()
        return tuple(Approval(entry, i, self) for i, entry in enumerate(entries) if isinstance(entry, dict))

    @cached_property
    def digest(self) -> str:
        """The content digest of this document as it stands (SPEC section 2)."""
        return content_digest(self.meta, self.body)

    def current_approvals(self) -> tuple[Approval, ...]:
        """Signatures for this revision whose digest matches the content."""
        return tuple(a for a in self.approvals if a.revision == self.revision and a.digest == self.digest)

    def signed_roles(self) -> set[str]:
        """Roles that gave a valid `approved` signature to this exact content."""
        return {a.role for a in self.current_approvals() if a.role and a.meaning is Meaning.APPROVED}


def utc_time(value: Any) -> dt.datetime | None:
    """A UTC datetime from a YAML timestamp or ISO 8601 text; None when not a time or not UTC."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    if not isinstance(value, dt.datetime) or value.utcoffset() != _ZERO:
        return None
    return value.astimezone(dt.UTC)


def _text(front: Mapping[str, Any], key: str) -> str | None:
    """A front-matter string, stripped; None when it is absent, not a string, or blank."""
    value = front.get(key)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _whole(value: Any) -> int | None:
    """A whole number; None for anything else (YAML's true and false included)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str_items(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(v.strip() for v in value if isinstance(v, str) and v.strip())
