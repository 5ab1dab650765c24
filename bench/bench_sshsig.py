"""Issue 11 benchmark: verifying entry signatures in-process against one `ssh-keygen -Y verify` process.

    python bench/bench_sshsig.py [--signatures 5000] [--runs 21]
Makes an ed25519 key with ssh-keygen, signs N distinct approval statements in-process (same SSHSIG
bytes as `ssh-keygen -Y sign`; one is checked with ssh-keygen first), then times verifying all N with
qms_docs.signatures.sshsig.verify (parse, allowed-signers lookup, ed25519) and the median of `--runs`
`ssh-keygen -Y verify` processes on one of them; the floor is the bare ed25519 verify of libsodium (PyNaCl),
which qms uses, beside OpenSSL's (`cryptography`) for comparison."""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import tempfile
import time
from pathlib import Path

from common import dump, median_time, table
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import load_ssh_private_key
from nacl.bindings import crypto_sign_open

from qms_docs.signatures.allowed_signers import parse_allowed_signers, parse_public_key
from qms_docs.signatures.sshsig import NAMESPACE, Signature, verify
from qms_docs.signatures.statement import Statement

EMAIL = "jane@acme.example"
AT = dt.datetime(2026, 2, 27, 14, 3, tzinfo=dt.UTC)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--signatures", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=21)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        key = folder / "jane"
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", EMAIL, "-f", str(key)], check=True)
        pub_line = " ".join(key.with_name("jane.pub").read_text().split()[:2])
        allowed = folder / "allowed_signers"
        allowed.write_text(f'{EMAIL} namespaces="{NAMESPACE}" {pub_line}\n')
        signers = parse_allowed_signers(allowed.read_text())
        private = load_ssh_private_key(key.read_bytes(), password=None)
        assert isinstance(private, Ed25519PrivateKey)
        public = parse_public_key(pub_line)
        assert public is not None
        template = Signature(public, NAMESPACE.encode(), b"", "sha512", "ssh-ed25519", b"")
        pairs = []
        for i in range(a.signatures):
            message = Statement(f"QP-{i:04d}", 1 + i % 7, f"sha256:{i:064x}", "quality-manager", "approved", AT,
                                EMAIL).to_bytes()
            pairs.append((message, template._replace(sig_bytes=private.sign(template.signed_data(message)))
                          .to_armored()))
        message, armored = pairs[0]
        (folder / "m.sig").write_text(armored)
        argv = ["ssh-keygen", "-Y", "verify", "-f", str(allowed), "-I", EMAIL, "-n", NAMESPACE, "-s",
                str(folder / "m.sig"), "-O", "verify-time=20260227140300Z"]
        one_process = median_time(argv, runs=a.runs, stdin=message)  # also proves ssh-keygen accepts our bytes

        start = time.perf_counter()
        verdicts = [verify(m, s, signers, EMAIL, AT) for m, s in pairs]
        in_process = time.perf_counter() - start
        raw = [(template.signed_data(m), private.sign(template.signed_data(m))) for m, _ in pairs]
        verifier = private.public_key()
        start = time.perf_counter()
        for data, sig in raw:
            crypto_sign_open(sig + data, public.blob[-32:])
        floor = (time.perf_counter() - start) / a.signatures
        start = time.perf_counter()
        for data, sig in raw:
            verifier.verify(sig, data)
        openssl = (time.perf_counter() - start) / a.signatures
    assert all(v.valid for v in verdicts)
    per_sig = in_process / a.signatures
    rows = [(f"in-process verify, {a.signatures} ed25519 signatures", f"{in_process * 1e3:.0f} ms total",
             f"{per_sig * 1e6:.0f} µs"),
            ("floor: the bare ed25519 verify of libsodium (PyNaCl), which qms uses", "", f"{floor * 1e6:.0f} µs"),
            ("the same with `cryptography` (OpenSSL)", "", f"{openssl * 1e6:.0f} µs"),
            (f"`ssh-keygen -Y verify`, one process (median of {a.runs})", "", f"{one_process * 1e6:.0f} µs"),
            ("speed-up per signature", "", f"{one_process / per_sig:.0f}x")]
    print(table(rows, ["what", "total", "per signature"]))
    dump("bench_sshsig", {"signatures": a.signatures, "in_process_total_s": in_process, "in_process_per_sig_s": per_sig,
                          "ed25519_floor_s": floor, "ed25519_openssl_s": openssl,
                          "ssh_keygen_process_s": one_process})


if __name__ == "__main__":
    main()
