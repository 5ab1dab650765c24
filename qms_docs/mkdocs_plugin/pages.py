"""HTML of the generated pages and blocks; every value from a document goes through `html.escape`."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Iterable
from typing import Any

from qms_docs import iso9001
from qms_docs.model.document import Approval
from qms_docs.publishing import Entry, Publication

HOME, MDL, MATRIX, ARCHIVE = "index.md", "master-document-list.md", "clause-matrix.md", "archive.md"
TITLES = {HOME: "Home", MDL: "Master Document List", MATRIX: "ISO 9001 clause matrix", ARCHIVE: "Obsolete documents"}
GUARD = "---\n{}\n---\n"  # an empty front matter: MkDocs must read no metadata from a document's body

Link = Callable[[str], "str | None"]  # document id -> URL relative to the current page, or None


def e(value: object) -> str:
    return "" if value is None else html.escape(str(value))


def document_markdown(body: str) -> str:
    """The Markdown of a document page: the effective revision's body, behind an empty front matter."""
    return GUARD + body


def page_title(entry: Entry) -> str:
    """The page title (MkDocs treats titles as HTML, so it is escaped here)."""
    return e(f"{entry.id} {entry.doc.title or ''}".strip())


def type_label(name: str, plural: bool = False) -> str:
    label = name.replace("-", " ").capitalize()
    if not plural:
        return label
    return label[:-1] + "ies" if label.endswith("y") else label + "s"


def nav(pub: Publication) -> list[dict[str, Any]]:
    """Home, the lists, then one section per document type (in qms.yml order)."""
    items: list[dict[str, Any]] = [{TITLES[uri]: uri} for uri in (HOME, MDL, MATRIX)]
    for name in pub.config.types:
        entries = [x for x in pub.documents if x.doc_type.name == name]
        if entries:
            items.append({type_label(name, plural=True): [{page_title(x): x.uri} for x in entries]})
    return items


def css_string(text: str) -> str:
    """A CSS string literal; every character but ASCII letters and digits is escaped (no `</style>`)."""
    return '"' + "".join(c if c.isascii() and c.isalnum() else f"\\{ord(c):06x}" for c in text) + '"'


def print_notice(label: str, built: dt.date) -> str:
    """'Uncontrolled copy when printed' with the label and print date; shown only in print.

    The script replaces the build date with the day of printing; the style sets the label that the
    print stylesheet puts at the foot of every sheet."""
    foot = css_string(f"{label} · printed on or after {built} · uncontrolled copy")
    return (f'<div class="qms-print-notice" role="note" data-search-exclude data-qms-label="{e(label)}">'
            f"<style>:root{{--qms-print-label:{foot}}}</style>"
            f'Uncontrolled copy when printed · {e(label)} · printed <span class="qms-print-date">'
            f"on or after {built}</span><br><small>The controlled version is the quality manual site: check "
            f"the revision there before use.</small></div>")


def _ref(doc_id: str, link: Link) -> str:
    href = link(doc_id)
    return f'<a class="qms-ref" href="{e(href)}">{e(doc_id)}</a>' if href else e(doc_id)


def _field(label: str, value: str) -> str:
    return f"<div><dt>{label}</dt><dd>{value or '—'}</dd></div>"


def _signature_rows(approvals: Iterable[Approval]) -> str:
    rows = []
    for a in approvals:
        at = a.at.strftime("%Y-%m-%d %H:%M UTC") if a.at else ""
        digest = (a.digest or "")[:19]
        rows.append(f"<tr><td>{e(a.name)}</td><td>{e(a.role)}</td><td>{e(a.meaning)}</td>"
                    f"<td>{e(at)}</td><td><code>{e(digest)}</code></td></tr>")
    return "".join(rows)


def _table(css: str, headers: Iterable[str], rows: Iterable[str]) -> str:
    head = "".join(f"<th>{h}</th>" for h in headers)
    # A bare <table> gets Material's table style; the wrapper carries our class.
    return f'<div class="qms-table {css}"><table><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'


