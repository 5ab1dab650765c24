"""HTML of the generated pages and blocks, from the Jinja templates in qms_docs/templates/pages
(autoescape on: every value is escaped unless it is Markup built here) with the labels of
`qms_docs.publishing.labels`: those of the language being rendered (`labels.current()`), dates written
as that language writes them."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from qms_docs.model import iso9001
from qms_docs.model.document import Approval, Document
from qms_docs.publishing import iso9001_terms
from qms_docs.publishing.labels import ENGLISH as LABELS
from qms_docs.publishing.labels import current
from qms_docs.publishing.selection import Entry, Publication
from qms_docs.signatures.policy import Proof, proof

if TYPE_CHECKING:
    from qms_docs.publishing.languages import Localization

HOME, MDL, MATRIX, ARCHIVE = "index.md", "master-document-list.md", "clause-matrix.md", "archive.md"
UPCOMING = "upcoming.md"
TITLES = {HOME: LABELS.home, MDL: LABELS.master_list, MATRIX: LABELS.clause_matrix, ARCHIVE: LABELS.archive,
          UPCOMING: LABELS.upcoming}  # in English; `title` gives them in the language being rendered
GUARD = "---\n{}\n---\n"  # an empty front matter: MkDocs must read no metadata from a document's body

Link = Callable[[str], "str | None"]  # document id -> URL relative to the current page, or None
Unissued = Callable[[str], bool]  # document id -> whether it names a document with no revision in force


def document_markdown(body: str) -> str:
    """The Markdown of a document page: the effective revision's body, behind an empty front matter."""
    return GUARD + body


def page_title(entry: Entry) -> str:
    """The page title (MkDocs treats titles as HTML, so it is escaped here)."""
    return html.escape(f"{entry.id} {entry.doc.title or ''}".strip())


def title(uri: str) -> str:
    """The title of a generated page in the language being rendered."""
    words = current()
    return {HOME: words.home, MDL: words.master_list, MATRIX: words.clause_matrix, ARCHIVE: words.archive,
            UPCOMING: words.upcoming}[uri]


def type_label(name: str, plural: bool = False) -> str:
    named = current().type_name(name, plural)
    if named is not None:
        return named
    label = name.replace("-", " ").capitalize()
    if not plural:
        return label
    return label[:-1] + "ies" if label.endswith("y") else label + "s"


def css_string(text: str) -> str:
    """A CSS string literal; every character but ASCII letters and digits is escaped (no `</style>`)."""
    return '"' + "".join(c if c.isascii() and c.isalnum() else f"\\{ord(c):06x}" for c in text) + '"'


