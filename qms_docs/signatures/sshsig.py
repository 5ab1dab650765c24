"""SSH signatures (OpenSSH PROTOCOL.sshsig) parsed and verified in-process, no process per signature; pure.

A verdict never raises: malformed armour, bad base64, truncated blobs and absurd lengths all become a
reason. Supported keys: ssh-ed25519, ecdsa-sha2-nistp256/384/521, RSA with rsa-sha2-256/512 (never
SHA-1 `ssh-rsa` signatures, never RSA keys under 2048 bits: see keys.py). Certificates and security keys are refused.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import struct
from collections.abc import Callable, Mapping
from functools import cache, lru_cache
from typing import Any, NamedTuple

from qms_docs.model.document import Approval
from qms_docs.signatures.allowed_signers import AllowedSigners, PublicKey
from qms_docs.signatures.statement import missing_fields, statement_bytes, statement_fields, statement_of

NAMESPACE = "qms-approval"
BEGIN, END = "-----BEGIN SSH SIGNATURE-----", "-----END SSH SIGNATURE-----"
MAGIC = b"SSHSIG"
MAX_ARMORED = 65536
MAX_VERDICTS = 65536  # verdicts verify_approval keeps (then it starts afresh)
_HASHES = {"sha256": hashlib.sha256, "sha512": hashlib.sha512}
_U32 = struct.Struct(">I")
_TRUNCATED = "the signature is truncated (a length points past its end)"


class Verdict(NamedTuple):  # a plain record: a NamedTuple costs a tenth of a dataclass to define
    """Whether a signature counts; `principal` is set only when valid, `fingerprint` whenever the key was read."""

    valid: bool
    principal: str | None = None
    fingerprint: str | None = None
    reason: str | None = None


class Signature(NamedTuple):  # a plain record: a NamedTuple costs a tenth of a dataclass to define
    """The fields of one SSHSIG blob."""

    key: PublicKey
    namespace: bytes
    reserved: bytes
    hash_algorithm: str
    sig_format: str
    sig_bytes: bytes

    def signed_data(self, message: bytes) -> bytes:
        """What the key signed: MAGIC + string(namespace, reserved, hash_alg, H(message))."""
        digest = _HASHES[self.hash_algorithm](message).digest()
        return _signed_head(self.namespace, self.reserved, self.hash_algorithm) + _string(digest)

    def to_armored(self) -> str:
        """The armoured text ssh-keygen writes (base64 wrapped at 70 columns)."""
        sig_blob = _string(self.sig_format.encode()) + _string(self.sig_bytes)
        fields = (self.key.blob, self.namespace, self.reserved, self.hash_algorithm.encode(), sig_blob)
        blob = MAGIC + struct.pack(">I", 1) + b"".join(_string(f) for f in fields)
        text = base64.b64encode(blob).decode()
        return "\n".join([BEGIN, *(text[i:i + 70] for i in range(0, len(text), 70)), END]) + "\n"


@lru_cache(maxsize=64)
def _signed_head(namespace: bytes, reserved: bytes, hash_algorithm: str) -> bytes:
    """What the signed data holds before the message's hash (one per namespace and hash, in practice)."""
    return b"".join((MAGIC, _string(namespace), _string(reserved), _string(hash_algorithm.encode())))


class MalformedSignature(ValueError):
    """The text is not an SSH signature this verifier reads; the message says why."""


def verify_entry(doc_id: str, entry: Mapping[str, Any], signers: AllowedSigners,
                 when: dt.datetime | None = None) -> Verdict:
    """Does the entry's `sig` sign its statement by a key listed for its `email`, valid at `when` (default: its `at`)?"""
    statement = statement_of(doc_id, entry)
    if statement is None:
        return Verdict(False, reason=f"the entry lacks a valid {', '.join(missing_fields(doc_id, entry))}")
    armored = entry.get("sig")
    if not isinstance(armored, str):
        return Verdict(False, reason="the entry has no `sig` text")
    return verify(statement.to_bytes(), armored, signers, statement.email, statement.at if when is None else when)


_verdicts: dict[tuple[bytes, str, AllowedSigners], Verdict] = {}