def control_block(entry: Entry, link: Link) -> str:
    """Id, title, revision, effective date, owner and the signatures of the published revision."""
    doc = entry.doc
    fields = "".join([
        _field("Revision", e(doc.revision)), _field("Effective date", e(doc.effective_date)),
        _field("Owner", e(doc.owner)), _field("Type", e(type_label(entry.doc_type.name))),
        _field("Next review", e(entry.next_review)), _field("ISO 9001 clauses", e(", ".join(doc.clauses))),
        _field("References", ", ".join(_ref(r, link) for r in doc.references)),
    ])
    signatures = _table("qms-signatures", ("Signed by", "Role", "Meaning", "Signed (UTC)", "Digest"),
                        [_signature_rows(doc.current_approvals())])
    return (f'<div class="qms-control" id="qms-control" role="region" aria-label="Document control">'
            f'<div class="qms-control__head"><span class="qms-control__id">{e(entry.id)}</span>'
            f'<span class="qms-control__title">{e(doc.title)}</span>'
            f'<span class="qms-badge">Effective</span></div>'
            f'<dl class="qms-control__fields">{fields}</dl>{signatures}'
            f'<p class="qms-control__source">Published from commit <code>{e(entry.commit.short)}</code>'
            f"</p></div>")


def revision_history(entry: Entry) -> str:
    """Every revision of the document that became effective, newest first."""
    rows = []
    for row in entry.history:
        signers = "; ".join(f"{a.name} ({a.role})" for a in row.signatures if a.name)
        summary = row.change_summary or ("Initial issue" if row.revision == 1 else "")
        rows.append(f"<tr><td>{e(row.revision)}</td><td>{e(row.effective_date)}</td>"
                    f"<td>{e(summary)}</td><td>{e(signers)}</td></tr>")
    table = _table("qms-history-table", ("Revision", "Effective date", "Change summary", "Approved by"), rows)
    return f'<section class="qms-history" id="qms-revision-history"><h2>Revision history</h2>{table}</section>'


def _document_row(x: Entry, link: Link, today: dt.date) -> str:
    overdue = x.next_review is not None and x.next_review < today
    review = f'<span class="qms-overdue">{e(x.next_review)} (overdue)</span>' if overdue else e(x.next_review)
    return (f"<tr><td>{_ref(x.id, link)}</td><td>{e(x.doc.title)}</td><td>{e(type_label(x.doc_type.name))}</td>"
            f"<td>{e(x.doc.revision)}</td><td>{e(x.doc.effective_date)}</td><td>{e(x.doc.owner)}</td>"
            f"<td>{review}</td></tr>")


def master_list(pub: Publication, link: Link, archive_href: str) -> str:
    """The Master Document List: every published document."""
    rows = [_document_row(x, link, pub.today) for x in pub.documents]
    table = _table("qms-mdl", ("ID", "Title", "Type", "Rev.", "Effective", "Owner", "Next review"), rows)
    return (f"<h1>Master Document List</h1><p>{len(pub.documents)} controlled documents in force on "
            f"{e(pub.today)}; each is listed at its effective revision. Withdrawn documents are in the "
            f'<a href="{e(archive_href)}">archive of obsolete documents</a>.</p>{table}')


