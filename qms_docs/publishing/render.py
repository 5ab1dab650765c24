"""The manual as in force, as a Markdown tree that any MkDocs-1.x-compatible builder turns into the site
(SPEC 5 `qms render`, 6). The `qms` MkDocs plugin publishes exactly these pages: it is an adapter over
`render`, so what `qms render` writes and what `qms publish` builds cannot differ.

Each page is a Markdown file that needs nothing from the builder but headings and raw HTML blocks:
- the front matter comes from here (title, hidden table of contents, search exclusion, `robots`);
- a document's body is converted once, here, through Python-Markdown with `QmsMarkdown` (raw HTML shown
  as text, refused links as text, ids linked) and the builder's own extensions; every link is written as
  the final URL relative to the page (as MkDocs would write it), so the builder has nothing to resolve;
  the plugin keeps each conversion for the next build, with what it asked of the manual (which page an id
  or a link leads to): reused only when the manual still answers the same (records.cache_bodies);
- the body's top-level headings, and "Revision history", are written back as Markdown headings (plain
  text, every Markdown and HTML character escaped), so they are in the table of contents and each starts
  its own search result; everything between them is one `<div class="qms-body">` HTML block.
Pages: the revisions in force, a permanent page per superseded revision (`superseded/`), Home, the
Master Document List, the clause matrix, the archive, "Upcoming revisions", and an index page per
document type with more documents than `nav_documents_max` (the navigation then links that page instead
of listing hundreds of documents, so a build stays linear in the number of documents).
The plugin hands MkDocs every page but the superseded ones: `qms_docs.publishing.archive` turns those
(the same Markdown) into lean HTML pages itself, beside the build; in the tree they are Markdown pages
with a plain template of their own (theme/qms-superseded.html)."""

from __future__ import annotations

import html
import json
import posixpath
import re
import uuid
import xml.etree.ElementTree as etree
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from markdown import Markdown  # type: ignore[import-untyped]
from markdown.extensions import Extension  # type: ignore[import-untyped]
from markdown.treeprocessors import Treeprocessor  # type: ignore[import-untyped]
from markdown.util import AMP_SUBSTITUTE, HTML_PLACEHOLDER_RE  # type: ignore[import-untyped]

from qms_docs import templates
from qms_docs.errors import ConfigError
from qms_docs.mkdocs_plugin import assets, attachments, pages
from qms_docs.mkdocs_plugin.extension import QmsMarkdown
from qms_docs.publishing.labels import current, speaking
from qms_docs.publishing.selection import Entry, Publication, Superseded
from qms_docs.records.cache_bodies import Answer, Converted, ConvertedBodies, identity, open_bodies

SUPERSEDED_DIR, TYPES_DIR = "superseded", "types"
THEME_DIR = Path(templates.__file__).resolve().parent / "pages" / "theme"  # the theme override (robots)
GENERATED = (pages.HOME, pages.MDL, pages.MATRIX, pages.ARCHIVE, pages.UPCOMING)
NOINDEX = "noindex"
SUPERSEDED_TEMPLATE = "qms-superseded.html"  # in THEME_DIR
NavItem = dict[str, Any]


@dataclass(frozen=True)
class Options:
    site_name: str
    directory_urls: bool = True
    nav_documents_max: int = 50  # a type with more documents gets an index page instead of a sidebar list
    extensions: tuple[Any, ...] = ()  # the builder's Markdown extensions (names or instances), for bodies
    extension_configs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Page:
    uri: str  # below the tree, e.g. "procedures/QP-001.md"
    title: str  # as MkDocs treats titles: HTML, so escaped
    text: str  # the Markdown file: front matter, headings and HTML blocks
    in_nav: bool


@dataclass(frozen=True)
class Asset:
    uri: str
    data: bytes


@dataclass(frozen=True)
class Manual:
    pages: tuple[Page, ...]
    files: tuple[Asset, ...]  # attachments that a rendered page links to, and the site's own CSS and script
    nav: tuple[NavItem, ...]
    problems: tuple[str, ...]  # refused attachments (build warnings)


def page_url(uri: str, directory_urls: bool) -> str:
    """The URL (relative to the site root) MkDocs gives the page built from `uri`."""
    stem, ext = posixpath.splitext(uri)
    if ext != ".md":
        return uri
    name = posixpath.basename(stem)
    folder = posixpath.dirname(stem)
    if name in ("index", "README"):
        return folder + "/" if folder else ("" if directory_urls else "index.html")
    return stem + "/" if directory_urls else stem + ".html"


