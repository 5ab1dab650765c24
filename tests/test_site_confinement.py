"""The site is confined to revisions in force: no file of the working tree, no draft's file, no
symlink and no active type (HTML, SVG, JavaScript) reaches it; linked files come from the commit
of the revision in force that links them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.site_fixture import ATTACHMENT_SECRETS, isolated_env, make_attachments_repo, site_texts


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("confined")
    with isolated_env(tmp_path_factory.mktemp("home")):
        return make_attachments_repo(base / "repo", base / "hostname")


@pytest.fixture(scope="module")
def built(repo: Path, tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess[str]:
    site = tmp_path_factory.mktemp("out") / "site"
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(repo / "mkdocs.yml"), "-d", str(site)],
                          capture_output=True, text=True)
    proc.site = site  # type: ignore[attr-defined]
    return proc


def test_a_linked_image_is_published_from_the_commit_of_the_revision_in_force(built: subprocess.CompletedProcess[str],
                                                                             repo: Path) -> None:
    assert built.returncode == 0, built.stderr
    site: Path = built.site  # type: ignore[attr-defined]
    assert (repo / "controlled/procedures/img/flow.png").read_text() == "PNG-WORKTREE-BYTES"
    assert (site / "procedures/img/flow.png").read_bytes() == b"PNG-REV1-BYTES"  # not HEAD's draft, not the tree
    assert (site / "procedures/files/order form.pdf").read_bytes() == b"%PDF-1.4 ORDER-FORM"
    html = (site / "procedures/QP-001/index.html").read_text()
    assert '<img alt="Flow chart" src="../img/flow.png" />' in html


def test_nothing_else_below_the_documents_folder_reaches_the_site(built: subprocess.CompletedProcess[str]) -> None:
    site: Path = built.site  # type: ignore[attr-defined]
    texts = site_texts(site)
    assert {(secret, name) for name, text in texts.items() for secret in ATTACHMENT_SECRETS if secret in text} == set()
    published = sorted(p.relative_to(site).as_posix() for p in (site / "procedures").rglob("*") if p.is_file())
    assert published == ["procedures/QP-001/index.html", "procedures/files/order form.pdf", "procedures/img/flow.png"]
    assert not [p for p in site.rglob("*") if p.is_symlink()]
    assert not list(site.rglob("qms.yml"))  # a link out of the documents folder publishes nothing


def test_each_refused_link_is_reported_and_the_build_goes_on(built: subprocess.CompletedProcess[str]) -> None:
    for line in ("QP-001 links to procedures/evil.html: .html files can run scripts in a browser",
                 "QP-001 links to procedures/diagram.svg: .svg files can run scripts in a browser",
                 "QP-001 links to procedures/host.txt: a symlink is never followed or published"):
        assert line in built.stderr
    assert built.returncode == 0


def test_qms_publish_reports_refused_files_as_warnings_and_publishes(repo: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from qms_docs.cli import cli

    result = CliRunner().invoke(cli, ["publish", "--repo", str(repo), "--site-dir", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "warning: qms: QP-001 links to procedures/evil.html: .html files can run scripts in a browser" in result.output
    assert (tmp_path / "out/procedures/img/flow.png").read_bytes() == b"PNG-REV1-BYTES"
    assert not (tmp_path / "out/procedures/evil.html").exists()
