"""The example manual carries entry-signed approvals (QP-001 revision 2) that verify against its committed
allowed-signers file, which holds public keys only."""

from __future__ import annotations

from pathlib import Path

from qms_docs.gitio import snapshots as snapshot
from qms_docs.signatures.policy import signers_of
from qms_docs.signatures.sshsig import verify_entry

ROOT = Path(__file__).resolve().parents[1]


def test_qp_001_approvals_are_entry_signed_by_keys_the_manual_lists() -> None:
    doc = snapshot.from_worktree(ROOT).by_id()["QP-001"]
    signers = signers_of((ROOT / ".qms" / "allowed_signers").read_bytes())
    assert not signers.problems and len(doc.approvals) == 2
    for a in doc.approvals:
        verdict = verify_entry("QP-001", a.raw, signers)
        assert verdict.valid and verdict.principal == a.email, verdict.reason


def test_the_allowed_signers_file_holds_no_private_key() -> None:
    text = (ROOT / ".qms" / "allowed_signers").read_text(encoding="utf-8")
    assert "PRIVATE KEY" not in text and all(line.startswith("#") or "ssh-ed25519 AAAA" in line
                                             for line in text.splitlines() if line)
