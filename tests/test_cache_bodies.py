"""Bodies converted by an earlier build are reused: the site is byte for byte the site built without a cache,
also when what a body links to has changed, or the kept conversions were tampered with."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from qms_docs.cli import cli
from qms_docs.mkdocs_plugin.pages import ARCHIVE
from qms_docs.publishing import render
from qms_docs.publishing.archive import Writer
from qms_docs.records.cache_bodies import identity
from tests.audit_history import Doc, body, tick
from tests.builders import PEOPLE, commit, doc_path
from tests.site_fixture import SITE_YML
from tests.test_cache_publish import site_files
from tests.test_cache_verify import cache_dir

LINKS = " See WI-002 and WI-001, and [the form](../forms/FRM-001.md#fields)."
PAGE, OLD = "procedures/QP-001/index.html", "superseded/QP-001-r1/index.html"


@pytest.fixture
def site_repo(qms_repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """QP-001 in its third revision (two superseded), each naming WI-002, which has no revision yet."""
    monkeypatch.delenv("QMS_NO_CACHE", raising=False)
    commit(qms_repo, {"mkdocs.yml": SITE_YML}, "Site configuration", author=PEOPLE["quality-manager"],
           date=tick(qms_repo))
    Doc(qms_repo, "WI-001", doc_path("WI-001"), title="Deburring").release(body(1))
    Doc(qms_repo, "FRM-001", doc_path("FRM-001"), title="Change request").release(body(1))
    qp = Doc(qms_repo, "QP-001", doc_path("QP-001"), title="Control of Documented Information")
    for n in (1, 2, 3):
        qp.release(body(n, LINKS) + "\n## Records\n\nKept.\n", None if n == 1 else f"Revision {n}.")
    return qms_repo


def publish(repo: Path, site: Path, *args: str) -> dict[str, bytes]:
    result = CliRunner().invoke(cli, ["publish", *args, "--repo", str(repo), "--site-dir", str(site)])
    assert result.exit_code == 0, result.output
    return site_files(site)


def no_conversion(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any body or heading converted afresh stops the build (the forked worker inherits the patch)."""
    def refuse(*args: object) -> str:
        raise AssertionError("converted afresh")

    monkeypatch.setattr(render._Body, "_convert", refuse)
    monkeypatch.setattr(Writer, "_convert_headings", refuse)


def text(files: dict[str, bytes], name: str) -> str:
    return files[name].decode("utf-8")


