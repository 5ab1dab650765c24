"""qms translate / translations / --lang with real git: a translation is started from the revision in force,
signed by the translation approvers, goes stale when the source is revised, and never reaches the site."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

from qms_docs.publishing.selection import select
from tests.builders import PEOPLE, QMS_YML, commit, commit_signed, doc_path, git, make_document
from tests.site_fixture import build_site, make_site_repo, site_texts

TRANSLATOR = ("Ingrid Berg", "ingrid@acme.example")
CONFIG = QMS_YML.replace("roles:\n", "roles:\n  translator-nb: [ingrid@acme.example]\n").replace(
    "approvers: [quality-manager, process-owner],  review_months: 24}",
    "approvers: [quality-manager, process-owner],  review_months: 24, "
    "translation_approvers: {nb: [quality-manager, translator-nb]}}") \
    + "languages: {default: en, available: [nb, tr], required: [nb]}\n"
SOURCE = doc_path("QP-001")
TODAY = dt.date.today().isoformat()
NB = SOURCE.removesuffix(".md") + ".nb.md"


def qms(repo: Path, *args: str, who: tuple[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    if who is not None:
        git(repo, "config", "user.name", who[0])
        git(repo, "config", "user.email", who[1])
    return subprocess.run([sys.executable, "-m", "qms_docs", *args, "--repo", str(repo)], capture_output=True,
                          text=True, env={**os.environ, "QMS_TODAY": TODAY})  # signatures carry the real time


def translated_repo(qms_repo: Path) -> Path:
    """QP-001 revision 1 in force; its nb translation started, translated by Sam and signed as the config says."""
    commit(qms_repo, {"qms.yml": CONFIG}, "Translations: nb and tr", author=PEOPLE["quality-manager"])
    commit_signed(qms_repo, {SOURCE: make_document("QP-001", body="# Control\n\nKeep documents under control.\n")},
                  "QP-001: issue")
    started = qms(qms_repo, "translate", "QP-001", "--lang", "nb")
    assert started.returncode == 0, started.stderr
    text = (qms_repo / NB).read_text(encoding="utf-8")
    (qms_repo / NB).write_text(text.replace("Keep documents under control.", "Hold dokumentene under kontroll.")
                               .replace("title: Document QP-001", "title: Dokument QP-001"), encoding="utf-8")
    assert qms(qms_repo, "revise", "QP-001", "--lang", "nb", "--effective", TODAY).returncode == 0
    git(qms_repo, "add", NB)
    commit(qms_repo, {}, "QP-001 (nb): translation", author=("Sam Author", "sam@acme.example"))
    for person, role in ((PEOPLE["quality-manager"], "quality-manager"), (TRANSLATOR, "translator-nb")):
        signed = qms(qms_repo, "approve", "QP-001", "--lang", "nb", "--role", role, "--commit", who=person)
        assert signed.returncode == 0, signed.stderr
    return qms_repo


def test_translate_starts_a_draft_from_the_revision_in_force(qms_repo: Path) -> None:
    commit(qms_repo, {"qms.yml": CONFIG}, "Translations", author=PEOPLE["quality-manager"])
    commit_signed(qms_repo, {SOURCE: make_document("QP-001", body="# Control\n\nIN-FORCE-TEXT\n")}, "QP-001: issue")
    (qms_repo / SOURCE).write_text(make_document("QP-001", revision=2, status="draft", body="DRAFT-TEXT\n"),
                                   encoding="utf-8")
    result = qms(qms_repo, "translate", "QP-001", "--lang", "nb")
    assert result.returncode == 0, result.stderr
    assert NB in result.stdout
    text = (qms_repo / NB).read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---\n")[1])
    source = make_document("QP-001", body="# Control\n\nIN-FORCE-TEXT\n")
    from qms_docs.model.frontmatter import parse

    assert front["translation_of"] == {"revision": 1, "digest": parse(source, SOURCE).digest}
    assert (front["language"], front["revision"], front["status"], front["approvals"]) == ("nb", 1, "draft", [])
    assert "IN-FORCE-TEXT" in text and "DRAFT-TEXT" not in text
    again = qms(qms_repo, "translate", "QP-001", "--lang", "nb")
    assert again.returncode == 1 and "already has a translation" in again.stderr
    unknown = qms(qms_repo, "translate", "QP-001", "--lang", "de")
    assert unknown.returncode == 2 and "languages.available" in unknown.stderr


def test_a_translation_signed_by_translation_approvers_is_current_everywhere(qms_repo: Path) -> None:
    repo = translated_repo(qms_repo)
    check = qms(repo, "check")
    assert check.returncode == 0 and check.stdout == "0 errors, 0 warnings\n", check.stdout
    assert qms(repo, "verify").returncode == 0
    table = json.loads(qms(repo, "translations", "--format", "json").stdout)["documents"]
    assert [(r["id"], r["language"], r["state"]) for r in table] == [("QP-001", "nb", "current"),
                                                                      ("QP-001", "tr", "missing")]
    listed = json.loads(qms(repo, "list", "--format", "json").stdout)["documents"]
    assert [(r["id"], r["translations"]) for r in listed] == [("QP-001", {"nb": "current", "tr": "missing"})]
    nb = json.loads(qms(repo, "list", "--lang", "nb", "--format", "json").stdout)["documents"]
    assert [(r["id"], r["language"], r["title"], r["status"]) for r in nb] == [("QP-001", "nb", "Dokument QP-001",
                                                                                 "approved")]
    history = json.loads(qms(repo, "history", "QP-001", "--lang", "nb", "--format", "json").stdout)
    assert (history["id"], history["language"], history["path"]) == ("QP-001", "nb", NB)
    assert [s["role"] for s in history["revisions"][-1]["signatures"]] == ["quality-manager", "translator-nb"]
    assert b"Hold dokumentene" in subprocess.run([sys.executable, "-m", "qms_docs", "show", "QP-001", "--lang", "nb",
                                                  "--repo", str(repo)], capture_output=True).stdout
    assert b"Hold dokumentene" not in subprocess.run([sys.executable, "-m", "qms_docs", "show", "QP-001",
                                                      "--repo", str(repo)], capture_output=True).stdout


def test_a_process_owner_cannot_sign_for_the_translator(qms_repo: Path) -> None:
    commit(qms_repo, {"qms.yml": CONFIG}, "Translations", author=PEOPLE["quality-manager"])
    commit_signed(qms_repo, {SOURCE: make_document("QP-001")}, "QP-001: issue")
    qms(qms_repo, "translate", "QP-001", "--lang", "nb")
    refused = qms(qms_repo, "approve", "QP-001", "--lang", "nb", "--role", "process-owner", who=PEOPLE["process-owner"])
    assert refused.returncode == 1 and "translator-nb" in refused.stderr


def test_a_revised_source_makes_the_translation_stale_until_it_is_re_pointed(qms_repo: Path) -> None:
    repo = translated_repo(qms_repo)
    commit_signed(repo, {SOURCE: make_document("QP-001", revision=2, effective_date=__import__("datetime").date(
        2026, 10, 1), body="# Control\n\nKeep documents and records under control.\n")}, "QP-001: revision 2")
    check = qms(repo, "check")
    assert check.returncode == 0 and f"{NB}:" in check.stdout and "QMS070 warning" in check.stdout
    row = json.loads(qms(repo, "translations", "--format", "json").stdout)["documents"][0]
    assert (row["state"], row["translates"], row["source_revision"], row["since"]) == ("stale", 1, 2, "2026-10-01")
    revised = qms(repo, "revise", "QP-001", "--lang", "nb", "--source-revision", "-m", "Records added.")
    assert revised.returncode == 0, revised.stderr
    front = yaml.safe_load((repo / NB).read_text(encoding="utf-8").split("---\n")[1])
    assert (front["revision"], front["translation_of"]["revision"], front["approvals"]) == (2, 2, [])
    assert "QMS070" not in qms(repo, "check").stdout
    diff = qms(repo, "diff", "QP-001", "1", "2")
    assert diff.returncode == 0 and "records" in diff.stdout


def test_a_translation_reaches_only_its_own_language_site(tmp_path: Path) -> None:
    repo = make_site_repo(tmp_path / "site-repo")
    config = (repo / "qms.yml").read_text(encoding="utf-8") + "languages: {default: en, available: [nb]}\n"
    commit(repo, {"qms.yml": config}, "Languages", author=PEOPLE["quality-manager"])
    source = select(repo, __import__("datetime").date(2026, 11, 22)).by_id()["QP-002"].doc
    link = {"revision": source.revision, "digest": source.digest}
    text = make_document("QP-002", title="NORSK-TITTEL", body="NORSK-OVERSETTELSE\n", language="nb",
                         translation_of=link)
    commit_signed(repo, {doc_path("QP-002").removesuffix(".md") + ".nb.md": text}, "QP-002 (nb): translation")
    published = select(repo, __import__("datetime").date(2026, 11, 22))
    assert published.by_id()["QP-002"].doc.title == source.title
    assert not any("QP-002" in p for p in published.problems)
    texts = site_texts(build_site(repo, tmp_path / "site"))
    assert not [p for p, t in texts.items() if ("NORSK-OVERSETTELSE" in t or "NORSK-TITTEL" in t)
                and not p.startswith("nb/")]
    assert "procedures/QP-002/index.html" in texts and "NORSK-OVERSETTELSE" in texts["nb/procedures/QP-002/index.html"]


def test_the_audit_report_says_which_translations_are_current(qms_repo: Path, tmp_path: Path) -> None:
    repo = translated_repo(qms_repo)
    out = tmp_path / "report.html"
    result = qms(repo, "report", "--out", str(out))
    assert result.returncode == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert "nb: current" in html and "tr: missing" in html
    assert 'id="doc-QP-001@nb"' in html and "Dokument QP-001" in html


def test_verify_refuses_a_translation_signature_added_by_someone_else(qms_repo: Path) -> None:
    commit(qms_repo, {"qms.yml": CONFIG}, "Translations", author=PEOPLE["quality-manager"])
    source = make_document("QP-001")
    commit_signed(qms_repo, {SOURCE: source}, "QP-001: issue")
    from qms_docs.model.frontmatter import parse

    doc = parse(source, SOURCE)
    forged = make_document("QP-001", title="Dokument", body="Tekst.\n", language="nb",
                           translation_of={"revision": 1, "digest": doc.digest})
    commit(qms_repo, {NB: forged}, "QP-001 (nb): translation with signatures", author=("Sam Author", "sam@acme.example"))
    result = qms(qms_repo, "verify")
    assert result.returncode == 1 and NB in result.stdout + result.stderr
    assert "QMS025" in result.stdout + result.stderr
