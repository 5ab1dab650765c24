"""The publisher reuses the verification cache: it publishes exactly what it publishes without it."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from qms_docs.cli import cli
from qms_docs.model import frontmatter
from qms_docs.publishing.selection import Publication, select
from qms_docs.records.cache_documents import Unkept, decode_value, encode
from tests.audit_history import Doc, body, build_manual, tick
from tests.builders import AUTHOR, PEOPLE, commit, doc_path
from tests.site_fixture import SITE_YML
from tests.test_cache_verify import cache_dir, judged  # noqa: F401  (a fixture)

TODAY = dt.date(2026, 11, 22)


def shown(pub: Publication) -> tuple[object, ...]:
    return (tuple((e.id, e.doc.revision, e.uri, e.commit.sha, tuple(r.revision for r in e.history))
                  for e in pub.documents),
            tuple((w.doc.id, w.withdrawn, w.last_effective) for w in pub.archive), pub.notes, pub.problems)


def fresh(repo: Path, monkeypatch: pytest.MonkeyPatch) -> Publication:
    with monkeypatch.context() as m:
        m.setenv("QMS_NO_CACHE", "1")
        return select(repo, TODAY)


def test_the_site_reuses_what_verify_judged_and_shows_the_same(qms_repo: Path, judged: list[str],  # noqa: F811
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    build_manual(qms_repo)
    assert CliRunner().invoke(cli, ["verify", "--repo", str(qms_repo)]).exit_code == 0
    judged.clear()
    warm = select(qms_repo, TODAY)
    assert judged == []  # every lineage's verdicts came from the cache
    assert shown(warm) == shown(fresh(qms_repo, monkeypatch))
    assert [(e.id, e.doc.revision) for e in warm.documents] == [("FRM-001", 1), ("QP-001", 3), ("WI-001", 1)]


def test_a_forged_revision_committed_after_a_warm_build_is_not_published(qms_repo: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    wi = Doc(qms_repo, "WI-001", doc_path("WI-001"))
    wi.release(body(1))
    assert select(qms_repo, TODAY).by_id()["WI-001"].doc.revision == 1
    wi.draft(body(2), "Forged.")
    wi.sign("process-owner", author=AUTHOR)  # Sam adds Omar's signature himself
    warm = select(qms_repo, TODAY)
    assert warm.by_id()["WI-001"].doc.revision == 1
    assert any("QMS025" in n for n in warm.notes)
    assert shown(warm) == shown(fresh(qms_repo, monkeypatch))


def test_qms_publish_no_cache_builds_without_a_cache(qms_repo: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QMS_NO_CACHE", raising=False)
    commit(qms_repo, {"mkdocs.yml": SITE_YML}, "Site configuration", author=PEOPLE["quality-manager"],
           date=tick(qms_repo))
    Doc(qms_repo, "WI-001", doc_path("WI-001")).release(body(1))
    result = CliRunner().invoke(cli, ["publish", "--no-cache", "--repo", str(qms_repo), "--site-dir",
                                      str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    assert "published 1 document" in result.output
    assert (tmp_path / "site" / "work-instructions" / "WI-001" / "index.html").is_file()
    assert not cache_dir(qms_repo).exists()
    assert "QMS_NO_CACHE" not in os.environ  # only that build went without the cache


def everything(pub: Publication) -> tuple[object, ...]:
    """What the pages are made of: every published, superseded, upcoming and withdrawn document, whole."""
    def doc(d: object) -> tuple[object, ...]:
        return (d.path, dict(d.meta), d.body, d.front, d.digest)  # type: ignore[attr-defined]

    return (shown(pub), tuple((doc(e.doc), e.history, tuple((doc(s.doc), s.commit, s.until) for s in e.superseded))
                              for e in pub.documents),
            tuple((doc(u.doc), u.uri, u.commit) for u in pub.upcoming), tuple(doc(w.doc) for w in pub.archive))


def yaml_loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The documents' front matters loaded by YAML in this test."""
    seen: list[str] = []
    load = frontmatter._BoundedYAMLHandler.load

    def spy(self: object, text: str, **kwargs: object) -> object:
        seen.append(text)
        return load(self, text)  # type: ignore[arg-type]

    monkeypatch.setattr(frontmatter._BoundedYAMLHandler, "load", spy)
    return seen


