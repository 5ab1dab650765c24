"""`qms verify`: every approved revision in the whole history, not only what HEAD shows."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from qms_docs.cli import cli
from tests.audit_history import LI, Doc, body, tick
from tests.builders import AUTHOR, PEOPLE, QMS_YML, commit, doc_path, git

JANE, OMAR = PEOPLE["quality-manager"], PEOPLE["process-owner"]


def verify(repo: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["verify", "--repo", str(repo), *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def short(sha: str) -> str:
    return sha[:12]


@pytest.fixture
def clean(manual_history: tuple[Path, dict[str, Any]]) -> Path:
    """The session's shared manual (read-only): three documents, every signature valid."""
    return manual_history[0]


def test_a_clean_history_verifies(clean: Path) -> None:
    code, out, err = verify(clean)
    assert (code, err) == (0, "")
    commits = int(git(clean, "rev-list", "--count", "HEAD").stdout)  # qms.yml's commits count: they say who holds a role
    assert out == (f"verified 5 revisions of 3 documents in {commits} commits "
                   f"(history of {short(git(clean, 'rev-parse', 'HEAD').stdout)}): every signature is valid\n")


def test_a_forged_signature_in_old_history_is_found_and_its_commit_named(qms_repo: Path) -> None:
    qp = Doc(qms_repo, "QP-001", doc_path("QP-001"))
    qp.release(body(1))
    qp.draft(body(2), "Retention periods added.")
    forged = qp.sign("quality-manager", author=AUTHOR)  # Sam writes Jane's signature himself
    qp.sign("process-owner")
    qp.release(body(3), "Clarified scope.")  # HEAD is clean again
    check = subprocess.run([sys.executable, "-m", "qms_docs", "check", "--repo", str(qms_repo)], capture_output=True)
    assert check.returncode == 0, check.stdout  # HEAD shows nothing wrong

    code, out, _ = verify(qms_repo)
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == (f"{short(forged)} QP-001 rev 2 ({doc_path('QP-001')}): QMS025 forged approval: approval 1 "
                        f"(Jane Doe, quality-manager): added by commit {short(forged)} authored by Sam Author "
                        f"<sam@acme.example>, not by the signer jane@acme.example; only the signer may add their "
                        f"signature (`qms approve QP-001 --commit`, as the signer)")
    assert lines[-1].startswith("verified 3 revisions of 1 document in 10 commits") and "1 failure" in lines[-1]


def test_a_stale_signature_in_old_history_is_found(qms_repo: Path) -> None:
    wi = Doc(qms_repo, "WI-001", doc_path("WI-001"))
    signed = wi.release(body(1))[-1]
    stale = wi.edit(body(1, " Edited after approval."), "WI-001: fix a typo")  # still approved, revision 1
    wi.release(body(2), "Reworked.")
    code, out, _ = verify(qms_repo)
    assert code == 1
    assert out.splitlines()[0] == (
        f"{short(stale)} WI-001 rev 1 ({doc_path('WI-001')}): QMS021 stale approval: approval 1 (Omar Haddad, "
        f"process-owner) does not match the content: the document changed after it was signed (stale approval); "
        f"raise the revision or have it signed again")
    assert short(signed) not in out


def test_approved_without_every_required_signature(qms_repo: Path) -> None:
    qp = Doc(qms_repo, "QP-002", doc_path("QP-002"))
    qp.draft(body(1))
    early = qp.sign("quality-manager", approve=True)  # approved before the process owner signed
    qp.sign("process-owner")
    code, out, _ = verify(qms_repo)
    assert code == 1
    assert out.splitlines() == [
        f"{short(early)} QP-002 rev 1 ({doc_path('QP-002')}): QMS020 missing signature: status is approved but "
        f"there is no signature from the required role process-owner", out.splitlines()[-1]]


