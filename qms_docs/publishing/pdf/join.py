"""Pieces of a PDF laid out apart (publishing/pdf/parallel.py) made one: pages, named destinations,
bookmarks, links between the pieces, fonts, the manifest.

WeasyPrint names each font subset after the font (`ABCDEF+DejaVu-Sans`), not after the glyphs it
holds, so each piece has a subset of the same name and other glyphs. A PDF gives different subsets
different tags (ISO 32000 9.6.4): a viewer that caches fonts by name would draw one piece's text with
another's glyphs. The pieces after the first have their tags changed."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import unquote

from qms_docs.publishing.pdf.compose import ELSEWHERE
from qms_docs.publishing.pdf.render import MANIFEST_NAME


def prepare() -> None:
    """Import pypdf (0.15 s) while the parts are still being laid out."""
    import pypdf  # noqa: F401


def join(pieces: Sequence[bytes], manifest: bytes) -> bytes:
    """One PDF of `pieces` (the first gives the catalog: title, language), its links `ELSEWHERE` made
    links to the named destinations, `manifest` attached."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pieces[0])))
    for n, piece in enumerate(pieces[1:], start=1):
        reader = PdfReader(io.BytesIO(piece))
        for font in _fonts(reader.pages):
            _retag(font, n)
        writer.append(reader)
    for page in writer.pages:
        for ref in page.get("/Annots") or ():
            annot = ref.get_object()
            action = annot.get("/A")
            uri = action.get_object().get("/URI") if action is not None else None
            if isinstance(uri, str) and uri.startswith(ELSEWHERE):
                del annot["/A"]
                annot[NameObject("/Dest")] = TextStringObject(unquote(uri[len(ELSEWHERE):]))
    writer.add_attachment(MANIFEST_NAME, manifest)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _fonts(pages: Any) -> Iterator[Any]:
    """Each font dictionary the pages use, in their resources and their forms' and patterns' (once)."""
    seen: set[int] = set()
    todo = [page.get("/Resources") for page in pages]
    while todo:
        resources = todo.pop()
        resources = resources.get_object() if resources is not None else None
        if not resources or id(resources) in seen:
            continue
        seen.add(id(resources))
        for ref in (resources.get("/Font") or {}).values():
            font = ref.get_object()
            if id(font) not in seen:
                seen.add(id(font))
                yield font
        for kind in ("/XObject", "/Pattern"):
            todo.extend(ref.get_object().get("/Resources") for ref in (resources.get(kind) or {}).values())


def _retag(font: Any, piece: int) -> None:
    """The font's subset tag (and its descendant's and descriptor's) made that of piece `piece`."""
    from pypdf.generic import NameObject

    named = [font, *(d.get_object() for d in font.get("/DescendantFonts") or ())]
    named += [f["/FontDescriptor"].get_object() for f in named if "/FontDescriptor" in f]
    for obj in named:
        for key in ("/BaseFont", "/FontName"):
            name = obj.get(key)
            if isinstance(name, str) and len(name) > 8 and name[7] == "+":
                obj[NameObject(key)] = NameObject("/" + new_tag(name[1:7], piece) + name[7:])


def new_tag(tag: str, piece: int) -> str:
    """Six capital letters for `tag` in piece `piece`."""
    digest = hashlib.sha256(f"{tag}:{piece}".encode()).digest()
    return "".join(chr(ord("A") + b % 26) for b in digest[:6])
