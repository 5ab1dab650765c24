"""The HTML that WeasyPrint turns into a controlled PDF: the site's selection and its templates.

The control block, revision history, master list, clause matrix and archive are the site's own
(`mkdocs_plugin.pages`, from `qms_docs/templates/pages`); `qms_docs/templates/pdf` adds the paper
around them: running head, footer, cover, contents, watermarks. Bodies are rendered with the site's
Markdown extension (`QmsMarkdown`: raw HTML shown as text, refused URLs dropped) plus one step of its
own: a link works on paper only if it leaves the PDF (http, https, mailto, tel) or points at a
document inside it; anything else is its text. Images are kept when a revision in force links them
and they are raster images; `fetcher` serves their bytes, read from that revision's commit."""

from __future__ import annotations

import base64
import datetime as dt
import html
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import quote

import jinja2
from markdown import Markdown  # type: ignore[import-untyped]
from markdown.treeprocessors import Treeprocessor  # type: ignore[import-untyped]
from markupsafe import Markup, escape

from qms_docs.mkdocs_plugin import attachments, pages, urls
from qms_docs.mkdocs_plugin.extension import QmsMarkdown
from qms_docs.publishing.labels import current
from qms_docs.publishing.pdf.fetcher import SCHEME, image_type
from qms_docs.publishing.selection import Entry, Publication

# Python-Markdown's own extensions, as the example mkdocs.yml uses them (none reads a file).
EXTENSIONS = ("tables", "fenced_code", "admonition", "def_list", "sane_lists")
LEAVES_THE_PDF = frozenset({"http", "https", "mailto", "tel"})


class State(StrEnum):
    """How a printed revision stands today."""

    IN_FORCE = "in force"
    SUPERSEDED = "superseded"  # in force on --as-of, not today (a newer revision, or withdrawn)
    NOT_YET = "not yet in force"  # in force on a future --as-of, not today


@dataclass(frozen=True)
class Copy:
    """A controlled copy: its number and holder."""

    number: int
    holder: str


@dataclass(frozen=True)
class Imprint:
    """What is printed around the documents."""

    organisation: str
    today: dt.date  # the print date
    as_of: dt.date  # the day whose revisions in force are printed
    copy: Copy | None = None


@dataclass(frozen=True)
class Sheet:
    """One document of the PDF: the site's blocks and the rendered body."""

    entry: Entry
    state: State
    anchor: str
    control: Markup
    body: Markup
    history: Markup


def anchor(doc_id: str) -> str:
    return "doc-" + doc_id


def state_of(entry: Entry, today: Mapping[str, Entry], as_of: dt.date, on: dt.date) -> State:
    """IN_FORCE when today's selection holds this exact revision; else SUPERSEDED for a past --as-of
    and NOT_YET for a future one."""
    current = today.get(entry.id)
    if current is not None and current.doc.revision == entry.doc.revision and current.doc.digest == entry.doc.digest:
        return State.IN_FORCE
    return State.NOT_YET if as_of > on else State.SUPERSEDED


class _PaperLinks(Treeprocessor):  # type: ignore[misc]
    """After the site's own steps: links that work on paper, images the PDF may carry."""

    def __init__(self, md: Markdown, ext: _PdfMarkdown):
        super().__init__(md)
        self.ext = ext

    def run(self, root: etree.Element) -> None:
        for el in root.iter():
            if el.tag == "a" and not self._works(el.attrib.get("href", "")):
                el.tag = "span"
                el.attrib.pop("href", None)
            elif el.tag == "img":
                uri = attachments.target(self.ext.page_uri, el.attrib.get("src", ""))
                if uri is not None and uri in self.ext.images:
                    el.attrib["src"] = SCHEME + quote(uri)
                else:
                    el.tag, el.text = "span", el.attrib.pop("alt", "")
                    el.attrib.pop("src", None)

    def _works(self, href: str) -> bool:
        if href.startswith("#"):
            return href[1:] in self.ext.anchors
        return urls.scheme(urls.as_browser_reads(href)) in LEAVES_THE_PDF


class _PdfMarkdown(QmsMarkdown):
    """The site's extension; ids link to the document's anchor inside this PDF."""

    def __init__(self, anchors: set[str], images: set[str], unissued: Callable[[str], bool]):
        super().__init__()
        self.anchors = anchors
        self.images = images
        self.unissued = unissued
        self.page_id = ""  # the id of the document being rendered: it does not link to itself

    def href(self, doc_id: str) -> str | None:
        return "#" + anchor(doc_id) if anchor(doc_id) in self.anchors and doc_id != self.page_id else None

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        super().extendMarkdown(md)
        md.treeprocessors.register(_PaperLinks(md, self), "qms_paper_links", 1)


