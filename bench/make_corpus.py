#!/usr/bin/env python3
"""Generate a synthetic QMS repository with a realistic history, for benchmarks.

    python bench/make_corpus.py OUT --docs 1000 --revisions 5 [--drafts 10] [--seed 1] [--sign KEYDIR]

Each revision of each document is one commit by its author (status draft), then one commit per
required role, authored by the signer, adding that signature (the last one sets status approved).
Revisions of different documents interleave. `--drafts K` leaves K documents with a draft of the
next revision on top. Digests follow SPEC section 2, so `qms check` finds no error in the result.
History is streamed into `git fast-import`: tens of thousands of commits take seconds. Standard
library only (it does not import qms_docs, so it stays an independent check of the digest).

`--sign KEYDIR`: every approval entry carries `sig` (SPEC 2), an SSH signature of its signed statement,
and qms.yml sets `signing.required` (method entry) with `.qms/allowed_signers` listing each signer's
public key. One ed25519 key per signer is made with ssh-keygen in KEYDIR (kept there, never in the
corpus) the first time; the signatures are made in-process with `cryptography`, SSHSIG-encoded here,
so the generator stays an independent check of qms' verifier.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import json
import random
import struct
import subprocess
from pathlib import Path
from typing import Any

TYPES = {  # name: (prefix, folder, required roles, review months, share of the documents)
    "procedure": ("QP", "procedures", ("quality-manager", "process-owner"), 24, 45),
    "work-instruction": ("WI", "work-instructions", ("process-owner",), 24, 35),
    "form": ("FRM", "forms", ("process-owner",), 36, 15),
    "policy": ("POL", "policies", ("top-management", "quality-manager"), 12, 4),
    "manual": ("QM", "manual", ("top-management", "quality-manager"), 12, 1),
}
SIGNERS = {
    "quality-manager": [("Jane Doe", "jane@acme.example")],
    "top-management": [("Carlos Ruiz", "ceo@acme.example")],
    "process-owner": [("Omar Haddad", "omar@acme.example"), ("Li Wei", "li@acme.example"),
                      ("Ingrid Berg", "ingrid@acme.example")],
}
WRITERS = [("Sam Author", "sam@acme.example"), ("Priya Nair", "priya@acme.example"), ("Tomás Silva", "tomas@acme.example")]
CLAUSES = ["4.4", "6.1", "7.1.5", "7.2", "7.5.2", "7.5.3", "8.2", "8.4", "8.5.1", "8.7", "9.1", "9.2", "10.2"]
VOCABULARY = ("audit calibrate competence complaint control customer document evidence inspect measure "
              "monitor nonconformity objective process product record release requirement retain review "
              "risk service supplier train verify").split()
EPOCH = dt.datetime(2019, 1, 7, 9, 0, tzinfo=dt.UTC)


def digest(front: dict[str, object], body: str) -> str:
    """SPEC 2: sha256 of canonical JSON of the front matter without approvals and status, LF, the body."""
    signed = {k: v for k, v in front.items() if k not in ("approvals", "status")}
    text = json.dumps(signed, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=lambda v: v.isoformat())
    body = body.replace("\r\n", "\n").replace("\r", "\n").strip()
    return "sha256:" + hashlib.sha256(f"{text}\n{body}".encode()).hexdigest()


def scalar(v: object) -> str:
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, list):
        return "[" + ", ".join(scalar(x) for x in v) + "]"
    return str(v) if isinstance(v, int) else json.dumps(str(v), ensure_ascii=False)


def render(front: dict[str, object], body: str) -> str:
    out = ["---"]
    for key, value in front.items():
        if key == "approvals" and isinstance(value, list) and value:
            out.append("approvals:")
            for entry in value:
                for i, (k, v) in enumerate(entry.items()):
                    lead = ("  - " if i == 0 else "    ") + f"{k}:"
                    if k == "sig":  # a literal block scalar, as qms approve writes it
                        out += [f"{lead} |", *(f"      {line}" for line in str(v).rstrip().split("\n"))]
                    else:
                        out.append(f"{lead} {scalar(v)}")
        else:
            out.append(f"{key}: {scalar(value)}")
    return "\n".join(out) + "\n---\n" + body


def body_of(rng: random.Random, title: str, revision: int) -> str:
    def sentence() -> str:
        return " ".join(rng.choices(VOCABULARY, k=rng.randint(8, 14))).capitalize() + "."

    steps = "\n".join(f"{n}. {sentence()}" for n in range(1, rng.randint(5, 10)))
    return (f"# {title}\n\n## Purpose\n\n{sentence()} {sentence()}\n\n## Procedure\n\n{steps}\n\n"
            f"## Records\n\n{sentence()}\n\n<!-- revision {revision} -->\n")


class Importer:
    """A `git fast-import` process writing commits onto refs/heads/main."""

    def __init__(self, repo: Path):
        self.proc = subprocess.Popen(["git", "fast-import", "--quiet", "--done"], cwd=repo, stdin=subprocess.PIPE)
        self.commits = 0

    def commit(self, who: tuple[str, str], when: dt.datetime, message: str, files: dict[str, str]) -> None:
        assert self.proc.stdin is not None
        self.commits += 1
        ident = f"{who[0]} <{who[1]}> {int(when.timestamp())} +0000"
        chunks = [f"commit refs/heads/main\nauthor {ident}\ncommitter {ident}\n".encode(), _data(message)]
        for path, text in files.items():
            chunks += [f"M 100644 inline {path}\n".encode(), _data(text)]
        self.proc.stdin.write(b"".join(chunks) + b"\n")

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"done\n")
        self.proc.stdin.close()
        if self.proc.wait() != 0:
            raise SystemExit("git fast-import failed")


def _data(text: str) -> bytes:
    raw = text.encode("utf-8")
    return f"data {len(raw)}\n".encode() + raw + b"\n"


class Signer:
    """Ed25519 keys of the signers (made with ssh-keygen in KEYDIR once) and SSHSIG signatures made in-process."""

    def __init__(self, keydir: Path):
        from cryptography.hazmat.primitives.serialization import load_ssh_private_key

        keydir.mkdir(parents=True, exist_ok=True)
        self.keys: dict[str, Any] = {}
        self.public: dict[str, str] = {}
        for _, email in (p for people in SIGNERS.values() for p in people):
            path = keydir / email.split("@")[0]
            if not path.exists():
                subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", email, "-f", str(path)], check=True)
            self.keys[email] = load_ssh_private_key(path.read_bytes(), password=None)
            self.public[email] = " ".join(path.with_name(path.name + ".pub").read_text().split()[:2])

    def allowed_signers(self) -> str:
        return "".join(f'{email} namespaces="qms-approval" {key}\n' for email, key in self.public.items())

    def sign(self, doc_id: str, entry: dict[str, object]) -> str:
        """The armoured SSHSIG (namespace qms-approval, sha512) of the entry's signed statement."""
        fields = {k: entry[k] for k in ("revision", "digest", "role", "meaning", "email")}
        at = entry["at"]
        assert isinstance(at, dt.datetime)
        statement = json.dumps({"id": doc_id, "at": at.isoformat(), **fields}, sort_keys=True, separators=(",", ":"),
                               ensure_ascii=False).encode()
        key_blob = base64.b64decode(self.public[str(entry["email"])].split()[1])
        namespace = b"qms-approval"
        signed = b"SSHSIG" + b"".join(_string(f) for f in (namespace, b"", b"sha512",
                                                            hashlib.sha512(statement).digest()))
        raw = self.keys[str(entry["email"])].sign(signed)
        blob = b"SSHSIG" + struct.pack(">I", 1) + b"".join(
            _string(f) for f in (key_blob, namespace, b"", b"sha512", _string(b"ssh-ed25519") + _string(raw)))
        text = base64.b64encode(blob).decode()
        return "\n".join(["-----BEGIN SSH SIGNATURE-----", *(text[i:i + 70] for i in range(0, len(text), 70)),
                          "-----END SSH SIGNATURE-----"]) + "\n"


