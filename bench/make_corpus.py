#!/usr/bin/env python3
"""Generate a synthetic QMS repository with a realistic history, for benchmarks.

    python bench/make_corpus.py OUT --docs 1000 --revisions 5 [--drafts 10] [--seed 1]

Each revision of each document is one commit by its author (status draft), then one commit per
required role, authored by the signer, adding that signature (the last one sets status approved).
Revisions of different documents interleave. `--drafts K` leaves K documents with a draft of the
next revision on top. Digests follow SPEC section 2, so `qms check` finds no error in the result.
History is streamed into `git fast-import`: tens of thousands of commits take seconds. Standard
library only (it does not import qms_docs, so it stays an independent check of the digest).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import subprocess
from pathlib import Path

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
                out += [("  - " if i == 0 else "    ") + f"{k}: {scalar(v)}" for i, (k, v) in enumerate(entry.items())]
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


def qms_yml() -> str:
    lines = ["documents_dir: controlled", "types:"]
    lines += [f"  {name}: {{prefix: {p}, approvers: [{', '.join(roles)}], review_months: {months}}}"
              for name, (p, _, roles, months, _) in TYPES.items()]
    lines += ["roles:"] + [f"  {role}: [{', '.join(e for _, e in people)}]" for role, people in SIGNERS.items()]
    lines += ["protected_branches: [main]", "config_approvers: [quality-manager]"]
    return "\n".join(lines) + "\n"


def generate(out: Path, docs: int, revisions: int, drafts: int, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    out.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(out)], check=True)
    git = Importer(out)
    clock = EPOCH
    mkdocs = "site_name: ACME Quality Manual\ndocs_dir: controlled\ntheme:\n  name: material\nplugins:\n  - search\n  - qms\n"
    git.commit(SIGNERS["quality-manager"][0], clock, "Set up the QMS", {"qms.yml": qms_yml(), "mkdocs.yml": mkdocs})
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
            front["approvals"] = [*front["approvals"], {  # type: ignore[list-item]
                "name": person[0], "email": person[1], "role": role, "meaning": "approved",
                "at": clock.replace(microsecond=0), "revision": d["rev"], "digest": signed}]
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
    a = ap.parse_args()
    print(json.dumps(generate(a.out, a.docs, a.revisions, a.drafts, a.seed)))


if __name__ == "__main__":
    main()