class Composer:
    """Builds the sheets of one PDF: `targets` are the documents printed in it (linked to each other)."""

    def __init__(self, pub: Publication, targets: Sequence[Entry], images: Mapping[str, bytes],
                 today: Mapping[str, Entry], imprint: Imprint):
        self.pub, self.imprint, self.today = pub, imprint, today
        self.ids = {e.id for e in targets}
        self.known = {e.id for e in pub.documents} | {w.doc.id for w in pub.archive if w.doc.id}
        self.ext = _PdfMarkdown({anchor(i) for i in self.ids}, {u for u in images if image_type(u)}, self.unissued)
        self.md = Markdown(extensions=[*EXTENSIONS, self.ext], output_format="html")

    def unissued(self, doc_id: str) -> bool:
        """A configured id with no revision in force (on --as-of) and not withdrawn."""
        return doc_id not in self.known and self.pub.config.type_for_id(doc_id) is not None

    def link(self, doc_id: str) -> str | None:
        return "#" + anchor(doc_id) if doc_id in self.ids else None

    def sheet(self, entry: Entry) -> Sheet:
        self.md.reset()
        self.ext.page_uri, self.ext.page_id = entry.uri, entry.id
        body = Markup(self.md.convert(entry.doc.body))  # noqa: S704 (QmsMarkdown shows raw HTML as text)
        state = state_of(entry, self.today, self.imprint.as_of, self.imprint.today)
        notice = pages.language_notice(self.pub.site, entry.id, "")  # a translation's PDF: stale, or not translated
        control = _unique(notice + pages.control_block(entry.doc, entry.commit.short, entry.next_review, self.link,
                                                       self.unissued, superseded=state is State.SUPERSEDED,
                                                       proofs=self.pub.proofs_of(entry.doc),
                                                       source_language=self.pub.config.languages.default),
                          "qms-control", entry.id)
        if self.pub.site is not None and (entry.doc.language or self.pub.site.default) != self.pub.site.language:
            body = Markup(f'<div lang="{escape(self.pub.site.default)}">{body}</div>')  # noqa: S704 (the source shown)
        history = _unique(pages.revision_history(entry, None, self.pub.proofs), "qms-revision-history", entry.id)
        return Sheet(entry, state, anchor(entry.id), control, body, history)


def _unique(block: str, element_id: str, doc_id: str) -> Markup:
    """A site block (autoescaped template output) whose one id is made unique to its document."""
    return Markup(block.replace(f'id="{element_id}"', f'id="{element_id}-{escape(doc_id)}"', 1))  # noqa: S704


_ENV = jinja2.Environment(loader=pages._Loader("qms_docs.templates", "pdf"), autoescape=jinja2.select_autoescape(["html"]),
                          undefined=jinja2.StrictUndefined, finalize=pages._finalize)
_ENV.filters["css_string"] = pages.css_string


def say(label: str, **values: Any) -> str:
    """`label` with its {names} filled in, each date and time as the language being rendered writes it
    (`str.format` would print ISO dates in every language)."""
    words = current()
    return label.format(**{name: words.moment(v) if isinstance(v, dt.datetime) else pages._finalize(v)
                           for name, v in values.items()})


_ENV.globals["say"] = say


def _render(template: str, **values: Any) -> str:
    return _ENV.get_template(template).render(l=current(), State=State, **values)


def stylesheet(imprint: Imprint) -> str:
    """The print stylesheet: page boxes with the footer of this print (every value CSS-escaped)."""
    words = current()
    return _render("pdf.css", foot=foot(imprint), page_content=counter_content(words.pdf_page),
                   watermarks={"superseded": watermark(words.pdf_superseded),
                               "not_yet": watermark(words.pdf_not_yet_in_force)})


def foot(imprint: Imprint) -> str:
    """The footer's text: the print date and whether the copy is controlled."""
    words = current()
    status = (say(words.pdf_controlled_copy, number=imprint.copy.number, holder=imprint.copy.holder)
              if imprint.copy else words.pdf_uncontrolled)
    return f"{say(words.pdf_printed, date=imprint.today)} · {status}"


def counter_content(label: str) -> str:
    """A CSS `content` value for a label with {page} and {pages}: escaped text and page counters."""
    parts = re.split(r"(\{page\}|\{pages\})", label)
    return " ".join(f"counter({p[1:-1]})" if p in ("{page}", "{pages}") else pages.css_string(p) for p in parts if p)


def watermark(text: str) -> str:
    """A `data:` URL of an SVG with `text` across the page, faint and diagonal."""
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="210mm" height="297mm" viewBox="0 0 210 297">'
           '<text x="105" y="160" text-anchor="middle" font-family="DejaVu Sans, Noto Sans, sans-serif" '
           'font-weight="700" font-size="24" fill="#b71c1c" fill-opacity="0.16" transform="rotate(-55 105 148)">'
           f'{html.escape(text)}</text></svg>')
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def document(composer: Composer, entry: Entry) -> str:
    """The HTML of one document's PDF."""
    sheet = composer.sheet(entry)
    title = say(current().document_label, id=entry.id, revision=entry.doc.revision)
    return _render("document.html", imprint=composer.imprint, sheets=[sheet], title=title, manual=None, front=False,
                   tail=False)


