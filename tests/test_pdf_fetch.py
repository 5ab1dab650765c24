"""What a controlled PDF may read while it renders: nothing from the network or the disk; only the
raster images that a revision in force links to, read from its commit."""

from __future__ import annotations

import http.server
import io
import struct
import subprocess
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from qms_docs.pdf import fetcher, render
from tests.builders import commit_signed, doc_path, make_document
from tests.pdf_fixture import needs_weasyprint, pypdf, qms

pytestmark = needs_weasyprint


def png(width: int = 4, height: int = 4) -> bytes:
    """A small black PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\0" + b"\0" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    """A local web server that records every request made to it."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(png())

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", hits
    finally:
        httpd.shutdown()


def test_hostile_html_and_css_fetch_nothing(server: tuple[str, list[str]], tmp_path: Path) -> None:
    url, hits = server
    secret = tmp_path / "secret.png"
    secret.write_bytes(png())
    html = (f'<html><head><link rel="stylesheet" href="{url}/style.css"></head><body>'
            f'<img src="{url}/img.png"><img src="{secret.as_uri()}"><img src="file:///etc/passwd">'
            f'<iframe src="{url}/frame"></iframe><object data="{url}/obj"></object>'
            f'<p style="background: url({url}/bg.png)">text</p></body></html>')
    css = f'@import url("{url}/import.css"); @font-face {{ font-family: X; src: url({url}/font.woff); }} ' \
          f'body {{ font-family: X; background: url("{secret.as_uri()}") }}'
    result = render.render(html, css, {}, b"{}")
    assert hits == []
    assert result.data.startswith(b"%PDF-")
    refused = "\n".join(result.refused)
    assert "127.0.0.1" in refused and "secret.png" in refused
    assert not any(page.images for page in pypdf.PdfReader(io.BytesIO(result.data)).pages)


def test_fetcher_serves_only_listed_raster_attachments() -> None:
    images = {"procedures/img/flow.png": png(), "procedures/img/evil.svg": b"<svg/>"}
    assert fetcher.resolve("qms-attachment:procedures/img/flow.png", images) == (png(), "image/png")
    for url in ("qms-attachment:procedures/img/evil.svg", "qms-attachment:procedures/img/other.png",
                "qms-attachment:../../etc/passwd", "file:///etc/passwd", "http://example.invalid/x.png",
                "https://example.invalid/x.png", "ftp://example.invalid/x", "FILE:///etc/hostname"):
        with pytest.raises(fetcher.Refused):
            fetcher.resolve(url, images)
    assert fetcher.resolve("data:text/plain;base64,aGk=", images) == (b"hi", "text/plain")


def test_an_image_linked_by_the_revision_in_force_is_embedded_from_its_commit(qms_repo: Path, tmp_path: Path,
                                                                             server: tuple[str, list[str]]) -> None:
    url, hits = server
    body = (f"# Flow\n\n![flow](img/flow.png)\n\n![remote]({url}/remote.png)\n\n![draft](img/draft.png)\n\n"
            "![vector](img/chart.svg)\n")
    folder = "controlled/procedures/img/"
    (qms_repo / folder).mkdir(parents=True)
    (qms_repo / folder / "flow.png").write_bytes(png(8, 8))  # a binary, committed with the revision
    (qms_repo / folder / "chart.svg").write_text("<svg/>", encoding="utf-8")
    subprocess.run(["git", "-C", str(qms_repo), "add", folder], check=True)
    commit_signed(qms_repo, {doc_path("QP-001"): make_document("QP-001", body=body)}, "QP-001")
    (qms_repo / folder / "draft.png").write_bytes(png())  # untracked: never printed
    out = tmp_path / "img.pdf"
    code, stdout, err = qms(qms_repo, "pdf", "QP-001", "--out", str(out))
    assert code == 0, err
    reader = pypdf.PdfReader(str(out))
    assert sum(len(p.images) for p in reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "remote" in text and "draft" in text and "vector" in text  # the others are their alt text
    assert hits == []
