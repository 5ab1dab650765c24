"""The ed25519 fast path of the SSHSIG reader refuses exactly what the field-by-field reader refuses, with the
same reason, and agrees with `ssh-keygen -Y verify` on a tampered byte in each field."""

from __future__ import annotations

import base64
import struct
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import load_ssh_private_key

from qms_docs.signatures import sshsig
from qms_docs.signatures.allowed_signers import AllowedSigners, parse_allowed_signers
from qms_docs.signatures.sshsig import BEGIN, END, MalformedSignature, Signature, Verdict, parse_armored, parse_wire, public_key
from tests.sshsig_support import AT, JANE, keygen, needs_ssh_keygen, pub, ssh_sign, ssh_verify
from tests.test_sshsig import STATEMENT

pytestmark = needs_ssh_keygen


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("keys")
    return {"ed25519": keygen(folder, "jane", "ed25519"), "ecdsa": keygen(folder, "jane-ec", "ecdsa", 256)}


@pytest.fixture(scope="module")
def signers(keys: dict[str, Path]) -> AllowedSigners:
    return parse_allowed_signers("".join(f"{JANE} {pub(keys[k])}\n" for k in ("ed25519", "ecdsa")))


def _armor(blob: bytes) -> str:
    return f"{BEGIN}\n{base64.b64encode(blob).decode()}\n{END}\n"


def _blob(armored: str) -> bytes:
    return base64.b64decode("".join(armored.strip().splitlines()[1:-1]))


def _sha256_signature(key: Path) -> str:
    """What ssh-keygen would write with `-O hashalg=sha256` (made in-process: not every ssh-keygen has it)."""
    private = load_ssh_private_key(key.read_bytes(), password=None)
    assert isinstance(private, Ed25519PrivateKey)
    template = parse_armored(ssh_sign(key, STATEMENT))._replace(hash_algorithm="sha256", sig_bytes=b"")
    return template._replace(sig_bytes=private.sign(template.signed_data(STATEMENT))).to_armored()


def _both(blob: bytes, signers: AllowedSigners, monkeypatch: pytest.MonkeyPatch) -> tuple[Verdict, Verdict]:
    """(verdict with the fast path, verdict read field by field) on the same armoured blob."""
    fast = sshsig.verify(STATEMENT, _armor(blob), signers, JANE, AT)
    with monkeypatch.context() as m:
        m.setattr(sshsig, "_ed25519_fields", lambda _blob: None)
        generic = sshsig.verify(STATEMENT, _armor(blob), signers, JANE, AT)
    return fast, generic


def _parsed(read: object, blob: bytes) -> Signature | str:
    try:
        return read(blob)  # type: ignore[operator, no-any-return]
    except MalformedSignature as e:
        return f"refused: {e}"


def test_the_layout_ssh_keygen_writes_takes_the_fast_path_with_the_fields_of_the_full_reader(
        keys: dict[str, Path], signers: AllowedSigners) -> None:
    for armored in (ssh_sign(keys["ed25519"], STATEMENT), _sha256_signature(keys["ed25519"])):
        blob = _blob(armored)
        assert sshsig._ed25519_fields(blob) is not None
        assert sshsig.parse_blob(blob) == parse_wire(blob)
        assert sshsig.verify(STATEMENT, armored, signers, JANE, AT).valid
    assert sshsig._ed25519_fields(_blob(ssh_sign(keys["ecdsa"], STATEMENT))) is None


def test_every_flipped_byte_truncation_and_trailing_byte_gets_the_full_readers_verdict(
        keys: dict[str, Path], signers: AllowedSigners, monkeypatch: pytest.MonkeyPatch) -> None:
    for armored in (ssh_sign(keys["ed25519"], STATEMENT), _sha256_signature(keys["ed25519"])):
        blob = _blob(armored)
        changed = [blob[:i] + bytes([blob[i] ^ 0x55]) + blob[i + 1:] for i in range(len(blob))]
        changed += [blob[:size] for size in range(len(blob))] + [blob + b"\0", blob + blob[-64:]]
        for other in changed:
            fast, generic = _both(other, signers, monkeypatch)
            assert fast == generic and not fast.valid, (blob.hex(), other.hex())
            assert _parsed(sshsig.parse_blob, other) == _parsed(parse_wire, other)