def verify_approval(doc_id: str, approval: Approval, signers: AllowedSigners) -> Verdict:
    """verify_entry for an entry of a parsed document, one verification per distinct statement, signature and
    allowed-signers file (a history shows the same entry in many versions): the statement's bytes hold the
    signer and the time that the verdict depends on, so the three decide it."""
    fields = statement_fields(doc_id, approval)
    armored = approval.raw.get("sig")
    if fields is None or not isinstance(armored, str):
        return verify_entry(doc_id, approval.raw, signers)
    message = statement_bytes(fields)
    key = (message, armored, signers)
    verdict = _verdicts.get(key)
    if verdict is None:
        if len(_verdicts) >= MAX_VERDICTS:
            _verdicts.clear()
        verdict = _verdicts[key] = verify(message, armored, signers, fields[6], fields[5])
    return verdict


def verify(message: bytes, armored: str, signers: AllowedSigners, principal: str, when: dt.datetime,
           namespace: str = NAMESPACE) -> Verdict:
    """Does `armored` sign `message` in `namespace` with a key the file lists for `principal`, valid at `when`?"""
    try:
        sig = parse_armored(armored)
    except MalformedSignature as e:
        return Verdict(False, reason=str(e))
    fingerprint = sig.key.fingerprint
    if sig.namespace != namespace.encode():
        return Verdict(False, fingerprint=fingerprint,
                       reason=f"signature namespace is {sig.namespace.decode(errors='replace')!r}, not {namespace!r}")
    refusal = signers.refusal(sig.key, principal, namespace, when)
    if refusal is not None:
        return Verdict(False, fingerprint=fingerprint, reason=refusal)
    problem = check_signature(sig, message)
    if problem is not None:
        return Verdict(False, fingerprint=fingerprint, reason=problem)
    return _valid(principal, fingerprint)


@lru_cache(maxsize=1024)
def _valid(principal: str, fingerprint: str) -> Verdict:
    """The verdict of a valid signature (immutable: one per signer and key is shared)."""
    return Verdict(True, principal=principal, fingerprint=fingerprint)


def parse_armored(armored: str) -> Signature:
    """The SSHSIG blob inside `-----BEGIN SSH SIGNATURE-----` armour; MalformedSignature when it is not one."""
    if not isinstance(armored, str):
        raise MalformedSignature("the signature is not text")
    if len(armored) > MAX_ARMORED:
        raise MalformedSignature(f"the signature is longer than {MAX_ARMORED} characters")
    text = armored.strip()
    if not (text.startswith(BEGIN) and text.endswith(END)) or len(text) < len(BEGIN) + len(END):
        raise MalformedSignature(f"the signature is not enclosed in {BEGIN} ... {END}")
    body = "".join(text[len(BEGIN):-len(END)].split())
    try:
        blob = binascii.a2b_base64(body, strict_mode=True)  # b64decode(validate=True) without its regex
    except (binascii.Error, ValueError):
        raise MalformedSignature("the signature is not valid base64") from None
    return parse_blob(blob)


def parse_blob(blob: bytes) -> Signature:
    """The fields of an SSHSIG blob; MalformedSignature when it is not one this verifier reads."""
    fields = _ed25519_fields(blob)
    if fields is not None:
        key_blob, hash_algorithm, sig_bytes = fields
        return Signature(public_key(key_blob), _NAMESPACE, b"", hash_algorithm, "ssh-ed25519", sig_bytes)
    return parse_wire(blob)


def parse_wire(blob: bytes) -> Signature:
    """parse_blob field by field (any key type, namespace and layout): every length checked."""
    reader = WireReader(blob)
    if reader.take(len(MAGIC)) != MAGIC:
        raise MalformedSignature("the signature does not start with SSHSIG")
    if reader.uint32() != 1:
        raise MalformedSignature("the signature is not SSHSIG version 1")
    key_blob = reader.string()
    namespace, reserved = reader.string(), reader.string()
    hash_algorithm = ascii_text(reader.string(), "hash algorithm")
    sig_blob = reader.string()
    reader.end()
    if hash_algorithm not in _HASHES:
        raise MalformedSignature(f"hash algorithm {hash_algorithm!r} is not sha256 or sha512")
    key = public_key(key_blob)
    inner = WireReader(sig_blob)
    sig_format, sig_bytes = ascii_text(inner.string(), "signature format"), inner.string()
    inner.end()
    return Signature(key, namespace, reserved, hash_algorithm, sig_format, sig_bytes)


@lru_cache(maxsize=256)
def public_key(blob: bytes) -> PublicKey:
    """The key of a wire blob, one object per distinct key (a history has few signers and many signatures,
    so its fingerprint and its verifying key are worked out once)."""
    return PublicKey(ascii_text(WireReader(blob).string(), "key type"), blob)


