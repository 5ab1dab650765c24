"""The example manual's translations: POL-001, QM-001 and QP-002 in Norwegian Bokmål and Turkish, approved in
git history by the quality manager and the translator of each language, current, and off the English site."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from qms_docs import snapshot
from qms_docs.cli import cli
from qms_docs.model.document import Status

ROOT = Path(__file__).resolve().parents[1]
TRANSLATED = {"POL-001", "QM-001", "QP-002"}
TRANSLATORS = {"nb": "ingrid@acme.example", "tr": "elif@acme.example"}


def test_each_translation_is_approved_by_the_quality_manager_and_its_translator() -> None:
    snap = snapshot.from_worktree(ROOT)
    translations = [d for d in snap.documents if d.is_translation]
    assert sorted((d.id, d.language) for d in translations) == sorted((i, lang) for i in TRANSLATED for lang in "nb tr".split())
    for doc in translations:
        source = snap.find(doc.id or "")
        assert source is not None and doc.translation_of is not None
        assert (doc.translation_of.revision, doc.translation_of.digest) == (source.revision, source.digest)
        assert doc.status is Status.APPROVED and doc.signed_roles() == {"quality-manager", f"translator-{doc.language}"}
        assert {a.email for a in doc.approvals} == {"jane@acme.example", TRANSLATORS[doc.language or ""]}
        assert doc.path == source.path.removesuffix(".md") + f".{doc.language}.md"
        assert doc.title != source.title and len(doc.body) > 0.8 * len(source.body)


@pytest.mark.parametrize("word, lang", [("ledelsessystemet for kvalitet", "nb"), ("Kalite Yönetim Sistemi", "tr")])
def test_translations_use_the_iso_9001_terminology_of_their_language(word: str, lang: str) -> None:
    texts = [d.body for d in snapshot.from_worktree(ROOT).documents if d.language == lang]
    assert any(word in t for t in texts)


def test_the_translations_are_current_once_effective(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QMS_TODAY", "2026-12-01")
    result = CliRunner().invoke(cli, ["translations", "--format", "json", "--repo", str(ROOT)])
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)["documents"]
    assert {(r["id"], r["language"]) for r in rows if r["state"] == "current"} == \
        {(i, lang) for i in TRANSLATED for lang in ("nb", "tr")}
    assert {r["state"] for r in rows if r["id"] not in TRANSLATED} == {"missing"}
