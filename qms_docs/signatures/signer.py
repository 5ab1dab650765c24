"""Sign a statement with `ssh-keygen -Y sign -n qms-approval`, finding the key as git's SSH signing does.

`user.signingkey` is a key file (private, or public with the private half in ssh-agent), a literal
`key::ssh-ed25519 AAAA...` (the private half in ssh-agent), or unset (the first ssh-agent key that the
allowed-signers file lists for the signer). A key the file does not list for the signer's e-mail is
refused before ssh-keygen runs; the signature ssh-keygen writes is verified before it is returned.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from qms_docs.errors import QmsError, UsageError
from qms_docs.signatures.allowed_signers import AllowedSigners, PublicKey, parse_public_key
from qms_docs.signatures.sshsig import NAMESPACE, MalformedSignature, WireReader, verify

TIMEOUT_SECONDS = 120
_PRIVATE_BEGIN, _PRIVATE_END = "-----BEGIN OPENSSH PRIVATE KEY-----", "-----END OPENSSH PRIVATE KEY-----"
_PRIVATE_MAGIC = b"openssh-key-v1\0"


@dataclass(frozen=True)
class KeyFile:
    """A private key file, or a public key file whose private half is in ssh-agent."""

    path: Path


@dataclass(frozen=True)
class LiteralKey:
    """A public key written into `user.signingkey`; the private half is in ssh-agent."""

    public_key: str


@dataclass(frozen=True)
class AgentKey:
    """No key configured: an ssh-agent key that the allowed-signers file lists for the signer."""


KeySpec = KeyFile | LiteralKey | AgentKey


class SigningRefused(QmsError):
    """The signer's key cannot make a signature that counts (exit 1); nothing was written."""


def key_spec(signingkey: str | None) -> KeySpec:
    """The key git's `gpg.format=ssh` would use for this `user.signingkey` value."""
    value = (signingkey or "").strip()
    if not value:
        return AgentKey()
    if value.startswith("key::"):
        return LiteralKey(value[len("key::"):].strip())
    if value.startswith(("ssh-", "ecdsa-", "sk-")):  # git's older literal form
        return LiteralKey(value)
    return KeyFile(Path(value).expanduser())


def sign_statement(statement: bytes, key: KeySpec, email: str, signers: AllowedSigners, at: dt.datetime,
                   env: Mapping[str, str] | None = None) -> str:
    """The armoured SSH signature of `statement` by the signer's key; SigningRefused when it would not count."""
    environ = dict(os.environ if env is None else env)
    public, in_agent = _public_key(key, email, signers, at, environ)
    refusal = signers.refusal(public, email, NAMESPACE, at)
    if refusal is not None:
        raise SigningRefused(f"{email} cannot sign with {public.fingerprint}: {refusal}; the allowed-signers file "
                             f"needs the line: {email} namespaces=\"{NAMESPACE}\" {public.openssh()}")
    with tempfile.TemporaryDirectory(prefix="qms-sign-") as tmp:
        if isinstance(key, KeyFile) and not in_agent:
            key_path = key.path
        else:
            key_path = Path(tmp) / "signer.pub"
            key_path.write_text(public.openssh() + "\n", encoding="ascii")
        argv = [_ssh_keygen(), "-Y", "sign", "-n", NAMESPACE, "-f", str(key_path), *(["-U"] if in_agent else [])]
        proc = _run(argv, statement, environ)
    if proc.returncode != 0:
        raise SigningRefused(f"ssh-keygen could not sign with {public.fingerprint}: "
                             f"{proc.stderr.decode(errors='replace').strip() or f'exit {proc.returncode}'}")
    armored = proc.stdout.decode("ascii", errors="replace")
    verdict = verify(statement, armored, signers, email, at)
    if not verdict.valid:
        raise SigningRefused(f"the signature ssh-keygen made with {public.fingerprint} does not verify: {verdict.reason}")
    return armored


def _public_key(key: KeySpec, email: str, signers: AllowedSigners, at: dt.datetime,
                env: dict[str, str]) -> tuple[PublicKey, bool]:
    """The public key that will sign, and whether its private half is in ssh-agent."""
    if isinstance(key, LiteralKey):
        public = parse_public_key(key.public_key)
        if public is None:
            raise UsageError(f"user.signingkey is not an SSH public key: {key.public_key[:40]!r}")
        return public, True
    if isinstance(key, KeyFile):
        return _key_file_public(key.path)
    listed = [k for k in _agent_keys(env) if signers.refusal(k, email, NAMESPACE, at) is None]
    if not listed:
        raise SigningRefused(f"no key in ssh-agent is listed for {email} in the allowed-signers file; set "
                             "user.signingkey to your key file, or add your key to the agent (ssh-add)")
    return listed[0], True


def _key_file_public(path: Path) -> tuple[PublicKey, bool]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as e:
        raise UsageError(f"user.signingkey {path}: cannot read the key file ({e.strerror})") from None
    public = parse_public_key(text)
    if public is not None:
        return public, True
    public = _private_key_public(text)
    if public is None:
        pub_path = path.with_name(path.name + ".pub")
        public = parse_public_key(pub_path.read_text(encoding="utf-8", errors="replace")) if pub_path.is_file() else None
    if public is None:
        raise UsageError(f"user.signingkey {path}: not an SSH key file (and no readable {path.name}.pub beside it)")
    return public, False


def _private_key_public(text: str) -> PublicKey | None:
    """The public key stored in clear in an OpenSSH private key file (even an encrypted one)."""
    body = text.strip()
    if not (body.startswith(_PRIVATE_BEGIN) and body.endswith(_PRIVATE_END)):
        return None
    try:
        blob = base64.b64decode("".join(body[len(_PRIVATE_BEGIN):-len(_PRIVATE_END)].split()), validate=True)
        reader = WireReader(blob)
        if reader.take(len(_PRIVATE_MAGIC)) != _PRIVATE_MAGIC:
            return None
        for _ in range(3):  # cipher, kdf, kdf options
            reader.string()
        reader.uint32()
        key_blob = reader.string()
        key_type = WireReader(key_blob).string().decode("ascii")
    except (binascii.Error, ValueError, MalformedSignature):
        return None
    return parse_public_key(f"{key_type} {base64.b64encode(key_blob).decode()}")


def _agent_keys(env: dict[str, str]) -> list[PublicKey]:
    if not env.get("SSH_AUTH_SOCK"):
        raise SigningRefused("user.signingkey is not set and no ssh-agent is running (SSH_AUTH_SOCK is unset)")
    ssh_add = shutil.which("ssh-add")
    if ssh_add is None:
        raise UsageError("ssh-add was not found: install OpenSSH, or set user.signingkey to your key file")
    proc = _run([ssh_add, "-L"], b"", env)
    keys = [parse_public_key(line) for line in proc.stdout.decode("ascii", errors="replace").splitlines()]
    return [k for k in keys if k is not None]


def _ssh_keygen() -> str:
    exe = shutil.which("ssh-keygen")
    if exe is None:
        raise UsageError("ssh-keygen was not found: install OpenSSH (8.2 or later) to sign approvals")
    return exe


def _run(argv: list[str], stdin: bytes, env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(argv, input=stdin, capture_output=True, env=env, timeout=TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise SigningRefused(f"{Path(argv[0]).name} did not finish within {TIMEOUT_SECONDS} s "
                             "(waiting for a passphrase or a security-key touch?)") from None
    except OSError as e:
        raise UsageError(f"cannot run {argv[0]}: {e.strerror}") from None
