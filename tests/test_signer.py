"""Signing a statement with ssh-keygen: the key found as git finds it, refused before signing when it would not count."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
import yaml

from qms_docs.errors import QmsError, UsageError
from qms_docs.signatures.allowed_signers import parse_allowed_signers
from qms_docs.signatures.signer import AgentKey, KeyFile, LiteralKey, SigningRefused, key_spec, sign_statement
from qms_docs.signatures.sshsig import verify, verify_entry
from qms_docs.signatures.statement import statement_of
from tests.sshsig_support import AT, JANE, OMAR, keygen, needs_ssh_keygen, pub, ssh_agent, ssh_verify

pytestmark = needs_ssh_keygen

ENTRY = {"name": "Jane Doe", "email": JANE, "role": "quality-manager", "meaning": "approved", "at": AT, "revision": 4,
         "digest": "sha256:3f5a"}


@pytest.fixture
def jane_key(tmp_path: Path) -> Path:
    return keygen(tmp_path, "jane", "ed25519")


def _statement() -> bytes:
    statement = statement_of("QP-003", ENTRY)
    assert statement is not None
    return statement.to_bytes()


def test_key_spec_reads_user_signingkey_as_git_does(tmp_path: Path) -> None:
    assert key_spec(None) == AgentKey() and key_spec("  ") == AgentKey()
    assert key_spec("key::ssh-ed25519 AAAAC3Nz") == LiteralKey("ssh-ed25519 AAAAC3Nz")
    assert key_spec("ssh-ed25519 AAAAC3Nz") == LiteralKey("ssh-ed25519 AAAAC3Nz")
    assert key_spec("~/.ssh/id_ed25519") == KeyFile(Path(os.environ["HOME"]) / ".ssh" / "id_ed25519")
    assert key_spec(str(tmp_path / "k")) == KeyFile(tmp_path / "k")


def test_sign_with_a_key_file_verifies_here_and_with_ssh_keygen(jane_key: Path, tmp_path: Path) -> None:
    allowed = f'{JANE} namespaces="qms-approval" {pub(jane_key)}\n'
    armored = sign_statement(_statement(), KeyFile(jane_key), JANE, parse_allowed_signers(allowed), AT)
    assert armored.startswith("-----BEGIN SSH SIGNATURE-----")
    assert verify(_statement(), armored, parse_allowed_signers(allowed), JANE, AT).valid
    assert ssh_verify(tmp_path, allowed, JANE, armored, _statement(), AT) == 0


def test_an_entry_signature_survives_yaml_and_breaks_on_any_edit(jane_key: Path) -> None:
    signers = parse_allowed_signers(f"{JANE} {pub(jane_key)}")
    entry = dict(ENTRY, sig=sign_statement(_statement(), KeyFile(jane_key), JANE, signers, AT))
    stored = yaml.safe_load(yaml.safe_dump({"approvals": [entry]}, sort_keys=False))["approvals"][0]
    verdict = verify_entry("QP-003", stored, signers)
    assert verdict.valid and verdict.principal == JANE
    assert not verify_entry("QP-003", dict(stored, digest="sha256:0000"), signers).valid
    assert not verify_entry("QP-004", stored, signers).valid
    assert not verify_entry("QP-003", dict(stored, email=OMAR), signers).valid
    assert "has no `sig`" in (verify_entry("QP-003", ENTRY, signers).reason or "")
    assert "lacks a valid role" in (verify_entry("QP-003", dict(stored, role=7), signers).reason or "")


def test_validity_is_judged_at_the_entry_time_unless_the_caller_says_now(jane_key: Path) -> None:
    signers = parse_allowed_signers(f'{JANE} valid-before="20260601Z" {pub(jane_key)}')
    entry = dict(ENTRY, sig=sign_statement(_statement(), KeyFile(jane_key), JANE, signers, AT))
    assert verify_entry("QP-003", entry, signers).valid
    now = dt.datetime(2026, 11, 22, tzinfo=dt.UTC)
    assert "has expired" in (verify_entry("QP-003", entry, signers, when=now).reason or "")


def _tripwire_path(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """A PATH whose ssh-keygen only records that it ran."""
    bin_dir, marker = tmp_path / "bin", tmp_path / "ssh-keygen-ran"
    bin_dir.mkdir()
    (bin_dir / "ssh-keygen").write_text(f"#!/bin/sh\ntouch '{marker}'\nexit 1\n", encoding="utf-8")
    (bin_dir / "ssh-keygen").chmod(0o755)
    return {"PATH": f"{bin_dir}:{os.environ['PATH']}"}, marker


def test_a_key_not_listed_for_the_signer_is_refused_before_ssh_keygen_runs(jane_key: Path, tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    env, marker = _tripwire_path(tmp_path)
    monkeypatch.setenv("PATH", env["PATH"])
    signers = parse_allowed_signers(f"{OMAR} {pub(jane_key)}")
    with pytest.raises(SigningRefused) as refused:
        sign_statement(_statement(), KeyFile(jane_key), JANE, signers, AT)
    message = str(refused.value)
    assert refused.value.exit_code == 1 and isinstance(refused.value, QmsError)
    assert "not listed for jane@acme.example" in message
    assert f'{JANE} namespaces="qms-approval" {pub(jane_key)}' in message
    assert not marker.exists()


def test_an_expired_or_foreign_namespace_key_is_refused(jane_key: Path) -> None:
    for line in (f'{JANE} valid-before="20260101Z" {pub(jane_key)}', f'{JANE} namespaces="git" {pub(jane_key)}'):
        with pytest.raises(SigningRefused, match="expired|namespace"):
            sign_statement(_statement(), KeyFile(jane_key), JANE, parse_allowed_signers(line), AT)


def test_a_passphrase_key_is_checked_from_its_clear_public_half_without_asking(tmp_path: Path) -> None:
    locked = keygen(tmp_path, "locked", "ed25519", passphrase="correct horse")
    locked.with_name("locked.pub").unlink()
    with pytest.raises(SigningRefused, match="not in the allowed-signers file"):
        sign_statement(_statement(), KeyFile(locked), JANE, parse_allowed_signers(""), AT)


def test_a_missing_or_foreign_key_file_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    for path, text in [(tmp_path / "absent", "cannot read"), (tmp_path / "notes.txt", "not an SSH key file")]:
        with pytest.raises(UsageError, match=text) as error:
            sign_statement(_statement(), KeyFile(path), JANE, parse_allowed_signers(""), AT)
        assert error.value.exit_code == 2


def test_sign_through_ssh_agent_with_a_literal_key_a_public_key_file_or_no_key_set(jane_key: Path,
                                                                                   tmp_path: Path) -> None:
    stranger = keygen(tmp_path, "stranger", "ed25519")
    allowed = f"{JANE} {pub(jane_key)}\n"
    signers = parse_allowed_signers(allowed)
    with ssh_agent(tmp_path, stranger, jane_key) as env:
        jane_key.unlink()  # from here on only the agent holds the private half
        specs = [key_spec(f"key::{pub(jane_key)}"), KeyFile(jane_key.with_name("jane.pub")), key_spec(None)]
        for spec in specs:
            armored = sign_statement(_statement(), spec, JANE, signers, AT, env=env)
            assert ssh_verify(tmp_path, allowed, JANE, armored, _statement(), AT) == 0, spec
        with pytest.raises(SigningRefused, match="no key in ssh-agent is listed for omar@acme.example"):
            sign_statement(_statement(), AgentKey(), OMAR, signers, AT, env=env)
        with pytest.raises(SigningRefused, match="not listed for omar@acme.example"):
            sign_statement(_statement(), key_spec(f"key::{pub(jane_key)}"), OMAR, signers, AT, env=env)


def test_no_agent_and_no_key_is_a_clear_refusal() -> None:
    with pytest.raises(SigningRefused, match="no ssh-agent is running"):
        sign_statement(_statement(), AgentKey(), JANE, parse_allowed_signers(""), AT, env={"PATH": os.environ["PATH"]})


def test_a_literal_key_that_is_not_a_key_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="not an SSH public key"):
        sign_statement(_statement(), key_spec("key::ssh-ed25519 ###"), JANE, parse_allowed_signers(""), AT)