def _string(value: bytes) -> bytes:
    return struct.pack(">I", len(value)) + value


def qms_yml() -> str:
    lines = ["documents_dir: controlled", "types:"]
    lines += [f"  {name}: {{prefix: {p}, approvers: [{', '.join(roles)}], review_months: {months}}}"
              for name, (p, _, roles, months, _) in TYPES.items()]
    lines += ["roles:"] + [f"  {role}: [{', '.join(e for _, e in people)}]" for role, people in SIGNERS.items()]
    lines += ["protected_branches: [main]", "config_approvers: [quality-manager]"]
    return "\n".join(lines) + "\n"


def generate(out: Path, docs: int, revisions: int, drafts: int, seed: int,
             keydir: Path | None = None) -> dict[str, int]:
    rng = random.Random(seed)
    out.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(out)], check=True)
    git = Importer(out)
    clock = EPOCH
    mkdocs = "site_name: ACME Quality Manual\ndocs_dir: controlled\ntheme:\n  name: material\nplugins:\n  - search\n  - qms\n"
    signer = Signer(keydir) if keydir is not None else None
    setup = {"qms.yml": qms_yml(), "mkdocs.yml": mkdocs}
    if signer is not None:
        setup = {"qms.yml": setup["qms.yml"] + "signing: {required: true, method: entry}\n",
                 ".qms/allowed_signers": signer.allowed_signers(), "mkdocs.yml": mkdocs}
    git.commit(SIGNERS["quality-manager"][0], clock, "Set up the QMS", setup)
    names = list(TYPES)
    counts = dict.fromkeys(names, 0)
    catalogue = []
    for _ in range(docs):
        kind = rng.choices(names, weights=[TYPES[n][4] for n in names])[0]
        counts[kind] += 1
        prefix, folder = TYPES[kind][:2]
        title = " ".join(w.title() for w in rng.sample(VOCABULARY, 3))
        doc_id = f"{prefix}-{counts[kind]:03d}"
        catalogue.append({"id": doc_id, "type": kind, "title": title, "writer": rng.choice(WRITERS), "rev": 0,
                          "path": f"controlled/{folder}/{doc_id}-{title.lower().replace(' ', '-')}.md"})
    ids = [d["id"] for d in catalogue]
    order = [d for d in catalogue for _ in range(revisions)]
    rng.shuffle(order)  # interleaved; each document's own revisions stay in order (rev counts up)
    for d in order:
        d["rev"] += 1
        clock += dt.timedelta(minutes=rng.randint(5, 90))
        front: dict[str, object] = {
            "id": d["id"], "title": d["title"], "type": d["type"], "revision": d["rev"], "status": "draft",
            "owner": f"{d['writer'][0]} <{d['writer'][1]}>", "effective_date": (clock + dt.timedelta(days=7)).date(),
            "clauses": sorted(rng.sample(CLAUSES, 2)), "references": sorted(rng.sample([i for i in ids if i != d["id"]], 2))}
        if d["rev"] > 1:
            front["change_summary"] = f"Revision {d['rev']}: {' '.join(rng.sample(VOCABULARY, 4))}."
        front["approvals"] = []
        body = body_of(rng, str(d["title"]), d["rev"])
        git.commit(d["writer"], clock, f"{d['id']}: revision {d['rev']} for review", {d["path"]: render(front, body)})
        signed = digest(front, body)
        roles = TYPES[str(d["type"])][2]
        for n, role in enumerate(roles, start=1):
            person = rng.choice(SIGNERS[role])
            clock += dt.timedelta(minutes=rng.randint(5, 60))
            entry: dict[str, object] = {"name": person[0], "email": person[1], "role": role, "meaning": "approved",
                                        "at": clock.replace(microsecond=0), "revision": d["rev"], "digest": signed}
            if signer is not None:
                entry["sig"] = signer.sign(str(d["id"]), entry)
            front["approvals"] = [*front["approvals"], entry]  # type: ignore[list-item]
            front["status"] = "approved" if n == len(roles) else "review"
            git.commit(person, clock, f"{d['id']}: approve revision {d['rev']} as {role}", {d["path"]: render(front, body)})
        d["front"], d["body"] = dict(front), body
    for d in rng.sample(catalogue, min(drafts, len(catalogue))):
        clock += dt.timedelta(hours=1)
        front = dict(d["front"], revision=d["rev"] + 1, status="draft", approvals=[],
                     change_summary="Rework in progress.", effective_date=(clock + dt.timedelta(days=30)).date())
        git.commit(d["writer"], clock, f"{d['id']}: start revision {d['rev'] + 1}",
                   {d["path"]: render(front, body_of(rng, str(d["title"]), d["rev"] + 1) + "DRAFT-ONLY-TEXT\n")})
    git.close()
    subprocess.run(["git", "-C", str(out), "checkout", "-q", "-f", "main"], check=True)
    return {"docs": docs, "commits": git.commits, "drafts": min(drafts, docs)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--docs", type=int, default=200)
    ap.add_argument("--revisions", type=int, default=3)
    ap.add_argument("--drafts", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--sign", type=Path, metavar="KEYDIR", help="entry-sign every approval with keys kept in KEYDIR")
    a = ap.parse_args()
    print(json.dumps(generate(a.out, a.docs, a.revisions, a.drafts, a.seed, a.sign)))


if __name__ == "__main__":
    main()
