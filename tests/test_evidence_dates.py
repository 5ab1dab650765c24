"""When an entry signature says it was made (`at`), judged against the commits that carry it, through real git.

- Dated more than 24 h (CLOCK_SKEW) after the commit that added it: a signature from the future, QMS025.
- Dated more than 24 h before the commit that wrote the content it signs: nobody signs what does not exist
  yet, so `qms verify` notes a QMS033 warning (the key was judged valid at `at`: a key that had expired by
  the time the content was written may have signed it). A warning never fails verify.
- Within 24 h either way the signer's and the committer's clocks may simply differ: accepted, no warning."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest

from qms_docs.signatures.statement import statement_of
from tests.builders import PEOPLE, QMS_YML, _split, commit, doc_path, git, make_document, render
from tests.entrysig_support import JANE, OMAR, SAM, draft, make_keys, public
from tests.sshsig_support import needs_ssh_keygen, public_key, ssh_sign

pytestmark = needs_ssh_keygen
WRITTEN = "2026-03-10T12:00:00Z"  # the author date of the content's commit
ADDED = "2026-03-11T09:00:00Z"  # the date of the commit that adds the signatures
ROLES = ["quality-manager", "process-owner"]


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def entry_signed(doc_id: str, keys: dict[str, Path], ats: dict[str, str]) -> str:
    """`doc_id` approved by Jane and Omar, each entry dated `ats[email]` and signed with their key."""
    front, body = _split(make_document(doc_id, roles=ROLES, effective_date=dt.date(2026, 11, 1)))
    key_of = {JANE[1]: keys["jane"], OMAR[1]: keys["omar"]}
    for entry in front["approvals"]:
        entry["at"] = utc(ats[entry["email"]])
        statement = statement_of(doc_id, entry)
        assert statement is not None
        entry["sig"] = ssh_sign(key_of[entry["email"]], statement.to_bytes())
    return render(front, body)


def verify(repo: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["qms", "verify", "--repo", str(repo)], capture_output=True, text=True)


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, dict[str, Path]]:
    keys = make_keys(tmp_path / "keys")
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    allowed = "".join(f'{who[1]} namespaces="qms-approval" {public(keys[n])}\n' for n, who in (("jane", JANE), ("omar", OMAR)))
    commit(repo, {"qms.yml": QMS_YML, ".qms/allowed_signers": allowed}, "Set up the QMS", author=JANE,
           date="2026-01-05T09:00:00Z")
    drafts = {doc_path(i): draft(i) for i in ("QP-001", "QP-002")}  # the content the signatures sign
    commit(repo, drafts, "QP-001, QP-002: first drafts", author=SAM, date=WRITTEN)
    return repo, keys


def test_a_signature_dated_days_before_its_content_existed_is_noted_not_failed(repo: tuple[Path, dict[str, Path]]) -> None:
    root, keys = repo
    signed = entry_signed("QP-001", keys, {JANE[1]: "2026-03-01T00:00:00Z", OMAR[1]: "2026-03-10T00:00:00Z"})
    sha = commit(root, {doc_path("QP-001"): signed}, "QP-001: signatures", author=SAM, date=ADDED)
    done = verify(root)
    assert done.returncode == 0, done.stdout + done.stderr
    notes = [line for line in done.stdout.splitlines() if "QMS033" in line]
    assert notes == [f"note: {sha[:12]} QP-001 rev 1 ({doc_path('QP-001')}): QMS033 warning, backdated signature: "
                     f"approval 1 (Jane Doe, quality-manager): its entry signature is dated 2026-03-01T00:00:00Z, more "
                     f"than 24 h before the content it signs was written (commit "
                     f"{git(root, 'rev-parse', 'HEAD~1').stdout[:12]}, 2026-03-10T12:00:00Z): backdated?"]
    assert done.stdout.rstrip().endswith("every signature is valid")


def test_a_signature_dated_after_the_commit_that_carries_it_is_refused_beyond_the_clock_skew(
        repo: tuple[Path, dict[str, Path]]) -> None:
    root, keys = repo
    signed = entry_signed("QP-002", keys, {JANE[1]: "2026-03-12T09:01:00Z", OMAR[1]: "2026-03-12T08:59:00Z"})
    sha = commit(root, {doc_path("QP-002"): signed}, "QP-002: signatures", author=SAM, date=ADDED)
    done = verify(root)
    assert done.returncode == 1
    failures = [line for line in done.stdout.splitlines() if "QMS025" in line]
    assert failures == [f"{sha[:12]} QP-002 rev 1 ({doc_path('QP-002')}): QMS025 forged approval: approval 1 (Jane Doe, "
                        f"quality-manager): its entry signature (sig) does not count: it is dated 2026-03-12T09:01:00Z, "
                        f"more than 24 h later than commit {sha[:12]} that added it (2026-03-11T09:00:00Z)"]
    assert "QMS033" not in done.stdout and PEOPLE["process-owner"][0] not in done.stdout
    history = subprocess.run(["qms", "history", "QP-002", "--repo", str(root)], capture_output=True, text=True).stdout
    assert [line.strip() for line in history.splitlines() if "proven by" in line] == [
        f"proven by: entry signature that does not verify (it is dated 2026-03-12T09:01:00Z, more than 24 h later "
        f"than commit {sha[:12]} that added it (2026-03-11T09:00:00Z))",
        f"proven by: entry signature, key {public_key(keys['omar']).fingerprint}"]