def clause_matrix(pub: Publication, link: Link) -> str:
    """ISO 9001:2015 clause -> documents; clauses calling for documented information with none are highlighted."""
    declared = [(c, x.id) for x in pub.documents for c in x.doc.clauses]
    rows, gaps = [], []
    for clause in iso9001.matrix_rows(c for c, _ in declared):
        ids = sorted({i for c, i in declared if iso9001.covers(c, clause)})
        required = iso9001.DOCUMENTED_INFORMATION.get(clause, "")
        title = iso9001.CLAUSES.get(clause, "(not an ISO 9001:2015 clause)")
        gap = bool(required) and not ids
        if gap:
            gaps.append(f"<li><strong>{e(clause)}</strong> {e(title)}: {e(required)}</li>")
        css = "qms-gap" if gap else ("qms-chapter" if "." not in clause else "")
        docs = ", ".join(_ref(i, link) for i in ids) or ('<span class="qms-badge qms-badge--gap">No document</span>'
                                                           if gap else "—")
        rows.append(f'<tr class="{css}"><td>{e(clause)}</td><td>{e(title)}</td><td>{e(required)}</td>'
                    f"<td>{docs}</td></tr>")
    summary = (f"<p>{len(gaps)} of {len(iso9001.DOCUMENTED_INFORMATION)} clauses that call for documented "
               f"information have no published document:</p><ul class=\"qms-gaps\">{''.join(gaps)}</ul>"
               if gaps else "<p>Every clause that calls for documented information has a published document.</p>")
    table = _table("qms-matrix", ("Clause", "Title", "Documented information called for", "Documents"), rows)
    return f"<h1>ISO 9001:2015 clause matrix</h1>{summary}{table}"


def archive(pub: Publication) -> str:
    """Withdrawn documents: metadata only, marked OBSOLETE; their content is never published."""
    rows = []
    for w in pub.archive:
        doc = w.doc
        last = e(w.last_effective) if w.last_effective else "never effective"
        rows.append(f'<tr id="{e(doc.id)}"><td>{e(doc.id)} <span class="qms-badge qms-badge--obsolete">'
                    f"Obsolete</span></td><td>{e(doc.title)}</td><td>{e(type_label(doc.type or ''))}</td>"
                    f"<td>{last}</td><td>{e(w.withdrawn)}</td><td>{e(doc.change_summary)}</td></tr>")
    table = _table("qms-archive", ("ID", "Title", "Type", "Last revision in force", "Withdrawn", "Reason"), rows)
    return ("<h1>Obsolete documents</h1><p>These documents are withdrawn (OBSOLETE) and must not be used. "
            "They are listed for reference only; their content is not published.</p>"
            + (table if rows else "<p>No document has been withdrawn.</p>"))


def home(pub: Publication, link: Link, hrefs: dict[str, str], site_name: str) -> str:
    """The manual's home page: what the site is, counts by type, and the latest changes."""
    counts = "".join(f"<li>{e(type_label(name, plural=True))}: {n}</li>" for name in pub.config.types
                     if (n := sum(1 for x in pub.documents if x.doc_type.name == name)))
    recent = sorted(pub.documents, key=lambda x: (x.doc.effective_date or dt.date.min, x.id), reverse=True)[:10]
    table = _table("qms-recent", ("ID", "Title", "Revision", "Effective", "Change summary"),
                   [f"<tr><td>{_ref(x.id, link)}</td><td>{e(x.doc.title)}</td><td>{e(x.doc.revision)}</td>"
                    f"<td>{e(x.doc.effective_date)}</td><td>{e(x.history[0].change_summary or 'Initial issue')}</td></tr>"
                    for x in recent])
    built = f" from commit <code>{e(pub.head[:12])}</code>" if pub.head else ""
    return (f"<h1>{e(site_name)}</h1><p>This is the controlled quality manual. For each document it shows the "
            f"revision that is approved and in force on <strong>{e(pub.today)}</strong>{built}. Printed copies "
            f"are uncontrolled.</p><ul>{counts or '<li>No document is in force yet.</li>'}</ul>"
            f'<p><a href="{e(hrefs[MDL])}">Master Document List</a> · <a href="{e(hrefs[MATRIX])}">ISO 9001 '
            f'clause matrix</a> · <a href="{e(hrefs[ARCHIVE])}">Obsolete documents</a></p>'
            + (f"<h2>Latest revisions in force</h2>{table}" if recent else ""))