def test_roles_come_from_the_qms_yml_in_force_before_the_signing_commit(qms_repo: Path) -> None:
    """A commit cannot grant its author a role and use it; a role granted in an earlier commit counts."""
    li_qm = QMS_YML.replace("quality-manager: [jane@acme.example]", "quality-manager: [jane@acme.example, "
                                                                       "li@acme.example]")
    commit(qms_repo, {"qms.yml": li_qm}, "Li Wei joins quality management", author=JANE, date=tick(qms_repo))
    qp = Doc(qms_repo, "QP-003", doc_path("QP-003"))
    qp.draft(body(1))
    qp.sign("quality-manager", person=LI)
    qp.sign("process-owner")
    assert verify(qms_repo)[0] == 0

    sam_qm = li_qm.replace("li@acme.example]", "li@acme.example, sam@acme.example]", 1)
    qp.draft(body(2), "Second issue.")
    qp.approvals.append(qp.entry(AUTHOR, "quality-manager"))
    grab = commit(qms_repo, {"qms.yml": sam_qm, qp.path: qp.text()}, "QP-003: sign as quality-manager",
                  date=tick(qms_repo))
    code, out, _ = verify(qms_repo)  # revision 2 is not approved (yet), but Sam may not change qms.yml
    assert code == 1 and out.splitlines()[:-1] == [
        f"{short(grab)} qms.yml rev ? (qms.yml): QMS014 guarded file changed by a non-approver: qms.yml changed by "
        f"Sam Author <sam@acme.example>, who holds none of the config_approvers roles; the change is not in force"]
    qp.sign("process-owner")
    code, out, _ = verify(qms_repo)
    assert code == 1
    assert out.splitlines()[0] == (
        f"{short(grab)} QP-003 rev 2 ({doc_path('QP-003')}): QMS023 signer without the role: approval 1 (Sam Author, "
        f"quality-manager): sam@acme.example does not hold the role quality-manager")


def test_verify_rev_checks_the_history_reachable_from_rev(qms_repo: Path) -> None:
    qp = Doc(qms_repo, "QP-001", doc_path("QP-001"))
    good = qp.release(body(1))[-1]
    qp.edit(body(1, " Quietly changed."), "QP-001: quiet change")
    assert verify(qms_repo)[0] == 1
    code, out, _ = verify(qms_repo, good)
    assert code == 0 and f"(history of {short(good)})" in out


def test_unknown_rev_is_a_usage_error(qms_repo: Path) -> None:
    code, _, err = verify(qms_repo, "no-such-branch")
    assert code == 2 and err == "Error: no-such-branch: not a commit in this repository\n"


def test_shallow_clone_is_refused(clean: Path, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "2", f"file://{clean}", str(clone))
    code, _, err = verify(clone)
    assert code == 2 and "shallow clone" in err and "git fetch --unshallow" in err


@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="ssh-keygen is not installed")
def test_signing_required_needs_a_valid_ssh_signature_by_the_signer(qms_repo: Path, tmp_path: Path) -> None:
    key = tmp_path / "omar_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "omar", "-f", str(key)], check=True)
    allowed = f"{OMAR[1]} {key.with_suffix('.pub').read_text(encoding='utf-8')}"
    commit(qms_repo, {"qms.yml": QMS_YML.replace("required: false", "required: true, method: commit"),
                      ".qms/allowed_signers": allowed}, "Require signed commits", author=JANE, date=tick(qms_repo))
    wi = Doc(qms_repo, "WI-002", doc_path("WI-002"))
    wi.draft(body(1))
    unsigned = wi.sign("process-owner")
    code, out, _ = verify(qms_repo)
    assert code == 1 and out.splitlines()[0] == (
        f"{short(unsigned)} WI-002 rev 1 ({doc_path('WI-002')}): QMS025 forged approval: approval 1 (Omar Haddad, "
        f"process-owner): commit {short(unsigned)} is not signed by a key listed for omar@acme.example in "
        f".qms/allowed_signers (signing.required)")

    for name, value in (("gpg.format", "ssh"), ("user.signingkey", str(key)), ("commit.gpgsign", "true")):
        git(qms_repo, "config", name, value)
    wi.draft(body(2), "Signed this time.")
    wi.sign("process-owner")
    code, out, _ = verify(qms_repo)
    assert code == 1 and len(out.splitlines()) == 2  # revision 1 still fails, revision 2 verifies


