"""One verification per distinct entry signature (sshsig.verify_approval): a verdict kept for one entry is never
handed to an entry that differs in any signed field, in the type of a field, or in its document."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from qms_docs.model.document import Approval
from qms_docs.signatures.allowed_signers import AllowedSigners, parse_allowed_signers
from qms_docs.signatures.sshsig import verify_approval, verify_entry
from qms_docs.signatures.statement import statement_of
from tests.sshsig_support import JANE, keygen, needs_ssh_keygen, pub, ssh_sign

pytestmark = needs_ssh_keygen
AT = dt.datetime(2026, 2, 27, 14, 3, tzinfo=dt.UTC)
ENTRY: dict[str, Any] = {"name": "Jane Doe", "email": JANE, "role": "quality-manager", "meaning": "approved",
                         "at": AT, "revision": 1, "digest": "sha256:3f5a"}


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], AllowedSigners]:
    key = keygen(tmp_path_factory.mktemp("keys"), "jane", "ed25519")
    statement = statement_of("QP-001", ENTRY)
    assert statement is not None
    return dict(ENTRY, sig=ssh_sign(key, statement.to_bytes())), parse_allowed_signers(f"{JANE} {pub(key)}\n")


VARIANTS: dict[str, tuple[str, dict[str, Any], bool]] = {  # (document, changed fields, valid)
    "the signed entry": ("QP-001", {}, True),
    "the same time written as text": ("QP-001", {"at": "2026-02-27T14:03:00Z"}, True),
    "the same time in another zone": ("QP-001", {"at": "2026-02-27T15:03:00+01:00"}, False),
    "padding around the e-mail": ("QP-001", {"email": f"  {JANE} "}, True),
    "another document": ("QP-002", {}, False),
    "revision true (equal to 1 in Python)": ("QP-001", {"revision": True}, False),
    "revision 1.0 (equal to 1 in Python)": ("QP-001", {"revision": 1.0}, False),
    "another revision": ("QP-001", {"revision": 2}, False),
    "another digest": ("QP-001", {"digest": "sha256:3f5b"}, False),
    "another role": ("QP-001", {"role": "process-owner"}, False),
    "another meaning": ("QP-001", {"meaning": "reviewed"}, False),
    "a second later": ("QP-001", {"at": AT + dt.timedelta(seconds=1)}, False),
    "another signer": ("QP-001", {"email": "omar@acme.example"}, False),
    "no revision": ("QP-001", {"revision": None}, False),
    "sig that is not text": ("QP-001", {"sig": ["not", "text"]}, False),
}


@pytest.mark.parametrize("name", VARIANTS, ids=VARIANTS.keys())
def test_a_kept_verdict_serves_only_the_same_statement_and_signature(
        name: str, signed: tuple[dict[str, Any], AllowedSigners]) -> None:
    entry, signers = signed
    assert verify_approval("QP-001", Approval(dict(entry)), signers).valid  # kept for the signed entry
    doc_id, change, valid = VARIANTS[name]
    variant = dict(entry, **change)
    verdict = verify_approval(doc_id, Approval(variant), signers)
    assert verdict == verify_entry(doc_id, variant, signers)  # what the entry reads as, verified afresh
    assert verdict.valid is valid, verdict.reason


def test_an_allowed_signers_file_without_the_key_gets_its_own_verdict(
        signed: tuple[dict[str, Any], AllowedSigners], tmp_path: Path) -> None:
    entry, signers = signed
    assert verify_approval("QP-001", Approval(entry), signers).valid
    other = parse_allowed_signers(f"{JANE} {pub(keygen(tmp_path, 'other', 'ed25519'))}\n")
    verdict = verify_approval("QP-001", Approval(entry), other)
    assert not verdict.valid and "not in the allowed-signers file" in (verdict.reason or "")
