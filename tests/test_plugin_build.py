"""Real MkDocs builds with the qms plugin: what a reader of the published manual sees."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from qms_docs.cli import cli
from tests.builders import git
from tests.site_fixture import HOSTILE_TITLE, SECRETS, build_site, isolated_env, make_site_repo, page, site_texts


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(repository, site) built once, in-process and with --strict, for the read-only tests below."""
    base = tmp_path_factory.mktemp("site")
    with isolated_env(tmp_path_factory.mktemp("home")):
        repo = make_site_repo(base / "repo")
        return repo, build_site(repo, base / "site")


def nav_links(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]*)" class="md-nav__link', html)


def test_no_draft_future_obsolete_or_uncommitted_text_reaches_any_file(built: tuple[Path, Path]) -> None:
    texts = site_texts(built[1])
    assert {"search/search_index.json", "sitemap.xml", "sitemap.xml.gz"} <= set(texts)
    leaks = {(secret, name) for name, text in texts.items() for secret in SECRETS if secret in text}
    # an approved future revision is named (title, date) on the Upcoming revisions page only; its text never
    assert leaks == {("FUTURE TITLE SECRET", "upcoming/index.html")}


def test_the_approved_revision_under_a_draft_is_published(built: tuple[Path, Path]) -> None:
    html = page(built[1], "procedures/QP-001")
    assert "This procedure keeps documents under control." in html
    assert '<span class="qms-control__id">QP-001</span>' in html
    assert "<dt>Revision</dt><dd>1</dd>" in html


def test_a_future_revision_waits_and_a_never_effective_document_is_left_out(built: tuple[Path, Path]) -> None:
    site = built[1]
    assert "Calibrate every gauge yearly." in page(site, "work-instructions/WI-001")
    assert "<dt>Revision</dt><dd>1</dd>" in page(site, "work-instructions/WI-001")
    assert not (site / "procedures/QP-003").exists()
    assert "QP-003" not in (site / "sitemap.xml").read_text() and "Never effective" not in page(site, "")


def test_an_obsolete_document_is_only_on_the_archive_page_marked_obsolete(built: tuple[Path, Path]) -> None:
    site = built[1]
    archive = page(site, "archive")
    row = re.search(r'<tr id="FRM-001">.*?</tr>', archive)
    assert row and "Obsolete</span>" in row.group(0) and "Replaced by the ERP." in row.group(0)
    assert "2026-05-01" in row.group(0)
    assert not (site / "forms").exists()
    assert all("archive/" not in link for link in nav_links(page(site, "procedures/QP-001")))
    assert "FRM-001" not in page(site, "master-document-list")


def test_front_matter_values_are_escaped_and_body_html_never_runs(built: tuple[Path, Path]) -> None:
    texts = site_texts(built[1])
    live = re.compile(r"<script>alert|<[a-z]+[^<>]*\son[a-z]+\s*=")  # a script, or a tag with an event handler
    assert [name for name, text in texts.items() if live.search(text)] == []
    assert '<p>&lt;img src="x.png" onerror="alert(2)"&gt;</p>' in page(built[1], "procedures/QP-001")
    html = page(built[1], "procedures/QP-002")
    escaped = "Purchasing &lt;script&gt;alert(1)&lt;/script&gt;"
    assert f"<title>QP-002 {escaped} - Acme Quality Manual</title>" in html
    assert f'<span class="qms-control__title">{escaped}</span>' in html
    assert "&lt;script&gt;alert('body')&lt;/script&gt;" in page(built[1], "procedures/QP-001")
    index = json.loads(texts["search/search_index.json"])
    assert any(doc["title"] == f"QP-002 {escaped}" for doc in index["docs"])
    assert HOSTILE_TITLE not in texts["master-document-list/index.html"]


def test_a_body_cannot_set_page_metadata() -> None:
    from mkdocs.utils.meta import get_data

    from qms_docs.publishing.render import front_matter

    markdown, meta = get_data(front_matter("QP-009 x") + "---\ntemplate: evil.html\n---\nTemplate: evil.html\n\n# Body\n")
    assert meta == {"title": "QP-009 x"} and markdown.startswith("---\ntemplate: evil.html")


def test_the_control_block_shows_id_revision_dates_owner_and_signatures(built: tuple[Path, Path]) -> None:
    block = re.search(r'<div class="qms-control".*?</table></div>', page(built[1], "procedures/QP-002"))
    assert block
    html = block.group(0).replace("<wbr>", "")
    proof = '<br><small class="qms-proof" title="Proven by">commit author only</small>'
    for expected in ("<dt>Revision</dt><dd>2</dd>", "<dt>Effective date</dt><dd>2026-06-01</dd>",
                     "<dt>Owner</dt><dd>Jane Doe &lt;jane@acme.example&gt;</dd>", "<dt>Next review</dt><dd>2028-06-01</dd>",
                     f"<td>Jane Doe{proof}</td><td>quality-manager</td><td>approved</td><td>2026-02-27 14:03 UTC</td>",
                     f"<td>Omar Haddad{proof}</td><td>process-owner</td><td>approved</td>"):
        assert expected in html
    assert re.search(r"<code>sha256:[0-9a-f]{12}</code>", html)


