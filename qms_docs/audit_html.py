"""The audit report as one self-contained, printable HTML page; every value goes through html.escape."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from qms_docs.audit import Outcome

CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d1d1f}
body{margin:2rem auto;max-width:78rem;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.25rem;border-bottom:2px solid #333;margin-top:2.2rem}
h3{font-size:1rem;margin:1.4rem 0 .3rem}.meta{color:#555}.ok{color:#0a6b2d;font-weight:600}
.fail{color:#b00020;font-weight:600}table{border-collapse:collapse;width:100%;margin:.4rem 0 1rem}
th,td{border:1px solid #c8c8c8;padding:.25rem .45rem;text-align:left;vertical-align:top}
th{background:#f0f0f0}.nw,td:first-child{white-space:nowrap}
tr:nth-child(even) td{background:#fafafa}code{font:12px ui-monospace,Menlo,Consolas,monospace}
.digest{word-break:break-all}.none{color:#777;font-style:italic}
footer{margin-top:3rem;color:#555;font-size:.85rem;border-top:1px solid #ccc;padding-top:.5rem}
@media print{body{margin:0;max-width:none;font-size:10.5px}h2{break-before:page}h2:first-of-type{break-before:auto}
tr,h3{break-inside:avoid}a{color:inherit;text-decoration:none}}
""".strip()


@dataclass
class ReportData:
    """Everything the report shows, gathered by `qms report`."""

    repository: str
    head: str
    today: dt.date
    since: dt.date | None
    documents: list[dict[str, Any]]
    evidence: list[dict[str, Any]]
    changes: list[dict[str, Any]]
    overdue: list[dict[str, Any]]
    outcome: Outcome
    notes: list[str] = field(default_factory=list)


def esc(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):  # element content only: a date never wraps at its hyphens
        return f'<span class="nw">{html.escape(value.isoformat())}</span>'
    return html.escape(str(value), quote=True)


def _table(header: Sequence[str], rows: Iterable[Sequence[str]], empty: str) -> str:
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>\n" for row in rows)
    if not body:
        return f'<p class="none">{esc(empty)}</p>\n'
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>\n"


def _sha(sha: str | None) -> str:
    return "" if not sha else f'<code title="{esc(sha)}">{esc(sha[:12])}</code>'


def master_list(rows: list[dict[str, Any]]) -> str:
    cols = ("id", "title", "type", "revision", "status", "effective_date", "owner", "next_review")
    header = ("Id", "Title", "Type", "Revision", "Status", "Effective", "Owner", "Next review")
    return _table(header, ([esc(r.get(c)) for c in cols] for r in rows), "No controlled documents.")


def evidence(docs: list[dict[str, Any]]) -> str:
    parts = []
    header = ("Signer", "Role", "Meaning", "Signed at (UTC)", "Rev.", "Digest", "Added in commit", "Commit author")
    for d in docs:
        title = f"{esc(d['id'])} {esc(d['title'])}"
        state = (f"revision {esc(d['revision'])}, {esc(d['status'])}, effective {esc(d['effective_date'])}"
                 if d["revision"] is not None else "never approved")
        if d.get("pending"):
            state += f"; {esc(d['pending'])}"
        parts.append(f'<h3 id="doc-{esc(d["id"])}">{title}</h3>\n<p class="meta">{state}</p>\n')
        rows = []
        for s in d["signatures"]:
            marks = ("" if s["digest_matches"] else ' <span class="fail">stale</span>') + \
                    ("" if s["added_by_signer"] else ' <span class="fail">not the signer</span>')
            rows.append([f"{esc(s['name'])}<br><small>{esc(s['email'])}</small>", esc(s["role"]), esc(s["meaning"]),
                         esc(s["at"]), esc(s["revision"]), f'<code class="digest">{esc(s["digest"])}</code>{marks}',
                         _sha(s["commit"]), f"{esc(s['commit_author'])}<br><small>{esc(s['commit_email'])}</small>"])
        parts.append(_table(header, rows, "No signatures."))
    return "".join(parts) or '<p class="none">No documents.</p>\n'


def changes(rows: list[dict[str, Any]]) -> str:
    def docs(r: dict[str, Any]) -> str:
        return "<br>".join(f"{esc(d['id'])} rev {esc(d['revision'])} ({esc(d['status'])})"
                           + (f": {esc(d['summary'])}" if d.get("summary") else "") for d in r["documents"])
    table = ([esc(r["date"]), _sha(r["sha"]), f"{esc(r['author'])}<br><small>{esc(r['email'])}</small>",
              esc(r["subject"]), docs(r)] for r in rows)
    return _table(("Date (UTC)", "Commit", "Author", "Message", "Documents: revision and change summary"), table,
                  "No commit changed a controlled document in this period.")


def overdue(rows: list[dict[str, Any]]) -> str:
    table = ([esc(r["id"]), esc(r["title"]), esc(r["owner"]), esc(r["effective_date"]), esc(r["due"]),
              esc(r["days_overdue"])] for r in rows)
    return _table(("Id", "Title", "Owner", "Effective", "Review due", "Days overdue"), table, "No review is overdue.")


def verification(outcome: Outcome) -> str:
    css = "ok" if outcome.ok else "fail"
    head = f'<p class="{css}">{"PASSED" if outcome.ok else "FAILED"}: {esc(outcome.summary())}</p>\n'
    rows = ([_sha(f.commit), esc(f.doc_id), esc(f.revision), esc(f.path), esc(f.problem)] for f in outcome.failures)
    return head + (_table(("Commit", "Document", "Rev.", "File", "Problem"), rows, "") if outcome.failures else "")


def render(data: ReportData) -> str:
    period = f"since {esc(data.since)}" if data.since else "the whole history"
    status = "ok" if data.outcome.ok else "fail"
    summary = (f'<ul><li>{len(data.documents)} controlled documents</li>'
               f'<li>{len(data.changes)} commits changed documents in {period}</li>'
               f'<li>{len(data.overdue)} periodic reviews overdue</li>'
               f'<li>history verification: <span class="{status}">{"passed" if data.outcome.ok else "FAILED"}'
               f"</span> ({len(data.outcome.failures)} failure{'s' * (len(data.outcome.failures) != 1)})</li></ul>\n")
    notes = "".join(f'<p class="meta">{esc(n)}</p>\n' for n in data.notes)
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>QMS audit report: {esc(data.repository)} {esc(data.today)}</title>\n<style>\n{CSS}\n</style>\n"
            f"</head>\n<body>\n<h1>QMS audit report: {esc(data.repository)}</h1>\n"
            f'<p class="meta">Generated {esc(data.today)} from commit {_sha(data.head)}; changes cover {period}. '
            f"Evidence is read from git history; re-run <code>qms verify</code> on a clone to check it.</p>\n"
            f"{notes}{summary}"
            f"<h2>1. Master document list</h2>\n{master_list(data.documents)}"
            f"<h2>2. Approval evidence</h2>\n{evidence(data.evidence)}"
            f"<h2>3. Changes in the period</h2>\n{changes(data.changes)}"
            f"<h2>4. Overdue periodic reviews</h2>\n{overdue(data.overdue)}"
            f"<h2>5. History verification</h2>\n{verification(data.outcome)}"
            f"<footer>Uncontrolled copy when printed ({esc(data.today)}). Generated by qms-docs.</footer>\n"
            f"</body>\n</html>\n")
