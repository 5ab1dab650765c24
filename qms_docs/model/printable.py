"""Make untrusted text safe to print on one line: a terminal, a hook's stderr, a CI log.

A document value or file name can hold CR, LF, ESC or other control characters; printed raw, a
title with `\\n::error file=x::` forges a GitHub annotation, and ESC sequences rewrite a terminal.
Every such character is shown as a Python-style escape (`\\n`, `\\x1b`, `\\u2028`)."""

from __future__ import annotations

import re

# C0 controls but tab, DEL, C1 controls, the Unicode line and paragraph separators, and the
# bidirectional overrides and isolates that can reorder what a reader sees ("Trojan Source").
_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


def printable(text: str) -> str:
    """`text` with every control character escaped, so it prints as one line."""
    return _UNSAFE.sub(_escape, text)
