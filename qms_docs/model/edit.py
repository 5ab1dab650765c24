"""Line-splicing edits of a document's front matter: only the lines of the edited keys change.

A re-dump of the whole front matter would re-quote other keys and so change the signed bytes'
meaning. These functions replace, insert or delete only the lines of one key, keep the file's
line endings, then re-parse the result and refuse (QmsError) unless exactly that key changed."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from qms_docs.errors import DocumentError, QmsError
from qms_docs.model.document import Document
from qms_docs.model.frontmatter import parse, split
from qms_docs.model.lines import top_keys

DELETE = object()  # a value for `apply` that removes the key
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the loader python-frontmatter reads with
_PLAIN_KEY = re.compile(r"[A-Za-z_][\w-]*\Z")
# Characters a YAML double-quoted scalar must spell as an escape (non-printable, line separators, BOM).
_ESCAPE = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029\ufeff]")


class Unwritable(ValueError):
    """A value that cannot be written as one YAML scalar."""


def _quote(text: str) -> str:
    quoted = json.dumps(text, ensure_ascii=False)
    return _ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def _plain_ok(text: str) -> bool:
    """Whether `text` reads back as the same string when written unquoted."""
    if not text or text != text.strip() or _ESCAPE.search(text) or re.search(r"[\t\n\r]", text):
        return False
    try:
        loaded = yaml.load(f"k: {text}\n", Loader=_LOADER)
    except yaml.YAMLError:
        return False
    return isinstance(loaded, dict) and type(loaded.get("k")) is str and loaded["k"] == text


def render_scalar(value: Any) -> str:
    """A scalar as YAML: strings plain when safe else JSON-quoted, dates YYYY-MM-DD, times ...Z."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        utc = _utc(value)
        return utc.strftime("%Y-%m-%dT%H:%M:%S" + (".%f" if utc.microsecond else "") + "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise Unwritable("the text is not valid Unicode") from None
        return value if _plain_ok(value) else _quote(value)
    if isinstance(value, Mapping) and value:  # a flow mapping of scalars (`translation_of`); strings quoted
        return "{" + ", ".join(f"{_key(str(k))}: {_quote(v) if isinstance(v, str) else render_scalar(v)}"
                               for k, v in value.items()) + "}"
    raise Unwritable(f"a {type(value).__name__} value cannot be written as a single field")


def _key(name: str) -> str:
    return name if _PLAIN_KEY.match(name) and _plain_ok(name) else _quote(name)


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _normal(value: Any) -> Any:
    """What the value reads back as: mappings as dicts, sequences as lists, times in UTC."""
    if isinstance(value, Mapping):
        return {k: _normal(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_normal(v) for v in value]
    return _utc(value) if isinstance(value, dt.datetime) else value


def _same(a: Any, b: Any) -> bool:
    """Equal values of the same types (True is not 1, a date is not its string), in the same order."""
    if isinstance(a, dict) or isinstance(b, dict):
        return isinstance(a, dict) and isinstance(b, dict) and list(a) == list(b) \
            and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) or isinstance(b, list):
        return isinstance(a, list) and isinstance(b, list) and len(a) == len(b) \
            and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def _lines(text: str) -> list[str]:
    """Lines with their endings, split at LF only (as the front-matter parser counts them)."""
    parts = text.split("\n")
    return [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def _is_gap(line: str) -> bool:
    """A blank line or a comment at column 0: it belongs to no key's value."""
    return not line.strip() or line.startswith("#")


class _Front:
    """The file split into lines, with the parsed document and its front-matter boundaries."""

    def __init__(self, text: str, path: str):
        self.text, self.path = text, path
        try:
            self.doc: Document = parse(text, path)
            fm, body = split(text, path)
        except DocumentError as e:
            raise QmsError(f"{e}; fix the front matter by hand first (`qms check` shows the problem)") from None
        self.lines = _lines(text)
        head = text[: len(text) - len(body)]  # up to and including the closing `---` line
        self.closing = head.count("\n") - head.endswith("\n")  # index of the closing `---` line
        self.newline = "\r\n" if self.lines[0].endswith("\r\n") else "\n"
        self.key_lines = top_keys(fm.replace("\r\n", "\n"))  # same line numbers; `key:\r\n` found too

    def fail(self, key: str, problem: str) -> QmsError:
        return QmsError(f"{self.path}: cannot edit `{key}`: {problem}; nothing was written")

    def span(self, key: str) -> tuple[int, int] | None:
        """[start, end) line indexes of a key and its value, without trailing gaps; None if absent."""
        if key not in self.doc.meta:
            return None
        if key not in self.key_lines:
            raise self.fail(key, f"its line was not found; write it as a plain `{key}:` line at column 0")
        pattern = re.compile(rf"{re.escape(key)}[ \t]*:(?:[ \t\r]|$)")
        if sum(1 for line in self.lines[1:self.closing] if pattern.match(line)) > 1:
            raise self.fail(key, "the key appears more than once in the front matter; keep one")
        start = self.key_lines[key] - 1
        end = min((n - 1 for n in self.key_lines.values() if n - 1 > start), default=self.closing)
        while end > start + 1 and _is_gap(self.lines[end - 1]):
            end -= 1
        return start, end

    def tail_comment(self, key: str, start: int) -> str:
        """A `# comment` after a one-line value, to keep on the rewritten line."""
        fm = "".join(self.lines[1:self.closing])
        try:
            node = yaml.compose(fm, Loader=yaml.SafeLoader)
        except yaml.YAMLError:
            return ""
        pairs = node.value if isinstance(node, yaml.MappingNode) else []
        for k, v in pairs:
            if isinstance(k, yaml.ScalarNode) and k.value == key and k.start_mark.line + 1 == start:
                if v.end_mark.line != k.start_mark.line:
                    return ""
                rest = self.lines[start].rstrip("\r\n")[v.end_mark.column:]
                return rest if rest.lstrip().startswith("#") else ""
        return ""

    def insertion_point(self, before_approvals: bool) -> int:
        if before_approvals and "approvals" in self.key_lines:
            at = self.key_lines["approvals"] - 1
            while at > 1 and self.lines[at - 1].startswith("#"):
                at -= 1  # keep a comment that introduces `approvals` with it
            return at
        return self.closing

    def splice(self, key: str, new_lines: Sequence[str], before_approvals: bool) -> str:
        span = self.span(key)
        if span is None:
            at = self.insertion_point(before_approvals)
            return "".join([*self.lines[:at], *new_lines, *self.lines[at:]])
        start, end = span
        if new_lines:
            tail = self.tail_comment(key, start)
            first = new_lines[0]
            new_lines = [first[: -len(self.newline)] + tail + self.newline, *new_lines[1:]]
        return "".join([*self.lines[:start], *new_lines, *self.lines[end:]])

    def verify(self, text: str, key: str, expected: Any) -> str:
        """Re-parse the edited text: exactly `key` changed, to `expected` (DELETE: removed)."""
        try:
            new = parse(text, self.path)
        except DocumentError as e:
            raise self.fail(key, f"the result would not parse ({e.message})") from None
        others = [[k, v] for k, v in self.doc.meta.items() if k != key]
        if new.body != self.doc.body or not _same(others, [[k, v] for k, v in new.meta.items() if k != key]):
            raise self.fail(key, "other fields or the body would change")
        if expected is DELETE and key in new.meta:
            raise self.fail(key, "the key would still be there")
        if expected is not DELETE and (key not in new.meta or not _same(new.meta[key], _normal(expected))):
            raise self.fail(key, "the written value would read back differently")
        return text


def _edit(text: str, key: str, value: Any, path: str) -> str:
    front = _Front(text, path)
    nl = front.newline
    try:
        if value is DELETE:
            new_lines: list[str] = []
        elif key == "approvals":
            new_lines = _approval_lines(value, nl)
        else:
            new_lines = [f"{_key(key)}: {render_scalar(value)}{nl}"]
    except Unwritable as e:
        raise front.fail(key, str(e)) from None
    return front.verify(front.splice(key, new_lines, key != "approvals"), key, value)


def _approval_lines(entries: Sequence[Mapping[str, Any]], nl: str) -> list[str]:
    if not entries:
        return [f"approvals: []{nl}"]
    out = [f"approvals:{nl}"]
    for n, entry in enumerate(entries, start=1):
        if not isinstance(entry, Mapping) or not entry:
            raise Unwritable(f"approval {n} is not a mapping of fields")
        for i, (k, v) in enumerate(entry.items()):
            lead = f"{'  - ' if i == 0 else '    '}{_key(str(k))}:"
            if _block_ok(v):  # an SSH signature (`sig`): a literal block scalar, one armour line per line
                out.append(f"{lead} |{'' if v.endswith(chr(10)) else '-'}{nl}")
                out += [f"      {line}{nl}" for line in v.rstrip("\n").split("\n")]
            else:
                out.append(f"{lead} {render_scalar(v)}{nl}")
    return out


def _block_ok(value: Any) -> bool:
    """Multi-line printable ASCII text whose lines neither start nor end with white space (armoured text)."""
    if not isinstance(value, str) or "\n" not in value.rstrip("\n") or value.endswith("\n\n"):
        return False
    lines = value.rstrip("\n").split("\n")
    return all(line and line == line.strip() and all(" " <= c <= "~" for c in line) for line in lines)


def set_scalar(text: str, key: str, value: Any, *, path: str = "") -> str:
    """Replace a top-level key's value, or insert the key before `approvals` (else at the end)."""
    if key == "approvals":
        raise QmsError(f"{path}: use set_approvals to edit `approvals`")
    return _edit(text, key, value, path)


def set_approvals(text: str, entries: Sequence[Mapping[str, Any]], *, path: str = "") -> str:
    """Replace the whole `approvals` block (block or flow style) with a block list."""
    return _edit(text, "approvals", list(entries), path)


def remove_key(text: str, key: str, *, path: str = "") -> str:
    """Delete a top-level key and its value lines; a missing key is left missing."""
    return _edit(text, key, DELETE, path)


def apply(text: str, changes: Mapping[str, Any], *, path: str = "") -> str:
    """Several edits in order: `approvals` replaces the block, DELETE removes a key."""
    for key, value in changes.items():
        text = set_approvals(text, value, path=path) if key == "approvals" else _edit(text, key, value, path)
    return text