FIELDS = {  # a byte of each field of an ed25519 SSHSIG (offsets in the blob ssh-keygen writes)
    "magic": 0, "version": 9, "key length": 13, "key type": 20, "key bytes": 40, "namespace length": 68,
    "namespace": 72, "reserved": 84, "hash algorithm": 90, "signature blob length": 97, "signature format": 105,
    "signature length": 115, "signature bytes": 150,
}


@pytest.mark.parametrize("offset", FIELDS.values(), ids=FIELDS.keys())
def test_a_tampered_byte_in_each_field_is_refused_as_ssh_keygen_refuses_it(
        offset: int, keys: dict[str, Path], signers: AllowedSigners, monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    blob = _blob(ssh_sign(keys["ed25519"], STATEMENT))
    tampered = blob[:offset] + bytes([blob[offset] ^ 0x02]) + blob[offset + 1:]  # (version 0 passes ssh-keygen)
    fast, generic = _both(tampered, signers, monkeypatch)
    assert fast == generic and not fast.valid and fast.reason
    allowed = f"{JANE} {pub(keys['ed25519'])}\n"
    assert ssh_verify(tmp_path, allowed, JANE, _armor(tampered), STATEMENT, AT) != 0


@pytest.mark.parametrize("case", ["git namespace", "ecdsa key", "reserved field", "sha1"])
def test_what_the_fast_path_leaves_to_the_full_reader_gets_its_reason(
        case: str, keys: dict[str, Path], signers: AllowedSigners, monkeypatch: pytest.MonkeyPatch) -> None:
    """A wrong namespace, another key type, a non-empty reserved field, another hash: same verdict both ways."""
    ed25519 = parse_armored(ssh_sign(keys["ed25519"], STATEMENT))
    armored = {"git namespace": ssh_sign(keys["ed25519"], STATEMENT, "git"),
               "ecdsa key": ssh_sign(keys["ecdsa"], STATEMENT),
               "reserved field": ed25519._replace(reserved=b"x").to_armored(),
               "sha1": ed25519._replace(hash_algorithm="sha1").to_armored()}[case]
    blob = _blob(armored)
    if case != "ecdsa key":
        assert sshsig._ed25519_fields(blob) is None
    fast, generic = _both(blob, signers, monkeypatch)
    assert fast == generic
    assert fast.valid is (case == "ecdsa key")


def _ed25519_blob(point: bytes) -> bytes:
    return b"".join(struct.pack(">I", len(f)) + f for f in (b"ssh-ed25519", point))


@pytest.mark.parametrize("sig_bytes", [b"\x01" + bytes(63), b"\x01" + bytes(62), b"\x01" + bytes(64)])
def test_a_small_order_key_proves_nothing(sig_bytes: bytes) -> None:
    """Under the identity point as a key, R = identity and S = 0 satisfy the bare verification equation for every
    statement: a `sig` that anyone can make (`ssh-keygen -Y verify` and OpenSSL's ed25519 accept it). A listed key
    of small order, and a signature of the wrong length, is refused, never an exception."""
    key = _ed25519_blob(b"\x01" + bytes(31))
    signers = parse_allowed_signers(f"{JANE} ssh-ed25519 {base64.b64encode(key).decode()}\n")
    forged = Signature(public_key(key), b"qms-approval", b"", "sha512", "ssh-ed25519", sig_bytes)
    verdict = sshsig.verify(STATEMENT, forged.to_armored(), signers, JANE, AT)
    assert not verdict.valid
    assert verdict.reason == "the signature does not match the statement (changed after signing, or signed by another key)"


def test_a_malleated_signature_is_refused_as_before(keys: dict[str, Path], signers: AllowedSigners) -> None:
    """S + L (the group order) satisfies the verification equation like S; RFC 8032 refuses it, as OpenSSL did
    before libsodium verified ed25519 here: the switch of library changed no verdict on a real key."""
    order = 2**252 + 27742317777372353535851937790883648493
    genuine = parse_armored(ssh_sign(keys["ed25519"], STATEMENT))
    s = int.from_bytes(genuine.sig_bytes[32:], "little") + order
    malleated = genuine._replace(sig_bytes=genuine.sig_bytes[:32] + s.to_bytes(32, "little"))
    assert sshsig.verify(STATEMENT, genuine.to_armored(), signers, JANE, AT).valid
    assert not sshsig.verify(STATEMENT, malleated.to_armored(), signers, JANE, AT).valid