def check_signature(sig: Signature, message: bytes) -> str | None:
    """None when the key's signature over the signed data holds; else why not."""
    try:
        holds = _verify_raw()(sig.key, sig.sig_format, sig.sig_bytes, sig.signed_data(message))
    except (MalformedSignature, ValueError, TypeError) as e:
        return str(e) or "the signature cannot be read"
    if not holds:
        return "the signature does not match the statement (changed after signing, or signed by another key)"
    return None


@cache
def _verify_raw() -> Callable[[PublicKey, str, bytes, bytes], bool]:
    """keys.verify_raw: the crypto libraries load on the first signature, not on import."""
    from qms_docs.signatures.keys import verify_raw

    return verify_raw


def require(condition: bool, reason: str) -> None:
    if not condition:
        raise MalformedSignature(reason)


def _string(value: bytes) -> bytes:
    return _U32.pack(len(value)) + value


def ascii_text(value: bytes, what: str) -> str:
    try:
        return value.decode("ascii")
    except UnicodeDecodeError:
        raise MalformedSignature(f"the {what} is not ASCII") from None


class WireReader:
    """SSH wire format (RFC 4251): every length is checked against what is left."""

    def __init__(self, data: bytes):
        self.data, self.pos = data, 0

    def take(self, size: int) -> bytes:
        if size > len(self.data) - self.pos:
            raise MalformedSignature(_TRUNCATED)
        chunk = self.data[self.pos:self.pos + size]
        self.pos += size
        return chunk

    def uint32(self) -> int:
        (value,) = _U32.unpack(self.take(4))
        return int(value)

    def string(self) -> bytes:
        """A length-prefixed string (one bounds check for the length, one for the data)."""
        data, pos = self.data, self.pos
        if len(data) - pos < 4:
            raise MalformedSignature(_TRUNCATED)
        (size,) = _U32.unpack_from(data, pos)
        end = pos + 4 + size
        if end > len(data):
            raise MalformedSignature(_TRUNCATED)
        self.pos = end
        return data[pos + 4:end]

    def mpint(self) -> int:
        raw = self.string()
        require(not raw or raw[0] < 0x80, "a negative number in the signature")
        return int.from_bytes(raw, "big")

    def end(self) -> None:
        require(self.pos == len(self.data), "trailing bytes in the signature")


# The fast path of parse_blob: the one layout ssh-keygen writes for an ed25519 key -------------------------

def _ed25519_layout(hash_algorithm: str) -> bytes:
    """The bytes of an ed25519 SSHSIG in namespace NAMESPACE between the key and the signature: namespace,
    empty reserved field, hash algorithm, and the heads of the signature blob and of its 64 signature bytes."""
    return (_string(_NAMESPACE) + _string(b"") + _string(hash_algorithm.encode())
            + _U32.pack(4 + len(_ED25519) + 4 + 64) + _string(_ED25519) + _U32.pack(64))


_NAMESPACE, _ED25519 = NAMESPACE.encode(), b"ssh-ed25519"
_ED25519_KEY = _string(_ED25519) + _U32.pack(32)  # the key blob up to its 32 bytes
_ED25519_HEAD = MAGIC + _U32.pack(1) + _U32.pack(len(_ED25519_KEY) + 32) + _ED25519_KEY
_ED25519_MIDDLES = {_ed25519_layout(h): h for h in _HASHES}
_KEY_START, _KEY_END = len(_ED25519_HEAD) - len(_ED25519_KEY), len(_ED25519_HEAD) + 32


def _ed25519_fields(blob: bytes) -> tuple[bytes, str, bytes] | None:
    """(key blob, hash algorithm, signature bytes) of the one layout `ssh-keygen -Y sign -n qms-approval` writes
    with an ed25519 key, found at fixed offsets: the head up to the key's 32 bytes, then one of the middles, then
    64 signature bytes (a middle is never empty, so a shorter blob matches none); None for anything else, which
    parse_wire reads. A blob of this exact layout is what parse_wire reads field by field: the fields are the same."""
    if not blob.startswith(_ED25519_HEAD):
        return None
    hash_algorithm = _ED25519_MIDDLES.get(blob[_KEY_END:-64])
    if hash_algorithm is None:
        return None
    return blob[_KEY_START:_KEY_END], hash_algorithm, blob[-64:]
