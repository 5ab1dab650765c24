"""A large document type gets an index page instead of a sidebar entry per document; superseded revisions
keep lean archived pages written beside the build; `mkdocs serve` rebuilds when a commit changes what is
in force."""

from __future__ import annotations

import datetime as dt
import json
import posixpath
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from qms_docs.cli import cli
from qms_docs.publishing import archive
from tests.builders import commit_signed, doc_path, git, make_document
from tests.site_fixture import SITE_YML, build_site, isolated_env, make_site_repo, page

ARCHIVED = "superseded/QP-002-r1"


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site with `nav_documents_max: 1`: Procedures (2 in force) get an index page, Work instructions (1) not."""
    base = tmp_path_factory.mktemp("scale")
    with isolated_env(tmp_path_factory.mktemp("home")):
        repo = make_site_repo(base / "repo")
        (repo / "mkdocs.yml").write_text(SITE_YML.replace("  - qms\n", "  - qms:\n      nav_documents_max: 1\n"),
                                         encoding="utf-8")
        return build_site(repo, base / "site")


def primary_nav(html: str) -> str:
    return html[html.index('<nav class="md-nav md-nav--primary"'):html.index("md-sidebar--secondary")]


def test_a_type_above_the_limit_is_one_navigation_entry_to_its_index_page(indexed: Path) -> None:
    nav = primary_nav(page(indexed, "procedures/QP-001"))
    assert re.search(r'<a href="\.\./\.\./types/procedure/" class="md-nav__link">\s*<span class="md-ellipsis">\s*'
                     r'Procedures', nav)
    assert "QP-002" not in nav and "QP-001 Control" not in nav
    assert re.search(r'href="\.\./\.\./work-instructions/WI-001/"', nav)  # at or below the limit: listed


def test_the_index_page_is_a_sortable_table_of_id_title_revision_and_date(indexed: Path) -> None:
    html = page(indexed, "types/procedure")
    table = re.search(r'<div class="qms-table qms-type-index qms-sortable"><table>.*?</table>', html)
    assert table
    assert "<th>ID</th><th>Title</th><th>Revision</th><th>Effective</th>" in table.group(0)
    rows = re.findall(r'<tr><td><a class="qms-ref" href="\.\./\.\./procedures/(QP-\d+)/">QP-\d+</a></td>'
                      r"<td>[^<]*</td><td>(\d+)</td><td>([\d-]+)</td></tr>", table.group(0))
    assert rows == [("QP-001", "1", "2026-03-01"), ("QP-002", "2", "2026-06-01")]
    assert 'querySelectorAll(".qms-sortable table")' in (indexed / "assets/qms/qms.js").read_text()


def test_search_still_finds_every_document(indexed: Path) -> None:
    index = json.loads((indexed / "search/search_index.json").read_text(encoding="utf-8"))
    text = " ".join(d["text"] for d in index["docs"])
    assert "keeps documents under control" in text and "zeppelin scorecard, yearly" in text
    assert {d["location"].split("#")[0] for d in index["docs"]} >= {"procedures/QP-001/", "procedures/QP-002/",
                                                                     "work-instructions/WI-001/"}


def test_a_superseded_revision_has_a_lean_archived_page_with_the_sites_styles(indexed: Path) -> None:
    html = page(indexed, ARCHIVED)
    assert '<meta name="robots" content="noindex">' in html and "<title>QP-002 revision 1 (superseded) - Acme" in html
    assert '<span class="qms-badge qms-badge--superseded">Superseded</span> Revision 1 of QP-002' in html
    assert "Suppliers are evaluated with a zeppelin scorecard.</p>" in html and "<script>alert" not in html
    links = re.findall(r'<link rel="stylesheet" href="([^"]+)">', html)
    assert any("assets/stylesheets/main." in u for u in links) and "../../assets/qms/qms.css" in links
    hrefs = [*links, *re.findall(r'<a class="qms-ref" href="([^"]+)">QP-002 revision 2', html),
             *re.findall(r'<a class="md-ellipsis" href="([^"]+)">Acme Quality Manual', html)]
    assert len(hrefs) == len(links) + 2
    for href in hrefs:  # every link of the page leads to a file of the site
        target = indexed / posixpath.normpath(posixpath.join(ARCHIVED + "/", href))
        assert (target / "index.html" if href.endswith("/") else target).is_file(), href
    assert "md-sidebar" not in html and "md-search" not in html  # no navigation, no search box
    assert ARCHIVED not in (indexed / "sitemap.xml").read_text(encoding="utf-8")
    index = json.loads((indexed / "search/search_index.json").read_text(encoding="utf-8"))
    assert not [d for d in index["docs"] if "zeppelin scorecard." in d["text"]]  # revision 2 says ", yearly"


def test_the_archived_pages_are_the_same_written_in_the_build_process(indexed: Path, tmp_path: Path) -> None:
    """With other threads running (as under `mkdocs serve`) the build does not fork: same pages."""
    stop = threading.Event()
    waiting = threading.Thread(target=stop.wait)
    waiting.start()
    try:
        site = build_site(indexed.parent / "repo", tmp_path / "site")
    finally:
        stop.set()
        waiting.join()
    assert page(site, ARCHIVED) == page(indexed, ARCHIVED)


def test_a_rebuild_replaces_the_previous_superseded_pages_and_leaves_nothing_hidden(indexed: Path,
                                                                                    tmp_path: Path) -> None:
    site = build_site(indexed.parent / "repo", tmp_path / "site")
    stale = site / "superseded" / "QP-009-r1" / "index.html"
    stale.parent.mkdir()
    stale.write_text("STALE-PAGE", encoding="utf-8")
    build_site(indexed.parent / "repo", site)
    assert not stale.exists() and page(site, ARCHIVED) == page(indexed, ARCHIVED)
    assert [p.name for p in site.iterdir() if p.name.startswith(".")] == []


def test_a_superseded_page_that_cannot_be_written_stops_the_publish_with_a_message(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_site_repo(tmp_path / "repo")

    def full(*args: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(archive.Writer, "write", full)  # the forked worker inherits it
    result = CliRunner().invoke(cli, ["publish", "--repo", str(repo), "--site-dir", str(tmp_path / "site")])
    assert result.exit_code == 1 and "superseded pages: No space left on device" in result.output
    assert "Traceback" not in result.output


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return str(r.read().decode("utf-8"))
    except OSError:
        return ""


def _until(url: str, text: str, seconds: float) -> str:
    html, deadline = "", time.monotonic() + seconds
    while time.monotonic() < deadline and text not in html:
        html = _get(url)
        if text not in html:
            time.sleep(0.5)
    return html


def test_mkdocs_serve_rebuilds_when_a_commit_changes_what_is_in_force(tmp_path: Path) -> None:
    """The new revision is committed on a side branch, then `main` is moved to it with `git update-ref`:
    no file below docs_dir or mkdocs.yml changes, only the refs."""
    repo = make_site_repo(tmp_path / "repo")
    git(repo, "stash", "-q", "--include-untracked")
    git(repo, "checkout", "-q", "-b", "next")
    commit_signed(repo, {doc_path("WI-001"): make_document(
        "WI-001", revision=3, title="Gauge calibration", change_summary="Monthly checks.",
        effective_date=dt.date(2026, 11, 1), body="# Gauge calibration\n\nCalibrate every gauge MONTHLY.\n")},
        "WI-001 revision 3", date="2026-10-20T10:00:00Z")
    git(repo, "checkout", "-q", "main")
    nxt = git(repo, "rev-parse", "next").stdout.strip()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
                            cwd=repo, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}/work-instructions/WI-001/"
        assert "Calibrate every gauge yearly." in _until(url, "Calibrate every gauge yearly.", 90)
        git(repo, "update-ref", "refs/heads/main", nxt)
        html = _until(url, "MONTHLY", 90)
        assert "Calibrate every gauge MONTHLY." in html and "<dt>Revision</dt><dd>3</dd>" in html
        old = _get(f"http://127.0.0.1:{port}/superseded/WI-001-r1/")  # written in the server's process
        assert "Calibrate every gauge yearly." in old and '<meta name="robots" content="noindex">' in old
    finally:
        proc.terminate()
        proc.wait(timeout=20)
