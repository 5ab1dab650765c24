"""`render.render`: WeasyPrint with the lean user-agent stylesheet and the collector paused, read back."""

from __future__ import annotations

import gc
import io
import shutil
import subprocess
import sys
import textwrap

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


def test_what_the_render_leaves_is_not_walked_by_the_next_young_collection() -> None:
    young: list[int] = []

    def watch(phase: str, info: dict[str, int]) -> None:
        if phase == "stop" and info["generation"] < 2:
            young.append(info["collected"])

    gc.collect()
    gc.callbacks.append(watch)
    try:
        render.render(LISTS * 20, "", {}, b"{}")
        _ = [[n] for n in range(20000)]  # what a program does next: young collections run
    finally:
        gc.callbacks.remove(watch)
    # the render's garbage (box trees in cycles, thousands of objects) waits in the oldest generation
    assert young and max(young) < 200
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_objects_a_caller_froze_stay_frozen() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        render.render(LISTS, "", {}, b"{}")
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


FIND_LIBRARIES = textwrap.dedent("""
    import ctypes.util, subprocess, sys
    ran, stock, popen = [], ctypes.util.find_library, subprocess.Popen.__init__
    def spy(self, args, *a, **k):
        ran.append(args[0] if isinstance(args, (list, tuple)) else str(args).split()[0])
        popen(self, args, *a, **k)
    subprocess.Popen.__init__ = spy
    from qms_docs.publishing.pdf import render
    assert render.weasyprint_missing() is None
    assert ctypes.util.find_library is stock, "the stock lookup is put back"
    print(sorted(set(ran)))
""")


@pytest.mark.skipif(not sys.platform.startswith("linux") or shutil.which("gcc") is None,
                    reason="the stock lookup runs gcc for each missed name on Linux only")
def test_weasyprints_libraries_are_found_in_the_ldconfig_cache_without_running_a_compiler() -> None:
    proc = subprocess.run([sys.executable, "-c", FIND_LIBRARIES], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    programs = proc.stdout.strip()
    assert "gcc" not in programs and "'ld'" not in programs and "/sbin/ldconfig" in programs
