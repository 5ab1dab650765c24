"""`render.render`: WeasyPrint with the lean user-agent stylesheet and the collector paused, read back."""

from __future__ import annotations

import gc
import io

import pytest

from qms_docs.publishing.pdf import render
from tests.pdf_fixture import needs_weasyprint, pypdf

pytestmark = needs_weasyprint

LISTS = ("<!DOCTYPE html><html lang='en'><body><ol><li>first step</li><li>second step</li></ol>"
         "<ul><li>a bullet<ul><li>nested</li></ul></li></ul></body></html>")


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_lists_keep_their_numbers_and_bullets_and_nothing_is_logged() -> None:
    rendered = render.render(LISTS, "html { font: 10pt 'DejaVu Sans' }", {}, b"{}")
    lines = {line.strip() for line in _text(rendered.data).splitlines()}
    assert {"first step", "second step", "a bullet", "nested"} <= lines
    assert {"1.", "2.", "•", "◦"} <= lines  # the markers (pypdf reads them after the text they mark)
    assert rendered.refused == ()  # WeasyPrint logged nothing (no stylesheet rule defined twice)


def test_the_lean_stylesheet_drops_only_footnote_and_note_rules() -> None:
    from weasyprint import html as ua_source

    full, lean = ua_source.UA.splitlines(), render.lean_user_agent_css(ua_source.UA).splitlines()
    changed = [(a, b) for a, b in zip(full, lean, strict=True) if a != b]
    assert {a.split(" {")[0] for a, _ in changed} == {"::marker", "::footnote-call", "::footnote-marker",
                                                      "::note-call", "::note-marker", "::note-callback"}
    assert all(b in ("", "li::marker, summary::marker" + a[len("::marker"):]) for a, b in changed)


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_left_as_it_was(enabled: bool) -> None:
    (gc.enable if enabled else gc.disable)()
    try:
        render.render(LISTS, "", {}, b"{}")
        assert gc.isenabled() is enabled
    finally:
        gc.enable()
