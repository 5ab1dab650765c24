"""Document bodies as converted for the site, kept: a warm build runs no Python-Markdown on a body it converted before.

A body's conversion (`qms_docs.publishing.render`) is a function of the body's text, the page it is converted
for (its source and its own URI), whether the page may link attachments, the Markdown extensions and their
configurations, the code and the libraries that convert, the URL style and the language; and of what the
conversion asks of the manual: the page of a document id, whether an id is "not issued", the URL of a linked
page, whether a linked file is an attachment of the site. The first group makes the key (and the file's header:
code identity, library versions, extensions, URL style); the second is kept with the output as the answers the
conversion got (`asked`), and the output is reused only when the manual gives the same answers today (a
document added, so an id link now resolves, is converted afresh). Extensions given as instances, or
configurations that are not plain data, turn the cache off (their behaviour cannot be named).

Files in the cache folder (records.cache_store: HMAC'd, atomic, read on first use): one per language and kind
of page (pages in force, superseded pages: the superseded ones are converted by the worker process beside the
build, which keeps its own file), holding the entries the last build used. A tampered, foreign, corrupt or
stale file is ignored (then rewritten): the cache is a speed-up, never evidence."""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from qms_docs.records.cache import code_identity, disabled_by_env
from qms_docs.records.cache_store import KeptLines, Store, open_store

NAME = "bodies"
FORMAT = 1
LIBRARIES = ("markdown", "pymdown-extensions")
Question = tuple[str, str]  # (kind, key): "t" the page of a document id, "u" not issued, "p" a page's URL, "a" an attachment
Answer = str | bool | None


@dataclass(frozen=True)
class Converted:
    text: str  # the body as Markdown for the tree
    linked: tuple[str, ...]  # the paths below the documents folder the body links to (QmsMarkdown.linked)
    asked: tuple[tuple[str, str, Answer], ...]  # what the conversion asked of the manual, and the answers


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return ""


def _module(name: str) -> str:
    """The file (size, time) of an extension's module as loaded (`toc` is markdown.extensions.toc), so that
    an extension of another package that changes without a version change is noticed too."""
    module = name.split(":", 1)[0]
    found = sys.modules.get(module) or sys.modules.get(f"markdown.extensions.{module}")
    try:
        st = os.stat(found.__file__ or "") if found is not None else None
    except (OSError, TypeError):
        st = None
    return f"{found.__file__} {st.st_size} {st.st_mtime_ns}" if found is not None and st is not None else ""


def identity(extensions: Iterable[Any], configs: Mapping[str, Any], directory_urls: bool, language: str) -> str | None:
    """What every conversion depends on besides its own inputs, as text; None when it cannot be named
    (an extension instance, a configuration that is not plain data: a function, an object). Called after the
    extensions were loaded (their modules are named by file)."""
    names = list(extensions)
    if not all(isinstance(e, str) for e in names):
        return None
    try:
        configured = json.dumps(dict(configs), sort_keys=True, allow_nan=False)
    except (TypeError, ValueError):
        return None
    return json.dumps({"format": FORMAT, "code": code_identity(), "libraries": [_version(n) for n in LIBRARIES],
                       "extensions": names, "modules": [_module(n) for n in names], "configs": configured,
                       "directory_urls": directory_urls, "language": language})


class ConvertedBodies:
    """The kept conversions, one file per kind of page (read on first use)."""

    def __init__(self, store: Store, header: str, language: str):
        self.store, self.header = store, hashlib.sha256(header.encode()).hexdigest().encode()
        self.prefix = f"{NAME}-{re.sub(r'[^A-Za-z0-9-]', '_', language)}-"
        self.files: dict[bool | None, KeptLines] = {}

    def _lines(self, files: bool | None) -> KeptLines:
        """The file of the bodies of pages in force (`files`), of superseded pages, or (None) of the headings of
        superseded pages."""
        if files not in self.files:
            kind = "headings" if files is None else "pages" if files else "superseded"
            self.files[files] = KeptLines(self.store, self.prefix + kind, self.header)
        return self.files[files]

    @staticmethod
    def key(source_uri: str, page_uri: str, files: bool, body: str) -> str:
        head = json.dumps([source_uri, page_uri, files]).encode() + b"\n"
        return hashlib.sha256(head + body.encode("utf-8", "surrogateescape")).hexdigest()

    def get(self, key: str, files: bool) -> Converted | None:
        """The kept conversion (the caller checks its answers, then calls `use`)."""
        raw = self._lines(files).peek(key)
        if raw is None:
            return None
        try:
            text, linked, asked = json.loads(raw)
            kept = Converted(text, tuple(linked), tuple((a[0], a[1], a[2]) for a in asked))
        except (ValueError, TypeError, IndexError, KeyError):
            return None
        plain = isinstance(text, str) and all(isinstance(u, str) for u in kept.linked)
        return kept if plain and all(isinstance(k, str) and isinstance(q, str) for k, q, _ in kept.asked) else None

    def use(self, key: str, files: bool) -> None:
        lines = self._lines(files)
        raw = lines.peek(key)
        if raw is not None:
            lines.use(key, raw)

    def put(self, key: str, files: bool, converted: Converted) -> None:
        raw = json.dumps([converted.text, list(converted.linked), [list(a) for a in converted.asked]],
                         separators=(",", ":"))
        self._lines(files).use(key, raw, added=True)

    def headings(self, text: str) -> list[str] | None:
        """The HTML of the headings `text` (Markdown) converted for a superseded page (`archive.Writer`)."""
        lines, key = self._lines(None), _text_key(text)
        raw = lines.peek(key)
        if raw is None:
            return None
        try:
            found = json.loads(raw)
        except ValueError:
            return None
        if not isinstance(found, list) or not all(isinstance(h, str) for h in found):
            return None
        lines.use(key, raw)
        return found

    def put_headings(self, text: str, converted: list[str]) -> None:
        self._lines(None).use(_text_key(text), json.dumps(converted, separators=(",", ":")), added=True)

    def save(self) -> None:
        """Each file this process used is rewritten with the entries it used (when that changes it)."""
        for lines in self.files.values():
            lines.save()


def _text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def open_bodies(root: Path, header: str | None, language: str) -> ConvertedBodies | None:
    """The repository's kept conversions; None when off (`--no-cache`), unnamable (`identity`) or unusable."""
    if header is None or disabled_by_env():
        return None
    store = open_store(root)
    return None if store is None else ConvertedBodies(store, header, language)
