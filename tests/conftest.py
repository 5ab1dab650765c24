"""Shared fixtures: every test runs against its own git configuration and temporary repositories."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.audit_history import build_manual, init_qms_repo, read_only_history

SHARED = Path(__file__).resolve().parents[2] / "shared"
MAKE_CORPUS = SHARED / "bench" / "make_corpus.py"

# Markers by file (the test files stay free of them, so no one's edits collide): `integration` tests push
# through real hooks into a server, build a site with mkdocs or install a tool; `browser` tests drive a
# headless browser. `pytest -m "not integration"` is the quick in-process run.
INTEGRATION_FILES = ("test_hooks_e2e", "test_plugin_build", "test_pre_commit_framework", "test_site_browser", "test_pdf_")
BROWSER_FILES = ("test_site_browser",)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        stem = item.path.stem
        if stem.startswith(INTEGRATION_FILES) or "_e2e" in stem:
            item.add_marker(pytest.mark.integration)
        if stem.startswith(BROWSER_FILES):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def isolated_git(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Never read or write the developer's git configuration or home folder."""
    home = tmp_path_factory.mktemp("home")
    gitconfig = home / ".gitconfig"
    gitconfig.write_text("[user]\n\tname = Test Runner\n\temail = runner@acme.example\n"
                         "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n"
                         "[advice]\n\tdetachedHead = false\n", encoding="utf-8")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("QMS_TODAY", "2026-11-22")
    for name in ("GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE", "GIT_OBJECT_DIRECTORY",
                 "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_QUARANTINE_PATH", "GIT_AUTHOR_DATE",
                 "GIT_COMMITTER_DATE", "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME",
                 "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(name, raising=False)
    return gitconfig


@pytest.fixture
def qms_repo(tmp_path: Path) -> Path:
    """A git repository with the SPEC's qms.yml committed by the quality manager."""
    return init_qms_repo(tmp_path / "repo")


@pytest.fixture(scope="session")
def manual_history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, Any]]]:
    """(repository, commit ids of each step) of tests.audit_history.build_manual, built once for the whole
    session and shared by the tests that only read it; a test that writes takes a copy_history of it."""
    with read_only_history(tmp_path_factory, "manual", lambda repo: build_manual(init_qms_repo(repo))) as built:
        yield built


@pytest.fixture
def make_corpus() -> Path:
    """The shared, independent corpus generator (skips when ../shared is not beside the checkout)."""
    if not MAKE_CORPUS.is_file():
        pytest.skip(f"{MAKE_CORPUS} is absent (it ships beside the checkout in CI, not in a user's clone)")
    return MAKE_CORPUS



os.environ.setdefault("COLUMNS", "200")
