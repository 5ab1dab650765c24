"""The allowed-signers file (ssh-keygen(1) ALLOWED SIGNERS): which key may sign as whom, in which namespace, when; pure.

One line: `principals [options] keytype base64-key [comment]`. Principals and `namespaces="..."` are
comma-separated patterns (`*`, `?`, `!negation`), matched case-sensitively as OpenSSH does. Options:
`namespaces=`, `valid-after=`, `valid-before=` (YYYYMMDD[HHMM[SS]], read as UTC whether or not it ends in
`Z`, so that every machine judges alike; ssh-keygen reads a time without `Z` as local time: write the `Z`),
and `cert-authority`. Certificate signatures are refused, so a `cert-authority` line admits nothing.
A malformed line admits nothing and is reported as a problem; the other lines still count (as ssh-keygen).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import NamedTuple

KEY_TYPES = frozenset({"ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa"})
# Types OpenSSH knows but entry signatures do not support: a line naming one is a problem, never a match.
FOREIGN_KEY_TYPES = frozenset({"ssh-dss", "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com"})
MAX_LINE = 16384
_BLANKS = re.compile("[ \t]+")


@dataclass(frozen=True)
class PublicKey:
    """An SSH public key as its wire blob (`string type` + key data)."""

    key_type: str
    blob: bytes

    @cached_property
    def fingerprint(self) -> str:
        """`SHA256:` + unpadded base64 of the blob's SHA-256, as `ssh-keygen -l` prints it."""
        return "SHA256:" + base64.b64encode(hashlib.sha256(self.blob).digest()).decode().rstrip("=")

    def openssh(self) -> str:
        """The `type base64` line of an `.pub` file."""
        return f"{self.key_type} {base64.b64encode(self.blob).decode()}"


class AllowedSigner(NamedTuple):  # a plain record: a NamedTuple costs a tenth of a dataclass to define
    """One valid line of the file."""

    line: int
    principals: str
    key: PublicKey
    namespaces: str | None = None
    valid_after: dt.datetime | None = None
    valid_before: dt.datetime | None = None
    cert_authority: bool = False


class LineProblem(NamedTuple):  # a plain record: a NamedTuple costs a tenth of a dataclass to define
    line: int
    reason: str


@dataclass(frozen=True)
class AllowedSigners:
    signers: tuple[AllowedSigner, ...]
    problems: tuple[LineProblem, ...] = ()

    def __hash__(self) -> int:  # the verdict cache's key holds the file: hashed once, not once per entry
        return self._hash

    @cached_property
    def _hash(self) -> int:
        return hash((self.signers, self.problems))

    def refusal(self, key: PublicKey, principal: str, namespace: str, when: dt.datetime) -> str | None:
        """None when a line lets `key` sign as `principal` in `namespace` at `when`; else why not."""
        lines = _listed(self, key.blob, principal)
        if lines is None:
            return f"key {key.fingerprint} is not in the allowed-signers file"
        if not lines:
            return f"key {key.fingerprint} is not listed for {principal} in the allowed-signers file"
        reasons = [_option_refusal(s, namespace, when) for s in lines]
        return None if None in reasons else reasons[0]


@lru_cache(maxsize=4096)
def _listed(signers: AllowedSigners, blob: bytes, principal: str) -> tuple[AllowedSigner, ...] | None:
    """The lines that list the key for `principal`; None when no line lists the key at all (memoised: a history
    has a few keys and signers, and thousands of signatures)."""
    lines = [s for s in signers.signers if s.key.blob == blob and not s.cert_authority]
    if not lines:
        return None
    return tuple(s for s in lines if match_pattern_list(principal, s.principals))