def test_a_warm_build_converts_nothing_and_is_byte_identical_to_no_cache(site_repo: Path, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    cold = publish(site_repo, tmp_path / "site")
    assert {p.name for p in cache_dir(site_repo).glob("bodies-*")} == {
        "bodies-en-pages", "bodies-en-superseded", "bodies-en-headings"}
    with monkeypatch.context() as m:
        no_conversion(m)
        warm = publish(site_repo, tmp_path / "site")  # over the previous site: its superseded pages are reused
        other = publish(site_repo, tmp_path / "other")
    fresh = publish(site_repo, tmp_path / "fresh", "--no-cache")
    assert warm == other == fresh == cold
    assert OLD in warm and "superseded/QP-001-r2/index.html" in warm
    for name in (PAGE, OLD):
        assert 'title="No revision of WI-002 is in force"' in text(warm, name)
        assert 'href="../../work-instructions/WI-001/"' in text(warm, name)
        assert 'href="../../forms/FRM-001/#fields"' in text(warm, name)  # the body's relative link, final


def test_a_document_issued_since_makes_the_kept_bodies_link_it(site_repo: Path, tmp_path: Path) -> None:
    before = publish(site_repo, tmp_path / "site")
    assert "qms-not-issued" in text(before, PAGE) and "qms-not-issued" in text(before, OLD)
    Doc(site_repo, "WI-002", doc_path("WI-002"), title="Grinding").release(body(1))
    warm = publish(site_repo, tmp_path / "site")
    assert warm == publish(site_repo, tmp_path / "fresh", "--no-cache")
    for name in (PAGE, OLD):
        assert 'href="../../work-instructions/WI-002/"' in text(warm, name)
        assert "qms-not-issued" not in text(warm, name)


def test_a_renamed_page_gets_its_links_written_from_its_new_place(site_repo: Path, tmp_path: Path) -> None:
    publish(site_repo, tmp_path / "site")
    old = doc_path("WI-001")
    commit(site_repo, {old: None, "controlled/shop/WI-001.md": (site_repo / old).read_text(encoding="utf-8")},
           "WI-001: into the shop folder", date=tick(site_repo))
    warm = publish(site_repo, tmp_path / "site")
    assert warm == publish(site_repo, tmp_path / "fresh", "--no-cache")
    assert 'href="../../shop/WI-001/"' in text(warm, PAGE)


def test_tampered_or_corrupt_kept_bodies_build_the_site_built_without_cache(site_repo: Path, tmp_path: Path) -> None:
    publish(site_repo, tmp_path / "site")
    for name in ("bodies-en-pages", "bodies-en-superseded"):  # an insider edits the kept HTML, keeping the MAC
        kept = cache_dir(site_repo) / name
        data = kept.read_bytes()
        assert b"Records are kept for" in data
        kept.write_bytes(data.replace(b"Records are kept for", b"<script>alert(1)</script>Records are kept for"))
    (cache_dir(site_repo) / "bodies-en-headings").write_bytes(b"\x00not a cache\n{")
    tampered = publish(site_repo, tmp_path / "site")
    assert not any(b"alert(1)" in page for page in tampered.values())
    assert tampered == publish(site_repo, tmp_path / "fresh", "--no-cache")


def test_no_cache_neither_reads_nor_writes_kept_bodies(site_repo: Path, tmp_path: Path) -> None:
    publish(site_repo, tmp_path / "site", "--no-cache")
    assert not list(cache_dir(site_repo).glob("bodies-*"))


def test_conversions_are_kept_only_under_a_configuration_that_can_be_named() -> None:
    named = identity(["toc", "admonition"], {"toc": {"permalink": True}}, True, "en")
    assert named is not None
    assert identity(["toc", "admonition"], {"toc": {"permalink": False}}, True, "en") != named
    assert identity(["toc"], {"toc": {"permalink": True}}, True, "en") != named
    assert identity(["toc", "admonition"], {"toc": {"permalink": True}}, False, "en") != named
    assert identity(["toc", "admonition"], {"toc": {"permalink": True}}, True, "nb") != named
    assert identity([object()], {}, True, "en") is None  # an extension instance: its behaviour has no name
    assert identity(["toc"], {"toc": {"slugify": len}}, True, "en") is None  # a function in a configuration


def test_a_rebuild_removes_what_the_previous_superseded_folder_held_and_follows_no_symlink(
        site_repo: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    first = publish(site_repo, site)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("mine", encoding="utf-8")
    (site / "superseded" / "QP-001-r1" / "index.html").unlink()
    (site / "superseded" / "QP-001-r1" / "index.html").symlink_to(outside / "keep.txt")
    (site / "superseded" / "QP-009-r4").symlink_to(outside)
    (site / "superseded" / "QP-001-r2" / "extra.html").write_text("STALE", encoding="utf-8")
    (site / "superseded" / "QP-001-r2" / "index.html").write_text("CHANGED", encoding="utf-8")
    future = site / "superseded" / "QP-001-r9" / "index.html"  # left over, dated after the next build (a clock set back)
    future.parent.mkdir()
    future.write_text("WITHDRAWN CONTENT", encoding="utf-8")
    os.utime(future, (2_000_000_000, 2_000_000_000))  # 2033
    again = publish(site_repo, site)
    assert again == first
    assert (outside / "keep.txt").read_text(encoding="utf-8") == "mine" and os.listdir(outside) == ["keep.txt"]
    assert not any(p.name.startswith(".") for p in site.iterdir())
    assert ARCHIVE.replace(".md", "") in {p.name for p in site.iterdir()}


def test_a_document_kept_in_a_folder_named_superseded_survives_the_rebuild(site_repo: Path, tmp_path: Path) -> None:
    Doc(site_repo, "WI-005", "controlled/superseded/WI-005.md", title="Kept in an odd folder").release(body(1))
    site = tmp_path / "site"
    first = publish(site_repo, site)
    assert "superseded/WI-005/index.html" in first and OLD in first
    again = publish(site_repo, site)  # the builder's page under superseded/ is not the worker's to remove
    assert again == first == publish(site_repo, tmp_path / "fresh", "--no-cache")