def test_a_warm_build_loads_no_front_matter_and_shows_the_same_documents(qms_repo: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    build_manual(qms_repo)
    select(qms_repo, TODAY)  # fills the cache
    loaded = yaml_loads(monkeypatch)
    warm = select(qms_repo, TODAY)
    assert loaded == []  # every document shown was rebuilt from its blob and the kept front matter
    assert [(e.id, e.doc.revision, len(e.superseded)) for e in warm.documents] == [("FRM-001", 1, 0), ("QP-001", 3, 2),
                                                                                  ("WI-001", 1, 0)]
    assert everything(warm) == everything(fresh(qms_repo, monkeypatch))


def test_a_tampered_front_matter_cache_gives_the_site_built_without_cache(qms_repo: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    build_manual(qms_repo)
    before = everything(select(qms_repo, TODAY))
    kept = cache_dir(qms_repo) / "documents"
    mac, _, body_ = kept.read_bytes().partition(b"\n")
    assert b"Clarified scope." in body_
    # an insider rewrites a fact of the revision in force, keeping the MAC line: it no longer matches
    kept.write_bytes(mac + b"\n" + body_.replace(b"Clarified scope.", b"Nothing changed."))
    loaded = yaml_loads(monkeypatch)
    warm = select(qms_repo, TODAY)
    assert loaded  # the file was not believed: the documents were parsed afresh
    assert warm.by_id()["QP-001"].history[0].change_summary == "Clarified scope."
    assert everything(warm) == everything(fresh(qms_repo, monkeypatch)) == before


def test_kept_front_matter_comes_back_with_its_types() -> None:
    meta = {"id": "QP-001", "revision": 2, "ratio": 1.0, "flag": True, "none": None,
            "effective_date": dt.date(2026, 1, 2), "at": dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
            "approvals": [{"role": "quality-manager", "date": dt.date(2026, 1, 1)}], "odd": "\0d"}
    again = decode_value(json.dumps(encode(meta)))
    assert again == meta
    assert [type(v) for v in again.values()] == [type(v) for v in meta.values()]
    for unkept in ({1: "a number as key"}, {"\0d": "2026-01-01"}, {"s": {1, 2}}, {"b": b"bytes"}, {"t": ("a",)}):
        with pytest.raises(Unkept):
            encode(unkept)


def site_files(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_a_tampered_cache_builds_the_same_pages_as_no_cache(qms_repo: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QMS_NO_CACHE", raising=False)
    commit(qms_repo, {"mkdocs.yml": SITE_YML}, "Site configuration", author=PEOPLE["quality-manager"],
           date=tick(qms_repo))
    build_manual(qms_repo)

    def publish(site: str, *args: str) -> dict[str, bytes]:
        result = CliRunner().invoke(cli, ["publish", *args, "--repo", str(qms_repo), "--site-dir", str(tmp_path / site)])
        assert result.exit_code == 0, result.output
        return site_files(tmp_path / site)

    publish("warm")  # fills the cache
    for name in ("documents", "state"):  # an insider edits the kept facts of the revision in force
        kept = cache_dir(qms_repo) / name
        kept.write_bytes(kept.read_bytes().replace(b"Clarified scope.", b"Nothing changed."))
    tampered = publish("tampered")
    assert any(b"Clarified scope." in page for page in tampered.values())
    assert not any(b"Nothing changed." in page for page in tampered.values())
    assert tampered == publish("fresh", "--no-cache")


def test_a_serve_rebuild_keeps_the_front_matter_for_the_next_build(qms_repo: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    build_manual(qms_repo)
    parsed: dict[str, object] = {}
    select(qms_repo, TODAY, parsed)  # type: ignore[arg-type]  (`mkdocs serve`: documents kept in memory)
    select(qms_repo, TODAY)  # the first warm build keeps only what it shows
    select(qms_repo, TODAY, parsed)  # type: ignore[arg-type]  (a rebuild: nothing parsed, nothing lost)
    loaded = yaml_loads(monkeypatch)
    select(qms_repo, TODAY)
    assert loaded == []
