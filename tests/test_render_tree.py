"""`qms render --out DIR`: the manual as in force as a plain Markdown tree that MkDocs builds without the
qms plugin, with the same pages and text as the plugin publishes."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as etree
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from markdown import Markdown  # type: ignore[import-untyped]
from markdown.extensions import Extension  # type: ignore[import-untyped]
from markdown.treeprocessors import Treeprocessor  # type: ignore[import-untyped]

from qms_docs.cli import cli
from qms_docs.mkdocs_plugin import blocks
from qms_docs.publishing import archive, render
from tests.site_fixture import (
    ATTACHMENT_SECRETS,
    REFUSED_LINKS,
    SECRETS,
    build_site,
    isolated_env,
    make_attachments_repo,
    make_links_repo,
    make_site_repo,
    page,
    site_texts,
)

FUTURE_TITLE = "FUTURE TITLE SECRET"  # an approved future revision: named on the Upcoming page only


def qms_render(repo: Path, out: Path) -> str:
    result = CliRunner().invoke(cli, ["render", "--repo", str(repo), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return result.output


def mkdocs_build(config: Path, site: Path) -> subprocess.CompletedProcess[str]:
    """`mkdocs build --strict` in a subprocess, as a user runs it on the rendered tree."""
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)],
                          capture_output=True, text=True, env=os.environ.copy())
    assert proc.returncode == 0, proc.stderr
    return proc


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path, str]:
    """(plugin site, rendered tree, site built from the tree by plain MkDocs, its build log)."""
    base = tmp_path_factory.mktemp("render")
    with isolated_env(tmp_path_factory.mktemp("home")):
        repo = make_site_repo(base / "repo")
        plugin_site = build_site(repo, base / "plugin-site")
        qms_render(repo, base / "tree")
        proc = mkdocs_build(base / "tree" / "mkdocs.yml", base / "tree-site")
        return plugin_site, base / "tree", base / "tree-site", proc.stderr


def pages_of(site: Path) -> dict[str, str]:
    """The page content (the article) of every page of a site, by path."""
    out = {}
    for path in site.rglob("index.html"):
        html = path.read_text(encoding="utf-8")
        article = re.search(r'<article class="md-content__inner md-typeset">(.*?)</article>|'
                            r'<main class="md-typeset">(.*?)</main>', html, re.S)  # (superseded: a plain page)
        if article:
            out[path.relative_to(site).as_posix()] = article.group(1) or article.group(2)
    return out


def test_the_tree_has_its_own_configuration_without_the_qms_plugin(both: tuple[Path, Path, Path, str]) -> None:
    tree, log = both[1], both[3]
    config = yaml.safe_load((tree / "mkdocs.yml").read_text(encoding="utf-8").replace("!!python", "python"))
    assert config["plugins"] == ["search"] and config["docs_dir"] == "docs"
    assert config["theme"]["name"] == "material"
    assert "qms:" not in log  # the plugin never ran on the tree
    assert {"procedures/QP-001.md", "procedures/QP-002.md", "work-instructions/WI-001.md", "index.md",
            "master-document-list.md", "clause-matrix.md", "archive.md", "upcoming.md",
            "superseded/QP-002-r1.md"} <= {p.relative_to(tree / "docs").as_posix() for p in (tree / "docs").rglob("*.md")}


def test_the_plugin_and_the_rendered_tree_publish_the_same_pages_and_text(both: tuple[Path, Path, Path, str]) -> None:
    plugin, rendered = pages_of(both[0]), pages_of(both[2])
    assert len(plugin) == 9 and set(plugin) == set(rendered)
    assert [uri for uri in plugin if plugin[uri] != rendered[uri]] == []
    nav = re.compile(r'<nav class="md-nav md-nav--primary".*?</nav>', re.S)
    home = (both[0] / "index.html").read_text(encoding="utf-8"), (both[2] / "index.html").read_text(encoding="utf-8")
    assert nav.search(home[0]).group(0) == nav.search(home[1]).group(0)  # type: ignore[union-attr]


def test_no_draft_future_obsolete_or_uncommitted_text_reaches_the_tree_or_its_site(
        both: tuple[Path, Path, Path, str]) -> None:
    files = {p.relative_to(both[1]).as_posix(): p.read_text(encoding="utf-8", errors="replace")
             for p in both[1].rglob("*") if p.is_file()}
    leaks = {(s, n) for n, text in files.items() for s in SECRETS if s in text}
    assert leaks == {(FUTURE_TITLE, "docs/upcoming.md")}
    site_leaks = {(s, n) for n, text in site_texts(both[2]).items() for s in SECRETS if s in text}
    assert site_leaks == {(FUTURE_TITLE, "upcoming/index.html")}
    assert "<script>alert" not in "".join(files.values())


def test_revision_history_is_in_the_table_of_contents_and_its_own_search_result(
        both: tuple[Path, Path, Path, str]) -> None:
    html = page(both[2], "procedures/QP-001")
    toc = html[html.index('<nav class="md-nav md-nav--secondary"'):]
    assert re.search(r'<a href="#revision-history" class="md-nav__link">\s*<span class="md-ellipsis">\s*Revision history',
                     toc)
    assert re.search(r'<a href="#steps" class="md-nav__link">', toc)  # the body's own headings too
    index = json.loads((both[2] / "search/search_index.json").read_text(encoding="utf-8"))
    section = [d for d in index["docs"] if d["location"] == "procedures/QP-001/#revision-history"]
    assert len(section) == 1 and section[0]["title"] == "Revision history" and "Initial issue" in section[0]["text"]
    steps = next(d for d in index["docs"] if d["location"] == "procedures/QP-001/#steps")
    assert "Revision history" not in steps["text"] and "Initial issue" not in steps["text"]


def test_a_superseded_revision_keeps_a_page_marked_superseded_out_of_search(
        both: tuple[Path, Path, Path, str]) -> None:
    for site in (both[0], both[2]):
        html = page(site, "superseded/QP-002-r1")
        assert '<meta name="robots" content="noindex">' in html
        assert re.search(r'<span class="qms-badge qms-badge--superseded">Superseded</span> Revision 1 of QP-002 was in '
                         r'force from 2026-03-01 until 2026-06-01\. Do not use it\. The revision in force is '
                         r'<a class="qms-ref" href="\.\./\.\./procedures/QP-002/">QP-002 revision 2</a>', html)
        assert "Suppliers are evaluated with a zeppelin scorecard.</p>" in html  # revision 1's text
        index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
        assert not [d for d in index["docs"] if d["location"].startswith(("superseded/", "upcoming/"))]
        history = page(site, "procedures/QP-002")
        assert '<td><a href="../../superseded/QP-002-r1/">1</a></td><td>2026-03-01</td>' in history
        assert '<meta name="robots"' not in history
        nav = history[history.index('<nav class="md-nav md-nav--primary"'):history.index("md-sidebar--secondary")]
        assert "superseded/" not in nav


def test_an_approved_future_revision_is_listed_as_not_yet_in_force(both: tuple[Path, Path, Path, str]) -> None:
    html = page(both[2], "upcoming")
    row = re.search(r"<tr><td><a class=\"qms-ref\" href=\"\.\./work-instructions/WI-001/\">WI-001</a> "
                    r"<span class=\"qms-badge qms-badge--upcoming\">Not yet in force</span></td>(.*?)</tr>", html)
    assert row and f"<td>{FUTURE_TITLE}</td><td>2</td><td>2027-01-01</td>" in row.group(1)
    assert '<meta name="robots" content="noindex">' in html
    assert "FUTURE-ONLY-TEXT" not in html and "Calibrate every gauge yearly." in page(both[2], "work-instructions/WI-001")


def test_render_refuses_a_folder_that_holds_other_files_and_replaces_an_earlier_render(
        both: tuple[Path, Path, Path, str], tmp_path: Path) -> None:
    repo = both[0].parent / "repo"
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(cli, ["render", "--repo", str(repo), "--out", str(other)])
    assert result.exit_code == 2 and "not empty" in result.output and "Traceback" not in result.output
    assert [p.name for p in other.iterdir()] == ["notes.txt"]
    out = tmp_path / "again"
    qms_render(repo, out)
    (out / "docs" / "stale.md").write_text("stale", encoding="utf-8")
    qms_render(repo, out)
    assert not (out / "docs" / "stale.md").exists() and (out / "docs" / "index.md").is_file()


def test_attachments_in_the_tree_come_from_the_revision_in_force_only(tmp_path: Path) -> None:
    repo = make_attachments_repo(tmp_path / "repo", tmp_path / "outside.txt")
    output = qms_render(repo, tmp_path / "tree")
    files = {p.relative_to(tmp_path / "tree" / "docs").as_posix() for p in (tmp_path / "tree" / "docs").rglob("*")
             if p.is_file() and not p.name.endswith(".md")}
    assert files == {"procedures/img/flow.png", "procedures/files/order form.pdf", "assets/qms/qms.css",
                     "assets/qms/qms.js"}
    assert (tmp_path / "tree/docs/procedures/img/flow.png").read_text() == "PNG-REV1-BYTES"
    assert "warning: QP-001 links to procedures/evil.html" in output
    mkdocs_build(tmp_path / "tree" / "mkdocs.yml", tmp_path / "site")
    texts = site_texts(tmp_path / "site")
    assert [(s, n) for n, t in texts.items() for s in ATTACHMENT_SECRETS if s in t] == []
    html = page(tmp_path / "site", "procedures/QP-001")
    assert '<img alt="Flow chart" src="../img/flow.png" />' in html
    assert texts["procedures/img/flow.png"] == "PNG-REV1-BYTES"


def test_refused_links_never_reach_the_tree(tmp_path: Path) -> None:
    repo = make_links_repo(tmp_path / "repo")
    qms_render(repo, tmp_path / "tree")
    text = (tmp_path / "tree" / "docs" / "procedures" / "QP-002.md").read_text(encoding="utf-8")
    for name in REFUSED_LINKS:
        assert re.search(rf"<li><span[^>]*>{re.escape(name)}</span></li>", text), name
    assert not re.search(r"(?i)(href|src)=\"\s*(javascript|data|vbscript|file|ftp)", text)
    mkdocs_build(tmp_path / "tree" / "mkdocs.yml", tmp_path / "site")
    article = page(tmp_path / "site", "procedures/QP-002").split("<article")[1].split("</article>")[0]
    assert not re.search(r"(?i)<a [^>]*href=\"[^\"]*(javascript|data:|vbscript|file:|ftp:)", article)
    assert '<a href="https://www.iso.org/standard/62085.html">web</a>' in article


def test_the_tree_builds_with_zensical(both: tuple[Path, Path, Path, str], tmp_path: Path) -> None:
    if shutil.which("zensical") is None:
        pytest.skip("zensical is not installed: `pip install -e .[zensical]` installs 0.0.73 (every later release "
                    "requires zensical-ui, which this machine's package index does not offer)")
    tree = tmp_path / "tree"
    shutil.copytree(both[1], tree)
    proc = subprocess.run(["zensical", "build", "-f", str(tree / "mkdocs.yml")], cwd=tree, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    texts = site_texts(tree / "site")
    assert "Control of Documented Information" in texts["procedures/QP-001/index.html"]
    assert {(s, n) for n, t in texts.items() for s in SECRETS if s in t} <= {(FUTURE_TITLE, "upcoming/index.html")}


def test_headings_keep_their_text_when_the_builder_adds_permalinks(tmp_path: Path) -> None:
    from tests.site_fixture import SITE_YML

    repo = make_site_repo(tmp_path / "repo")
    (repo / "mkdocs.yml").write_text(SITE_YML + "markdown_extensions:\n  - toc: {permalink: true}\n", encoding="utf-8")
    qms_render(repo, tmp_path / "tree")
    text = (tmp_path / "tree/docs/procedures/QP-001.md").read_text(encoding="utf-8")
    assert "\n# Control of Documented Information\n" in text and "\n## Steps\n" in text and "para" not in text
    html = page(build_site(repo, tmp_path / "site"), "procedures/QP-001")
    assert re.search(r'<h2 id="steps">Steps<a class="headerlink" href="#steps" title="[^"]*">&para;</a></h2>', html)


class _Footer(Extension):  # type: ignore[misc]
    """Adds a heading of its own to every conversion (as some extensions add content)."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802
        class Add(Treeprocessor):  # type: ignore[misc]
            def run(self, root: etree.Element) -> None:
                etree.SubElement(root, "h6").text = "footer"
        md.treeprocessors.register(Add(md), "footer", 1)


