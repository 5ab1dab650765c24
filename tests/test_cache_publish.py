"""The publisher reuses the verification cache: it publishes exactly what it publishes without it."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from qms_docs.cli import cli
from qms_docs.publishing.selection import Publication, select
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
