"""Controlled copies: `qms pdf --copy-no N --issued-to NAME [--commit]` and `qms copies [--outstanding]`."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.builders import commit_signed, doc_path, git, make_document
from tests.pdf_fixture import manifest, needs_weasyprint, pages_text, qms
from tests.site_fixture import make_site_repo

pytestmark = needs_weasyprint
HOLDER = "Cell 2 — Ørsta"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    repo = make_site_repo(tmp_path / "repo")
    git(repo, "checkout", "-q", "--", ".")  # drop the fixture's uncommitted edit
    return repo


def test_a_controlled_copy_is_printed_recorded_and_committed(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "copy3.pdf"
    code, stdout, stderr = qms(site, "pdf", "QP-002", "--copy-no", "3", "--issued-to", HOLDER, "--commit", "--out", str(out))
    assert code == 0, stderr
    assert "recorded controlled copy 3 in records/controlled-copies.yml, commit" in stdout
    for text in pages_text(out):
        assert f"Controlled copy 3 issued to {HOLDER}" in text and "UNCONTROLLED" not in text
    assert manifest(out)["copy"] == {"number": 3, "issued_to": HOLDER}
    subject = git(site, "log", "-1", "--format=%s%n%an <%ae>").stdout
    assert subject == f"Controlled copy 3 issued to {HOLDER}\nTest Runner <runner@acme.example>\n"
    register = yaml.safe_load(git(site, "show", "HEAD:records/controlled-copies.yml").stdout)
    [issue] = register["copies"]
    assert (issue["copy"], issue["issued_to"], issue["issued_by"]) == (3, HOLDER, "Test Runner <runner@acme.example>")
    assert [(d["id"], d["revision"]) for d in issue["documents"]] == [("QP-002", 2)]
    assert git(site, "status", "--porcelain").stdout == ""


def test_copies_of_a_revision_no_longer_in_force_are_outstanding(site: Path, tmp_path: Path) -> None:
    assert qms(site, "pdf", "QP-002", "--copy-no", "1", "--issued-to", "Stores", "--out", str(tmp_path / "a.pdf"))[0] == 0
    assert qms(site, "pdf", "--manual", "--copy-no", "2", "--issued-to", "Auditor", "--out", str(tmp_path / "m.pdf"))[0] == 0
    code, out, _ = qms(site, "copies", "--outstanding")
    assert (code, out) == (0, "no outstanding controlled copy: every copy holds the revision in force\n")
    code, out, _ = qms(site, "copies")
    assert out.count(": in force") == 4  # copy 1: QP-002; copy 2: QP-001, QP-002, WI-001
    commit_signed(site, {doc_path("QP-002"): make_document("QP-002", revision=3, title="Purchasing",
                                                    effective_date=dt.date(2026, 11, 1), body="# Purchasing v3\n")},
           "QP-002 revision 3", date="2026-10-20T10:00:00Z")
    code, out, _ = qms(site, "copies", "--outstanding")
    lines = out.splitlines()
    assert len(lines) == 2 and all("QP-002 revision 2" in line and "superseded" in line for line in lines)
    assert lines[0].startswith("copy 1 (Stores)") and lines[1].startswith("copy 2 (Auditor)")
    rows = json.loads(qms(site, "copies", "--outstanding", "--format", "json")[1])
    assert [(r["copy"], r["id"], r["status"]) for r in rows] == [(1, "QP-002", "superseded"), (2, "QP-002", "superseded")]
    # issuing revision 3 as copy 1 replaces what copy 1 holds: only copy 2 is left to recall
    assert qms(site, "pdf", "QP-002", "--copy-no", "1", "--issued-to", "Stores", "--out", str(tmp_path / "b.pdf"))[0] == 0
    rows = json.loads(qms(site, "copies", "--outstanding", "--format", "json")[1])
    assert [(r["copy"], r["id"]) for r in rows] == [(2, "QP-002")]


def test_without_commit_the_register_is_written_and_left_for_the_user(site: Path, tmp_path: Path) -> None:
    code, out, _ = qms(site, "pdf", "QP-001", "--copy-no", "7", "--issued-to", "Lab", "--out", str(tmp_path / "c.pdf"))
    assert code == 0 and "(not committed: commit it, or use --commit)" in out
    assert git(site, "status", "--porcelain").stdout == "?? records/\n"


@pytest.mark.parametrize("text", ["copies: [{copy: one}]\n", "copies: {a: 1}\n", "{{{\n", "- just a list\n",
                                  "copies:\n  - !!python/object/apply:os.system ['touch /tmp/pwned']\n"])
def test_a_broken_register_is_a_usage_error_naming_the_file(site: Path, tmp_path: Path, text: str) -> None:
    (site / "records").mkdir()
    (site / "records" / "controlled-copies.yml").write_text(text, encoding="utf-8")
    code, _, err = qms(site, "copies")
    assert code == 2 and "records/controlled-copies.yml" in err and "Traceback" not in err
    out = tmp_path / "x.pdf"
    code, _, err = qms(site, "pdf", "QP-001", "--copy-no", "1", "--issued-to", "Lab", "--out", str(out))
    assert code == 2 and not out.exists()
    assert (site / "records" / "controlled-copies.yml").read_text(encoding="utf-8") == text


def test_no_copy_issued_yet(site: Path) -> None:
    assert qms(site, "copies") == (0, "no controlled copy has been issued (records/controlled-copies.yml lists none)\n", "")


def test_console_script_prints_a_copy_without_traceback(site: Path, tmp_path: Path) -> None:
    proc = subprocess.run(["python3", "-m", "qms_docs", "pdf", "QP-002", "--copy-no", "4", "--issued-to", "QA office",
                           "--out", str(tmp_path / "d.pdf"), "--repo", str(site)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "wrote" in proc.stdout and (tmp_path / "d.pdf").read_bytes().startswith(b"%PDF-")


def test_a_holder_name_is_text_in_the_page_and_in_the_footer(site: Path, tmp_path: Path) -> None:
    holder = 'Bob "x"; } @page { @bottom-left { content: "FORGED" } } </style><b>bold</b> \\'
    out = tmp_path / "e.pdf"
    code, _, err = qms(site, "pdf", "QP-001", "--copy-no", "5", "--issued-to", holder, "--out", str(out))
    assert code == 0, err
    text = "".join(pages_text(out)[0].split())  # long names wrap: compare without white space
    assert text.count("".join(f"Controlled copy 5 issued to {holder}".split())) == 2  # above the control block, in the foot
    assert text.count("FORGED") == 2  # only inside the two copies of the name
