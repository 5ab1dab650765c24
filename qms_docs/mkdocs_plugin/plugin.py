"""The `qms` MkDocs plugin: publishes only the effective revision of each controlled document.

It reads nothing itself: `qms_docs.publishing` chooses the revisions from git, `pages` writes the
HTML, `extension` keeps raw HTML in bodies from ever running (see its docstring)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from qms_docs import clock, publishing
from qms_docs.errors import ConfigError, QmsError
from qms_docs.mkdocs_plugin import assets, attachments, guard, pages
from qms_docs.mkdocs_plugin.config import QmsPluginConfig
from qms_docs.mkdocs_plugin.extension import QmsMarkdown
from qms_docs.model.document import Document

log = get_plugin_logger("qms")
GENERATED = (pages.HOME, pages.MDL, pages.MATRIX, pages.ARCHIVE)


class QmsPlugin(BasePlugin[QmsPluginConfig]):  # type: ignore[no-untyped-call]
    def __init__(self) -> None:
        self.parsed: dict[str, Document | None] = {}  # documents by blob id, kept between serve rebuilds
        self.publication: publishing.Publication | None = None
        self.markdown = QmsMarkdown()
        self.entries: dict[str, publishing.Entry] = {}  # page uri -> entry
        self.targets: dict[str, File] = {}  # document id -> the page it links to
        self.generated: dict[str, File] = {}
        self.attachments: dict[str, File] = {}  # site path -> file read from a revision in force's commit
        self.published = 0

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        if not dirty:
            self.parsed.clear()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        start = Path(config.config_file_path or ".").resolve().parent
        try:
            pub = publishing.select(start, clock.today(), self.parsed)
        except QmsError as e:
            raise PluginError(f"qms: {e}") from e
        refused = list(guard.refusals(config, pub.root, pub.root / pub.config.documents_dir, (assets.JS_URI,)))
        if refused:
            error = ConfigError("mkdocs.yml: " + "; ".join(refused))
            raise PluginError(f"qms: {error}") from error
        for note in pub.notes:
            log.info(note)
        for problem in pub.problems:
            log.warning(problem)
        self.publication = pub
        if self.config.nav:
            config.nav = pages.nav(pub)
        config.markdown_extensions.append(self.markdown)
        config.extra_css.append(assets.CSS_URI)
        config.extra_javascript.append(assets.JS_URI)
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        """Every page is replaced: effective revisions and generated pages only; drafts never get in."""
        pub = self._pub()
        ours = (assets.CSS_URI, assets.JS_URI)
        docs = Path(config.docs_dir).resolve()  # nothing of the working tree: the theme's files only
        out = Files([f for f in files if f.src_uri not in ours and not (f.src_dir and Path(f.src_dir).resolve() == docs)])
        self.entries = {x.uri: x for x in pub.documents}
        clash = sorted(set(self.entries) & set(GENERATED))
        if clash:
            raise PluginError(f"qms: {', '.join(clash)} is a generated page; move that document into a folder")
        for entry in pub.documents:
            out.append(File.generated(config, entry.uri, content=pages.document_markdown(entry.doc.body)))
        self.generated = {}
        for uri in GENERATED:
            inclusion = InclusionLevel.NOT_IN_NAV if uri == pages.ARCHIVE else InclusionLevel.UNDEFINED
            self.generated[uri] = File.generated(config, uri, content="", inclusion=inclusion)
            out.append(self.generated[uri])
        out.append(File.generated(config, assets.CSS_URI, content=assets.CSS))
        out.append(File.generated(config, assets.JS_URI, content=assets.JS))
        self._attach(pub, out, config)
        self.targets = {x.id: out.src_uris[x.uri] for x in pub.documents}
        self.targets |= {w.doc.id: self.generated[pages.ARCHIVE] for w in pub.archive if w.doc.id}
        self.markdown.targets = {i: f.src_uri for i, f in self.targets.items()}
        self.markdown.unissued = self._unissued
        self.published = len(pub.documents)
        log.info(f"publishing {self.published} documents in force on {pub.today}; "
                 f"{len(pub.archive)} obsolete in the archive")
        return out

    def _attach(self, pub: publishing.Publication, out: Files, config: MkDocsConfig) -> None:
        """The files that revisions in force link to, from their commits (see `attachments`)."""
        chosen, problems = attachments.collect(pub.root, pub.config.documents_dir, pub.documents, set(out.src_uris))
        for problem in problems:
            log.warning(problem)
        self.attachments = {}
        for attachment, data in attachments.read(pub.root, chosen):
            self.attachments[attachment.uri] = File.generated(config, attachment.uri, content=data)
            out.append(self.attachments[attachment.uri])
        self.markdown.linked = set()

    def on_env(self, env: Environment, /, *, config: MkDocsConfig, files: Files) -> Environment:
        """Every page is rendered: drop each attachment that no rendered page links to."""
        for uri, file in self.attachments.items():
            if uri not in self.markdown.linked:
                files.remove(file)
        return env

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        uri = page.file.src_uri
        self.markdown.page_uri = uri
        entry = self.entries.get(uri)
        if entry is not None:
            page.meta = {"title": pages.page_title(entry)}
        elif uri in GENERATED:  # tables need the width: no table of contents
            page.meta = {"hide": ["toc"]} | ({} if uri == pages.HOME else {"title": pages.TITLES[uri]})
        return markdown

    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        pub, uri = self._pub(), page.file.src_uri

        def link(doc_id: str) -> str | None:
            target = self.targets.get(doc_id)
            return None if target is None or target is page.file else target.url_relative_to(page.file)

        entry = self.entries.get(uri)
        if entry is not None:
            notice = pages.print_notice(pages.document_label(entry), pub.today)
            block = pages.control_block(entry, link, self._unissued, pub.config.signing)
            return notice + block + html + pages.revision_history(entry)
        if uri not in self.generated:
            return html
        notice = pages.print_notice(pages.page_label(uri, pub.today), pub.today)
        hrefs = {u: f.url_relative_to(page.file) for u, f in self.generated.items()}
        if uri == pages.MDL:
            return notice + pages.master_list(pub, link, hrefs[pages.ARCHIVE], self._unissued)
        if uri == pages.MATRIX:
            return notice + pages.clause_matrix(pub, link, self._unissued)
        if uri == pages.ARCHIVE:
            return notice + pages.archive(pub)
        return notice + pages.home(pub, link, hrefs, config.site_name, self._unissued)

    def _unissued(self, doc_id: str) -> bool:
        """Whether `doc_id` names a document (by a configured prefix) with no revision in force and not withdrawn."""
        return doc_id not in self.targets and self._pub().config.type_for_id(doc_id) is not None

    def _pub(self) -> publishing.Publication:
        if self.publication is None:
            raise PluginError("qms: the plugin was not configured (on_config did not run)")
        return self.publication
