"""Files other than Markdown below documents_dir (images, attachments): which ones the site may carry.

A file is published only when a revision in force links to it (a relative link or image in its
body), and its bytes are those of the commit of that revision, never the working tree: a draft's
copy, a later edit or an untracked backup never reaches the site. Symlinks (mode 120000) are never
followed or published. Types a browser runs when the file is opened (HTML, XHTML, XML, SVG,
JavaScript) are never published, whoever approved them: a document links a PNG, not an SVG."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from qms_docs.gitio import runner
from qms_docs.mkdocs_plugin import urls
from qms_docs.publishing.selection import Entry

ACTIVE = frozenset({".html", ".htm", ".xhtml", ".xht", ".shtml", ".mht", ".mhtml", ".xml", ".xsl", ".xslt", ".svg",
                    ".svgz", ".js", ".mjs", ".swf"})
FILE_MODES = frozenset({"100644", "100755"})
SYMLINK = "120000"
# A superset of the link targets a body holds: inline links and images, and reference definitions.
# What is found here and not linked on the rendered page is dropped again (see `QmsMarkdown.linked`).
_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")
_INLINE = re.compile(r"\]\(\s*(?:<([^>\n]*)>|([^\s)]+))")
_DEFINITION = re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]*(?:<([^>\n]*)>|(\S+))", re.M)


@dataclass(frozen=True)
class Attachment:
    uri: str  # below documents_dir, e.g. "procedures/img/flow.png"
    blob: str  # the object id in the commit of the revision in force that links it
    doc_id: str


def target(page_uri: str, url: str) -> str | None:
    """The path below documents_dir that a relative link on the page of `page_uri` points at; None
    for links with a scheme or host, absolute paths, bare anchors and paths that leave the folder."""
    url = urls.as_browser_reads(url)
    parts = urlsplit(url)
    if urls.scheme(url) or parts.scheme or parts.netloc or url.startswith(("/", "\\")) or not parts.path:
        return None
    uri = posixpath.normpath(posixpath.join(posixpath.dirname(page_uri), unquote(parts.path)))
    return None if uri == ".." or uri.startswith(("../", "/")) or _CONTROLS.search(uri) else uri


def mentioned(page_uri: str, body: str) -> set[str]:
    """Paths other than Markdown that the body may link to."""
    found = (a or b for pattern in (_INLINE, _DEFINITION) for a, b in pattern.findall(body))
    return {uri for uri in (target(page_uri, url) for url in found) if uri and not uri.endswith(".md")}


def refusal(uri: str, mode: str) -> str | None:
    """Why the file at `uri` (with its git `mode`) is never published, or None."""
    if mode == SYMLINK:
        return "a symlink is never followed or published"
    if mode not in FILE_MODES:
        return "only files are published"
    suffix = posixpath.splitext(uri)[1].lower()
    if suffix in ACTIVE:
        return f"{suffix} files can run scripts in a browser and are never published"
    return None


def collect(root: Path, documents_dir: str, entries: Iterable[Entry],
            taken: set[str]) -> tuple[list[Attachment], list[str]]:
    """The files the revisions in force link to, and a problem for each link that is refused.

    One `git ls-tree` per revision that mentions a file; `taken` are site paths already in use
    (the theme's files, the plugin's own): an attachment never replaces one."""
    prefix = documents_dir.rstrip("/") + "/"
    chosen: dict[str, Attachment] = {}
    problems: list[str] = []
    for entry in entries:
        wanted = sorted(mentioned(entry.uri, entry.doc.body))
        found = runner.tree_entries(root, entry.commit.sha, [prefix + uri for uri in wanted]) if wanted else {}
        for uri in wanted:
            mode, blob = found.get(prefix + uri, ("", ""))
            reason = None if not mode else refusal(uri, mode) or _clash(uri, blob, chosen, taken)
            if reason:
                problems.append(f"{entry.id} links to {uri}: {reason}")
            elif mode:
                chosen[uri] = Attachment(uri, blob, entry.id)
    return list(chosen.values()), problems


def _clash(uri: str, blob: str, chosen: dict[str, Attachment], taken: set[str]) -> str | None:
    if uri in taken:
        return "the site already has a file at that path"
    other = chosen.get(uri)
    if other is not None and other.blob != blob:
        return f"{other.doc_id} in force links to another version of it, which is published"
    return None


def read(root: Path, attachments: Iterable[Attachment]) -> Iterator[tuple[Attachment, bytes]]:
    """Each attachment's bytes, through one `git cat-file --batch`."""
    with runner.BlobReader(root) as reader:
        for attachment in attachments:
            data = reader.read(attachment.blob)
            if data is not None:
                yield attachment, data
