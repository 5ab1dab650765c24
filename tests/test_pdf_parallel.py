"""`qms pdf --manual` laid out in parts at once (publishing/pdf/parallel.py): the PDF a reader gets is
the one the manual laid out whole gives, page for page, link for link; anything unsound falls back."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from qms_docs.publishing.pdf import compose, parallel, render
from tests.pdf_fixture import manifest, needs_weasyprint, pages_text, pypdf, qms
from tests.site_fixture import isolated_env, make_site_repo

pytestmark = [needs_weasyprint, pytest.mark.skipif(not parallel.available(), reason="needs fork and two cores")]
ROOT = Path(__file__).resolve().parents[1]


def reading(pdf: Path) -> dict[str, Any]:
    """What a reader gets: each page's text, each page's links (where they go), the named
    destinations, the bookmarks and the manifest."""
    reader = pypdf.PdfReader(str(pdf))
    links = []
    for page in reader.pages:
        found = []
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            action = annot.get("/A")
            found.append(str(annot["/Dest"]) if "/Dest" in annot else str(action.get_object()["/URI"]))
        links.append(sorted(found))
    return {"text": pages_text(pdf), "links": links, "destinations": sorted(reader.named_destinations),
            "bookmarks": [b.title for b in reader.outline if not isinstance(b, list)], "manifest": manifest(pdf)}


def print_manual(repo: Path, out: Path, monkeypatch: pytest.MonkeyPatch, *, in_parts: bool) -> Path:
    used: list[bool] = []
    real = parallel.render_manual

    def spy(*args: Any) -> render.Rendered:
        rendered = real(*args)  # Unsound propagates: the test fails below
        used.append(True)
        return rendered

    with monkeypatch.context() as m:
        m.setattr(parallel, "render_manual", spy)
        if not in_parts:
            m.setattr(parallel, "available", lambda: False)
        code, stdout, stderr = qms(repo, "pdf", "--manual", "--out", str(out))
    assert code == 0, stderr
    assert "warning" not in stdout + stderr
    assert used == ([True] if in_parts else [])
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    base = tmp_path_factory.mktemp("pdf-parallel")
    with isolated_env(base):
        yield make_site_repo(base / "repo")


@pytest.mark.parametrize("repo", ["site", "example"])
def test_the_manual_laid_out_in_parts_reads_as_the_manual_laid_out_whole(
        repo: str, site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = site if repo == "site" else ROOT
    whole = reading(print_manual(root, tmp_path / "whole.pdf", monkeypatch, in_parts=False))
    parts = reading(print_manual(root, tmp_path / "parts.pdf", monkeypatch, in_parts=True))
    for key in ("text", "links", "destinations", "bookmarks"):
        assert parts[key] == whole[key], key
    assert {k: v for k, v in parts["manifest"].items() if k != "printed_at"} == \
        {k: v for k, v in whole["manifest"].items() if k != "printed_at"}
    pages = len(parts["text"])
    assert all(f"Page {n} of {pages}" in text for n, text in enumerate(parts["text"], start=1))
    # links across parts are links inside the PDF, to anchors it holds; none is left as a URI
    inside = [link for page in parts["links"] for link in page if not link.startswith(("http", "mailto", "tel"))]
    assert inside and set(inside) <= set(parts["destinations"])
    assert not any(compose.ELSEWHERE in link for page in parts["links"] for link in page)
    if repo == "example":
        assert pages > 40 and len(inside) > 100
    # each piece embeds its own subsets of the fonts: the subsets do not share a name (ISO 32000 9.6.4)
    subsets = font_subsets(tmp_path / "parts.pdf")
    assert len(subsets) > len(font_subsets(tmp_path / "whole.pdf")) and len(set(subsets.values())) == len(subsets)


def font_subsets(pdf: Path) -> dict[int, str]:
    """The name of each font dictionary the pages use, by object number."""
    found = {}
    for page in pypdf.PdfReader(str(pdf)).pages:
        for ref in page["/Resources"].get_object().get("/Font", {}).values():
            found[ref.idnum] = str(ref.get_object()["/BaseFont"])
    return found


def test_a_part_that_fails_leaves_the_manual_laid_out_whole(site: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    whole = reading(print_manual(site, tmp_path / "whole.pdf", monkeypatch, in_parts=False))
    forked, fork = [], os.fork

    def spy() -> int:
        pid = fork()
        forked.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", spy)
    monkeypatch.setattr(parallel, "_lay_out_part", lambda *args: os._exit(3))  # a process that dies
    code, stdout, stderr = qms(site, "pdf", "--manual", "--out", str(tmp_path / "fallback.pdf"))
    assert code == 0, stderr
    assert reading(tmp_path / "fallback.pdf")["text"] == whole["text"]
    assert len(forked) == 2
    for pid in forked:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # no process is left behind: each was waited for

    def changed(*args: Any) -> None:  # WeasyPrint's layout is not what numbering.py hooks into
        raise TypeError("make_margin_boxes() takes 3 positional arguments but 4 were given")

    monkeypatch.setattr(render, "paginate", changed)
    code, stdout, stderr = qms(site, "pdf", "--manual", "--out", str(tmp_path / "fallback2.pdf"))
    assert code == 0, stderr
    assert reading(tmp_path / "fallback2.pdf")["text"] == whole["text"]


def test_contents_that_grow_once_numbered_are_not_joined() -> None:
    css = "@page { size: A6; @bottom-right { content: counter(page) } }"
    part = '<h1 id="doc-A">A</h1>'

    def front(numbers: Mapping[str, int] | None) -> str:  # one page with placeholders, two with numbers
        return '<p id="qms-front">front</p>' + ("" if numbers is None else '<p style="break-before: page">more</p>')

    split = compose.Split(front, (part, part), frozenset({"doc-A"}))
    with pytest.raises(parallel.Unsound, match="another page"):
        parallel.render_manual(split, css, {}, b"{}")
    split = compose.Split(lambda numbers: "<p>front</p>", (part,), frozenset({"doc-B"}))
    with pytest.raises(parallel.Unsound, match="doc-B"):
        parallel.render_manual(split, css, {}, b"{}")


def test_parts_are_consecutive_and_about_the_same_size() -> None:
    assert compose._balanced([10, 10, 10, 10], 0, 2) == [[0, 1], [2, 3]]
    assert compose._balanced([10, 10, 10, 10], 20, 2) == [[0, 1, 2], [3]]  # the tail ends the last part
    assert compose._balanced([100, 1, 1], 0, 2) == [[0], [1, 2]]
    assert compose._balanced([1], 500, 2) == [[0], []]  # the clause matrix and archive make a part
    assert compose._balanced([100], 0, 2) == [[0]]  # a part with nothing to lay out is left out


def test_links_to_anchors_another_part_holds_point_elsewhere() -> None:
    html = '<a href="#doc-A">here</a><p id="doc-A"></p><a href="#doc-B">there</a><a href="https://x.example">web</a>'
    assert compose._elsewhere(html) == (f'<a href="#doc-A">here</a><p id="doc-A"></p><a href="{compose.ELSEWHERE}doc-B">'
                                        'there</a><a href="https://x.example">web</a>')


def test_no_part_is_forked_while_another_thread_runs() -> None:
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert not parallel.available()
    finally:
        release.set()
        other.join()
    assert parallel.available()