@dataclass(frozen=True)
class ManualParts:
    """The generated pages of the manual, as the site renders them."""

    master_list: Markup
    clause_matrix: Markup
    archive: Markup


def manual(composer: Composer, head: str | None) -> str:
    """The HTML of the manual: cover, contents, master list, every document, clause matrix, archive."""
    parts, sheets = _manual_parts(composer), [composer.sheet(entry) for entry in composer.pub.documents]
    return _manual_html(composer, head, parts, sheets, sheets, front=True, tail=True, numbers=None)


# A link to an anchor that another part of the manual holds: WeasyPrint writes it as a URI link, which
# `join.join` turns into a link to the named destination once the parts are one PDF.
ELSEWHERE = "qms-anchor:"
_ID = re.compile(r' id="([^"]*)"')
_HREF = re.compile(r' href="#([^"]*)"')


@dataclass(frozen=True)
class Split:
    """The manual in pieces that are laid out apart: `front` (cover, contents, master list) given the page
    where each of `contents` starts (None: placeholders of the same width), then the `parts`."""

    front: Callable[[Mapping[str, int] | None], str]
    parts: tuple[str, ...]
    contents: frozenset[str]  # the anchors the contents list


def split_manual(composer: Composer, head: str | None, count: int) -> Split:
    """The manual as `count` parts of about the same size (the clause matrix and archive end the last)."""
    manual_parts = _manual_parts(composer)
    sheets = [composer.sheet(entry) for entry in composer.pub.documents]
    groups = _balanced([len(s.body) + len(s.control) + len(s.history) for s in sheets],
                       len(manual_parts.clause_matrix) + len(manual_parts.archive), count)
    parts = tuple(_elsewhere(_manual_html(composer, head, manual_parts, sheets, [sheets[i] for i in group],
                                          front=False, tail=n == len(groups) - 1, numbers=None))
                  for n, group in enumerate(groups))
    contents = frozenset(["qms-master-list", *(s.anchor for s in sheets), "qms-clause-matrix", "qms-archive"])

    def front(numbers: Mapping[str, int] | None) -> str:
        shown = numbers if numbers is not None else dict.fromkeys(contents, 10 ** len(str(len(sheets) * 10)) - 1)
        return _elsewhere(_manual_html(composer, head, manual_parts, sheets, [], front=True, tail=False, numbers=shown))

    return Split(front, parts, contents)


def _balanced(sizes: Sequence[int], tail: int, count: int) -> list[list[int]]:
    """Consecutive groups of the indexes of `sizes` whose sums (the last one's with `tail`) are about equal."""
    total, done = sum(sizes) + tail, 0
    groups: list[list[int]] = [[] for _ in range(count)]
    for i, size in enumerate(sizes):  # each document goes where its middle falls
        groups[min(count - 1, int((done + size / 2) * count / max(total, 1)))].append(i)
        done += size
    return [g for g in groups[:-1] if g] + [groups[-1]]


def _elsewhere(html_text: str) -> str:
    """`html_text` with its links to anchors it does not hold pointing `ELSEWHERE`."""
    held = set(_ID.findall(html_text))
    return _HREF.sub(lambda m: m.group(0) if m.group(1) in held else f' href="{ELSEWHERE}{m.group(1)}"', html_text)


def _manual_parts(composer: Composer) -> ManualParts:
    pub = composer.pub
    return ManualParts(Markup(pages.master_list(pub, composer.link, "#qms-archive", composer.unissued)),  # noqa: S704
                       Markup(pages.clause_matrix(pub, composer.link, composer.unissued)),  # noqa: S704
                       Markup(pages.archive(pub)))  # noqa: S704 (autoescaped templates)


def _manual_html(composer: Composer, head: str | None, parts: ManualParts, contents: Sequence[Sheet],
                 sheets: Sequence[Sheet], *, front: bool, tail: bool, numbers: Mapping[str, int] | None) -> str:
    def page_of(anchor_name: str) -> Markup:
        return Markup(f' data-page="{numbers[anchor_name]}"') if numbers is not None else Markup("")  # noqa: S704 (an int)

    return _render("document.html", imprint=composer.imprint, sheets=sheets, contents=contents, title=current().pdf_manual,
                   manual=parts, head=head, type_label=pages.type_label, front=front, tail=tail, page_of=page_of)


def image_uris(entries: Sequence[Entry]) -> set[str]:
    """Paths below documents_dir that the bodies may show as images (a superset; see `_PaperLinks`)."""
    return {uri for e in entries for uri in attachments.mentioned(e.uri, e.doc.body) if image_type(uri)}

