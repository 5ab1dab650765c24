"""The `qms` MkDocs plugin: publishes only the effective revision of each controlled document.

A thin adapter: `qms_docs.publishing.selection` chooses the revisions from git and `qms_docs.publishing.render` writes every
page as Markdown (the same pages `qms render` writes); the plugin hands those pages, the files they link
to and the navigation to MkDocs in place of the working tree."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any, Literal

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from qms_docs import clock
from qms_docs.errors import ConfigError, QmsError
from qms_docs.gitio import runner
from qms_docs.mkdocs_plugin import HELD_BACK, assets, blocks, guard, superseded
from qms_docs.mkdocs_plugin import languages as sites
from qms_docs.mkdocs_plugin.config import QmsPluginConfig
from qms_docs.model.document import Document
from qms_docs.publishing import render
from qms_docs.publishing import selection as publishing

log = get_plugin_logger("qms")
held_back = get_plugin_logger(HELD_BACK)  # `mkdocs build` shows its lines as qms's; `qms publish` lists them


class QmsPlugin(BasePlugin[QmsPluginConfig]):  # type: ignore[no-untyped-call]
    def __init__(self) -> None:
        self.parsed: dict[str, Document | None] = {}  # documents by blob id, kept between serve rebuilds
        self.publication: publishing.Publication | None = None
        self.published = 0
        self.token = "qmsblock" + uuid.uuid4().hex
        self.blocks: dict[str, list[str]] = {}  # page uri -> its HTML blocks, while the page is built
        self.prepared: publishing.Publication | None = None  # set for the nested build of another language
        self.foreign: dict[str, str] = {}  # page uri -> the language of its content, when not the site's
        self.archive: superseded.Job | None = None  # the superseded pages being written

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        if not dirty:
            self.parsed.clear()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        start = Path(config.config_file_path or ".").resolve().parent
        try:
            pub = self.prepared or sites.prepare(config, publishing.select(start, clock.today(), self.parsed))
        except QmsError as e:
            raise PluginError(f"qms: {e}") from e
        refused = list(guard.refusals(config, pub.root, pub.root / pub.config.documents_dir, (assets.JS_URI,)))
        if refused:
            error = ConfigError("mkdocs.yml: " + "; ".join(refused))
            raise PluginError(f"qms: {error}") from error
        for note in pub.notes if self.prepared is None else ():  # said once, by the default language's build
            held_back.info(note)
        for problem in pub.problems if self.prepared is None else ():
            log.warning(problem)
        self.publication, self.foreign = pub, sites.foreign(pub)
        config.theme.dirs.insert(0, str(render.THEME_DIR))  # `robots: noindex` front matter (see theme/main.html)
        config.extra_css.append(assets.CSS_URI)
        config.extra_javascript.append(assets.JS_URI)
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        superseded.set_aside(config.site_dir)  # removed beside the build, not by MkDocs' clean (superseded.py)

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        """Every page is replaced by the rendered manual: nothing of the working tree gets in."""
        pub = self._pub()
        ours = (assets.CSS_URI, assets.JS_URI)
        docs = Path(config.docs_dir).resolve()  # the theme's files only
        out = Files([f for f in files if f.src_uri not in ours and not (f.src_dir and Path(f.src_dir).resolve() == docs)])
        options = render.Options(config.site_name, config.use_directory_urls, self.config.nav_documents_max,
                                 tuple(config.markdown_extensions), dict(config.mdx_configs))
        try:
            renderer = render.renderer(pub, options, taken=out.src_uris, cached=True)
            self.archive = superseded.start(renderer, config, out)  # beside the build (see superseded.py)
            manual = renderer.manual(superseded=False)
            renderer.keep()
        except QmsError as e:
            raise PluginError(f"qms: {e}") from e
        for problem in manual.problems:
            log.warning(problem)
        for page in manual.pages:
            inclusion = InclusionLevel.UNDEFINED if page.in_nav else InclusionLevel.NOT_IN_NAV
            out.append(File.generated(config, page.uri, content=page.text, inclusion=inclusion))
        for asset in manual.files:
            out.append(File.generated(config, asset.uri, content=asset.data))
        if self.config.nav:
            config.nav = [dict(item) for item in manual.nav]
        self.published = len(pub.documents)
        log.info(f"publishing {self.published} documents in force on {pub.today}; "
                 f"{len(pub.archive)} obsolete in the archive; {len(pub.upcoming)} upcoming; "
                 f"{len(renderer.superseded)} superseded revisions")
        return out

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """MkDocs gets the headings and a short placeholder per HTML block: it passes raw HTML blocks through
        unchanged anyway, and parsing them again would cost half the build (see `on_page_content`)."""
        text, self.blocks[page.file.src_uri] = blocks.hide(markdown, self.token)
        return text

    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """The page's HTML blocks back in place of their placeholders: the HTML MkDocs would have written."""
        html = blocks.restore(html, self.token, self.blocks.pop(page.file.src_uri, []))
        language = self.foreign.get(page.file.src_uri)
        return html if language is None else sites.wrap(html, language)  # e.g. the source of a missing translation

    def on_page_context(self, context: Any, /, *, page: Page, config: MkDocsConfig, nav: Any) -> Any:
        """The language switcher leads to this page in the other languages."""
        sites.set_alternates(config, self._pub(), page.url)
        return context

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """The superseded pages written beside the build are complete; then the site of every other
        language, into site_dir/LANG/, from the same selection."""
        try:
            archived = self.archive.finish() if self.archive else 0
        except QmsError as e:
            raise PluginError(f"qms: {e}") from e
        finally:
            self.archive = None
        log.debug(f"{archived} superseded revisions keep their pages under {render.SUPERSEDED_DIR}/")
        pub = self._pub()
        if self.prepared is None and pub.site is not None:
            sites.build_others(config, pub)

    def on_build_error(self, *, error: Exception) -> None:
        if self.archive:
            self.archive.abort()
            self.archive = None

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        """`mkdocs serve` rebuilds when a commit changes what is in force: watch HEAD and the refs."""
        for path in git_paths(self._pub().root):
            if path.exists():
                server.watch(str(path), recursive=path.is_dir())
        return server

    def _pub(self) -> publishing.Publication:
        if self.publication is None:
            raise PluginError("qms: the plugin was not configured (on_config did not run)")
        return self.publication


def git_paths(root: Path) -> list[Path]:
    """HEAD (of this worktree), the refs and packed-refs (shared by all worktrees)."""
    git_dir, common = runner.git_text(root, "rev-parse", "--absolute-git-dir", "--git-common-dir").splitlines()[:2]
    common_dir = (root / common).resolve() if not Path(common).is_absolute() else Path(common)
    return [Path(git_dir) / "HEAD", common_dir / "refs", common_dir / "packed-refs"]
