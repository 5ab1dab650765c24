"""What may reach the site (SPEC 6): only revisions that pass what `qms verify` checks, the highest one in force."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from click.testing import CliRunner

from qms_docs.cli import cli
from qms_docs.publishing.selection import select
from tests.audit_history import Doc, body, tick
from tests.builders import AUTHOR, PEOPLE, commit, doc_path, git
from tests.site_fixture import SITE_YML, site_texts
from tests.test_records_verify import role_granted_in_a_merge

TODAY = dt.date(2026, 11, 22)
JANE, OMAR = PEOPLE["quality-manager"], PEOPLE["process-owner"]


def publish(repo: Path, site: Path) -> str:
    result = CliRunner().invoke(cli, ["publish", "--repo", str(repo), "--site-dir", str(site)])
    assert result.exit_code == 0, result.output
    return result.output


def site_files(site: Path) -> dict[str, str]:
    texts = site_texts(site)
    assert "search/search_index.json" in texts
    return {p: t for p, t in texts.items() if p.endswith((".html", "search_index.json"))}


def test_a_forged_approval_in_a_middle_commit_set_back_to_draft_never_reaches_the_site(qms_repo: Path,
                                                                                       tmp_path: Path) -> None:
    commit(qms_repo, {"mkdocs.yml": SITE_YML}, "Site configuration", author=JANE, date=tick(qms_repo))
    wi = Doc(qms_repo, "WI-001", doc_path("WI-001"), title="Deburring")
    wi.release(body(1, " GOOD-TEXT."))
    wi.draft(body(2, " FORGED-TEXT."), "FORGED-SUMMARY")
    forged = wi.sign("process-owner", author=AUTHOR)  # Sam writes Omar's signature: approved in this commit only
    wi.status, wi.approvals = "draft", []
    wi.save("WI-001: back to draft")

    code = CliRunner().invoke(cli, ["verify", "--repo", str(qms_repo)])
    assert code.exit_code == 1 and f"{forged[:12]} WI-001 rev 2" in code.stdout and "QMS025 forged approval" in code.stdout
    output = publish(qms_repo, tmp_path / "site")

    files = site_files(tmp_path / "site")
    assert not [p for p, t in files.items() if "FORGED-TEXT" in t or "FORGED-SUMMARY" in t]
    assert "GOOD-TEXT" in files["work-instructions/WI-001/index.html"]
    assert "published 1 document" in output


def test_a_middle_commit_restoring_a_superseded_revision_does_not_roll_the_site_back(qms_repo: Path) -> None:
    wi = Doc(qms_repo, "WI-002", doc_path("WI-002"))
    wi.release(body(1))
    old_text = wi.text()
    wi.release(body(2), "Second issue.")
    commit(qms_repo, {wi.path: old_text}, "WI-002: put revision 1 back", date=tick(qms_repo))  # a signed old revision
    wi.draft(body(3), "Third issue.")

    (entry,) = select(qms_repo, TODAY).documents

    assert (entry.doc.revision, entry.doc.body) == (2, body(2))
    assert [r.revision for r in entry.history] == [2, 1]


def test_a_role_granted_in_a_merge_by_a_non_approver_signs_nothing_on_the_site(qms_repo: Path) -> None:
    wi, _ = role_granted_in_a_merge(qms_repo, "WI-003", "sam@acme.example", AUTHOR)
    wi.sign("process-owner", person=AUTHOR)

    pub = select(qms_repo, TODAY)

    assert pub.documents == ()
    assert any(n.startswith("WI-003: revision 1 (") and "QMS023 approval 1 (Sam Author, process-owner): "
               "sam@acme.example does not hold the role process-owner" in n for n in pub.notes)


def test_an_unsigned_withdrawal_keeps_the_revision_in_force_and_stays_off_the_archive(qms_repo: Path) -> None:
    frm = Doc(qms_repo, "FRM-001", doc_path("FRM-001"), title="Purchase order")
    frm.release(body(1, " IN-FORCE-TEXT."))
    frm.withdraw("UNAPPROVED-REASON")

    pub = select(qms_repo, TODAY)

    (entry,) = pub.documents
    assert (entry.doc.revision, entry.doc.status) == (1, "approved") and "IN-FORCE-TEXT" in entry.doc.body
    assert pub.archive == ()
    assert "FRM-001: revision 2 is a withdrawal not yet approved and in force; publishing revision 1" in pub.notes


def test_an_approved_withdrawal_is_archived_with_the_date_it_took_effect(qms_repo: Path, tmp_path: Path) -> None:
    commit(qms_repo, {"mkdocs.yml": SITE_YML}, "Site configuration", author=JANE, date=tick(qms_repo))
    frm = Doc(qms_repo, "FRM-002", doc_path("FRM-002"), title="Purchase order")
    frm.release(body(1, " WITHDRAWN-BODY-TEXT."))
    frm.withdraw("Replaced by the ERP.")
    frm.effective = dt.date(2026, 9, 1)
    frm.save("FRM-002: withdrawal takes effect on 1 September")
    frm.sign("process-owner", approve=False)  # the withdrawal (status stays obsolete) is approved like any revision

    assert select(qms_repo, dt.date(2026, 8, 31)).by_id()["FRM-002"].doc.revision == 1  # not yet in effect
    pub = select(qms_repo, TODAY)
    assert pub.documents == ()
    (withdrawn,) = pub.archive
    assert (withdrawn.doc.id, withdrawn.withdrawn, withdrawn.last_effective) == ("FRM-002", dt.date(2026, 9, 1), 1)
    assert withdrawn.doc.status == "obsolete" and withdrawn.doc.change_summary == "Replaced by the ERP."

    publish(qms_repo, tmp_path / "site")
    files = site_files(tmp_path / "site")
    archive = next(t for p, t in files.items() if "archive" in p and p.endswith(".html"))
    assert "FRM-002" in archive and "2026-09-01" in archive and "Replaced by the ERP." in archive
    assert not [p for p, t in files.items() if "WITHDRAWN-BODY-TEXT" in t]


def test_an_unreadable_historical_blob_never_stops_publish_history_or_report(qms_repo: Path, tmp_path: Path) -> None:
    wi = Doc(qms_repo, "WI-004", doc_path("WI-004"))
    wi.release(body(1))
    for n, data in enumerate((b"---\nid: WI-004\ntitle: caf\xe9\n---\n", b"---\nid: WI-004\ntitle: [unclosed\n---\n")):
        (qms_repo / wi.path).write_bytes(data)
        git(qms_repo, "add", wi.path)
        git(qms_repo, "commit", "-q", "-m", f"WI-004: broken {n}")
    bad = git(qms_repo, "rev-parse", "HEAD").stdout.strip()
    wi.release(body(2), "Repaired.")

    pub = select(qms_repo, TODAY)
    assert pub.by_id()["WI-004"].doc.revision == 2
    assert any(n.startswith(f"{bad[:12]} {doc_path('WI-004')}: cannot be read, skipped") for n in pub.notes)

    runner = CliRunner()
    history = runner.invoke(cli, ["history", "WI-004", "--repo", str(qms_repo), "--format", "json"])
    assert history.exit_code == 0, history.output
    data = json.loads(history.stdout)
    assert [r["revision"] for r in data["revisions"]] == [1, 2]
    assert [(u["sha"], u["path"]) for u in data["unreadable"]][-1] == (bad, doc_path("WI-004"))
    text = runner.invoke(cli, ["history", "WI-004", "--repo", str(qms_repo)])
    assert text.exit_code == 0 and f"Skipped, cannot be read: {doc_path('WI-004')} at {bad[:12]}: " in text.stdout
    report = runner.invoke(cli, ["report", "--repo", str(qms_repo), "--out", str(tmp_path / "r.html")])
    assert report.exit_code == 0, report.output
    assert f"{bad[:12]} {doc_path('WI-004')}: cannot be read" in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_a_document_created_obsolete_without_approval_reaches_neither_the_site_nor_the_archive(qms_repo: Path) -> None:
    frm = Doc(qms_repo, "FRM-005", doc_path("FRM-005"), title="NEVER-APPROVED-TITLE", status="obsolete",
              summary="NEVER-APPROVED-REASON", body="Text.\n")
    frm.save("FRM-005: created as obsolete")

    pub = select(qms_repo, TODAY)

    assert pub.documents == () and pub.archive == ()
    assert "FRM-005: no revision is effective on 2026-11-22; not published" in pub.notes