def test_the_revision_history_table_lists_each_effective_revision(built: tuple[Path, Path]) -> None:
    history = re.search(r'<h2 id="revision-history">.*?</table>', page(built[1], "procedures/QP-002"), re.S)
    assert history
    rows = re.findall(r"<tr><td>(?:<a href=\"[^\"]+\">)?(\d+)(?:</a>)?</td><td>([\d-]+)</td><td>(.*?)</td><td>(.*?)</td></tr>",
                      history.group(0))
    proof = '<br><small class="qms-proof" title="Proven by">commit author only</small>'
    signers = f"Jane Doe (quality-manager){proof}; Omar Haddad (process-owner){proof}"
    assert rows == [("2", "2026-06-01", "Added supplier scorecards.", signers),
                    ("1", "2026-03-01", "Initial issue", signers)]


def test_the_master_document_list_has_every_published_document(built: tuple[Path, Path]) -> None:
    html = page(built[1], "master-document-list")
    ids = re.findall(r'<tr><td><a class="qms-ref" href="[^"]+">([A-Z]+-\d+)</a></td>', html)
    assert ids == ["QP-001", "QP-002", "WI-001"]
    assert '<a class="qms-ref" href="../procedures/QP-002/">QP-002</a>' in html
    assert "<td>2</td><td>2026-06-01</td><td>Jane Doe &lt;jane@acme.example&gt;</td><td>2028-06-01</td>" in html


def test_the_clause_matrix_maps_clauses_and_highlights_gaps(built: tuple[Path, Path]) -> None:
    html = page(built[1], "clause-matrix")
    row = re.search(r'<tr class=""><td>7\.5\.3</td>.*?</tr>', html)
    assert row and 'href="../procedures/QP-001/">QP-001</a>' in row.group(0)
    assert re.search(r'<tr class="qms-gap"><td>9\.2</td><td>Internal audit</td>', html)
    assert '<tr class="qms-gap"><td>8.4</td>' not in html and '<tr class="qms-gap"><td>7.1.5</td>' not in html
    assert "<li><strong>9.2</strong> Internal audit:" in html


def test_references_by_id_link_to_the_referenced_page(built: tuple[Path, Path]) -> None:
    html = page(built[1], "procedures/QP-001")
    body = html[html.index('<h1 id="control-of-documented-information"'):]
    assert '<a class="qms-ref" href="../QP-002/">QP-002</a>' in body
    assert '<a class="qms-ref" href="../../work-instructions/WI-001/">WI-001</a>' in body
    assert '<a class="qms-ref" href="../../archive/">FRM-001</a>' in body
    not_issued = ('<span class="qms-not-issued" title="No revision of QP-003 is in force">QP-003 '
                  '<span class="qms-badge qms-badge--not-issued">not issued</span></span>')
    assert f"and {not_issued} is still a draft" in body  # never effective: marked, not linked
    references = re.search(r"<dt>References</dt><dd>(.*?)</dd>", html)
    assert references and references.group(1).count('class="qms-ref"') == 3
    assert references.group(1).endswith(f", {not_issued}")


def test_every_page_carries_the_print_notice_and_navigation_is_grouped_by_type(built: tuple[Path, Path]) -> None:
    site = built[1]
    for uri, label in (("procedures/QP-001", "QP-001 revision 1"), ("procedures/QP-002", "QP-002 revision 2"),
                       ("master-document-list", "Master Document List as of 2026-11-22")):
        assert f"Uncontrolled copy when printed · {label} · printed" in page(site, uri)
    css = (site / "assets/qms/qms.css").read_text()
    assert "@page" in css and '"UNCONTROLLED COPY WHEN PRINTED"' in css
    html = page(site, "procedures/QP-001")
    nav = html[html.index('<nav class="md-nav md-nav--primary"'):html.index("md-sidebar--secondary")]
    nav = re.sub(r'<nav class="md-nav md-nav--secondary".*?</nav>', "", nav, flags=re.S)  # the page's own toc
    titles = re.findall(r'class="md-nav__link[^"]*"[^>]*>\s*<span class="md-ellipsis">\s*(.*?)\s*</span>', nav, re.S)
    assert titles[:5] == ["Home", "Master Document List", "ISO 9001 clause matrix", "Upcoming revisions", "Procedures"]
    assert titles[5:] == ["QP-001 Control of Documented Information", "QP-001 Control of Documented Information",
                          "QP-002 Purchasing &lt;script&gt;alert(1)&lt;/script&gt;", "Work instructions"]


