"""Parse a controlled document: split the front matter, load it safely, map keys to lines."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from qms_docs.errors import DocumentError
from qms_docs.model.document import Document

# python-frontmatter's handler loads with PyYAML's C safe loader when present (YAML 1.1, no tags
# that construct objects); SPEC section 2 defines the digest on exactly that reading.
_HANDLER = YAMLHandler()
_DELIMITER = re.compile(r"---[ \t]*\r?\n?")
_TOP_KEY = re.compile(r"([A-Za-z_][\w.-]*)[ \t]*:(?:[ \t]|$)")
_ITEM = re.compile(r"([ \t]*)-(?:[ \t]+|$)")
_SUB_KEY = re.compile(r"[ \t]*(?:-[ \t]+)?([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]|$)")
_PLAIN = (str, int, float, bool, type(None), dt.date)


def decode(data: bytes, path: str) -> str:
    """UTF-8 text of a file; a BOM or an invalid byte is a QMS001 finding at its line."""
    if data.startswith(b"\xef\xbb\xbf"):
        raise DocumentError("the file starts with a byte-order mark (BOM); save it as UTF-8 without BOM", path, 1)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise DocumentError(f"not valid UTF-8 (byte 0x{data[e.start]:02x}); save the file as UTF-8", path, line) from None


def split(text: str, path: str) -> tuple[str, str, int]:
    """(front matter text, body, line of the closing `---`)."""
    if not text.strip():
        raise DocumentError("the file is empty: front matter missing", path, 1)
    first = _DELIMITER.match(text)
    if first is None or first.end() == len(text) and not text.endswith("\n"):
        raise DocumentError("front matter missing: the first line must be `---`", path, 1)
    pos, line = first.end(), 2
    while pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end + 1
        if _DELIMITER.fullmatch(text, pos, end):
            return text[first.end():pos], text[end:], line
        pos, line = end, line + 1
    raise DocumentError("front matter not closed: no `---` line after the opening one", path, 1)


def parse(data: bytes | str, path: str) -> Document:
    """A Document from a file's bytes; raises DocumentError with the path and line."""
    text = decode(data, path) if isinstance(data, bytes) else data
    fm, body, _ = split(text, path)
    try:
        meta = _HANDLER.load(fm)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
        line = mark.line + 2 if mark is not None else 2
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise DocumentError(f"front matter is not valid YAML: {problem}", path, line) from None
    if not isinstance(meta, dict):
        kind = "empty" if meta is None else f"a {type(meta).__name__}, not a mapping of fields"
        raise DocumentError(f"front matter is {kind}", path, 2)
    key_lines, approval_lines = _lines(fm)
    _check_values(meta, path, key_lines)
    return Document(path, meta, body, key_lines, approval_lines)


def _check_values(value: Any, path: str, key_lines: dict[str, int], key: str = "") -> None:
    """Every value must be plain data that canonical JSON can sign (no binary, sets, odd keys)."""
    if isinstance(value, dict):
        for k, v in value.items():
            if not isinstance(k, str):
                raise DocumentError(f"front-matter key {k!r} must be a string", path, key_lines.get(key, 2))
            _check_values(v, path, key_lines, key or k)
    elif isinstance(value, list):
        for v in value:
            _check_values(v, path, key_lines, key)
    elif not isinstance(value, _PLAIN):
        raise DocumentError(f"{key}: a {type(value).__name__} value cannot be signed; use plain text",
                            path, key_lines.get(key, 2))


def _lines(fm: str) -> tuple[dict[str, int], tuple[tuple[int, dict[str, int]], ...]]:
    """Map top-level keys, and each block-style approval entry and its keys, to file lines."""
    keys: dict[str, int] = {}
    approvals: list[tuple[int, dict[str, int]]] = []
    current = ""
    for n, raw in enumerate(fm.splitlines(), start=2):
        top = _TOP_KEY.match(raw)
        if top:
            current = top.group(1)
            keys.setdefault(current, n)
            continue
        if current != "approvals" or not raw.strip() or raw.lstrip().startswith("#"):
            continue
        item = _ITEM.match(raw)
        if item and (not approvals or len(item.group(1)) <= approvals[-1][1].get("_indent", 0)):
            approvals.append((n, {"_indent": len(item.group(1))}))
        sub = _SUB_KEY.match(raw)
        if sub and approvals:
            approvals[-1][1].setdefault(sub.group(1), n)
    for _, sub_keys in approvals:
        sub_keys.pop("_indent", None)
    return keys, tuple(approvals)
