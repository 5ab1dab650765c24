"""The content digest an approval signs (SPEC section 2); pure functions."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import Any

UNSIGNED_FIELDS = ("approvals", "status")


def _iso(value: Any) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} values cannot be signed")


def canonical_json(meta: Mapping[str, Any]) -> str:
    """JSON with sorted keys, compact separators, UTF-8 kept, dates as ISO 8601."""
    return json.dumps(meta, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_iso)


def normalize_body(body: str) -> str:
    """CRLF and CR become LF; leading and trailing white space is removed."""
    return body.replace("\r\n", "\n").replace("\r", "\n").strip()


def signed_fields(meta: Mapping[str, Any]) -> dict[str, Any]:
    """The front matter an approval signs: all but `approvals`, and `status` unless it is `obsolete`
    (a withdrawal is signed: its signatures can never be moved onto an active revision; SPEC 2)."""
    return {k: v for k, v in meta.items()
            if k not in UNSIGNED_FIELDS or (k == "status" and v == "obsolete")}


def content_digest(meta: Mapping[str, Any], body: str) -> str:
    """'sha256:' + hex(sha256(canonical_json(signed fields) + '\\n' + normalized body)); see signed_fields."""
    payload = canonical_json(signed_fields(meta)) + "\n" + normalize_body(body)
    return "sha256:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()
