"""Parse a controlled document: split the front matter, load it safely, map keys to lines."""

from __future__ import annotations

import re
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from qms_docs.errors import DocumentError
from qms_docs.model.digest import canonical_json
from qms_docs.model.document import Document
from qms_docs.parsing import safeyaml
from qms_docs.parsing.yamlerror import describe

# A hostile file costs milliseconds: sizes are bounded before any YAML is read, and the loader
# (safeyaml: PyYAML's C safe loader, as python-frontmatter uses and SPEC section 2 defines the
# digest on) refuses anchors, aliases, merge keys, duplicate keys and deep nesting.
MAX_DOCUMENT_BYTES = 1024 * 1024
MAX_FRONT_MATTER_CHARS = 64 * 1024
_DELIMITER = re.compile(r"---[ \t]*(?:\r?\n|\Z)")  # the first line is exactly `---` (trailing blanks allowed)
_CLOSING = re.compile(r"\n---[ \t]*(?:\r?\n|\r?\Z)")  # `\n` for a MULTILINE `^`: the search skips to each LF


class _BoundedYAMLHandler(YAMLHandler):
    """python-frontmatter's YAML handler with the bounded safe loader in place of `yaml.safe_load`.

    The opening and closing lines are matched by `split` (stricter than the library's boundary: the
    first line must be `---` alone); the library's handler loads what lies between."""

    def load(self, fm: str, **kwargs: Any) -> Any:
        return safeyaml.load(fm)


_HANDLER = _BoundedYAMLHandler()


def decode(data: bytes, path: str) -> str:
    """UTF-8 text of a file; a BOM or an invalid byte is a QMS001 finding at its line."""
    if data.startswith(b"\xef\xbb\xbf"):
        raise DocumentError("the file starts with a byte-order mark (BOM); save it as UTF-8 without BOM", path, 1)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise DocumentError(f"not valid UTF-8 (byte 0x{data[e.start]:02x}); save the file as UTF-8", path, line) from None


def split(text: str, path: str) -> tuple[str, str]:
    """(front matter text, body): the body is everything after the closing `---` line."""
    if not text.strip():
        raise DocumentError("the file is empty: front matter missing", path, 1)
    first = _DELIMITER.match(text)
    if first is None:
        raise DocumentError("front matter missing: the first line must be `---` alone", path, 1)
    close = _CLOSING.search(text, first.end() - 1)  # a line start at first.end() follows the LF before it
    if close is None:
        raise DocumentError("front matter not closed: no `---` line after the opening one", path, 1)
    if close.start() + 1 - first.end() > MAX_FRONT_MATTER_CHARS:
        raise DocumentError(f"the front matter is longer than {MAX_FRONT_MATTER_CHARS // 1024} KiB "
                            "(the limit for a controlled document's fields)", path, 2)
    return text[first.end():close.start() + 1], text[close.end():]


def parse(data: bytes | str, path: str) -> Document:
    """A Document from a file's bytes; raises DocumentError with the path and line."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DocumentError(f"the file is larger than {MAX_DOCUMENT_BYTES // (1024 * 1024)} MiB (the limit for a "
                            "controlled document; keep large content in separate files)", path, 1)
    text = decode(data, path) if isinstance(data, bytes) else data
    fm, body = split(text, path)
    try:
        meta = _HANDLER.load(fm)
    except yaml.YAMLError as e:
        line, problem = describe(e, first_line=2)
        what = "refused" if isinstance(e, safeyaml.Refused) else "is not valid YAML"
        raise DocumentError(f"front matter {what}: {problem}", path, line) from None
    if not isinstance(meta, dict):
        kind = "empty" if meta is None else f"a {type(meta).__name__}, not a mapping of fields"
        raise DocumentError(f"front matter is {kind}", path, 2)
    doc = Document(path, meta, body, fm)
    _check_signable(doc)
    return doc


def _check_signable(doc: Document) -> None:
    """Every signed value must be plain data that canonical JSON can encode (no binary, no sets)."""
    for key in doc.meta:
        if not isinstance(key, str):
            raise DocumentError(f"front-matter key {key!r} must be a string", doc.path, 2)
    try:
        _ = doc.digest  # computed once and cached; canonical JSON refuses what cannot be signed
    except (TypeError, ValueError, RecursionError) as error:  # nesting is bounded by safeyaml: a last net
        for key, value in doc.meta.items():
            try:
                canonical_json({key: value})
            except (TypeError, ValueError, RecursionError) as e:
                raise DocumentError(f"{key}: {e}; use plain text", doc.path, doc.line_of(key)) from None
        raise DocumentError(f"the content cannot be signed ({error})", doc.path, 1) from None
