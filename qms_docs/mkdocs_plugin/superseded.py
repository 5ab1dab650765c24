"""The plugin's superseded-revision pages: written by `qms_docs.publishing.archive`, beside the MkDocs build.

Started in `on_files` (after MkDocs has cleaned the site folder), finished in `on_post_build`. Where the build
runs alone in its process (`mkdocs build`, `qms publish`), a forked worker writes the pages on the second
core while MkDocs builds the others; it shares nothing with the build but the rendered manual it was forked
with, and writes only below `superseded/`. Where other threads run (`mkdocs serve`), forking is not safe:
the pages are written in `on_post_build`, in the build's process.

The previous build's `superseded/` folder is kept through MkDocs' clean (set aside, then put back) and written
over: a page whose file already holds it is not written again, and whatever the previous build left that this
one does not write is removed (symlinks are removed first, never followed). Making and removing thousands of
folders cost more than writing the pages; the site is the same as one built into an empty folder."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import stat
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files

from qms_docs.errors import QmsError
from qms_docs.mkdocs_plugin import assets
from qms_docs.publishing import archive
from qms_docs.publishing.render import SUPERSEDED_DIR, Renderer, page_url

ASIDE = ".qms-superseded-old-"  # hidden: MkDocs does not clean (nor copy) hidden entries of the site folder
THEME_STYLESHEETS = "assets/stylesheets/"  # Material's (main, palette); other themes: only extra_css


class ArchiveError(QmsError):
    """The superseded pages could not be written."""


def chrome(config: MkDocsConfig, files: Files) -> archive.Chrome:
    theme_css = sorted(f.url for f in files if f.src_uri.startswith(THEME_STYLESHEETS) and f.src_uri.endswith(".css")
                       and f.src_uri.count("/") == 2)
    extra_css = [str(u) for u in config.extra_css]
    return archive.Chrome(config.site_name, str(config.theme.get("language") or "en"), (*theme_css, *extra_css),
                          (assets.JS_URI,), config.use_directory_urls)


def reason(error: BaseException) -> str:
    if isinstance(error, OSError):
        return f"{error.filename}: {error.strerror}" if error.filename and error.strerror else str(error.strerror or error)
    return str(error) if isinstance(error, QmsError) else f"{type(error).__name__}: {error}"


@dataclass
class Job:
    """The superseded pages being written: `finish` waits for them (or writes them), `abort` stops them."""
    write: Callable[[], int]
    pid: int = 0
    pipe: int = -1

    def finish(self) -> int:
        """How many pages were written; raises ArchiveError if they could not be."""
        if not self.pid:
            try:
                return self.write()
            except (OSError, QmsError) as e:
                raise ArchiveError(f"superseded pages: {reason(e)}") from None
        with os.fdopen(self.pipe, "rb") as pipe:
            report = pipe.read().decode("utf-8", "replace")
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        if os.waitstatus_to_exitcode(status) != 0 or not report.isdigit():
            raise ArchiveError(f"superseded pages: {report or 'the worker stopped'}")
        return int(report)

    def abort(self) -> None:
        if self.pid:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            os.close(self.pipe)
            self.pid = 0


def set_aside(site_dir: str) -> None:
    """Before MkDocs cleans the site folder: the previous build's superseded pages (thousands of folders) are
    renamed to a hidden folder, which MkDocs leaves alone; `reclaim` puts them back after the clean, and the
    worker writes over them (making and removing thousands of folders costs more than the pages)."""
    old = Path(site_dir) / SUPERSEDED_DIR
    if old.is_dir() and not old.is_symlink():
        with contextlib.suppress(OSError):
            old.rename(Path(site_dir) / f"{ASIDE}{uuid.uuid4().hex}")


def reclaim(site: Path) -> None:
    """After MkDocs' clean, before it writes: the previous build's superseded folder back in place (any other
    folder set aside is removed by the worker)."""
    target = site / SUPERSEDED_DIR
    if target.exists() or target.is_symlink():
        return
    for aside in sorted(site.glob(ASIDE + "*")):
        with contextlib.suppress(OSError):
            if aside.is_dir() and not aside.is_symlink():
                aside.rename(target)
                return


def present(site: Path) -> set[str]:
    """The files and folders under the superseded folder (paths below `site`); symlinks are removed, never
    followed: the worker writes only into folders the build made."""
    found, folders, root = set[str](), [site / SUPERSEDED_DIR], str(site)
    while folders:
        try:
            entries = list(os.scandir(folders.pop()))
        except OSError:
            continue
        for entry in entries:
            if entry.is_symlink():
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
                continue
            found.add(entry.path[len(root) + 1:])
            if entry.is_dir(follow_symlinks=False):
                folders.append(Path(entry.path))
    return found


def clear(site: Path, before: set[str], written: list[str]) -> None:
    """Removes what the previous build left and this one did not write (`written`: also what the builder
    writes there), then the folders left empty. By name, never by date: a page the clock dated after this
    build (a clock set back between builds) is removed like any other left over (tested)."""
    kept = set(written)
    for name in written:
        while "/" in name:
            name = name.rsplit("/", 1)[0]
            kept.add(name)
    for name in sorted(before - kept, reverse=True):  # a folder's entries come before the folder
        path = site / name
        with contextlib.suppress(OSError):
            st = path.lstat()
            if stat.S_ISDIR(st.st_mode):
                path.rmdir()  # (fails when not empty: something of this build is in it)
            else:
                path.unlink()
    for aside in site.glob(ASIDE + "*"):
        shutil.rmtree(aside, ignore_errors=True)


def theirs(renderer: Renderer, directory_urls: bool) -> list[str]:
    """The files the builder itself may write under the superseded folder (a document or an attachment kept in
    a folder of that name): never removed by the worker, whenever the builder writes them."""
    names = [archive.file_path(page_url(uri, directory_urls)) for uri in renderer.entries]
    return [n for n in [*names, *(a.uri for a in renderer.chosen)] if n.startswith(SUPERSEDED_DIR + "/")]


def _write_and_clear(writer: archive.Writer, renderer: Renderer, site: Path) -> int:
    before = present(site)
    written = writer.write(renderer.superseded_pages(), site, before)
    renderer.keep()
    clear(site, before, written + theirs(renderer, writer.chrome.directory_urls))
    return len(written)


def start(renderer: Renderer, config: MkDocsConfig, files: Files) -> Job:
    """Starts writing the superseded pages into the site folder (forked where that is safe)."""
    writer = archive.Writer(chrome(config, files), config.markdown_extensions, config.mdx_configs, renderer.cache)
    site = Path(config.site_dir)
    reclaim(site)
    job = Job(lambda: _write_and_clear(writer, renderer, site))
    if not renderer.superseded or not hasattr(os, "fork") or threading.active_count() > 1:
        return job
    read, write = os.pipe()
    pid = os.fork()
    if pid:
        os.close(write)
        job.pid, job.pipe = pid, read
        return job
    os.close(read)  # the worker: write the pages, report the count (or the error), and leave at once
    code, report = 1, "the worker stopped"
    try:
        report, code = str(job.write()), 0
    except BaseException as e:  # noqa: BLE001 (reported to the build, which stops with it)
        report = reason(e)
    finally:
        with contextlib.suppress(OSError):  # (a pipe holds 64 KiB: the write never waits for the parent)
            os.write(write, report.encode("utf-8", "replace")[:60000])
        os._exit(code)  # no clean-up of the build's state: it is the parent's