@pytest.mark.parametrize("extensions, configs", [
    (["toc", "tables"], {}),
    (["toc", "attr_list", "md_in_html"], {"toc": {"permalink": True}}),
    (["toc"], {"toc": {"permalink": True}}),
])
def test_an_archived_page_is_converted_as_the_builder_converts_a_page(extensions: list[object],
                                                                       configs: dict[str, object]) -> None:
    """The lean writer converts only the headings; the result is what the builder writes for the whole page."""
    markdown = ("<div class=\"qms-print-notice\">x</div>\n\n<div class=\"qms-superseded\">y</div>\n\n"
                f"# {render.markdown_text('Steps')}\n\n<div class=\"qms-body\">\n<p>one</p>\n</div>\n\n"
                f"## {render.markdown_text('Steps')}\n\n## {render.markdown_text('A & *b* <i> {#x}')}\n\n"
                "<div class=\"qms-body\">\n<p>end</p>\n</div>\n\n")
    for extra in ([], [_Footer()]):
        builder = Markdown(extensions=[*extensions, *extra], extension_configs=configs)
        hidden, held = blocks.hide(markdown, "tok")
        expected = blocks.restore(builder.convert(hidden), "tok", held)
        writer = archive.Writer(archive.Chrome("Site"), [*extensions, *extra], configs)
        assert writer.content(markdown) == expected
    assert "<h2 id=\"a-b-i-x\">A &amp; *b* &lt;i&gt; {#x}" in expected