def relative_url(target: str, page: str) -> str:
    """`target` (a site URL) as a link from the page at site URL `page`, as MkDocs writes it."""
    base = page if page.endswith("/") or not page else posixpath.dirname(page) + "/"
    rel = posixpath.relpath("/" + target, "/" + base)
    return (rel + "/" if rel != "." else "./") if target.endswith("/") or not target else rel


def markdown_text(text: str) -> str:
    """`text` as Markdown inline content that renders as exactly that text (for headings)."""
    text = html.escape(" ".join(text.split()), quote=False)
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|~^=:])", r"\\\1", text)


def front_matter(title: str, *, hide_toc: bool = False, hidden: bool = False, template: str | None = None) -> str:
    """`hidden`: kept out of search (Material's `search.exclude`) and marked `noindex` for robots.
    `template`: a page template of the theme override (THEME_DIR) instead of the theme's page."""
    lines = [f"title: {json.dumps(title)}"]  # a JSON string is a YAML double-quoted scalar
    if hide_toc:
        lines.append("hide: [toc]")
    if hidden:
        lines += ["search: {exclude: true}", f"robots: {NOINDEX}"]
    if template:
        lines.append(f"template: {template}")
    return "---\n" + "\n".join(lines) + "\n---\n\n"


def without_front_matter(text: str) -> str:
    """A page's Markdown without the front matter `front_matter` wrote (its title is JSON: one line)."""
    return text.split("\n---\n\n", 1)[1] if text.startswith("---\n") else text


def _block(html_text: str) -> str:
    """An HTML block: no blank line inside (a CommonMark reader would end the block there; in `<pre>` the
    character reference reads as the space it is)."""
    text = re.sub(r"\n(?=[ \t]*\n)", "\n&#32;", html_text.strip())
    return text + "\n\n" if text else ""


def _one(html_text: str) -> str:
    """Several elements as one HTML block (a builder passes it through byte for byte)."""
    return _block(f'<div class="qms-page">{html_text}</div>')


class _Finish(Treeprocessor):  # type: ignore[misc]
    """Last of all: writes each relative link as the final URL, drops `markdown` attributes (a builder's
    md_in_html would read the escaped text again), and swaps each top-level heading for a token."""

    def __init__(self, md: Markdown, body: _Body):
        super().__init__(md)
        self.body = body

    def run(self, root: etree.Element) -> None:
        for el in root.iter():
            el.attrib.pop("markdown", None)
            name = "href" if el.tag == "a" else "src" if el.tag == "img" else None
            if name and name in el.attrib:
                url = self.body.final(el.attrib[name].replace(AMP_SUBSTITUTE, "&"))
                if url is None:
                    el.tag, el.text = "span", el.text if el.tag == "a" else el.attrib.get("alt", "")
                    el.attrib.clear()
                else:
                    el.attrib[name] = url
        for n, el in enumerate(list(root)):
            if re.fullmatch(r"h[1-6]", el.tag):
                self.body.headings.append((int(el.tag[1]), self._text(el)))
                token = etree.Element("p")
                token.text = f"{self.body.token}-{len(self.body.headings) - 1}"
                root.remove(el)
                root.insert(n, token)

    def _text(self, el: etree.Element) -> str:
        stash = self.md.htmlStash.rawHtmlBlocks

        def unstash(m: re.Match[str]) -> str:
            raw = str(stash[int(m.group(1))]) if int(m.group(1)) < len(stash) else ""
            return html.unescape(re.sub(r"<[^>]*>", "", raw))

        text: str = HTML_PLACEHOLDER_RE.sub(unstash, "".join(_visible_text(el)))
        return text.replace(AMP_SUBSTITUTE, "&")


def _visible_text(el: etree.Element) -> Iterator[str]:
    """The text of `el`, without the permalink the toc extension adds (`¶`): the builder adds its own."""
    if "headerlink" in (el.get("class") or "").split():
        return
    if el.text:
        yield el.text
    for child in el:
        yield from _visible_text(child)
        if child.tail:
            yield child.tail


class _FinishExtension(Extension):  # type: ignore[misc]
    def __init__(self, body: _Body):
        super().__init__()
        self.body = body

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        md.treeprocessors.register(_Finish(md, self.body), "qms_finish", 0)


