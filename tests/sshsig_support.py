"""Real SSH keys, `ssh-keygen -Y sign/verify` and an ssh-agent for the signature tests."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import load_ssh_private_key

from qms_docs.signatures.allowed_signers import PublicKey, parse_public_key
from qms_docs.signatures.sshsig import NAMESPACE, Signature

JANE = "jane@acme.example"
OMAR = "omar@acme.example"
AT = dt.datetime(2026, 2, 27, 14, 3, tzinfo=dt.UTC)

needs_ssh_keygen = pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="ssh-keygen (OpenSSH) is not installed")


def keygen(folder: Path, name: str, key_type: str, bits: int | None = None, passphrase: str = "") -> Path:
    """A new key pair `folder/name` and `folder/name.pub`, made by ssh-keygen."""
    path = folder / name
    argv = ["ssh-keygen", "-q", "-t", key_type, "-N", passphrase, "-C", f"{name}@test", "-f", str(path)]
    subprocess.run(argv + (["-b", str(bits)] if bits else []), check=True, capture_output=True)
    return path


def pub(key: Path) -> str:
    """`type base64` of a key's .pub file (no comment)."""
    return " ".join(key.with_name(key.name + ".pub").read_text(encoding="ascii").split()[:2])


def public_key(key: Path) -> PublicKey:
    parsed = parse_public_key(pub(key))
    assert parsed is not None
    return parsed


def ssh_sign(key: Path, message: bytes, namespace: str = NAMESPACE) -> str:
    proc = subprocess.run(["ssh-keygen", "-Y", "sign", "-n", namespace, "-f", str(key)], input=message,
                          capture_output=True, check=True)
    return proc.stdout.decode("ascii")


def ssh_verify(folder: Path, allowed: str, principal: str, armored: str, message: bytes, at: dt.datetime,
               namespace: str = NAMESPACE) -> int:
    """The exit code of `ssh-keygen -Y verify` for this signature, allowed-signers text and verify time."""
    (folder / "allowed_signers").write_text(allowed, encoding="utf-8")
    (folder / "message.sig").write_text(armored, encoding="utf-8")
    argv = ["ssh-keygen", "-Y", "verify", "-f", str(folder / "allowed_signers"), "-I", principal, "-n", namespace,
            "-s", str(folder / "message.sig"), "-O", f"verify-time={at.strftime('%Y%m%d%H%M%S')}Z"]
    return subprocess.run(argv, input=message, capture_output=True).returncode


def forge_rsa(key: Path, message: bytes, sig_format: str, hash_algorithm: str = "sha512") -> str:
    """An SSHSIG made in-process with an RSA key, for the formats ssh-keygen never writes (rsa-sha2-256, ssh-rsa)."""
    private = load_ssh_private_key(key.read_bytes(), password=None)
    assert isinstance(private, rsa.RSAPrivateKey)
    template = Signature(public_key(key), NAMESPACE.encode(), b"", hash_algorithm, sig_format, b"")
    digest = {"rsa-sha2-256": hashes.SHA256(), "rsa-sha2-512": hashes.SHA512(), "ssh-rsa": hashes.SHA1()}[sig_format]
    signed = private.sign(template.signed_data(message), padding.PKCS1v15(), digest)
    return template._replace(sig_bytes=signed).to_armored()


@contextmanager
def ssh_agent(folder: Path, *keys: Path) -> Iterator[dict[str, str]]:
    """A private ssh-agent holding `keys`; yields the environment that reaches it."""
    if shutil.which("ssh-agent") is None or shutil.which("ssh-add") is None:
        pytest.skip("ssh-agent/ssh-add (OpenSSH) are not installed")
    sock = folder / "agent.sock"
    agent = subprocess.Popen(["ssh-agent", "-D", "-a", str(sock)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            if sock.exists():
                break
            time.sleep(0.01)
        env = {"SSH_AUTH_SOCK": str(sock), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        for key in keys:
            subprocess.run(["ssh-add", str(key)], env=env, check=True, capture_output=True)
        yield env
    finally:
        agent.terminate()
        agent.wait(timeout=10)
