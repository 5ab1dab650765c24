"""`qms history ID`: every revision of a document with its commits, change summary and signatures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from qms_docs.gitio import log as gitlog
from qms_docs.model.document import document_key, split_key
from qms_docs.records import evidence
from qms_docs.records.configs import Policies
from qms_docs.records.trail import Trail, open_trail


def collect(trail: Trail) -> dict[str, Any]:
    """The audit trail of one document as plain data (the JSON format, schema 1)."""
    revisions = trail.revisions()
    versions = trail.versions()
    shas = list(dict.fromkeys(v.commit.sha for v in versions))
    subjects = {sha: evidence.subject(m) for sha, m in gitlog.messages(trail.history.root, shas).items()}
    with Policies(trail.history.root) as policies:
        signed = evidence.signatures(trail.history.root, revisions, policies)
    records = [evidence.revision_record(r, subjects, s) for r, s in zip(revisions, signed, strict=True)]
    last = versions[-1] if versions else None
    deleted = evidence.commit_record(last.commit, subjects) if last is not None and last.blob is None else None
    current = records[-1] if records else {}
    keys = set(trail.keys)
    unreadable = [{"sha": v.commit.sha, "path": v.path, "error": e.message} for v, e in trail.history.unreadable()
                  if any(v in trail.history.lineages[k] for k in keys)]
    doc_id, language = split_key(trail.doc_id)
    return {"schema": 1, "id": doc_id, "language": language, "title": current.get("title"), "head": trail.head,
            "path": None if deleted or last is None else last.path,
            "paths": list(dict.fromkeys(v.path for v in versions if v.blob is not None)),
            "deleted": deleted, "revisions": records, "unreadable": unreadable}


def as_json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _when(iso: str | None) -> str:
    return (iso or "?").replace("T", " ").replace("Z", " UTC")


def as_text(data: dict[str, Any]) -> str:
    """A readable audit trail, oldest revision first."""
    language = f" ({data['language']})" if data.get("language") else ""
    out = [f"{data['id']}{language}  {data['title'] or '(no title)'}"]
    if data["path"]:
        earlier = [p for p in data["paths"] if p != data["path"]]
        out.append(f"File: {data['path']}" + (f" (earlier: {', '.join(earlier)})" if earlier else ""))
    out.append(f"History reachable from commit {data['head'][:12]}; oldest revision first.")
    for r in data["revisions"]:
        out += [""] + _revision(r, data["id"])
    if data["deleted"]:
        d = data["deleted"]
        out += ["", f"Deleted in {d['sha'][:12]} on {_when(d['date'])} by {d['author']} <{d['email']}>: {d['subject']}"]
    for u in data.get("unreadable", []):
        out += ["", f"Skipped, cannot be read: {u['path']} at {u['sha'][:12]}: {u['error']}"]
    n = len(data["revisions"])
    out += ["", f"{n} revision{'s' * (n != 1)}, {sum(len(r['commits']) for r in data['revisions'])} commits"]
    return "\n".join(out) + "\n"


def _revision(r: dict[str, Any], doc_id: str) -> list[str]:
    head = f"Revision {r['revision'] if r['revision'] is not None else '?'} - {r['status'] or 'no status'}"
    if r["effective_date"] and r["status"] == "obsolete":  # the withdrawal's own date, once its signatures are complete
        head += f": withdrawal, takes effect {r['effective_date']}"
    elif r["effective_date"]:
        head += f", effective {r['effective_date']}"
    if r["approved_in"]:
        head += f", approved in {r['approved_in'][:12]}"
    lines = [head, f"  Change summary: {r['change_summary'] or '(none: first issue)'}"]
    if r["id"] != doc_id:
        lines.append(f"  Id at the time: {r['id'] or '(none)'}")
    lines.append("  Commits:")
    for c in r["commits"]:
        lines.append(f"    {c['sha'][:12]}  {_when(c['date'])}  {c['author']} <{c['email']}>  "
                     f"[{c['status'] or '?'}]  {c['subject']}")
    if not r["signatures"]:
        lines.append("  Signatures: none")
        return lines
    lines.append("  Signatures:")
    for s in r["signatures"]:
        lines.append(f"    {s['name'] or '?'} <{s['email'] or '?'}>  {s['role'] or '?'}  {s['meaning'] or '?'}  "
                     f"{s['at'] or '?'}")
        state = "matches the content" if s["digest_matches"] else "DOES NOT MATCH the content (stale)"
        who = "the signer" if s["added_by_signer"] else f"{s['commit_author']} <{s['commit_email']}>, NOT the signer"
        lines.append(f"      {s['digest'] or 'no digest'} {state}; added in {s['commit'][:12]} by {who}")
        lines.append(f"      proven by: {s['proof']}")
    return lines


def run(root: Path, doc_id: str, fmt: str, lang: str | None = None) -> str:
    """The history of `doc_id` (with `lang`, of its translation) as text or JSON."""
    with open_trail(root, document_key(doc_id, lang)) as trail:
        data = collect(trail)
    return as_json(data) if fmt == "json" else as_text(data)
