"""HTML to PDF with WeasyPrint (imported here only, on the first render: it costs ~0.5 s and needs Pango).

Nothing is fetched: the stylesheet is a string, fonts come from fontconfig, and every URL goes through
`fetcher` (attachments of revisions in force and `data:` URLs; nothing else). The manifest is embedded
as a PDF file attachment (`qms-manifest.json`).

Two measured savings (bench/bench_pdf.py): the cyclic garbage collector is paused while WeasyPrint
builds its box trees (it ran ~950 times on the example manual, ~15 % of the CPU, and freed almost
nothing), and WeasyPrint's user-agent stylesheet is used without its footnote and note rules (they
give every element six pseudo-elements to cascade; a controlled PDF has no footnotes)."""

from __future__ import annotations

import functools
import gc
import logging
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any

from qms_docs.errors import UsageError
from qms_docs.publishing.pdf import fetcher
from qms_docs.publishing.pdf.numbering import LaidOut, Numbering, numbered

MANIFEST_NAME = "qms-manifest.json"
DESCRIPTION = "qms-docs manifest: documents, revisions, digests, signatures"
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
        _import_weasyprint()
    except ImportError as e:  # the package, or Pango behind it
        return f"qms pdf needs WeasyPrint >= 70 ({e}); {INSTALL_HINT}"
    except OSError as e:
        return f"qms pdf needs WeasyPrint's system libraries ({e}); {INSTALL_HINT}"
    return None


def render(html: str, css: str, images: Mapping[str, bytes], manifest: bytes | None,
           numbering: Callable[[LaidOut], Numbering] | None = None) -> Rendered:
    """The PDF of `html` styled by `css`, with `manifest` attached (None: a part of a manual, attached
    later); `numbering` is asked how to number the pages once they are laid out (see `numbering`)."""
    missing = weasyprint_missing()
    if missing:
        raise UsageError(missing)
    weasyprint = _import_weasyprint()
    fetch = fetcher.weasyprint_fetcher(images)
    logger, handler = logging.getLogger("weasyprint"), _Refusals()
    logger.addHandler(handler)
    try:
        with _collector_paused(), numbered(numbering) if numbering else nullcontext():
            doc = _lean_html_class()(string=html, base_url=None, url_fetcher=fetch).render(
                stylesheets=[weasyprint.CSS(string=css, url_fetcher=fetch)])
            attachments = [] if manifest is None else [
                weasyprint.Attachment(string=manifest, name=MANIFEST_NAME, url_fetcher=fetch, description=DESCRIPTION)]
            data = doc.write_pdf(attachments=attachments)
    finally:
        logger.removeHandler(handler)
    return Rendered(data, len(doc.pages), tuple(dict.fromkeys(handler.messages)))


def prepare() -> None:
    """What every render shares (WeasyPrint's import, the lean user-agent stylesheet), made now."""
    _lean_html_class()


class _Paginated(Exception):  # noqa: N818 (not an error: the pagination, carried out of WeasyPrint)
    def __init__(self, laid: LaidOut):
        super().__init__()
        self.laid = laid


def paginate(html: str, css: str, images: Mapping[str, bytes]) -> LaidOut:
    """The pages `html` takes and the page of each anchor, laid out and not drawn."""
    def stop(laid: LaidOut) -> Numbering:
        raise _Paginated(laid)

    try:
        render(html, css, images, None, numbering=stop)
    except _Paginated as e:
        return e.laid
    raise AssertionError("WeasyPrint laid out no margin boxes")  # every page has some (pdf.css)


def _import_weasyprint() -> Any:
    """`import weasyprint`, its system libraries found through the ldconfig cache alone (Linux).

    WeasyPrint tries several names per library (libgobject-2.0-0, gobject-2.0-0, gobject-2.0, ...);
    cffi hands each name that does not load as given to `ctypes.util.find_library`, which on Linux
    runs `ldconfig -p` and, for a name the cache does not hold, gcc and ld: dozens of processes, ~0.2 s CPU
    of a 5 s manual (bench/bench_pdf.py). The cache's answer is the one that `find_library` gives
    first; when WeasyPrint cannot load its libraries that way, the stock lookup gets its turn."""
    if "weasyprint" in sys.modules:
        return sys.modules["weasyprint"]
    import ctypes.util

    stock = ctypes.util.find_library
    cached = getattr(ctypes.util, "_findSoname_ldconfig", None)  # CPython's first step on Linux
    if cached is None or not sys.platform.startswith("linux"):
        import weasyprint  # type: ignore[import-untyped]

        return weasyprint
    ctypes.util.find_library = functools.cache(cached)
    try:
        import weasyprint
    except OSError:
        ctypes.util.find_library = stock
        import weasyprint
    finally:
        ctypes.util.find_library = stock
    return weasyprint


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while WeasyPrint works (reference counting still frees memory).

    What WeasyPrint left (~180,000 objects in cycles on the example manual: box trees, styles) is
    handed to the oldest generation before the collector resumes (`freeze` then `unfreeze`: two list
    splices). Resumed plainly, the collector's next young-generation pass would walk every one of them
    (0.3 s, 5 % of the manual, measured); the oldest generation is walked rarely, so a long-lived
    process (the tests) still frees them, and the console script exits first (`cli.main` freezes)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled and gc.get_freeze_count() == 0:  # (a caller's frozen objects stay frozen)
            gc.freeze()
            gc.enable()
            gc.unfreeze()
        elif enabled:
            gc.enable()


# Rules of WeasyPrint's user-agent stylesheet that a controlled PDF never uses: footnotes and notes
# (no element floats to a footnote) and markers outside list items.
_UNUSED_UA_RULES = re.compile(r"^::(?:footnote|note)-[a-z-]+ \{[^}\n]*\}$", re.M)


def lean_user_agent_css(ua: str) -> str:
    """WeasyPrint's user-agent stylesheet without the rules that cost a cascade per element for nothing."""
    return _UNUSED_UA_RULES.sub("", ua).replace("\n::marker {", "\nli::marker, summary::marker {")


@functools.cache
def _lean_html_class() -> Any:
    """weasyprint.HTML with the lean user-agent stylesheet (the full one if WeasyPrint changes its hook)."""
    _import_weasyprint()
    import weasyprint
    from weasyprint import html as ua_source
    from weasyprint.css.counters import CounterStyle  # type: ignore[import-untyped]

    if not hasattr(weasyprint.HTML, "_ua_stylesheets") or not hasattr(ua_source, "UA"):
        return weasyprint.HTML
    # Its @counter-style rules are registered already (WeasyPrint parsed the full sheet on import):
    # a fresh register keeps them from being defined twice, which WeasyPrint would log.
    sheet = weasyprint.CSS(string=lean_user_agent_css(ua_source.UA), counter_style=CounterStyle())

    class LeanHTML(weasyprint.HTML):  # type: ignore[misc]
        def _ua_stylesheets(self, forms: bool = False) -> list[Any]:  # a PDF without forms
            return [sheet]

    return LeanHTML