def test_generated_corpus_verifies_clean(make_corpus: Path, tmp_path: Path) -> None:
    repo = tmp_path / "corpus"
    subprocess.run([sys.executable, str(make_corpus), str(repo), "--docs", "20", "--revisions", "3"],
                   check=True, capture_output=True)
    proc = subprocess.run([sys.executable, "-m", "qms_docs", "verify", "--repo", str(repo)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.startswith("verified 60 revisions of 20 documents in ") and proc.stderr == ""


def test_a_signature_added_on_a_branch_and_merged_verifies(qms_repo: Path) -> None:
    wi = Doc(qms_repo, "WI-004", doc_path("WI-004"))
    wi.draft(body(1))
    git(qms_repo, "switch", "-q", "-c", "sign-wi-004")
    signed = wi.sign("process-owner")
    git(qms_repo, "switch", "-q", "main")
    commit(qms_repo, {"controlled/README.txt": "Controlled documents live here.\n"}, "Add a note", date=tick(qms_repo))
    git(qms_repo, "merge", "-q", "--no-ff", "-m", "Merge WI-004 approval", "sign-wi-004",
        env={"GIT_AUTHOR_DATE": tick(qms_repo), "GIT_COMMITTER_DATE": tick(qms_repo)})
    code, out, _ = verify(qms_repo)
    assert code == 0, out
    assert out.startswith("verified 1 revision of 1 document in ")

    wi.draft(body(2), "Second issue.")
    git(qms_repo, "switch", "-q", "-c", "forge-wi-004")
    forged = wi.sign("process-owner", author=AUTHOR)
    git(qms_repo, "switch", "-q", "main")
    git(qms_repo, "merge", "-q", "--no-ff", "-m", "Merge", "forge-wi-004",
        env={"GIT_AUTHOR_DATE": tick(qms_repo), "GIT_COMMITTER_DATE": tick(qms_repo)})
    code, out, _ = verify(qms_repo)
    assert code == 1 and out.startswith(f"{short(forged)} WI-004 rev 2 ") and signed[:12] not in out


def test_a_self_approval_in_old_history_is_found(qms_repo: Path) -> None:
    qp = Doc(qms_repo, "QP-001", doc_path("QP-001"))
    qp.release(body(1))
    wrote = qp.draft(body(2), "Omar rewrote the steps.", author=PEOPLE["process-owner"])  # Omar writes revision 2 …
    qp.sign("quality-manager")
    own = qp.sign("process-owner")  # … and approves it himself
    qp.release(body(3), "Clarified scope.")  # HEAD is clean again
    code, out, _ = verify(qms_repo)
    assert code == 1
    assert out.splitlines()[0] == (
        f"{short(own)} QP-001 rev 2 ({doc_path('QP-001')}): QMS024 self-approval: approval 2 (Omar Haddad, "
        f"process-owner): omar@acme.example wrote revision 2 (commit {short(wrote)}) and cannot approve it; "
        f"type procedure does not allow self-approval")


def test_self_approval_passes_where_the_type_allows_it(qms_repo: Path) -> None:
    commit(qms_repo, {"qms.yml": QMS_YML.replace("review_months: 24}", "review_months: 24, allow_self_approval: true}", 1)},
           "Allow self-approval of procedures", author=PEOPLE["quality-manager"])
    qp = Doc(qms_repo, "QP-001", doc_path("QP-001"))
    qp.draft(body(1), author=PEOPLE["process-owner"])
    qp.sign("quality-manager")
    qp.sign("process-owner")
    assert verify(qms_repo)[0] == 0
