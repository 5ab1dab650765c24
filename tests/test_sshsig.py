"""Entry signatures verified in-process agree with `ssh-keygen -Y verify`, and hostile signatures never raise."""

from __future__ import annotations

import base64
import datetime as dt
import struct
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from qms_docs.signatures.allowed_signers import parse_allowed_signers
from qms_docs.signatures.sshsig import BEGIN, END, parse_armored, verify
from tests.sshsig_support import AT, JANE, OMAR, forge_rsa, keygen, needs_ssh_keygen, pub, ssh_sign, ssh_verify

pytestmark = needs_ssh_keygen

STATEMENT = (b'{"at":"2026-02-27T14:03:00+00:00","digest":"sha256:3f5a","email":"jane@acme.example","id":"QP-003",'
             b'"meaning":"approved","revision":4,"role":"quality-manager"}')


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("keys")
    return {"ed25519": keygen(folder, "jane", "ed25519"), "other": keygen(folder, "intruder", "ed25519"),
            "ecdsa": keygen(folder, "jane-ec", "ecdsa", 256), "ecdsa384": keygen(folder, "jane-ec384", "ecdsa", 384),
            "rsa": keygen(folder, "jane-rsa", "rsa", 2048)}


@dataclass(frozen=True)
class Case:
    key: str = "ed25519"
    line: str = "{principal} {pub}"
    principal: str = JANE
    namespace: str = "qms-approval"
    verified: bytes = STATEMENT
    at: dt.datetime = AT
    expected: bool = False


