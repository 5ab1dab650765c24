"""Build valid (or deliberately broken) controlled documents and QMS repositories for tests."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from pathlib import Path
from typing import Any

from qms_docs.model.digest import content_digest

QMS_YML = """\
documents_dir: controlled
types:
  policy:           {prefix: POL, approvers: [top-management, quality-manager], review_months: 12}
  manual:           {prefix: QM,  approvers: [top-management, quality-manager], review_months: 12}
  procedure:        {prefix: QP,  approvers: [quality-manager, process-owner],  review_months: 24}
  work-instruction: {prefix: WI,  approvers: [process-owner],                   review_months: 24, allow_self_approval: false}
  form:             {prefix: FRM, approvers: [process-owner],                   review_months: 36}
roles:
  quality-manager: [jane@acme.example]
  top-management:  [ceo@acme.example]
  process-owner:   [omar@acme.example, li@acme.example]
protected_branches: [main]
config_approvers: [quality-manager]
signing: {required: false, allowed_signers: .qms/allowed_signers}
"""

PEOPLE = {
    "quality-manager": ("Jane Doe", "jane@acme.example"),
    "top-management": ("Carlos Ruiz", "ceo@acme.example"),
    "process-owner": ("Omar Haddad", "omar@acme.example"),
}
AUTHOR = ("Sam Author", "sam@acme.example")
TYPES = {"POL": "policy", "QM": "manual", "QP": "procedure", "WI": "work-instruction", "FRM": "form"}
APPROVERS = {"policy": ["top-management", "quality-manager"], "manual": ["top-management", "quality-manager"],
             "procedure": ["quality-manager", "process-owner"], "work-instruction": ["process-owner"],
             "form": ["process-owner"]}
FOLDERS = {"policy": "policies", "manual": "manual", "procedure": "procedures",
           "work-instruction": "work-instructions", "form": "forms"}
SIGNED_AT = dt.datetime(2026, 2, 27, 14, 3, tzinfo=dt.UTC)


def scalar(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, list):
        return "[" + ", ".join(scalar(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {scalar(x)}" for k, x in v.items()) + "}"
    return json.dumps(str(v), ensure_ascii=False)


def render(front: dict[str, Any], body: str) -> str:
    """Front matter in block style (approvals as a block list), then the body."""
    lines = ["---"]
    for key, value in front.items():
        if key == "approvals" and value:
            lines.append("approvals:")
            for a in value:
                lines += [("  - " if i == 0 else "    ") + f"{k}: {scalar(v)}" for i, (k, v) in enumerate(a.items())]
        else:
            lines.append(f"{key}: {scalar(value)}")
    return "\n".join(lines) + "\n---\n" + body


def make_document(doc_id: str = "QP-001", *, revision: int = 1, status: str = "approved",
                  title: str | None = None, body: str | None = None, sign: bool | None = None,
                  signed_at: dt.datetime = SIGNED_AT, effective_date: dt.date | None = dt.date(2026, 3, 1),
                  roles: list[str] | None = None, **fields: Any) -> str:
    """The text of a document; approved ones carry a valid signature from every required role."""
    doc_type = TYPES[doc_id.split("-")[0]]
    front: dict[str, Any] = {"id": doc_id, "title": title or f"Document {doc_id}", "type": doc_type,
                             "revision": revision, "status": status, "owner": "Jane Doe <jane@acme.example>"}
    if effective_date is not None and status in ("approved", "obsolete"):
        front["effective_date"] = effective_date
    if revision >= 2:
        front["change_summary"] = f"Revision {revision} of {doc_id}."
    front.update(fields)
    front.setdefault("approvals", [])
    body = body if body is not None else f"# {front['title']}\n\nThe text of revision {revision}.\n"
    if sign if sign is not None else status == "approved":
        digest = content_digest(front, body)
        front["approvals"] = [
            {"name": PEOPLE[r][0], "email": PEOPLE[r][1], "role": r, "meaning": "approved",
             "at": signed_at, "revision": revision, "digest": digest}
            for r in (roles if roles is not None else APPROVERS[doc_type])
        ]
    return render(front, body)


def doc_path(doc_id: str) -> str:
    return f"controlled/{FOLDERS[TYPES[doc_id.split('-')[0]]]}/{doc_id}.md"


def git(repo: Path, *args: str, env: dict[str, str] | None = None, check: bool = True,
        input: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=check,
                          env={**os.environ, **(env or {})}, input=input)


def commit(repo: Path, files: dict[str, str | None], message: str,
           author: tuple[str, str] = AUTHOR, date: str | None = None) -> str:
    """Write (or with None, delete) files, then commit them all as `author`; return the commit id."""
    for rel, text in files.items():
        path = repo / rel
        if text is None:
            git(repo, "rm", "-q", "--", rel)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        git(repo, "add", "--", rel)
    env = {"GIT_AUTHOR_NAME": author[0], "GIT_AUTHOR_EMAIL": author[1],
           "GIT_COMMITTER_NAME": author[0], "GIT_COMMITTER_EMAIL": author[1]}
    if date:
        env |= {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    git(repo, "commit", "-q", "--allow-empty", "-m", message, env=env)
    return git(repo, "rev-parse", "HEAD").stdout.strip()


def _split(text: str) -> tuple[dict[str, Any], str]:
    import yaml

    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body


def commit_signed(repo: Path, files: dict[str, str], message: str, author: tuple[str, str] = AUTHOR,
                  date: str | None = None) -> str:
    """Commit signed documents as a team does: the content by `author` (status draft, or the withdrawal's
    `obsolete`), then each approval entry in a commit of its own signer, the last one writing `text` as given.

    The site publishes and `qms verify` accepts only signatures added by their signers (QMS025)."""
    sha = ""
    for rel, text in files.items():
        meta, body = _split(text)
        entries = [e for e in meta.get("approvals") or [] if isinstance(e, dict)]
        if not entries:
            sha = commit(repo, {rel: text}, message, author=author, date=date)
            continue
        status = meta.get("status") if meta.get("status") == "obsolete" else "draft"
        for n in range(len(entries)):
            front = {**meta, "status": status, "approvals": entries[:n]}
            commit(repo, {rel: render(front, body)}, message if n == 0 else f"{message} (signature {n})",
                   author=author if n == 0 else (entries[n - 1]["name"], entries[n - 1]["email"]), date=date)
        last = entries[-1]
        sha = commit(repo, {rel: text}, f"{message} (signature {len(entries)})", author=(last["name"], last["email"]),
                     date=date)
    return sha
