"""Map front-matter keys, and each block-style approval entry and its keys, to file lines.

Line 1 is the opening `---`, so the front matter's first line is line 2. Computed only when a
finding needs a line."""

from __future__ import annotations

import re

_TOP_KEY = re.compile(r"^([A-Za-z_][\w.-]*)[ \t]*:(?:[ \t]|\r?$)", re.MULTILINE)
_ITEM = re.compile(r"([ \t]*)-(?:[ \t]+|\r?$)")
_SUB_KEY = re.compile(r"[ \t]*(?:-[ \t]+)?([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]|\r?$)")

ApprovalLines = tuple[tuple[int, dict[str, int]], ...]


def top_keys(fm: str) -> dict[str, int]:
    """Top-level key -> file line."""
    keys: dict[str, int] = {}
    for n, line in enumerate(fm.split("\n"), start=2):
        if line[:1].isalpha() or line[:1] == "_":
            m = _TOP_KEY.match(line)
            if m:
                keys.setdefault(m.group(1), n)
    return keys


def approval_entries(fm: str, approvals_line: int | None) -> ApprovalLines:
    """((entry line, entry key -> line), ...) for a block-style `approvals` list."""
    if approvals_line is None:
        return ()
    entries: list[tuple[int, dict[str, int]]] = []
    indent = -1
    for n, raw in enumerate(fm.splitlines()[approvals_line - 1:], start=approvals_line + 1):
        if _TOP_KEY.match(raw):
            break
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        item = _ITEM.match(raw)
        if item and (indent < 0 or len(item.group(1)) <= indent):
            indent = len(item.group(1))
            entries.append((n, {}))
        sub = _SUB_KEY.match(raw)
        if sub and entries:
            entries[-1][1].setdefault(sub.group(1), n)
    return tuple(entries)
