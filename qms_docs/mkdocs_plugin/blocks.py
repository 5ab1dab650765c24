"""The raw HTML blocks of a rendered page, set aside while Markdown converts the rest.

A rendered page is headings and raw HTML blocks (`qms_docs.publishing.render`). Python-Markdown passes a raw
HTML block through unchanged, but parsing it costs half a build; each block is swapped for a short token
paragraph before the conversion and put back in its place after it: the HTML Markdown would have written."""

from __future__ import annotations

import re


def hide(markdown: str, token: str) -> tuple[str, list[str]]:
    """`markdown` with each HTML block (a chunk between blank lines that starts with `<`) replaced by a token."""
    chunks, blocks = markdown.split("\n\n"), list[str]()
    for n, chunk in enumerate(chunks):
        if chunk.startswith("<"):
            chunks[n] = f"{token}x{len(blocks)}"
            blocks.append(chunk)
    return "\n\n".join(chunks), blocks


def restore(html: str, token: str, blocks: list[str]) -> str:
    """The converted HTML with each token paragraph replaced by its block (followed by a blank line, as a raw
    block is)."""
    return re.sub(rf"<p>{token}x(\d+)</p>(\n?)", lambda m: blocks[int(m.group(1))] + ("\n\n" if m.group(2) else ""),
                  html)
