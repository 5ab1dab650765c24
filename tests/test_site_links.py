"""Links in approved content: only http, https, mailto, tel and relative links stay links, judged as
a browser reads them; every other link is shown as its text, and no link can stop the build."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from qms_docs.cli import cli
from tests.site_fixture import KEPT_LINKS, REFUSED_TEXTS, build_site, isolated_env, make_links_repo, page, site_texts


@pytest.fixture(scope="module")
def links_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    with isolated_env(tmp_path_factory.mktemp("home")):
        return make_links_repo(tmp_path_factory.mktemp("links") / "repo")


def test_refused_links_are_rendered_as_their_text_and_allowed_links_stay(links_repo: Path, tmp_path: Path) -> None:
    html = page(build_site(links_repo, tmp_path / "site"), "procedures/QP-002")
    body = html[html.index('<h1 id="links"'):html.index('<h2 id="revision-history"')]
    for text in REFUSED_TEXTS:
        assert re.search(rf"<li><span[^>]*>{re.escape(text)}</span></li>", body), text
    for text, url in KEPT_LINKS.items():
        assert f'<a href="{url}">{text}</a>' in body
    assert len(re.findall(r"<a\b", body)) == len(KEPT_LINKS)


def test_no_file_of_the_site_holds_a_link_to_a_refused_scheme(links_repo: Path, tmp_path: Path) -> None:
    texts = site_texts(build_site(links_repo, tmp_path / "site"))
    attribute = re.compile(r"""(?:href|src)\s*=\s*["']?[^"'>]*(?:(?:java|vb)script:|&#|&colon|data:|file:|ftp:)""",
                           re.I)
    assert {name: attribute.findall(text) for name, text in texts.items() if attribute.search(text)} == {}


@pytest.mark.parametrize("strict", [False, True])
def test_mkdocs_build_passes_with_refused_links_in_a_revision_in_force(links_repo: Path, tmp_path: Path,
                                                                      strict: bool) -> None:
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", *(["--strict"] if strict else []),
                           "-f", str(links_repo / "mkdocs.yml"), "-d", str(tmp_path / "site")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "AssertionError" not in proc.stderr
    assert "<span>vbscript</span>" in page(tmp_path / "site", "procedures/QP-002")


def test_qms_publish_passes_with_refused_links(links_repo: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["publish", "--repo", str(links_repo), "--site-dir", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"published 2 documents to {tmp_path / 'out'}"
