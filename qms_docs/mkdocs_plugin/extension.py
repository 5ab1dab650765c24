"""The Markdown extension the qms plugin adds: document bodies can never run anything on the site.

Decision on raw HTML: document bodies are Markdown, not HTML. Raw HTML in a body (`<script>`,
`<iframe>`, `<img onerror=…>`, even in approved content) is shown as text, escaped, never passed
through: the `html_block` preprocessor and the `html` inline pattern are removed. Block-level HTML
comments (`<!-- … -->` on their own lines) are dropped, as a browser would hide them. Links and
images keep only the URLs `urls.allowed` accepts (judged as a browser reads them); any other link
or image is rendered as its text. Event-handler attributes (which `attr_list` could add) are
removed. Ids of controlled documents in the text link to the referenced page; an id with a
configured prefix that has no revision in force is marked "not issued"."""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable, Mapping

from markdown import Markdown  # type: ignore[import-untyped]
from markdown.extensions import Extension  # type: ignore[import-untyped]
from markdown.preprocessors import Preprocessor  # type: ignore[import-untyped]
from markdown.treeprocessors import Treeprocessor  # type: ignore[import-untyped]
from markdown.util import AMP_SUBSTITUTE  # type: ignore[import-untyped]

from qms_docs.mkdocs_plugin import attachments, urls
from qms_docs.publishing.labels import ENGLISH as LABELS

# Attributes that hold a URL; `srcset` (a list of URLs) is always dropped.
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "poster", "background", "cite",
                            "data", "ping", "longdesc", "manifest", "codebase", "icon", "lowsrc", "dynsrc"})
DROPPED = frozenset({"srcdoc", "srcset"})
DOC_ID = re.compile(r"\b[A-Z][A-Z0-9]*-[0-9]{3,}\b")
NO_LINKS_IN = frozenset({"a", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "script", "style"})
_COMMENT_START = re.compile(r" {0,3}<!--")


class _DropComments(Preprocessor):  # type: ignore[misc]
    """Removes HTML comments that stand on their own lines (fenced code is already stashed)."""

    def run(self, lines: list[str]) -> list[str]:
        kept: list[str] = []
        in_comment = False
        for line in lines:
            if not in_comment:
                if not _COMMENT_START.match(line):
                    kept.append(line)
                    continue
                line = line[line.index("<!--") + 4:]
            in_comment = "-->" not in line
            rest = "" if in_comment else line[line.index("-->") + 3:]
            if rest.strip():
                kept.append(rest)
        return kept


class _Neutralise(Treeprocessor):  # type: ignore[misc]
    """Drops event handlers and refused URLs; a refused link or image becomes its text (a `<span>`).

    MkDocs asserts that every `<a>` has an href and every `<img>` a src: none is left without one,
    so no document content can stop the build."""

    def __init__(self, md: Markdown, ext: QmsMarkdown):
        super().__init__(md)
        self.ext = ext

    def run(self, root: etree.Element) -> None:
        for el in root.iter():
            for name in list(el.attrib):
                if _dropped(name.lower(), el.attrib[name].replace(AMP_SUBSTITUTE, "&")):
                    del el.attrib[name]
            if el.tag == "a" and "href" not in el.attrib:
                el.tag = "span"
            elif el.tag == "img" and "src" not in el.attrib:
                el.tag, el.text = "span", el.attrib.pop("alt", "")
            url = el.attrib.get("href" if el.tag == "a" else "src") if el.tag in ("a", "img") else None
            uri = None if url is None else attachments.target(self.ext.page_uri, url.replace(AMP_SUBSTITUTE, "&"))
            if uri is not None:
                self.ext.linked.add(uri)  # a file this page links to: the plugin keeps it on the site


def _dropped(name: str, value: str) -> bool:
    """Event handlers, `srcdoc`/`srcset`, and URL attributes whose URL is refused."""
    return name.startswith("on") or name in DROPPED or name in URL_ATTRIBUTES and not urls.allowed(value)


class _LinkIds(Treeprocessor):  # type: ignore[misc]
    """Turns `QP-003` in running text into a link to that document's page, or marks it "not issued"
    when it names a document (by a configured prefix) that has no revision in force."""

    def __init__(self, md: Markdown, ext: QmsMarkdown):
        super().__init__(md)
        self.ext = ext

    def run(self, root: etree.Element) -> None:
        self._walk(root)

    def _walk(self, el: etree.Element) -> None:
        if el.tag in NO_LINKS_IN:
            return
        children = list(el)
        el.text = self._split(el.text, el, 0)
        for child in children:
            self._walk(child)
            child.tail = self._split(child.tail, el, list(el).index(child) + 1)

    def _split(self, text: str | None, parent: etree.Element, index: int) -> str | None:
        """Links ids in `text`, inserting <a> elements into `parent` at `index`; returns the leading text."""
        if not text:
            return text
        matches = [m for m in DOC_ID.finditer(text) if self.ext.href(m.group(0)) or self.ext.unissued(m.group(0))]
        if not matches:
            return text
        for n, m in enumerate(matches):
            a = self._element(m.group(0))
            end = matches[n + 1].start() if n + 1 < len(matches) else len(text)
            a.tail = text[m.end():end]
            parent.insert(index + n, a)
        return text[:matches[0].start()]

    def _element(self, doc_id: str) -> etree.Element:
        href = self.ext.href(doc_id)
        if href:
            a = etree.Element("a", {"href": href, "class": "qms-ref"})
            a.text = doc_id
            return a
        span = etree.Element("span", {"class": "qms-not-issued", "title": LABELS.not_issued_hint.format(id=doc_id)})
        span.text = doc_id + " "
        badge = etree.SubElement(span, "span", {"class": "qms-badge qms-badge--not-issued"})
        badge.text = LABELS.not_issued
        return span


class QmsMarkdown(Extension):  # type: ignore[misc]
    """Registered last by the plugin; `page_uri` and `targets` are set per page and per build."""

    def __init__(self) -> None:
        super().__init__()
        self.page_uri = ""
        self.targets: Mapping[str, str] = {}  # document id -> page uri below docs_dir
        self.unissued: Callable[[str], bool] = lambda doc_id: False  # set per build by the plugin
        self.linked: set[str] = set()  # paths below docs_dir that rendered pages link to (attachments)

    def href(self, doc_id: str) -> str | None:
        """A link (relative to the current page's source) to the page of `doc_id`, if it has one."""
        target = self.targets.get(doc_id)
        if target is None or target == self.page_uri:
            return None
        return posixpath.relpath(target, posixpath.dirname(self.page_uri) or ".")

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        for registry, name in ((md.preprocessors, "html_block"), (md.inlinePatterns, "html")):
            if name in registry:
                registry.deregister(name)
        md.preprocessors.register(_DropComments(md), "qms_drop_comments", 20)
        md.treeprocessors.register(_LinkIds(md, self), "qms_link_ids", 7)
        md.treeprocessors.register(_Neutralise(md, self), "qms_neutralise", 2)
