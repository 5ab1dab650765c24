"""Differences between two revisions: a unified line diff, and a word-level redline like git's word-diff."""

from __future__ import annotations

import difflib
import re

_WORD = re.compile(r"(\s*)(\S+)")


def _lines(text: str) -> list[str]:
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines


def unified(old: str, new: str, old_label: str, new_label: str, context: int = 3) -> str:
    """A unified diff of two texts (empty when they are equal)."""
    return "".join(difflib.unified_diff(_lines(old), _lines(new), old_label, new_label, n=context))


def words(old: str, new: str) -> str:
    """The new text with removed words as `[-old-]` and added ones as `{+new+}` (white space from the new text)."""
    a, b = _split(old), _split(new)
    out = []
    matcher = difflib.SequenceMatcher(None, [w for _, w in a], [w for _, w in b], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out += [space + word for space, word in b[j1:j2]]
            continue
        out.append(b[j1][0] if op != "delete" else a[i1][0])
        if op != "insert":
            out.append("[-" + _join(a[i1:i2]) + "-]")
        if op != "delete":
            out.append("{+" + _join(b[j1:j2]) + "+}")
    tail = new[len(new.rstrip()):]
    return "".join(out) + tail


def _split(text: str) -> list[tuple[str, str]]:
    """(white space before, word) pairs."""
    return [(m.group(1), m.group(2)) for m in _WORD.finditer(text)]


def _join(pairs: list[tuple[str, str]]) -> str:
    return "".join((space if i else "") + word for i, (space, word) in enumerate(pairs))
