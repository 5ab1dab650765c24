"""Shared pieces of the PDF tests: skip without WeasyPrint, run `qms`, read a PDF back (pypdf), and
render a page to pixels (pdftoppm)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from qms_docs.cli import cli
from qms_docs.pdf.render import weasyprint_missing

_MISSING = weasyprint_missing()
needs_weasyprint = pytest.mark.skipif(_MISSING is not None, reason=f"WeasyPrint is absent: {_MISSING}")
pypdf = pytest.importorskip("pypdf", reason="pypdf (a dependency of qms-docs) reads the PDFs back")


def qms(repo: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [*args, "--repo", str(repo)], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def pages_text(pdf: Path) -> list[str]:
    """The text of each page, as a reader's copy-and-paste gets it."""
    return [page.extract_text() or "" for page in pypdf.PdfReader(str(pdf)).pages]


def manifest(pdf: Path) -> dict[str, Any]:
    found = pypdf.PdfReader(str(pdf)).attachments["qms-manifest.json"]
    return json.loads(found[0])


def font_names(pdf: Path) -> set[str]:
    """The base font of every font the pages use."""
    names = set()
    for page in pypdf.PdfReader(str(pdf)).pages:
        fonts = page.get("/Resources", {}).get_object().get("/Font", {})
        for ref in fonts.get_object().values():
            names.add(str(ref.get_object().get("/BaseFont", "")))
    return names


def ink(pdf: Path, page: int, tmp: Path) -> float:
    """The share of pixels that are not white on a page rendered at 30 dpi in grey (pdftoppm)."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is absent")
    out = tmp / f"page-{page}"
    subprocess.run(["pdftoppm", "-r", "30", "-gray", "-f", str(page), "-l", str(page), "-singlefile", str(pdf), str(out)],
                   check=True, capture_output=True)
    data = (tmp / f"page-{page}.pgm").read_bytes()
    header = data.split(b"\n", 3)  # P5, width height, max, pixels
    pixels = header[3]
    return sum(1 for b in pixels if b < 200) / len(pixels)
