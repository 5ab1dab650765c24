"""The signed statement of an approval entry (SPEC section 2): what an entry's `sig` signs; pure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from json.encoder import encode_basestring  # JSON string text with non-ASCII kept, as canonical_json writes it
from typing import Any, NamedTuple

from qms_docs.model.digest import canonical_json
from qms_docs.model.document import Approval

FIELDS = ("id", "revision", "digest", "role", "meaning", "at", "email")


class Statement(NamedTuple):  # a plain record: a NamedTuple costs a tenth of a dataclass to define
    """The seven facts an entry signature binds: the document, its revision and content, who, as what, when."""

    id: str
    revision: int
    digest: str
    role: str
    meaning: str
    at: dt.datetime
    email: str

    def to_bytes(self) -> bytes:
        """Canonical JSON (sorted keys, compact, UTF-8 kept; `at` as the ISO 8601 text of the UTC time): the
        bytes `canonical_json` makes of the seven fields, written out directly (verify builds one per entry)."""
        return _encoded(self.id, self.revision, self.digest, self.role, self.meaning, self.at, self.email)

    def fields(self) -> dict[str, Any]:
        return dict(zip(FIELDS, (self.id, self.revision, self.digest, self.role, self.meaning, self.at, self.email),
                        strict=True))


Fields = tuple[str, int, str, str, str, dt.datetime, str]  # a Statement's, in its order (id, ..., email)


def statement_of(doc_id: str, entry: Mapping[str, Any] | Approval) -> Statement | None:
    """The statement an approval entry of document `doc_id` signs; None when a field is missing or of the wrong type."""
    fields = statement_fields(doc_id, entry if isinstance(entry, Approval) else Approval(entry))
    return None if fields is None else Statement(*fields)


def statement_fields(doc_id: str, approval: Approval) -> Fields | None:
    """The fields of `statement_of(doc_id, approval)` without the Statement (verify reads one per entry); None when
    one is missing or of the wrong type. `statement_bytes` of them is the statement's `to_bytes()`."""
    doc, revision, digest, role = doc_id.strip(), approval.revision, approval.digest, approval.role
    meaning, at, email = approval.meaning, approval.at, approval.email
    if (not doc or revision is None or digest is None or role is None or meaning is None or at is None
            or email is None):
        return None
    return doc, revision, digest, role, meaning.value, at, email


def statement_bytes(fields: Fields) -> bytes:
    """Statement.to_bytes of a statement with these fields."""
    return _encoded(*fields)


def _encoded(doc: str, revision: int, digest: str, role: str, meaning: str, at: dt.datetime, email: str) -> bytes:
    if type(revision) is not int or type(at) is not dt.datetime:  # noqa: E721 (exact types only)
        return canonical_json(dict(zip(FIELDS, (doc, revision, digest, role, meaning, at, email), strict=True))).encode()
    return (f'{{"at":{encode_basestring(at.isoformat())},"digest":{encode_basestring(digest)},'
            f'"email":{encode_basestring(email)},"id":{encode_basestring(doc)},'
            f'"meaning":{encode_basestring(meaning)},"revision":{revision},'
            f'"role":{encode_basestring(role)}}}').encode()


def missing_fields(doc_id: str, entry: Mapping[str, Any]) -> tuple[str, ...]:
    """The statement fields that are absent or of the wrong type in an entry, for a precise message."""
    approval = Approval(entry)
    present = {"id": bool(doc_id.strip()), "revision": approval.revision is not None,
               "digest": approval.digest is not None, "role": approval.role is not None,
               "meaning": approval.meaning is not None, "at": approval.at is not None,
               "email": approval.email is not None}
    return tuple(name for name in FIELDS if not present[name])