class _Loader(jinja2.PackageLoader):
    """The site templates, each line stripped and joined to the next: the markup stays readable in the
    files and the pages carry no whitespace between tags."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool] | None]:
        source, filename, uptodate = super().get_source(environment, template)
        return "".join(line.strip() for line in source.splitlines()), filename, uptodate


def _finalize(value: Any) -> Any:
    """What a template prints: nothing for None, a date as the language being rendered writes it."""
    if value is None:
        return ""
    return current().date(value) if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else value


_ENV = jinja2.Environment(loader=_Loader("qms_docs.templates", "pages"), autoescape=True,
                          undefined=jinja2.StrictUndefined, finalize=_finalize)


def _render(template: str, link: Link | None = None, unissued: Unissued | None = None, **values: Any) -> str:
    return _ENV.get_template(template).render(l=current(), link=link or _no_link, unissued=unissued or _never,
                                              type_label=type_label, **values)


def _no_link(doc_id: str) -> None:
    return None


def _never(doc_id: str) -> bool:
    return False


def print_notice(label: str, built: dt.date) -> str:
    """'Uncontrolled copy when printed' with the label and print date; shown only in print.

    The script replaces the build date with the day of printing; the style sets the label that the
    print stylesheet puts at the foot of every sheet."""
    words = current()
    foot = css_string(words.print_foot.format(label=label, date=words.on_or_after.format(date=words.date(built))))
    return _render("print_notice.html", label=label, built=built, foot=Markup(foot))  # only [A-Za-z0-9\\"]


def document_label(entry: Entry) -> str:
    return current().document_label.format(id=entry.id, revision=entry.doc.revision)


def page_label(uri: str, today: dt.date) -> str:
    return current().page_label.format(title=title(uri), today=current().date(today))


def control_block(doc: Document, commit: str, next_review: dt.date | None, link: Link, unissued: Unissued,
                  superseded: bool = False, proofs: Sequence[Proof] = (), source_language: str = "en") -> str:
    """Id, title, revision, effective date, owner and the signatures of a published revision, and how each is
    proven (`proofs`, by entry index: Publication.proofs_of), in the language being rendered."""
    words = current()
    signatures = [Signature(a.name, a.role, words.meaning_of(a.meaning), words.moment(a.at), (a.digest or "")[:19],
                            proof_text(proofs, a)) for a in doc.current_approvals()]
    state, css = (words.superseded, "qms-badge--superseded") if superseded else (words.effective, "")
    return _render("control_block.html", link, unissued, doc_id=doc.id or "", doc=doc, signatures=signatures,
                   doc_type=type_label(doc.type or ""), next_review=next_review, commit=commit, state=state,
                   state_css=css, source_language=source_language)


def language_notice(site: Localization | None, doc_id: str, href: str) -> str:
    """On a translation's site: "not translated" above the source, or "out of date" naming the newer source
    revision and linking to it (`href`: the page on the default language's site). Empty otherwise."""
    shown = site.shown.get(doc_id) if site is not None else None
    if site is None or shown is None:
        return ""
    return _render("language_notice.html", shown=shown, row=shown.row, doc_id=doc_id, href=href,
                   language=site.language, default=site.default)


def proof_text(proofs: Sequence[Proof], a: Approval) -> Markup:
    """How entry `a` is proven, in the one wording (signatures.policy.proof), breakable; empty when not known."""
    return breakable(proof(proofs[a.index], current().proof)) if a.index < len(proofs) else Markup("")


def breakable(text: str, every: int = 12, longer: int = 24) -> Markup:
    """Escaped text with a line-break opportunity every `every` characters inside a word longer than `longer`
    (a key fingerprint has no space); ordinary words ("commit-forfatter") never break."""
    return Markup(" ").join(Markup("<wbr>").join(html.escape(word[i:i + every]) for i in range(0, len(word), every))
                            if len(word) > longer else html.escape(word) for word in text.split(" "))


def revision_history(entry: Entry, href: Callable[[int], str | None] | None = None,
                     proofs: Mapping[tuple[str, int], Sequence[Proof]] | None = None) -> str:
    """Every revision of the document that became effective, newest first; `href` links a revision's page;
    `proofs` says how each signer is proven (Publication.proofs)."""
    proven = proofs or {}
    rows = [HistoryRow(row.revision, row.effective_date,
                       row.change_summary or (current().initial_issue if row.revision == 1 else ""),
                       tuple(Signer(a.name, a.role, proof_text(proven.get((entry.doc.key or "", row.revision), ()), a))
                             for a in row.signatures if a.name),
                       href(row.revision) if href else None)
            for row in entry.history]
    return _render("revision_history.html", rows=rows)


def superseded_notice(doc: Document, until: dt.date | None, revision: int | None, href: str) -> str:
    """SUPERSEDED, the dates it was in force, and a link to the revision in force."""
    return _render("superseded_notice.html", doc=doc, until=until, revision=revision, href=href)


def upcoming(pub: Publication, link: Link) -> str:
    """Approved, verified revisions whose date has not come, marked NOT YET IN FORCE."""
    return _render("upcoming.html", link, upcoming=pub.upcoming)


def type_index(heading: str, entries: list[Entry], today: dt.date, link: Link) -> str:
    """The sortable table of a document type's documents (id, title, revision, effective date)."""
    return _render("type_index.html", link, heading=heading, entries=entries, today=today)


def master_list(pub: Publication, link: Link, archive_href: str, unissued: Unissued | None = None) -> str:
    """The Master Document List: every published document."""
    return _render("master_list.html", link, unissued, pub=pub, archive_href=archive_href)


def excluded_by(clause: str, exclusions: Mapping[str, str]) -> str | None:
    """The justification if `clause` (or a clause above it, 8.3 for 8.3.2) is excluded, else None."""
    return next((why for x, why in exclusions.items() if clause == x or clause.startswith(x + ".")), None)


def matrix_rows(pub: Publication, exclusions: Mapping[str, str]) -> list[MatrixRow]:
    """ISO 9001:2015 clause -> documents; a clause that calls for documented information and has no
    document is a gap, unless it is excluded (then it shows the justification)."""
    declared = [(c, x.id) for x in pub.documents for c in x.doc.clauses]
    rows = []
    for clause in iso9001.matrix_rows(c for c, _ in declared):
        ids = tuple(sorted({i for c, i in declared if iso9001.covers(c, clause)}))
        required = iso9001_terms.documented_information(clause, current().language)
        excluded = excluded_by(clause, exclusions)
        gap = bool(required) and not ids and excluded is None
        css = "qms-gap" if gap else "qms-excluded" if excluded is not None else ("qms-chapter" if "." not in clause else "")
        rows.append(MatrixRow(clause, _clause_title(clause), required, ids, gap, excluded, css))
    return rows


def _clause_title(clause: str) -> str:
    return iso9001_terms.clause_title(clause, current().language) or current().not_a_clause


def clause_matrix(pub: Publication, link: Link, unissued: Unissued | None = None,
                  exclusions: Mapping[str, str] | None = None) -> str:
    """The clause matrix page, with the gaps and the exclusions (qms.yml `exclusions`) above the table."""
    if exclusions is None:
        exclusions = getattr(pub.config, "exclusions", None) or {}
    return _render("clause_matrix.html", link, unissued, rows=matrix_rows(pub, exclusions),
                   total=sum(excluded_by(c, exclusions) is None for c in iso9001.DOCUMENTED_INFORMATION),
                   exclusions=sorted(exclusions.items()),
                   title=_clause_title)


def archive(pub: Publication) -> str:
    """Withdrawn documents: metadata only, marked OBSOLETE; their content is never published."""
    return _render("archive.html", pub=pub)


def home(pub: Publication, link: Link, hrefs: dict[str, str], site_name: str, unissued: Unissued | None = None) -> str:
    """The manual's home page: what the site is, counts by type, and the latest changes."""
    counts = [(name, n) for name in pub.config.types if (n := sum(1 for x in pub.documents if x.doc_type.name == name))]
    recent = sorted(pub.documents, key=lambda x: (x.doc.effective_date or dt.date.min, x.id), reverse=True)[:10]
    links = {"mdl": hrefs[MDL], "matrix": hrefs[MATRIX], "archive": hrefs[ARCHIVE]}
    return _render("home.html", link, unissued, pub=pub, counts=counts, recent=recent, hrefs=links, site_name=site_name)


@dataclass(frozen=True)
class Signature:
    name: str | None
    role: str | None
    meaning: str | None
    at: str
    digest: str
    proof: str | Markup = ""


@dataclass(frozen=True)
class Signer:
    name: str
    role: str | None
    proof: Markup


@dataclass(frozen=True)
class HistoryRow:
    revision: int
    effective_date: dt.date | None
    summary: str
    signers: tuple[Signer, ...]
    href: str | None = None


@dataclass(frozen=True)
class MatrixRow:
    clause: str
    title: str
    required: str
    ids: tuple[str, ...]
    gap: bool
    excluded: str | None  # the justification of an excluded clause
    css: str
