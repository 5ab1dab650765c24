"""Which URLs in a document may stay links: judged on the URL a browser would follow.

A browser decodes character references in an attribute (`&#106;avascript:`, `javascript&colon;`),
strips leading and trailing C0 controls and spaces, removes tab, CR and LF anywhere
(`java<TAB>script:`) and compares the scheme case-insensitively. The allow-list is applied to
that URL, never to the raw text. Percent-encoding cannot create a scheme (`javascript%3A` is a
relative path to a browser too), so it is not decoded."""

from __future__ import annotations

import html
import re

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_RELATIVE_OR_ALLOWED = ALLOWED_SCHEMES | {""}
_EDGES = "".join(map(chr, range(0x21)))  # C0 controls and space
_INSIDE = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")


def as_browser_reads(raw: str) -> str:
    """`raw` (an attribute value as written) as the URL a browser parses: decoded and normalised."""
    return _INSIDE.sub("", html.unescape(raw).strip(_EDGES))


def scheme(url: str) -> str:
    """The lower-case scheme of a normalised URL; "" for a relative URL (`a/b:c` has none either)."""
    match = _SCHEME.match(url)
    return match.group(1).lower() if match else ""


def allowed(raw: str) -> bool:
    """Relative URLs and http, https, mailto and tel: as written and as a browser reads them."""
    written = _INSIDE.sub("", raw.strip(_EDGES))
    return all(scheme(url) in _RELATIVE_OR_ALLOWED for url in (written, as_browser_reads(raw)))
