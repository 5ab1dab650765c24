"""`qms revise`, `qms approve` and `qms obsolete` on real files in real git repositories."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from qms_docs.cli import cli
from tests.builders import PEOPLE, QMS_YML, commit, doc_path, git, make_document, render

BODY = "# Control of documents\n\nKeep  these   spaces.  \n\n1. Step one.\n"
JANE, OMAR = PEOPLE["quality-manager"], PEOPLE["process-owner"]


def draft(doc_id: str = "QP-001", *, revision: int = 1, effective: dt.date | None = dt.date(2026, 12, 1),
          **fields: object) -> str:
    """A draft procedure ready for signatures (with an effective date unless told otherwise)."""
    front: dict[str, object] = {"id": doc_id, "title": "Control of documents", "type": "procedure",
                                "revision": revision, "status": "draft", "owner": "Jane Doe <jane@acme.example>"}
    if effective:
        front["effective_date"] = effective
    if revision >= 2:
        front["change_summary"] = "Reworded step one."
    return render({**front, **fields, "approvals": fields.get("approvals", [])}, BODY)


def add(repo: Path, text: str, doc_id: str = "QP-001") -> Path:
    commit(repo, {doc_path(doc_id): text}, f"{doc_id}: add")
    return repo / doc_path(doc_id)


def sign_as(repo: Path, person: tuple[str, str]) -> None:
    git(repo, "config", "user.name", person[0])
    git(repo, "config", "user.email", person[1])


def qms(repo: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "--repo", str(repo)], catch_exceptions=False)


def front(path: Path) -> dict[str, object]:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def approve_all(repo: Path, doc_id: str = "QP-001") -> None:
    for person in (JANE, OMAR):
        sign_as(repo, person)
        result = qms(repo, "approve", doc_id)
        assert result.exit_code == 0, result.stderr


# --- revise -----------------------------------------------------------------------------------------------------

def test_revise_starts_the_next_revision(qms_repo: Path) -> None:
    path = add(qms_repo, make_document("QP-001", body=BODY))
    result = qms(qms_repo, "revise", "QP-001", "-m", "Added retention periods: records kept 3 years.")
    assert result.exit_code == 0, result.stderr
    assert f"{doc_path('QP-001')}: QP-001 revision 2 started (draft)" in result.stdout
    meta = front(path)
    assert (meta["revision"], meta["status"], meta["approvals"]) == (2, "draft", [])
    assert meta["change_summary"] == "Added retention periods: records kept 3 years."
    assert "effective_date" not in meta
    assert path.read_text(encoding="utf-8").endswith("---\n" + BODY)


@pytest.mark.parametrize("status", ["draft", "review"])
def test_revise_refuses_a_revision_in_progress(qms_repo: Path, status: str) -> None:
    path = add(qms_repo, draft(status=status))
    before = path.read_bytes()
    result = qms(qms_repo, "revise", "QP-001", "-m", "More changes")
    assert result.exit_code == 1
    assert "revision 1 is still in progress" in result.stderr and "approve it first" in result.stderr
    assert path.read_bytes() == before


def test_revise_refuses_a_withdrawal_in_force(qms_repo: Path) -> None:
    add(qms_repo, make_document("QP-001", revision=3, status="obsolete", sign=True))
    result = qms(qms_repo, "revise", "QP-001", "-m", "Bring it back")
    assert result.exit_code == 1 and "QP-001 is withdrawn" in result.stderr and "is final" in result.stderr


def test_unknown_id_and_unreadable_file_are_refused(qms_repo: Path) -> None:
    assert "no document with id QP-404" in qms(qms_repo, "revise", "QP-404", "-m", "x").stderr
    add(qms_repo, "---\nid: QP-002\ntitle: [broken\n---\nBody\n", "QP-002")
    result = qms(qms_repo, "revise", "QP-002", "-m", "x")
    assert result.exit_code == 1 and f"{doc_path('QP-002')}:" in result.stderr and "Traceback" not in result.output


# --- approve ----------------------------------------------------------------------------------------------------

def test_approve_one_role_records_the_signature(qms_repo: Path) -> None:
    path = add(qms_repo, draft())
    sign_as(qms_repo, JANE)
    result = qms(qms_repo, "approve", "QP-001")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("signed QP-001 revision 1 as quality-manager (1 of 2 required roles); "
                                    "status: draft")
    meta = front(path)
    [entry] = meta["approvals"]  # type: ignore[misc]
    assert list(entry) == ["name", "email", "role", "meaning", "at", "revision", "digest"]
    assert (entry["name"], entry["email"], entry["role"], entry["meaning"], entry["revision"]) == \
        ("Jane Doe", "jane@acme.example", "quality-manager", "approved", 1)
    assert entry["digest"].startswith("sha256:") and isinstance(entry["at"], dt.datetime)
    assert path.read_text(encoding="utf-8").endswith("---\n" + BODY)


def test_every_required_role_makes_it_approved_and_check_passes(qms_repo: Path) -> None:
    path = add(qms_repo, draft())
    sign_as(qms_repo, JANE)
    qms(qms_repo, "approve", "QP-001")
    sign_as(qms_repo, OMAR)
    result = qms(qms_repo, "approve", "QP-001")
    assert result.exit_code == 0, result.stderr
    assert "as process-owner (2 of 2 required roles); status: approved" in result.stdout
    assert front(path)["status"] == "approved"
    check = qms(qms_repo, "check")
    assert check.exit_code == 0, check.stdout


def test_revise_then_approve_all_roles_passes_check(qms_repo: Path) -> None:
    path = add(qms_repo, make_document("QP-001", body=BODY))
    assert qms(qms_repo, "revise", "QP-001", "-m", "Step two added.").exit_code == 0
    text = path.read_text(encoding="utf-8").replace("approvals: []", "effective_date: 2026-12-15\napprovals: []")
    path.write_text(text + "2. Step two.\n", encoding="utf-8")
    approve_all(qms_repo)
    meta = front(path)
    assert (meta["revision"], meta["status"], len(meta["approvals"])) == (2, "approved", 2)  # type: ignore[arg-type]
    check = qms(qms_repo, "check")
    assert check.exit_code == 0 and "0 errors" in check.stdout


def test_crlf_document_is_signed_and_stays_crlf(qms_repo: Path) -> None:
    path = add(qms_repo, draft())
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    approve_all(qms_repo)
    data = path.read_bytes()
    assert b"\n" not in data.replace(b"\r\n", b"") and b"status: approved\r\n" in data
    assert data.endswith(BODY.replace("\n", "\r\n").encode())
    assert qms(qms_repo, "check").exit_code == 0


def test_signer_without_the_role_is_refused_and_the_file_untouched(qms_repo: Path) -> None:
    path = add(qms_repo, draft())
    before = path.read_bytes()
    sign_as(qms_repo, JANE)
    result = qms(qms_repo, "approve", "QP-001", "--role", "process-owner")
    assert result.exit_code == 1
    assert "jane@acme.example does not hold the role process-owner" in result.stderr
    assert path.read_bytes() == before


def test_signer_with_no_role_is_refused(qms_repo: Path) -> None:
    path = add(qms_repo, draft())
    before = path.read_bytes()
    sign_as(qms_repo, ("Eve Intruder", "eve@elsewhere.example"))
    result = qms(qms_repo, "approve", "QP-001")
    assert result.exit_code == 1 and "eve@elsewhere.example holds no role" in result.stderr
    assert path.read_bytes() == before


def test_role_must_be_named_when_the_signer_holds_two_pending_roles(qms_repo: Path) -> None:
    commit(qms_repo, {"qms.yml": QMS_YML.replace("[omar@acme.example,", "[jane@acme.example, omar@acme.example,"),
                      doc_path("QP-001"): draft()}, "QP-001: add; Jane is also a process owner",
           author=("Ann Writer", "ann@acme.example"))
    sign_as(qms_repo, JANE)
    result = qms(qms_repo, "approve", "QP-001")
    assert result.exit_code == 1
    assert "quality-manager, process-owner; choose one with --role" in result.stderr
    assert qms(qms_repo, "approve", "QP-001", "--role", "process-owner").exit_code == 0
    result = qms(qms_repo, "approve", "QP-001")  # now only quality-manager is pending
    assert result.exit_code == 0 and "as quality-manager (2 of 2" in result.stdout


def test_a_duplicate_signature_is_refused(qms_repo: Path) -> None:
    path = add(qms_repo, draft())
    sign_as(qms_repo, JANE)
    assert qms(qms_repo, "approve", "QP-001").exit_code == 0
    signed = path.read_bytes()
    result = qms(qms_repo, "approve", "QP-001", "--role", "quality-manager")
    assert result.exit_code == 1 and "already signed QP-001 revision 1 as quality-manager" in result.stderr
    assert path.read_bytes() == signed


def test_reviewed_signatures_do_not_count_toward_approval(qms_repo: Path) -> None:
    path = add(qms_repo, draft())
    sign_as(qms_repo, JANE)
    result = qms(qms_repo, "approve", "QP-001", "--meaning", "reviewed")
    assert result.exit_code == 0 and "meaning reviewed (not counted toward approval) (0 of 2" in result.stdout
    sign_as(qms_repo, OMAR)
    assert "status: draft" in qms(qms_repo, "approve", "QP-001").stdout
    sign_as(qms_repo, JANE)
    assert "status: approved" in qms(qms_repo, "approve", "QP-001").stdout
    assert [a["meaning"] for a in front(path)["approvals"]] == ["reviewed", "approved", "approved"]  # type: ignore


def test_the_last_signature_needs_an_effective_date(qms_repo: Path) -> None:
    path = add(qms_repo, draft(effective=None))
    sign_as(qms_repo, JANE)
    first = qms(qms_repo, "approve", "QP-001")
    assert first.exit_code == 0 and "set `effective_date` now" in first.stdout
    sign_as(qms_repo, OMAR)
    before = path.read_bytes()
    result = qms(qms_repo, "approve", "QP-001")
    assert result.exit_code == 1 and "has no `effective_date`" in result.stderr
    assert "set it before the last signature with `qms revise QP-001 --effective YYYY-MM-DD`" in result.stderr
    assert path.read_bytes() == before


def test_content_changed_after_a_signature_voids_it(qms_repo: Path) -> None:
    path = add(qms_repo, draft())
    sign_as(qms_repo, JANE)
    qms(qms_repo, "approve", "QP-001")
    path.write_text(path.read_text(encoding="utf-8") + "2. A late change.\n", encoding="utf-8")
    sign_as(qms_repo, OMAR)
    result = qms(qms_repo, "approve", "QP-001")
    assert result.exit_code == 0
    assert "(1 of 2 required roles); status: draft; removed 1 stale signature" in result.stdout
    assert [a["role"] for a in front(path)["approvals"]] == ["process-owner"]  # type: ignore[union-attr]


@pytest.mark.parametrize(("status", "message"), [("approved", "already approved"),
                                               ("obsolete", "already signed by every required role")])
def test_approved_documents_and_signed_withdrawals_are_not_signed(qms_repo: Path, status: str, message: str) -> None:
    path = add(qms_repo, make_document("QP-001", revision=2, status=status, sign=True))
    before = path.read_bytes()
    sign_as(qms_repo, JANE)
    result = qms(qms_repo, "approve", "QP-001")
    assert result.exit_code == 1 and message in result.stderr
    assert path.read_bytes() == before


def test_a_document_with_rule_errors_is_not_signed(qms_repo: Path) -> None:
    add(qms_repo, draft(references=["QP-404"]))
    sign_as(qms_repo, JANE)
    result = qms(qms_repo, "approve", "QP-001")
    assert result.exit_code == 1
    assert "cannot be signed until its errors are fixed" in result.stderr and "QMS040" in result.stderr


def test_missing_identity_is_a_usage_error(qms_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    add(qms_repo, draft())
    empty = tmp_path / "empty.gitconfig"
    empty.write_text("", encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    git(qms_repo, "config", "--unset", "user.email")
    result = qms(qms_repo, "approve", "QP-001")
    assert result.exit_code == 2 and "git config user.email" in result.stderr


def test_commit_records_the_signature_as_the_signer_touching_only_that_file(qms_repo: Path) -> None:
    add(qms_repo, draft())
    (qms_repo / "notes.txt").write_text("staged, not part of the signature\n", encoding="utf-8")
    git(qms_repo, "add", "notes.txt")
    sign_as(qms_repo, JANE)
    result = qms(qms_repo, "approve", "QP-001", "--commit")
    assert result.exit_code == 0, result.stderr
    assert "; committed " in result.stdout
    show = git(qms_repo, "show", "--name-only", "--format=%an <%ae>%n%s", "HEAD").stdout.split("\n")
    assert show[:2] == ["Jane Doe <jane@acme.example>", "QP-001: approve revision 1 as quality-manager"]
    assert [line for line in show[2:] if line] == [doc_path("QP-001")]
    assert git(qms_repo, "status", "--porcelain").stdout == "A  notes.txt\n"


def test_commit_refuses_a_file_with_uncommitted_changes(qms_repo: Path) -> None:
    path = add(qms_repo, draft())
    path.write_text(path.read_text(encoding="utf-8") + "Unreviewed edit.\n", encoding="utf-8")
    sign_as(qms_repo, JANE)
    result = qms(qms_repo, "approve", "QP-001", "--commit")
    assert result.exit_code == 1 and "not committed" in result.stderr
    assert "approvals: []" in path.read_text(encoding="utf-8")


def _require_signing(repo: Path) -> None:
    commit(repo, {"qms.yml": QMS_YML.replace("required: false", "required: true, method: commit")}, "Require signed commits",
           author=JANE)


@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="ssh-keygen is not installed")
def test_commit_is_signed_when_signing_is_required(qms_repo: Path, tmp_path: Path) -> None:
    _require_signing(qms_repo)
    add(qms_repo, draft())
    key = tmp_path / "jane_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "jane", "-f", str(key)], check=True)
    signers = tmp_path / "allowed_signers"
    signers.write_text(f"{JANE[1]} {key.with_suffix('.pub').read_text(encoding='utf-8')}", encoding="utf-8")
    for name, value in (("gpg.format", "ssh"), ("user.signingkey", str(key)),
                        ("gpg.ssh.allowedSignersFile", str(signers))):
        git(qms_repo, "config", name, value)
    sign_as(qms_repo, JANE)
    result = qms(qms_repo, "approve", "QP-001", "--commit")
    assert result.exit_code == 0, result.stderr
    assert git(qms_repo, "log", "-1", "--format=%G?").stdout.strip() == "G"


def test_a_commit_that_cannot_be_signed_changes_nothing(qms_repo: Path, tmp_path: Path) -> None:
    _require_signing(qms_repo)
    path = add(qms_repo, draft())
    before, head = path.read_bytes(), git(qms_repo, "rev-parse", "HEAD").stdout
    git(qms_repo, "config", "gpg.format", "ssh")
    git(qms_repo, "config", "user.signingkey", str(tmp_path / "no-such-key"))
    sign_as(qms_repo, JANE)
    result = qms(qms_repo, "approve", "QP-001", "--commit")
    assert result.exit_code == 1
    assert "not signed, the file is unchanged" in result.stderr and "user.signingkey" in result.stderr
    assert path.read_bytes() == before and git(qms_repo, "rev-parse", "HEAD").stdout == head
    assert git(qms_repo, "status", "--porcelain").stdout == ""


# --- obsolete ---------------------------------------------------------------------------------------------------

def test_obsolete_withdraws_the_document(qms_repo: Path) -> None:
    path = add(qms_repo, make_document("QP-001", revision=3, body=BODY))
    result = qms(qms_repo, "obsolete", "QP-001", "-m", "Replaced by QP-007.")
    assert result.exit_code == 0, result.stderr
    assert "QP-001 withdrawal started at revision 4 (obsolete, effective 2026-11-22)" in result.stdout
    assert "revision 3 stays in force" in result.stdout
    meta = front(path)
    assert (meta["revision"], meta["status"], meta["approvals"], meta["change_summary"], meta["effective_date"]) == \
        (4, "obsolete", [], "Replaced by QP-007.", dt.date(2026, 11, 22))
    assert path.read_text(encoding="utf-8").endswith("---\n" + BODY)
    assert qms(qms_repo, "check").exit_code == 0
    again = qms(qms_repo, "obsolete", "QP-001", "-m", "Again")
    assert again.exit_code == 1 and "already obsolete" in again.stderr


# --- the installed console script ---------------------------------------------------------------------------------

def _qms_command() -> list[str]:
    found = shutil.which("qms")
    return [found] if found else [sys.executable, "-m", "qms_docs"]


def test_console_script_revises_and_approves(qms_repo: Path) -> None:
    path = add(qms_repo, make_document("QP-001", body=BODY))
    run = _qms_command()
    revised = subprocess.run([*run, "revise", "QP-001", "-m", "Clarified scope."], cwd=qms_repo,
                             capture_output=True, text=True)
    assert revised.returncode == 0, revised.stderr
    sign_as(qms_repo, JANE)
    signed = subprocess.run([*run, "approve", "QP-001"], cwd=qms_repo, capture_output=True, text=True)
    assert signed.returncode == 0, signed.stderr
    assert signed.stdout.startswith("signed QP-001 revision 2 as quality-manager (1 of 2 required roles)")
    assert [a["revision"] for a in front(path)["approvals"]] == [2]  # type: ignore[union-attr]


def test_console_script_refusal_has_no_traceback(qms_repo: Path) -> None:
    path = add(qms_repo, draft())
    before = path.read_bytes()
    sign_as(qms_repo, OMAR)
    done = subprocess.run([*_qms_command(), "approve", "QP-001", "--role", "quality-manager"], cwd=qms_repo,
                          capture_output=True, text=True)
    assert done.returncode == 1
    assert "omar@acme.example does not hold the role quality-manager" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert path.read_bytes() == before
