"""What WeasyPrint may read while it renders: nothing from the network and nothing from the disk.

The stylesheet is given as a string and fonts come from fontconfig, so the document needs no URL of
its own. Images in a body are rewritten (see `compose`) to `qms-attachment:<uri>` when a revision in
force links them; their bytes were read from that revision's commit. Every other URL (http, https,
ftp, file, anything else) is refused; `data:` URLs carry their bytes inline and are decoded here."""

from __future__ import annotations

import base64
import mimetypes
from collections.abc import Mapping
from urllib.parse import unquote

SCHEME = "qms-attachment:"
# Images WeasyPrint draws without running anything: raster formats only (an SVG could reference URLs).
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp"})


class Refused(ValueError):
    """A URL the PDF may not read; WeasyPrint leaves the resource out and goes on."""


def image_type(uri: str) -> str | None:
    """The media type of an attachment WeasyPrint may draw, or None."""
    kind = mimetypes.guess_type(uri)[0]
    return kind if kind in IMAGE_TYPES else None


def resolve(url: str, attachments: Mapping[str, bytes]) -> tuple[bytes, str]:
    """(bytes, media type) for a URL the PDF may read; Refused for every other URL."""
    if url.startswith(SCHEME):
        uri = unquote(url[len(SCHEME):])
        kind = image_type(uri)
        if kind is None or uri not in attachments:
            raise Refused(f"{uri}: not an image that a revision in force links to")
        return attachments[uri], kind
    if url[:5].lower() == "data:":
        return _data(url)
    raise Refused(f"{url[:80]}: a controlled PDF reads nothing from the network or the disk")


def _data(url: str) -> tuple[bytes, str]:
    header, sep, payload = url[5:].partition(",")
    if not sep:
        raise Refused("a data: URL without data")
    params = header.split(";")
    kind = params[0] or "text/plain"
    if "base64" in params[1:]:
        try:
            return base64.b64decode(payload, validate=False), kind
        except ValueError:
            raise Refused("a data: URL that is not base64") from None
    return unquote(payload).encode("utf-8", "surrogateescape"), kind


def weasyprint_fetcher(attachments: Mapping[str, bytes]) -> object:
    """A WeasyPrint URLFetcher that serves `resolve` and refuses the rest (WeasyPrint imported here)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse  # type: ignore[import-untyped]

    class _Fetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
            data, kind = resolve(url, attachments)
            return URLFetcherResponse(url, data, {"Content-Type": kind})

    return _Fetcher(timeout=1, allowed_protocols=(), allow_redirects=False)
