"""The publisher's parsed front matter, kept by blob id: a warm build reads its blobs but loads no YAML.

Most of a warm build's selection used to be spent loading the front matter (safeyaml) of the revisions it
shows. A blob id fixes its content, so what the loader made of it never changes: `documents` (in the cache
folder, records.cache_store: HMAC'd, bound to the code identity and the PyYAML version) holds, per blob
that parsed into a Document, its front-matter mapping as JSON, with dates and times tagged. A Document is
then rebuilt from the blob itself (decoded and split as `parse` does: body, front-matter text) and that
mapping. Only plain data is kept (text, numbers, booleans, null, dates, times, lists, mappings with text
keys); anything else is parsed afresh every time. A tampered, foreign or stale file is ignored (then
rewritten): the cache is a speed-up, never evidence."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

import yaml

from qms_docs.errors import DocumentError
from qms_docs.model.document import Document
from qms_docs.model.frontmatter import MAX_DOCUMENT_BYTES, decode, parse, split
from qms_docs.records.cache_store import KeptLines, Store

NAME = "documents"
_DATE, _TIME = "\0d", "\0t"  # tags of a date and a time (no YAML key in a kept mapping starts with NUL)


class Unkept(Exception):
    """A value that JSON cannot give back exactly (it is parsed afresh each time)."""


def encode(value: Any) -> Any:
    """`value` as JSON data that `decode_value` turns back into an equal value of the same types."""
    kind = type(value)
    if kind in (str, int, float, bool) or value is None:
        return value
    if kind is dt.datetime:
        return {_TIME: value.isoformat()}
    if kind is dt.date:
        return {_DATE: value.isoformat()}
    if kind is list:
        return [encode(v) for v in value]
    if kind is dict:
        if any(type(k) is not str or k.startswith("\0") for k in value):
            raise Unkept("a mapping key that is not plain text")
        return {k: encode(v) for k, v in value.items()}
    raise Unkept(f"a {kind.__name__}")


def _tagged(mapping: dict[str, Any]) -> Any:
    if len(mapping) == 1:
        if _DATE in mapping:
            return dt.date.fromisoformat(mapping[_DATE])
        if _TIME in mapping:
            return dt.datetime.fromisoformat(mapping[_TIME])
    return mapping


def decode_value(text: str) -> Any:
    """The value `encode` made JSON of (its text)."""
    return json.loads(text, object_hook=_tagged)


class ParsedFrontMatter:
    """blob id -> the front-matter mapping and content digest of its Document (the file read on first use)."""

    def __init__(self, store: Store, code: str):
        # The file: a header line (code identity, PyYAML version), then one line per blob: its id, a space and
        # [digest, front matter] as JSON (decoded when used).
        self.lines = KeptLines(store, NAME, json.dumps({"code": code, "yaml": yaml.__version__}).encode())

    def document(self, blob: str, data: bytes, path: str) -> Document:
        """The Document in `data` (blob `blob`); raises DocumentError as `parse` does."""
        raw = self.lines.peek(blob)
        if raw is not None and len(data) <= MAX_DOCUMENT_BYTES:
            try:
                digest, meta = decode_value(raw)
            except (ValueError, TypeError, AttributeError):
                digest = meta = None
            if isinstance(meta, dict) and isinstance(digest, str):
                front, body = split(decode(data, path), path)
                self.lines.use(blob, raw)
                doc = Document(path, meta, body, front)
                doc.__dict__["digest"] = digest  # (the cached property, as parse computed it)
                return doc
        doc = parse(data, path)  # raises DocumentError: nothing is kept
        try:
            self.lines.use(blob, json.dumps([doc.digest, encode(doc.meta)], separators=(",", ":")), added=True)
        except (Unkept, ValueError):
            pass
        return doc

    def keep(self, blobs: Iterable[str]) -> None:
        """The blobs a caller holds parsed already (`mkdocs serve`'s rebuilds) stay kept."""
        self.lines.keep(blobs)

    def save(self) -> None:
        """Keep the blobs used by this run (a warm build that used what was kept writes nothing)."""
        self.lines.save()


__all__ = ["DocumentError", "ParsedFrontMatter"]