def test_mkdocs_build_strict_in_a_subprocess(built: tuple[Path, Path], tmp_path: Path) -> None:
    repo = built[0]
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(repo / "mkdocs.yml"),
                           "-d", str(tmp_path / "site")], capture_output=True, text=True,
                          env={**__import__("os").environ})
    assert proc.returncode == 0, proc.stderr
    assert "qms: publishing 3 documents in force on 2026-11-22; 1 obsolete in the archive; 1 upcoming" in proc.stderr
    assert "QP-001: revision 2 is in draft; publishing revision 1" in proc.stderr
    assert not [(s, n) for s in SECRETS for n, t in site_texts(tmp_path / "site").items()
                if s in t and n != "upcoming/index.html"]


def test_qms_publish_builds_the_site_and_reports_the_count(built: tuple[Path, Path], tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["publish", "--repo", str(built[0]), "--site-dir", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[-1] == f"published 3 documents to {tmp_path / 'out'}"
    assert all(line.startswith(("held back: ", "warning: ")) for line in lines[:-1]), lines  # said before the count
    assert (tmp_path / "out/procedures/QP-002/index.html").is_file()


def test_qms_publish_errors_are_clear_and_without_traceback(built: tuple[Path, Path], tmp_path: Path) -> None:
    runner = CliRunner()
    git(tmp_path, "init", "-q", str(tmp_path / "bare-repo"))
    missing = runner.invoke(cli, ["publish", "--repo", str(tmp_path / "bare-repo")])
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{built[0]}", str(tmp_path / "shallow"))
    shallow = runner.invoke(cli, ["publish", "--repo", str(tmp_path / "shallow"), "--site-dir", str(tmp_path / "s")])
    assert (missing.exit_code, shallow.exit_code) == (2, 2)
    assert "mkdocs.yml: not found" in missing.stderr
    assert "shallow clone" in shallow.stderr and "git fetch --unshallow" in shallow.stderr
    assert "Traceback" not in missing.output + shallow.output


def test_a_docs_dir_other_than_documents_dir_is_refused(built: tuple[Path, Path], tmp_path: Path) -> None:
    repo = tmp_path / "clone"
    git(tmp_path, "clone", "-q", f"file://{built[0]}", str(repo))
    (repo / "mkdocs.yml").write_text((repo / "mkdocs.yml").read_text().replace("docs_dir: controlled",
                                                                                "docs_dir: docs"))
    (repo / "docs").mkdir()
    result = CliRunner().invoke(cli, ["publish", "--repo", str(repo)])
    assert result.exit_code == 2
    assert "docs_dir" in result.stderr and "set `docs_dir: controlled` in mkdocs.yml" in result.stderr


def test_a_generated_corpus_with_drafts_publishes_no_draft_text(make_corpus: Path, tmp_path: Path) -> None:
    repo = tmp_path / "corpus"
    subprocess.run([sys.executable, str(make_corpus), str(repo), "--docs", "30", "--revisions", "2",
                    "--drafts", "5"], check=True, capture_output=True)
    drafted = [p for p in (repo / "controlled").rglob("*.md") if "DRAFT-ONLY-TEXT" in p.read_text()]
    site = build_site(repo, tmp_path / "site")
    texts = site_texts(site)
    assert len(drafted) == 5
    assert [name for name, text in texts.items() if "DRAFT-ONLY-TEXT" in text or "rework in progress" in text] == []
    pages = [n for n in texts if n.startswith(("procedures/", "work-instructions/", "forms/", "policies/", "manual/"))]
    assert len(pages) == 30
    for path in drafted:
        doc_id = path.name[:path.name.index("-", path.name.index("-") + 1)]
        assert f"{doc_id} revision 2 · printed" in texts[f"{path.parent.name}/{path.stem}/index.html"]


def test_mkdocs_serve_shows_the_effective_revision_and_never_the_draft(tmp_path: Path) -> None:
    import socket
    import time
    import urllib.parse
    import urllib.request

    repo = make_site_repo(tmp_path / "repo")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--no-livereload", "-a", f"127.0.0.1:{port}"],
                            cwd=repo, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        html, deadline = "", time.monotonic() + 60
        while time.monotonic() < deadline and "md-content" not in html:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
                    html = r.read().decode("utf-8")
            except OSError:
                time.sleep(0.3)
        assert "md-content" in html, "mkdocs serve did not answer within 60 s"
        urls = re.findall(r'href="([^"#]*QP-001[^"#]*)"', html)
        assert urls, "the home page links QP-001"
        url = urllib.parse.urljoin(f"http://127.0.0.1:{port}/", urls[0])
        with urllib.request.urlopen(url, timeout=5) as r:
            doc = r.read().decode("utf-8")
        assert "Control of Documented Information" in doc and "DRAFT-ONLY-TEXT" not in doc
    finally:
        proc.terminate()
        proc.wait(timeout=20)
