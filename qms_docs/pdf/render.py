"""HTML to PDF with WeasyPrint (imported here only, on the first render: it costs ~0.5 s and needs Pango).

Nothing is fetched: the stylesheet is a string, fonts come from fontconfig, and every URL goes through
`fetcher` (attachments of revisions in force and `data:` URLs; nothing else). The manifest is embedded
as a PDF file attachment (`qms-manifest.json`)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from qms_docs.errors import UsageError
from qms_docs.pdf import fetcher

MANIFEST_NAME = "qms-manifest.json"
INSTALL_HINT = ("WeasyPrint is a dependency of qms-docs (`pip install qms-docs`) and needs Pango from the "
                "system: apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core")


@dataclass(frozen=True)
class Rendered:
    data: bytes
    pages: int
    refused: tuple[str, ...]  # URLs the fetcher refused (left out of the PDF)


class _Refusals(logging.Handler):
    """WeasyPrint logs each resource it could not load; the command reports them once."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def weasyprint_missing() -> str | None:
    """Why WeasyPrint cannot run here, or None."""
    try:
        import weasyprint  # type: ignore[import-untyped]  # noqa: F401
    except ImportError as e:  # the package, or Pango behind it
        return f"qms pdf needs WeasyPrint >= 70 ({e}); {INSTALL_HINT}"
    except OSError as e:
        return f"qms pdf needs WeasyPrint's system libraries ({e}); {INSTALL_HINT}"
    return None


def render(html: str, css: str, images: Mapping[str, bytes], manifest: bytes) -> Rendered:
    """The PDF of `html` styled by `css`, with `manifest` attached."""
    missing = weasyprint_missing()
    if missing:
        raise UsageError(missing)
    import weasyprint

    fetch = fetcher.weasyprint_fetcher(images)
    logger, handler = logging.getLogger("weasyprint"), _Refusals()
    logger.addHandler(handler)
    try:
        doc = weasyprint.HTML(string=html, base_url=None, url_fetcher=fetch).render(
            stylesheets=[weasyprint.CSS(string=css, url_fetcher=fetch)])
        attachment = weasyprint.Attachment(string=manifest, name=MANIFEST_NAME, url_fetcher=fetch,
                                           description="qms-docs manifest: documents, revisions, digests, signatures")
        data = doc.write_pdf(attachments=[attachment])
    finally:
        logger.removeHandler(handler)
    return Rendered(data, len(doc.pages), tuple(dict.fromkeys(handler.messages)))
