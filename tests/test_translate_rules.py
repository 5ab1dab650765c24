"""Translations in one snapshot (SPEC 8): qms.yml's languages, QMS004 per language, QMS070-QMS074."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from qms_docs import engine
from qms_docs.cli import cli
from qms_docs.config import parse_config
from qms_docs.model.digest import content_digest
from qms_docs.model.frontmatter import parse
from qms_docs.rules import STATIC_RULES
from qms_docs.rules.base import Context, Finding, Severity
from qms_docs.snapshot import build
from tests.builders import QMS_YML, make_document

LANGUAGES = "languages: {default: en, available: [nb, tr], required: [nb]}\n"
CONFIG = parse_config(QMS_YML + LANGUAGES)
TODAY = dt.date(2026, 11, 22)
SOURCE_PATH = "controlled/procedures/QP-001-control.md"
NB_PATH = "controlled/procedures/QP-001-control.nb.md"


def source(revision: int = 1, **kw: object) -> str:
    return make_document("QP-001", revision=revision, body=f"# Control\n\nRevision {revision} text.\n", **kw)


def link_to(text: str) -> dict[str, object]:
    doc = parse(text, SOURCE_PATH)
    return {"revision": doc.revision, "digest": doc.digest}


def translation(of: dict[str, object] | None, language: str = "nb", **kw: object) -> str:
    fields: dict[str, object] = {"language": language}
    if of is not None:
        fields["translation_of"] = of
    return make_document("QP-001", body="# Kontroll\n\nTekst.\n", **fields, **kw)  # type: ignore[arg-type]


def findings(files: dict[str, str], config_text: str = QMS_YML + LANGUAGES) -> list[Finding]:
    snap = build("test", parse_config(config_text), [(p, t.encode()) for p, t in files.items()])
    return engine.run(Context(snap, TODAY), STATIC_RULES)


def codes(found: list[Finding]) -> list[tuple[str, str, Severity]]:
    return [(f.path, f.code, f.severity) for f in found]


def test_a_current_approved_translation_beside_its_source_passes() -> None:
    src = source()
    assert findings({SOURCE_PATH: src, NB_PATH: translation(link_to(src))}) == []


def test_the_translation_digest_covers_language_and_translation_of() -> None:
    src = source()
    doc = parse(translation(link_to(src)), NB_PATH)
    other = {**doc.meta, "translation_of": {"revision": 1, "digest": "sha256:" + "0" * 64}}
    assert content_digest(other, doc.body) != doc.digest
    assert content_digest({**doc.meta, "language": "tr"}, doc.body) != doc.digest


def test_qms004_is_per_language() -> None:
    src = source()
    other = "controlled/procedures/QP-001-copy.nb.md"
    found = findings({SOURCE_PATH: src, NB_PATH: translation(link_to(src)), other: translation(link_to(src))})
    assert [(f.path, f.code) for f in found if f.code == "QMS004"] == [(NB_PATH, "QMS004"), (other, "QMS004")]
    assert "in language nb" in found[0].message


def test_qms070_stale_when_the_source_has_a_newer_revision_in_force() -> None:
    old = source()
    found = findings({SOURCE_PATH: source(2), NB_PATH: translation(link_to(old))})
    stale = [f for f in found if f.code == "QMS070"]
    assert [(f.path, f.severity) for f in stale] == [(NB_PATH, Severity.WARNING)]
    assert "revision 2 is in force since 2026-03-01" in stale[0].message
    assert not engine.has_errors(found)


def test_qms070_not_while_the_newer_source_revision_is_a_draft() -> None:
    old = source()
    found = findings({SOURCE_PATH: source(2, status="draft"), NB_PATH: translation(link_to(old))})
    assert "QMS070" not in [f.code for f in found]


def test_qms071_a_required_language_without_an_approved_translation() -> None:
    found = findings({SOURCE_PATH: source()})
    assert codes(found) == [(SOURCE_PATH, "QMS071", Severity.WARNING)]
    assert "nb is a required language" in found[0].message
    src = source()
    drafted = findings({SOURCE_PATH: src, NB_PATH: translation(link_to(src), status="draft")})
    assert [f.code for f in drafted] == ["QMS071"]


@pytest.mark.parametrize("link, says", [
    ({"revision": 3, "digest": "sha256:" + "a" * 64}, "revisions up to 1 only"),
    ({"revision": 1, "digest": "sha256:" + "a" * 64}, "the source changed after"),
])
def test_qms072_names_no_revision_or_another_digest(link: dict[str, object], says: str) -> None:
    found = findings({SOURCE_PATH: source(), NB_PATH: translation(link)})
    errors = [f for f in found if f.code == "QMS072"]
    assert [(f.path, f.severity) for f in errors] == [(NB_PATH, Severity.ERROR)]
    assert says in errors[0].message


def test_qms072_a_translation_without_its_source() -> None:
    found = findings({NB_PATH: translation(link_to(source()))})
    assert [f.code for f in found] == ["QMS072"]


@pytest.mark.parametrize("language, of, says", [
    ("de", "ok", "not in languages.available"),
    ("en", "ok", "is the default language"),
    ("nb", {"revision": "one"}, "`translation_of` must be"),
])
def test_qms073_malformed_or_unoffered(language: str, of: object, says: str) -> None:
    src = source()
    link = link_to(src) if of == "ok" else of
    found = findings({SOURCE_PATH: src, f"controlled/procedures/QP-001-control.{language}.md":
                      translation(link, language=language)})  # type: ignore[arg-type]
    assert any(f.code == "QMS073" and says in f.message for f in found), found


def test_qms073_a_source_in_another_language_must_name_what_it_translates() -> None:
    found = findings({SOURCE_PATH: source(), NB_PATH: translation(None)})
    assert any(f.code == "QMS073" and "translation_of" in f.message for f in found)


def test_qms074_a_translation_not_beside_its_source() -> None:
    src = source()
    elsewhere = "controlled/QP-001-oversettelse.nb.md"
    found = findings({SOURCE_PATH: src, elsewhere: translation(link_to(src))})
    assert codes(found) == [(elsewhere, "QMS074", Severity.WARNING)]
    assert NB_PATH in found[0].message


@pytest.mark.parametrize("text, key", [
    ("languages: {default: english}\n", "languages.default"),
    ("languages: {available: [en]}\n", "languages.available"),
    ("languages: {available: [nb], required: [tr]}\n", "languages.required"),
    ("languages: {avail: [nb]}\n", "languages.avail"),
])
def test_invalid_languages_is_a_configuration_error(tmp_path: Path, text: str, key: str) -> None:
    (tmp_path / "qms.yml").write_text(QMS_YML + text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--repo", str(tmp_path)])
    assert result.exit_code == 2
    assert key in result.stderr and "Traceback" not in result.output + result.stderr


def test_translation_approvers_per_language_replace_the_types_approvers() -> None:
    text = QMS_YML.replace("roles:\n", "roles:\n  translator-nb: [ingrid@acme.example]\n").replace(
        "approvers: [quality-manager, process-owner],  review_months: 24}",
        "approvers: [quality-manager, process-owner],  review_months: 24, "
        "translation_approvers: {nb: [quality-manager, translator-nb]}}") + LANGUAGES
    config = parse_config(text)
    src = source()
    nb = parse(translation(link_to(src)), NB_PATH)
    tr = parse(translation(link_to(src), language="tr"), NB_PATH)
    assert config.type_of(nb).approvers == ("quality-manager", "translator-nb")  # type: ignore[union-attr]
    assert config.type_of(tr).approvers == ("quality-manager", "process-owner")  # type: ignore[union-attr]
    assert config.type_of(parse(src, SOURCE_PATH)).approvers == ("quality-manager", "process-owner")  # type: ignore[union-attr]
    found = findings({SOURCE_PATH: src, NB_PATH: translation(link_to(src))}, text)
    assert [f.code for f in found] == ["QMS020"]  # signed by process-owner, not by translator-nb
    with pytest.raises(Exception, match="translation_approvers.de"):
        parse_config(text.replace("{nb: [quality", "{de: [quality"))


def test_a_translation_has_no_periodic_review_of_its_own() -> None:
    old = dt.date(2020, 1, 1)
    src = source(effective_date=old)
    found = findings({SOURCE_PATH: src, NB_PATH: translation(link_to(src), effective_date=old)})
    assert [(f.path, f.code) for f in found if f.code == "QMS031"] == [(SOURCE_PATH, "QMS031")]