class _Asking(Mapping[str, str]):
    """The pages of document ids, as QmsMarkdown reads them: each lookup is noted as an answer the conversion
    got (`_Body.asked`)."""

    def __init__(self, body: _Body):
        self.body = body

    def __getitem__(self, doc_id: str) -> str:
        target = self.body.ask("t", doc_id)
        if not isinstance(target, str):
            raise KeyError(doc_id)
        return target

    def get(self, doc_id: str, default: Any = None) -> Any:  # (QmsMarkdown.href's lookup)
        target = self.body.ask("t", doc_id)
        return target if isinstance(target, str) else default

    def __iter__(self) -> Iterator[str]:
        return iter(self.body.targets)

    def __len__(self) -> int:
        return len(self.body.targets)


class _Body:
    """Converts document bodies (one Markdown instance for the whole manual). With `cache`, a conversion made
    before is reused when the manual answers what it asked as it did then (records.cache_bodies)."""

    def __init__(self, options: Options, ext: QmsMarkdown, urls: dict[str, str], targets: Mapping[str, str],
                 unissued: Callable[[str], bool]):
        self.options, self.ext, self.urls = options, ext, urls  # urls: tree uri -> site URL
        self.targets, self.unissued = targets, unissued  # document id -> tree uri; an id with no page in force
        ext.targets, ext.unissued = _Asking(self), lambda doc_id: bool(self.ask("u", doc_id))
        self.token = "qms-heading-" + uuid.uuid4().hex
        self.headings: list[tuple[int, str]] = []
        self.page_url = ""
        self.files = True  # whether links to attachments are kept (not on superseded pages)
        self.attachments: set[str] = set()  # the files revisions in force may link to
        self.cache: ConvertedBodies | None = None
        self.asked: dict[tuple[str, str], Answer] = {}
        names = [e for e in options.extensions if not isinstance(e, QmsMarkdown)]
        self.md = Markdown(extensions=[*names, ext, _FinishExtension(self)],
                           extension_configs=dict(options.extension_configs))

    def answer(self, kind: str, key: str) -> Answer:
        """What the manual says: "t" the page of a document id, "u" whether an id is not issued, "p" the URL of
        a page of the tree, "a" whether a file is an attachment of the site."""
        if kind == "t":
            return self.targets.get(key)
        if kind == "u":
            return self.unissued(key)
        if kind == "p":
            return self.urls.get(key)
        return key in self.attachments if kind == "a" else None

    def ask(self, kind: str, key: str) -> Answer:
        found = self.asked[kind, key] = self.answer(kind, key)
        return found

    def final(self, url: str) -> str | None:
        """The final URL of a link written in the body; None when the link must become text."""
        uri = attachments.target(self.ext.page_uri, url)
        if uri is None:
            return url
        parts = urlsplit(url)
        suffix = ("?" + parts.query if parts.query else "") + ("#" + parts.fragment if parts.fragment else "")
        page = self.ask("p", uri)
        if isinstance(page, str):
            target = page
        elif self.ask("a", uri):
            if not self.files:
                return None
            target = uri
        else:
            return url  # not a page or file of the site: as written (MkDocs does the same)
        return relative_url(target, self.page_url) + suffix

    def convert(self, source_uri: str, page_uri: str, body: str, files: bool = True) -> str:
        """The body as Markdown for the tree: headings, and HTML blocks between them."""
        cache = self.cache
        key = cache.key(source_uri, page_uri, files, body) if cache else ""
        kept = cache.get(key, files) if cache else None
        if cache and kept is not None and all(self.answer(kind, k) == v for kind, k, v in kept.asked):
            cache.use(key, files)
            if files:
                self.ext.linked.update(kept.linked)
            return kept.text
        linked, self.ext.linked, self.asked = self.ext.linked, set(), {}
        try:
            text = self._convert(source_uri, page_uri, body, files)
        finally:
            mine, self.ext.linked = self.ext.linked, linked
        if files:
            linked.update(mine)  # a superseded page publishes no attachment
        if cache:
            cache.put(key, files, Converted(text, tuple(sorted(mine)),
                                                 tuple((kind, k, v) for (kind, k), v in self.asked.items())))
        return text

    def _convert(self, source_uri: str, page_uri: str, body: str, files: bool) -> str:
        self.ext.page_uri, self.page_url, self.files = source_uri, self.urls[page_uri], files
        self.headings = []
        self.md.reset()
        out = self.md.convert(body)
        parts = re.split(rf"<p>{self.token}-(\d+)</p>", out)
        text = []
        for n, part in enumerate(parts):
            if n % 2:
                level, heading = self.headings[int(part)]
                text.append("#" * level + " " + markdown_text(heading) + "\n\n")
            elif part.strip():
                text.append(_block(f'<div class="qms-body">\n{part.strip()}\n</div>'))
        return "".join(text)


