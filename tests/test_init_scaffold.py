"""Issue 10.14: the scaffold `qms init` writes builds a site that asks the web for nothing; its shims
are the repository's own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders import PEOPLE, commit, git
from tests.helpers_hooks import CHECKOUT, HOOK_NAMES, qms, with_qms_on_path

WEB_FONTS = ("fonts.googleapis.com", "fonts.gstatic.com")


def test_the_scaffolded_site_requests_no_web_fonts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with_qms_on_path(monkeypatch)
    repo = tmp_path / "qms"
    assert qms("init", str(repo), cwd=tmp_path).returncode == 0
    git(repo, "add", "-A")
    commit(repo, {}, "Scaffold files", author=PEOPLE["quality-manager"])
    built = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q"], cwd=repo, capture_output=True,
                           text=True)
    assert built.returncode == 0, built.stderr
    pages = list((repo / "site").rglob("*.html"))
    assert pages and not [p for p in pages if any(host in p.read_text(encoding="utf-8") for host in WEB_FONTS)]


def test_the_repository_shims_are_the_ones_init_writes() -> None:
    from qms_docs.templates import HOOKS, template

    assert set(HOOK_NAMES) <= set(HOOKS) and "pre-merge-commit" in HOOKS
    for name in HOOKS:
        assert (CHECKOUT / "hooks" / name).read_bytes() == template(f"hooks/{name}"), name
        assert (CHECKOUT / "hooks" / name).stat().st_mode & 0o111
