"""The cryptography side of entry signatures: an SSH public-key blob and a signature blob, verified in-process.

Imported on the first verification only, so that `qms check` pays for a crypto library only when a document
carries a signature. ed25519, what `ssh-keygen` makes by default and nearly every history holds, is verified
with libsodium (PyNaCl): 56-70 µs a signature here against OpenSSL's 105 µs, which halves what a history of
thousands of signed entries spends on them. libsodium's check also refuses keys of small order, under which
a fixed signature verifies for every statement (no `ssh-keygen` key is one). ECDSA and RSA keys are
verified with `cryptography` (OpenSSL), imported only when such a key appears.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import TYPE_CHECKING

from nacl.bindings import crypto_sign_open
from nacl.exceptions import BadSignatureError

from qms_docs.signatures.allowed_signers import PublicKey
from qms_docs.signatures.sshsig import MalformedSignature, WireReader, ascii_text, require

if TYPE_CHECKING:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

MIN_RSA_BITS = 2048
CURVE_TYPES = ("ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521")
RSA_FORMATS = ("rsa-sha2-256", "rsa-sha2-512")


@cache
def _curves() -> dict[str, tuple[ec.EllipticCurve, hashes.HashAlgorithm]]:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    return {"ecdsa-sha2-nistp256": (ec.SECP256R1(), hashes.SHA256()),
            "ecdsa-sha2-nistp384": (ec.SECP384R1(), hashes.SHA384()),
            "ecdsa-sha2-nistp521": (ec.SECP521R1(), hashes.SHA512())}


@cache
def _rsa_hashes() -> dict[str, hashes.HashAlgorithm]:
    from cryptography.hazmat.primitives import hashes

    return {"rsa-sha2-256": hashes.SHA256(), "rsa-sha2-512": hashes.SHA512()}


def verify_raw(key: PublicKey, sig_format: str, sig_bytes: bytes, data: bytes) -> bool:
    """Whether the signature holds; raises MalformedSignature (or ValueError) when it cannot be read."""
    if key.key_type == "ssh-ed25519":
        raw = _ed25519_key(key.blob)
        require(sig_format == "ssh-ed25519", f"signature format {sig_format!r} does not fit an ssh-ed25519 key")
        if len(sig_bytes) != 64:  # crypto_sign_open reads the signature off the front of signature + data
            return False
        try:
            crypto_sign_open(sig_bytes + data, raw)
        except BadSignatureError:
            return False
        return True
    from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
    from cryptography.hazmat.primitives.asymmetric import ec, padding

    try:
        public = _public_key(key.key_type, key.blob)
        if isinstance(public, ec.EllipticCurvePublicKey):
            from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

            require(sig_format == key.key_type, f"signature format {sig_format!r} does not fit an {key.key_type} key")
            reader = WireReader(sig_bytes)
            r, s = reader.mpint(), reader.mpint()
            reader.end()
            public.verify(encode_dss_signature(r, s), data, ec.ECDSA(_curves()[key.key_type][1]))
        else:
            require(sig_format in RSA_FORMATS, f"signature format {sig_format!r} is refused (RSA needs rsa-sha2-256/512)")
            public.verify(sig_bytes, data, padding.PKCS1v15(), _rsa_hashes()[sig_format])
    except InvalidSignature:
        return False
    except UnsupportedAlgorithm as e:
        raise MalformedSignature(str(e) or f"key type {key.key_type!r} cannot be read") from e
    return True


@lru_cache(maxsize=256)
def _ed25519_key(blob: bytes) -> bytes:
    """The 32 bytes of an ssh-ed25519 wire blob."""
    reader = WireReader(blob)
    reader.string()
    raw = reader.string()
    reader.end()
    require(len(raw) == 32, "an ssh-ed25519 key has 32 bytes")
    return raw


@lru_cache(maxsize=256)
def _public_key(key_type: str, blob: bytes) -> ec.EllipticCurvePublicKey | rsa.RSAPublicKey:
    """The key inside a wire blob (cached: a repository has few signers and many signatures)."""
    reader = WireReader(blob)
    reader.string()
    if key_type in CURVE_TYPES:
        from cryptography.hazmat.primitives.asymmetric import ec

        curve_name, point = ascii_text(reader.string(), "curve"), reader.string()
        reader.end()
        require(key_type == f"ecdsa-sha2-{curve_name}", f"curve {curve_name!r} does not fit {key_type}")
        return ec.EllipticCurvePublicKey.from_encoded_point(_curves()[key_type][0], point)
    if key_type == "ssh-rsa":
        from cryptography.hazmat.primitives.asymmetric import rsa

        e, n = reader.mpint(), reader.mpint()
        reader.end()
        require(n.bit_length() >= MIN_RSA_BITS, f"RSA keys under {MIN_RSA_BITS} bits are refused")
        return rsa.RSAPublicNumbers(e, n).public_key()
    raise MalformedSignature(f"key type {key_type!r} is not supported for entry signatures")