class Renderer:
    def __init__(self, pub: Publication, options: Options, taken: frozenset[str], cached: bool = False):
        self.pub, self.options = pub, options
        self.language = pub.site.language if pub.site else pub.config.languages.default  # the labels' language
        self.entries = {x.uri: x for x in pub.documents}
        self.superseded = {_superseded_uri(x.id, s): (x, s) for x in pub.documents for s in x.superseded}
        self.types = {name: [x for x in pub.documents if x.doc_type.name == name] for name in pub.config.types}
        self.indexes = {name: f"{TYPES_DIR}/{name}.md" for name, xs in self.types.items()
                        if len(xs) > options.nav_documents_max}
        generated = [*GENERATED, *self.indexes.values(), *self.superseded]
        clash = sorted(set(self.entries) & set(generated) | set(self.entries) & set(taken))
        if clash:
            raise ConfigError(f"{', '.join(clash)} is a generated page; move that document into a folder")
        uris = [*self.entries, *generated]
        self.urls = {u: page_url(u, options.directory_urls) for u in uris}
        self.targets = {x.id: x.uri for x in pub.documents} | {w.doc.id: pages.ARCHIVE for w in pub.archive if w.doc.id}
        self.ext = QmsMarkdown()
        self.body = _Body(options, self.ext, self.urls, self.targets, self.unissued)
        self.chosen, self.problems = attachments.collect(pub.root, pub.config.documents_dir, pub.documents,
                                                         set(uris) | set(taken) | {assets.CSS_URI, assets.JS_URI})
        self.body.attachments = {a.uri for a in self.chosen}
        if cached:  # conversions of earlier builds (records.cache_bodies); `keep` saves what this one used
            header = identity(options.extensions, options.extension_configs, options.directory_urls, self.language)
            self.body.cache = open_bodies(pub.root, header, self.language)

    @property
    def cache(self) -> ConvertedBodies | None:
        """The conversions of earlier builds (None without a cache)."""
        return self.body.cache

    def keep(self) -> None:
        """Keep the conversions this process used for the next build (when it has a cache)."""
        if self.body.cache is not None:
            self.body.cache.save()

    def unissued(self, doc_id: str) -> bool:
        return doc_id not in self.targets and self.pub.config.type_for_id(doc_id) is not None

    def link_from(self, uri: str) -> Callable[[str], str | None]:
        def link(doc_id: str) -> str | None:
            target = self.targets.get(doc_id)
            return None if target is None or target == uri else relative_url(self.urls[target], self.urls[uri])
        return link

    def href(self, uri: str, target: str) -> str:
        return relative_url(self.urls[target], self.urls[uri])

    def document(self, entry: Entry) -> Page:
        uri, link, today = entry.uri, self.link_from(entry.uri), self.pub.today
        older = {s.doc.revision: _superseded_uri(entry.id, s) for s in entry.superseded}

        def revision_href(revision: int) -> str | None:
            return self.href(uri, older[revision]) if revision in older else None

        title, site = pages.page_title(entry), self.pub.site
        source = relative_url(self.urls[uri], site.prefix + self.urls[uri]) if site else ""  # the default site's page
        text = (front_matter(title) + _block(pages.print_notice(pages.document_label(entry), today))
                + _block(pages.language_notice(site, entry.id, source))
                + _block(pages.control_block(entry.doc, entry.commit.short, entry.next_review, link, self.unissued,
                                             proofs=self.pub.proofs_of(entry.doc),
                                             source_language=self.pub.config.languages.default))
                + self.body.convert(uri, uri, entry.doc.body)
                + "## " + markdown_text(current().revision_history) + "\n\n"
                + _block(pages.revision_history(entry, revision_href, self.pub.proofs)))
        return Page(uri, title, text, self.options.nav_documents_max >= len(self.types[entry.doc_type.name]))

    def superseded_page(self, uri: str, entry: Entry, old: Superseded) -> Page:
        doc = old.doc
        title = html.escape(current().superseded_title.format(id=entry.id, revision=doc.revision))
        label = current().document_label.format(id=entry.id, revision=doc.revision)
        text = (front_matter(title, hidden=True, template=SUPERSEDED_TEMPLATE) + _block(pages.print_notice(label, self.pub.today))
                + _block(pages.superseded_notice(doc, old.until, entry.doc.revision, self.href(uri, entry.uri)))
                + _block(pages.control_block(doc, old.commit, None, self.link_from(uri), self.unissued, superseded=True,
                                             proofs=self.pub.proofs_of(doc)))
                + self.body.convert(entry.uri, uri, doc.body, files=False))
        return Page(uri, title, text, False)

    def generated(self, uri: str) -> Page:
        pub, link, today = self.pub, self.link_from(uri), self.pub.today
        title = html.escape(pages.title(uri))
        notice = pages.print_notice(pages.page_label(uri, today), today)
        if uri == pages.MDL:
            content = pages.master_list(pub, link, self.href(uri, pages.ARCHIVE), self.unissued)
        elif uri == pages.MATRIX:
            content = pages.clause_matrix(pub, link, self.unissued)
        elif uri == pages.ARCHIVE:
            content = pages.archive(pub)
        elif uri == pages.UPCOMING:
            content = pages.upcoming(pub, link)
        else:
            hrefs = {u: self.href(uri, u) for u in GENERATED}
            content = pages.home(pub, link, hrefs, self.options.site_name, self.unissued)
        hidden = uri == pages.UPCOMING  # nothing there is in force: not in search, not indexed
        in_nav = uri not in (pages.ARCHIVE, pages.UPCOMING) or (uri == pages.UPCOMING and bool(pub.upcoming))
        return Page(uri, title, front_matter(title, hide_toc=True, hidden=hidden) + _block(notice) + _one(content),
                    in_nav)

    def type_page(self, name: str, uri: str) -> Page:
        heading = pages.type_label(name, plural=True)
        today = self.pub.today
        content = pages.type_index(heading, self.types[name], today, self.link_from(uri))
        notice = pages.print_notice(current().page_label.format(title=heading, today=current().date(today)), today)
        return Page(uri, html.escape(heading), front_matter(html.escape(heading), hide_toc=True)
                    + _block(notice) + _one(content), True)

    def nav(self) -> tuple[NavItem, ...]:
        """Home, the lists, upcoming revisions (when there are), then one section per type (qms.yml order):
        its documents, or its index page when it has more than `nav_documents_max`."""
        first = [pages.HOME, pages.MDL, pages.MATRIX] + ([pages.UPCOMING] if self.pub.upcoming else [])
        items: list[NavItem] = [{pages.title(u): u} for u in first]
        for name, entries in self.types.items():
            if name in self.indexes:
                items.append({pages.type_label(name, plural=True): self.indexes[name]})
            elif entries:
                items.append({pages.type_label(name, plural=True): [{pages.page_title(x): x.uri} for x in entries]})
        return tuple(items)

    def superseded_pages(self) -> Iterator[Page]:
        """The permanent page of each superseded revision (independent of the other pages: a worker process
        may write them while the builder builds the rest)."""
        for uri, (x, s) in self.superseded.items():
            with speaking(self.language):  # the site's labels, also in a worker process
                page = self.superseded_page(uri, x, s)
            yield page

    def manual(self, superseded: bool = True) -> Manual:
        """Every page; without the superseded revisions' pages when `superseded` is false (the plugin writes
        those itself, see `qms_docs.mkdocs_plugin.superseded`)."""
        with speaking(self.language):  # the site's labels
            return self._manual(superseded)

    def _manual(self, superseded: bool) -> Manual:
        out = [self.generated(uri) for uri in GENERATED]
        out += [self.type_page(name, uri) for name, uri in self.indexes.items()]
        out += [self.document(x) for x in self.pub.documents]
        out += list(self.superseded_pages()) if superseded else []
        wanted = [a for a in self.chosen if a.uri in self.ext.linked]
        files = [Asset(a.uri, data) for a, data in attachments.read(self.pub.root, wanted)]
        files += [Asset(assets.CSS_URI, assets.CSS.encode()), Asset(assets.JS_URI, assets.JS.encode())]
        return Manual(tuple(out), tuple(files), self.nav(), tuple(self.problems))


def _superseded_uri(doc_id: str, old: Superseded) -> str:
    return f"{SUPERSEDED_DIR}/{doc_id}-r{old.doc.revision}.md"


def renderer(pub: Publication, options: Options, taken: Iterable[str] = (), cached: bool = False) -> Renderer:
    """The renderer of the manual as in force. `taken` are paths the builder already serves (a theme's
    files): neither a page nor an attachment may replace one. `cached`: bodies converted by earlier builds are
    reused (records.cache_bodies; off with `--no-cache`), call `keep` after rendering."""
    return Renderer(pub, options, frozenset(taken), cached)


def render(pub: Publication, options: Options, taken: Iterable[str] = ()) -> Manual:
    """Every page of the manual as in force, the files its pages link to, and the navigation."""
    return renderer(pub, options, taken).manual()