CASES = {
    "valid ed25519": Case(expected=True),
    "tampered statement": Case(verified=STATEMENT.replace(b'"revision":4', b'"revision":5')),
    "wrong namespace (a git commit signature)": Case(namespace="git"),
    "expired: valid-before earlier than at": Case(line='{principal} valid-before="20260101Z" {pub}'),
    "not yet valid: valid-after later than at": Case(line='{principal} valid-after="20270101Z" {pub}'),
    "inside the validity window": Case(line='{principal} valid-after="20260101Z",valid-before="20261231Z" {pub}',
                                       expected=True),
    "valid-before equal to at still holds": Case(line='{principal} valid-before="20260227140300Z" {pub}', expected=True),
    "valid-after equal to at already holds": Case(line='{principal} valid-after="20260227140300Z" {pub}', expected=True),
    "key listed for another principal": Case(line=f"{OMAR} {{pub}}"),
    "wildcard principal": Case(line="*@acme.example {pub}", expected=True),
    "? wildcard principal": Case(line="?ane@acme.example {pub}", expected=True),
    "negated principal in a list": Case(line="*@acme.example,!jane@* {pub}"),
    "principal list": Case(line=f"{OMAR},{JANE} {{pub}}", expected=True),
    "principal match is case-sensitive": Case(line="JANE@acme.example {pub}"),
    "namespaces option admits qms-approval": Case(line='{principal} namespaces="git,qms-*" {pub}', expected=True),
    "namespaces option excludes qms-approval": Case(line='{principal} namespaces="git,file" {pub}'),
    "cert-authority line never admits a plain key": Case(line="{principal} cert-authority {pub}"),
    "a key not in the file": Case(key="other"),
    "ecdsa-sha2-nistp256": Case(key="ecdsa", expected=True),
    "ecdsa-sha2-nistp384": Case(key="ecdsa384", expected=True),
    "rsa-sha2-512": Case(key="rsa", expected=True),
    "rsa-sha2-512, tampered": Case(key="rsa", verified=STATEMENT + b" "),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_verdict_equals_ssh_keygen_verify(case: Case, keys: dict[str, Path], tmp_path: Path) -> None:
    listed = keys["ed25519"] if case.key == "other" else keys[case.key]
    allowed = case.line.format(principal=case.principal, pub=pub(listed)) + "\n"
    armored = ssh_sign(keys[case.key], STATEMENT, case.namespace)
    ours = verify(case.verified, armored, parse_allowed_signers(allowed), JANE, case.at)
    theirs = ssh_verify(tmp_path, allowed, JANE, armored, case.verified, case.at)
    assert (ours.valid, theirs == 0) == (case.expected, case.expected), ours.reason
    assert (ours.reason is None) == case.expected


@pytest.mark.parametrize(("sig_format", "expected"), [("rsa-sha2-256", True), ("ssh-rsa", False)])
def test_rsa_formats_agree_with_ssh_keygen(sig_format: str, expected: bool, keys: dict[str, Path], tmp_path: Path) -> None:
    allowed = f"{JANE} {pub(keys['rsa'])}\n"
    armored = forge_rsa(keys["rsa"], STATEMENT, sig_format, hash_algorithm="sha256")
    ours = verify(STATEMENT, armored, parse_allowed_signers(allowed), JANE, AT)
    assert ours.valid is expected
    assert (ssh_verify(tmp_path, allowed, JANE, armored, STATEMENT, AT) == 0) is expected
    if not expected:
        assert "rsa-sha2-256/512" in (ours.reason or "")


def test_valid_verdict_names_principal_and_ssh_keygen_fingerprint(keys: dict[str, Path]) -> None:
    armored = ssh_sign(keys["ed25519"], STATEMENT)
    verdict = verify(STATEMENT, armored, parse_allowed_signers(f"{JANE} {pub(keys['ed25519'])}"), JANE, AT)
    printed = subprocess.run(["ssh-keygen", "-l", "-f", f"{keys['ed25519']}.pub"], capture_output=True, text=True,
                             check=True).stdout.split()[1]
    assert verdict.valid and verdict.principal == JANE and verdict.fingerprint == printed


def test_reasons_say_what_is_wrong(keys: dict[str, Path]) -> None:
    armored = ssh_sign(keys["ed25519"], STATEMENT)
    line = pub(keys["ed25519"])

    def reason(allowed: str, message: bytes = STATEMENT, principal: str = JANE) -> str:
        return verify(message, armored, parse_allowed_signers(allowed), principal, AT).reason or ""

    assert "not in the allowed-signers file" in reason(f"{JANE} {pub(keys['other'])}")
    assert f"not listed for {OMAR}" in reason(f"{JANE} {line}", principal=OMAR)
    assert "has expired" in reason(f'{JANE} valid-before="20260227140259Z" {line}')
    assert "not yet valid" in reason(f'{JANE} valid-after="20260227140301Z" {line}')
    assert "does not match the statement" in reason(f"{JANE} {line}", message=STATEMENT[:-1])
    git_sig = ssh_sign(keys["ed25519"], STATEMENT, "git")
    assert "namespace is 'git'" in (verify(STATEMENT, git_sig, parse_allowed_signers(f"{JANE} {line}"), JANE, AT).reason or "")


def test_a_later_valid_line_admits_what_an_earlier_expired_one_refuses(keys: dict[str, Path], tmp_path: Path) -> None:
    line = pub(keys["ed25519"])
    allowed = f'{JANE} valid-before="20250101Z" {line}\n{JANE} valid-after="20260101Z" {line}\n'
    armored = ssh_sign(keys["ed25519"], STATEMENT)
    assert verify(STATEMENT, armored, parse_allowed_signers(allowed), JANE, AT).valid
    assert ssh_verify(tmp_path, allowed, JANE, armored, STATEMENT, AT) == 0


def _armor(blob: bytes) -> str:
    return f"{BEGIN}\n{base64.b64encode(blob).decode()}\n{END}\n"


def _blob(armored: str) -> bytes:
    return base64.b64decode("".join(armored.strip().splitlines()[1:-1]))


HOSTILE = {
    "empty": "",
    "not armoured": "hello",
    "only the armour": f"{BEGIN}\n{END}",
    "bad base64": f"{BEGIN}\n!!!not-base64***\n{END}",
    "no magic": _armor(b"NOTSIG" + b"\0" * 30),
    "huge length": _armor(b"SSHSIG" + struct.pack(">I", 1) + b"\xff\xff\xff\xff" + b"x" * 10),
    "version 2": _armor(b"SSHSIG" + struct.pack(">I", 2)),
    "truncated after magic": _armor(b"SSHSIG\0\0"),
    "huge text": BEGIN + "A" * 100_000 + END,
    "BEGIN only": BEGIN,
}


@pytest.mark.parametrize("armored", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_text_is_a_reason_never_an_exception(armored: str, keys: dict[str, Path]) -> None:
    verdict = verify(STATEMENT, armored, parse_allowed_signers(f"{JANE} {pub(keys['ed25519'])}"), JANE, AT)
    assert not verdict.valid and verdict.reason


def test_every_flipped_byte_and_every_truncation_is_refused_without_raising(keys: dict[str, Path]) -> None:
    signers = parse_allowed_signers("".join(f"{JANE} {pub(keys[k])}\n" for k in ("ed25519", "ecdsa", "rsa")))
    for key in ("ed25519", "ecdsa", "rsa"):
        blob = _blob(ssh_sign(keys[key], STATEMENT))
        assert verify(STATEMENT, _armor(blob), signers, JANE, AT).valid
        for i in range(len(blob)):
            flipped = blob[:i] + bytes([blob[i] ^ 0x55]) + blob[i + 1:]
            assert not verify(STATEMENT, _armor(flipped), signers, JANE, AT).valid, (key, i)
        for size in range(len(blob)):
            assert not verify(STATEMENT, _armor(blob[:size]), signers, JANE, AT).valid, (key, size)
        assert "trailing bytes" in (verify(STATEMENT, _armor(blob + b"\0"), signers, JANE, AT).reason or "")


def test_unsupported_hash_and_small_rsa_keys_are_refused(keys: dict[str, Path], tmp_path: Path) -> None:
    small = keygen(tmp_path, "small", "rsa", 1024)
    armored = ssh_sign(small, STATEMENT)
    verdict = verify(STATEMENT, armored, parse_allowed_signers(f"{JANE} {pub(small)}"), JANE, AT)
    assert not verdict.valid and "under 2048 bits" in (verdict.reason or "")
    sig = parse_armored(ssh_sign(keys["ed25519"], STATEMENT))
    sha1 = sig._replace(hash_algorithm="sha1").to_armored()
    verdict = verify(STATEMENT, sha1, parse_allowed_signers(f"{JANE} {pub(keys['ed25519'])}"), JANE, AT)
    assert not verdict.valid and "'sha1' is not sha256 or sha512" in (verdict.reason or "")


def test_armour_round_trips_byte_for_byte(keys: dict[str, Path]) -> None:
    for key in ("ed25519", "rsa"):
        armored = ssh_sign(keys[key], STATEMENT)
        assert parse_armored(armored).to_armored() == armored


def test_reading_signatures_loads_the_crypto_libraries_only_when_one_is_verified() -> None:
    code = ("import sys; import qms_docs.signatures.sshsig, qms_docs.signatures.allowed_signers, "
            "qms_docs.signatures.statement, qms_docs.signatures.signer; print('cryptography' in sys.modules, "
            "'nacl' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "False False"


@pytest.mark.parametrize("body", ["U1NIU0lH\u00e9", "U1NI=U0lH", "=U1NIU0lH", "U1NIU0l", "U1NI*U0lH"])
def test_armour_that_is_not_strict_base64_is_named_as_such(body: str, keys: dict[str, Path]) -> None:
    """Non-ASCII, padding before the end, missing padding, a character outside the alphabet: refused as base64."""
    verdict = verify(STATEMENT, f"{BEGIN}\n{body}\n{END}\n", parse_allowed_signers(f"{JANE} {pub(keys['ed25519'])}"),
                     JANE, AT)
    assert not verdict.valid and verdict.reason == "the signature is not valid base64"
