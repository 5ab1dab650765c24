"""The pages of superseded revisions as finished HTML files, written without the builder (SPEC 6).

Every revision that was once in force keeps a permanent page: archival, out of search and navigation,
`noindex`, marked SUPERSEDED with a link to the revision in force. A manual with five revisions per document
has four such pages per page in force; built by MkDocs with the theme, they would cost four fifths of the
build. Here each is the page `qms_docs.publishing.render` writes (the same Markdown, the body converted by
the same `_Body.convert`: same link rules, same escaping), converted as the builder converts a page (its
Markdown extensions, with the HTML blocks set aside) and put in a lean page (superseded_page.html): the
site's stylesheets and name, the content, the site's script. `qms render` writes the same pages as Markdown,
and a builder gives them its own plain template (theme/qms-superseded.html)."""

from __future__ import annotations

import os
import posixpath
import re
import uuid
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markdown import Markdown  # type: ignore[import-untyped]
from markupsafe import Markup

from qms_docs.errors import ConfigError
from qms_docs.mkdocs_plugin import blocks
from qms_docs.mkdocs_plugin.pages import HOME
from qms_docs.publishing.render import Page, page_url, relative_url, without_front_matter
from qms_docs.records.cache_bodies import ConvertedBodies

_HEADING = re.compile(r"<h([1-6])\b.*?</h\1>", re.S)
_ENV = jinja2.Environment(loader=jinja2.PackageLoader("qms_docs.templates", "pages"), autoescape=True,
                          undefined=jinja2.StrictUndefined)


@dataclass(frozen=True)
class Chrome:
    """What every archived page carries of the site: URLs relative to the site root."""
    site_name: str
    language: str = "en"
    stylesheets: tuple[str, ...] = ()
    scripts: tuple[str, ...] = ()
    directory_urls: bool = True


def file_path(url: str) -> str:
    """The file (below the site folder) that serves the page at site URL `url`."""
    return url + "index.html" if url.endswith("/") or not url else url


class Writer:
    """Turns rendered pages into HTML files; one Markdown instance for all of them."""

    def __init__(self, chrome: Chrome, extensions: Iterable[Any] = (), extension_configs: Mapping[str, Any] | None = None,
                 kept: ConvertedBodies | None = None):
        self.chrome, self.kept = chrome, kept  # kept: headings converted by earlier builds (same extensions)
        self.converted: dict[str, list[str]] = {}  # headings -> their HTML (the revisions of a document share them)
        self.md = Markdown(extensions=list(extensions), extension_configs=dict(extension_configs or {}))
        self.token = "qmsarchive" + uuid.uuid4().hex
        self.template = _ENV.get_template("superseded_page.html")

    def html(self, page: Page) -> tuple[str, str]:
        """(the file below the site folder, its HTML)."""
        chrome, url = self.chrome, page_url(page.uri, self.chrome.directory_urls)
        content = self.content(without_front_matter(page.text))
        html = self.template.render(
            language=chrome.language, site_name=chrome.site_name, title=Markup(page.title),  # escaped by render
            content=Markup(content), home=relative_url(page_url(HOME, chrome.directory_urls), url),
            stylesheets=[relative_url(u, url) for u in chrome.stylesheets],
            scripts=[relative_url(u, url) for u in chrome.scripts])
        return file_path(url), html

    def content(self, markdown: str) -> str:
        """The page's HTML as the builder writes it (`blocks`): here only the headings go through Markdown, in
        one conversion (their ids stay unique on the page), and the HTML blocks are put between them."""
        chunks = [c for c in markdown.split("\n\n") if c.strip()]
        headings = [c for c in chunks if not c.startswith("<")]
        converted = self._headings("\n\n".join(headings))
        if len(converted) != len(headings):  # an extension wrote more than the headings: the general way
            text, held = blocks.hide(markdown, self.token)
            self.md.reset()
            return blocks.restore(self.md.convert(text), self.token, held)
        html = iter(converted)
        return "".join(c + "\n\n" if c.startswith("<") else next(html) + "\n" for c in chunks).rstrip("\n")

    def _headings(self, text: str) -> list[str]:
        """Each heading's HTML, converted together (a function of the text alone: kept, within the build and,
        with `kept`, for the next one)."""
        found = self.converted.get(text)
        if found is None and self.kept is not None:
            found = self.kept.headings(text)
        if found is None:
            found = self._convert_headings(text)
            if self.kept is not None:
                self.kept.put_headings(text, found)
        self.converted[text] = found
        return found

    def _convert_headings(self, text: str) -> list[str]:
        self.md.reset()
        return [m.group(0) for m in _HEADING.finditer(self.md.convert(text))]

    def write(self, pages: Iterable[Page], site_dir: Path, present: Collection[str] = ()) -> list[str]:
        """Writes each page below `site_dir`; returns the files written (below it). `present`: the files and
        folders below `site_dir` that are there already (the previous build's, no symlink among them): a folder
        is not made again, a file that holds the page already is not written again."""
        written, folders = list[str](), set(present)
        for page in pages:
            name, html = self.html(page)
            name = posixpath.normpath(name)
            if name.startswith(("/", "../")) or name == "..":
                raise ConfigError(f"{page.uri}: outside the site folder; not written")
            folder = posixpath.dirname(name)
            if folder not in folders:
                (site_dir / folder).mkdir(parents=True, exist_ok=True)
                folders.add(folder)
            data = html.encode("utf-8")
            if name not in present or not _holds(site_dir / name, data):
                fd = os.open(site_dir / name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o666)
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
            written.append(name)
        return written


def _holds(path: Path, data: bytes) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(len(data) + 1) == data
    except OSError:
        return False