def _option_refusal(signer: AllowedSigner, namespace: str, when: dt.datetime) -> str | None:
    if signer.namespaces is None and signer.valid_after is None and signer.valid_before is None:
        return None
    where = f"allowed-signers line {signer.line}"
    if signer.namespaces is not None and not match_pattern_list(namespace, signer.namespaces):
        return f"{where}: the key may not sign in namespace {namespace!r}"
    if signer.valid_after is not None and when < signer.valid_after:
        return f"{where}: the key is not yet valid at {_utc_text(when)} (valid-after {_utc_text(signer.valid_after)})"
    if signer.valid_before is not None and when > signer.valid_before:
        return f"{where}: the key has expired at {_utc_text(when)} (valid-before {_utc_text(signer.valid_before)})"
    return None


def _utc_text(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def match_pattern(text: str, pattern: str) -> bool:
    """OpenSSH match_pattern: `*` any run, `?` any one character; linear-time (no regex backtracking)."""
    t = p = 0
    star_p, star_t = -1, 0
    while t < len(text):
        if p < len(pattern) and (pattern[p] == "?" or pattern[p] == text[t]) and pattern[p] != "*":
            t, p = t + 1, p + 1
        elif p < len(pattern) and pattern[p] == "*":
            star_p, star_t, p = p, t, p + 1
        elif star_p >= 0:
            star_t += 1
            t, p = star_t, star_p + 1
        else:
            return False
    return all(c == "*" for c in pattern[p:])


@lru_cache(maxsize=4096)
def match_pattern_list(text: str, patterns: str) -> bool:
    """OpenSSH match_pattern_list: a matching `!pattern` refuses outright; else any matching pattern admits."""
    admitted = False
    for pattern in patterns.split(","):
        negated = pattern.startswith("!")
        if match_pattern(text, pattern[1:] if negated else pattern):
            if negated:
                return False
            admitted = True
    return admitted


class _LineError(ValueError):
    pass


def parse_allowed_signers(text: str) -> AllowedSigners:
    """Every line of the file: the valid ones as signers, the rest as problems (never raises)."""
    signers: list[AllowedSigner] = []
    problems: list[LineProblem] = []
    for number, raw in enumerate(text.split("\n"), start=1):  # lines end at LF only, as OpenSSH's getline
        line = raw.strip(" \t\r")
        if not line or line.startswith("#"):
            continue
        try:
            signers.append(_parse_line(number, line))
        except _LineError as e:
            problems.append(LineProblem(number, str(e)))
    return AllowedSigners(tuple(signers), tuple(problems))


def _parse_line(number: int, line: str) -> AllowedSigner:
    if len(line) > MAX_LINE:
        raise _LineError(f"line longer than {MAX_LINE} characters")
    principals, rest = _split_token(line)
    if principals.startswith('"') and principals.endswith('"') and len(principals) >= 2:
        principals = principals[1:-1]
    if not principals or not rest:
        raise _LineError("expected: principals [options] keytype base64-key")
    options = ""
    first, after = _split_token(rest)
    if first not in KEY_TYPES and first not in FOREIGN_KEY_TYPES:
        options, rest = _split_options(rest)
        candidate, (first, after) = first, _split_token(rest)
        if first not in KEY_TYPES and first not in FOREIGN_KEY_TYPES:
            raise _LineError(f"unknown key type or option {candidate!r}")
    key = _parse_key(first, after)
    signer = AllowedSigner(number, principals, key)
    return _with_options(signer, options) if options else signer


def _split_token(text: str) -> tuple[str, str]:
    """The first field and the rest; fields are separated by spaces and tabs only, as OpenSSH's strdelimw."""
    parts = _BLANKS.split(text.lstrip(" \t"), maxsplit=1)
    return parts[0], (parts[1] if len(parts) > 1 else "")


def _split_options(text: str) -> tuple[str, str]:
    """The options field ends at the first space or tab outside double quotes."""
    quoted = False
    for i, c in enumerate(text):
        if c == '"':
            quoted = not quoted
        elif c in " \t" and not quoted:
            return text[:i], text[i:].lstrip(" \t")
    raise _LineError("unterminated quote in options" if quoted else "missing key after options")


def parse_public_key(text: str) -> PublicKey | None:
    """The key of a `type base64 [comment]` line (an `.pub` file, `ssh-add -L`); None when it is not one."""
    key_type, rest = _split_token(text.strip(" \t\r\n"))
    try:
        return _parse_key(key_type, rest)
    except _LineError:
        return None


def _parse_key(key_type: str, rest: str) -> PublicKey:
    if key_type in FOREIGN_KEY_TYPES:
        raise _LineError(f"key type {key_type} is not supported for entry signatures")
    if key_type not in KEY_TYPES:
        raise _LineError(f"unknown key type {key_type!r}")
    encoded = _split_token(rest)[0]
    try:
        blob = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise _LineError("the key is not valid base64") from None
    if not blob or _blob_type(blob) != key_type:
        raise _LineError(f"the key data is not a {key_type} key")
    return PublicKey(key_type, blob)


def _blob_type(blob: bytes) -> str | None:
    if len(blob) < 4:
        return None
    (length,) = struct.unpack(">I", blob[:4])
    if length > len(blob) - 4:
        return None
    try:
        return blob[4:4 + length].decode("ascii")
    except UnicodeDecodeError:
        return None


def _with_options(signer: AllowedSigner, options: str) -> AllowedSigner:
    fields: dict[str, str] = {}
    cert_authority = False
    for name, value in _options(options):
        if name == "cert-authority" and value is None:
            cert_authority = True
        elif name in ("namespaces", "valid-after", "valid-before") and value is not None:
            if name in fields:
                raise _LineError(f"multiple {name!r} options")
            fields[name] = value
        else:
            raise _LineError(f"unknown option {name!r}")
    after = _time_option(fields, "valid-after")
    before = _time_option(fields, "valid-before")
    if after is not None and before is not None and before <= after:
        raise _LineError("valid-before is not later than valid-after")
    return AllowedSigner(signer.line, signer.principals, signer.key, fields.get("namespaces"), after, before,
                         cert_authority)


def _options(text: str) -> Iterator[tuple[str, str | None]]:
    """`name` or `name="value"` items, comma-separated; commas inside quotes belong to the value."""
    i = 0
    while i < len(text):
        end = i
        while end < len(text) and text[end] not in ',="':
            end += 1
        name = text[i:end]
        if end < len(text) and text[end] == "=":
            if end + 1 >= len(text) or text[end + 1] != '"':
                raise _LineError(f"option {name!r} needs a double-quoted value")
            close = text.find('"', end + 2)
            if close < 0:
                raise _LineError(f"unterminated quote in option {name!r}")
            yield name, text[end + 2:close]
            end = close + 1
        elif end < len(text) and text[end] == '"':
            raise _LineError("misplaced quote in options")
        else:
            yield name, None
        if end < len(text) and text[end] != ",":
            raise _LineError("options must be separated by commas")
        if end == len(text) - 1:
            raise _LineError("options end with a comma")
        i = end + 1


def _time_option(fields: dict[str, str], name: str) -> dt.datetime | None:
    value = fields.get(name)
    return None if value is None else parse_time(value, name)


def parse_time(value: str, name: str = "time") -> dt.datetime:
    """YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS with an optional trailing Z, as UTC."""
    digits = value[:-1] if value[-1:] in ("Z", "z") else value
    formats = {8: "%Y%m%d", 12: "%Y%m%d%H%M", 14: "%Y%m%d%H%M%S"}
    if not digits.isascii() or not digits.isdigit() or len(digits) not in formats:
        raise _LineError(f"{name} {value!r} is not YYYYMMDD[HHMM[SS]][Z]")
    try:
        return dt.datetime.strptime(digits, formats[len(digits)]).replace(tzinfo=dt.UTC)
    except ValueError:
        raise _LineError(f"{name} {value!r} is not a valid time") from None
