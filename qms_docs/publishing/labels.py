"""Every label the published site shows, in one place: one `Labels` per language.

English is the only language for now; a translation is another `Labels(...)` instance giving each
field in that language. Labels are plain text (templates escape them); `{name}` marks a value that
is filled in where the label is used."""

from __future__ import annotations

from dataclasses import dataclass

from qms_docs.signatures.proof_labels import ENGLISH as PROOF
from qms_docs.signatures.proof_labels import ProofLabels


@dataclass(frozen=True)
class Labels:
    # Pages
    home: str = "Home"
    master_list: str = "Master Document List"
    clause_matrix: str = "ISO 9001 clause matrix"
    clause_matrix_heading: str = "ISO 9001:2015 clause matrix"
    archive: str = "Obsolete documents"
    # Control block
    document_control: str = "Document control"
    effective: str = "Effective"
    revision: str = "Revision"
    effective_date: str = "Effective date"
    owner: str = "Owner"
    type: str = "Type"
    next_review: str = "Next review"
    clauses: str = "ISO 9001 clauses"
    references: str = "References"
    signed_by: str = "Signed by"
    role: str = "Role"
    meaning: str = "Meaning"
    signed_utc: str = "Signed (UTC)"
    digest: str = "Digest"
    published_from: str = "Published from commit"
    none: str = "—"
    not_issued: str = "not issued"
    not_issued_hint: str = "No revision of {id} is in force"
    # Revision history
    revision_history: str = "Revision history"
    change_summary: str = "Change summary"
    approved_by: str = "Approved by"
    initial_issue: str = "Initial issue"
    # Master Document List
    id: str = "ID"
    title: str = "Title"
    rev: str = "Rev."
    effective_short: str = "Effective"
    overdue: str = "(overdue)"
    master_list_intro: str = ("{count} controlled documents in force on {today}; each is listed at its effective "
                              "revision. Withdrawn documents are in the")
    archive_link: str = "archive of obsolete documents"
    # Clause matrix
    clause: str = "Clause"
    clause_title: str = "Title"
    documented_information: str = "Documented information called for"
    documents: str = "Documents"
    no_document: str = "No document"
    not_a_clause: str = "(not an ISO 9001:2015 clause)"
    gaps: str = "{gaps} of {total} clauses that call for documented information have no published document:"
    no_gaps: str = "Every clause that calls for documented information has a published document."
    excluded: str = "Excluded"
    exclusions: str = "Clauses excluded from the quality management system (ISO 9001:2015, 4.3):"
    # Archive
    archive_intro: str = ("These documents are withdrawn (OBSOLETE) and must not be used. They are listed for "
                          "reference only; their content is not published.")
    obsolete: str = "Obsolete"
    last_in_force: str = "Last revision in force"
    withdrawn: str = "Withdrawn"
    reason: str = "Reason"
    never_effective: str = "never effective"
    none_withdrawn: str = "No document has been withdrawn."
    # Home
    home_intro: str = ("This is the controlled quality manual. For each document it shows the revision that is "
                       "approved and in force on")
    from_commit: str = "from commit"
    printed_copies: str = "Printed copies are uncontrolled."
    no_document_in_force: str = "No document is in force yet."
    latest: str = "Latest revisions in force"
    # Upcoming, superseded, type index pages
    upcoming: str = "Upcoming revisions"
    upcoming_intro: str = ("Revisions below are approved but NOT YET IN FORCE: until their effective date, "
                           "follow the revision in force.")
    no_upcoming: str = "No approved revision is waiting for its effective date."
    not_yet_in_force: str = "Not yet in force"
    effective_from: str = "Effective from"
    withdrawal: str = "Withdrawal"
    superseded: str = "Superseded"
    superseded_notice: str = "Revision {revision} of {id} was in force from {start} until {end}. Do not use it."
    superseded_title: str = "{id} revision {revision} (superseded)"
    in_force_is: str = "The revision in force is"
    in_force_revision: str = "revision {revision}"
    type_intro: str = "{count} documents of this type in force on {today}. Select a column heading to sort."
    # Print
    uncontrolled: str = "Uncontrolled copy when printed"
    printed: str = "printed"
    on_or_after: str = "on or after {date}"
    check_the_site: str = "The controlled version is the quality manual site: check the revision there before use."
    print_foot: str = "{label} · printed {date} · uncontrolled copy"
    document_label: str = "{id} revision {revision}"
    page_label: str = "{title} as of {today}"

    # PDF (`qms pdf`, `qms verify-pdf`, `qms copies`)
    pdf_uncontrolled: str = "UNCONTROLLED COPY WHEN PRINTED"
    pdf_controlled_copy: str = "Controlled copy {number} issued to {holder}"
    pdf_page: str = "Page {page} of {pages}"
    pdf_printed: str = "Printed {date}"
    pdf_running_head: str = "{organisation} · {id} {title} · Revision {revision}"
    pdf_manual_head: str = "{organisation} · {title}"
    pdf_manual: str = "Quality manual"
    pdf_cover_in_force: str = "The documents in force on {date}"
    pdf_cover_commit: str = "Source commit {commit}"
    pdf_cover_no_commit: str = "No commit yet"
    pdf_cover_printed: str = "Printed {date}. Only the revisions in force on the manual site are controlled."
    pdf_contents: str = "Contents"
    pdf_superseded: str = "SUPERSEDED"
    pdf_not_yet_in_force: str = "NOT YET IN FORCE"
    pdf_superseded_note: str = ("This revision was in force on {as_of}; it is not the revision in force on {today}. "
                                "Do not use it.")
    pdf_not_yet_note: str = "This revision is not in force on {today}; it is the revision in force on {as_of}."

    # Audit report (`qms report`)
    report_title: str = "QMS audit report: {repository}"
    report_generated: str = ("Generated {date} from commit {commit}; changes cover {period}. Evidence is read "
                             "from git history; re-run {command} on a clone to check it.")
    report_period_since: str = "since {date}"
    report_period_all: str = "the whole history"
    report_summary_documents: str = "{count} controlled documents"
    report_summary_changes: str = "{count} commits changed documents in {period}"
    report_summary_overdue: str = "{count} periodic reviews overdue"
    report_summary_verification: str = "history verification: {verdict} ({count} {failures})"
    report_failure: str = "failure"
    report_failures: str = "failures"
    report_passed: str = "passed"
    report_failed: str = "FAILED"
    report_verify_passed: str = "PASSED"
    report_verify_failed: str = "FAILED"
    report_section_master_list: str = "1. Master document list"
    report_section_evidence: str = "2. Approval evidence"
    report_section_changes: str = "3. Changes in the period"
    report_section_overdue: str = "4. Overdue periodic reviews"
    report_section_verification: str = "5. History verification"
    proven_by: str = "Proven by"
    proof_entry: str = PROOF.entry  # how a signer is proven: the wording of signatures.proof_labels
    proof_commit: str = PROOF.commit
    proof_author: str = PROOF.author
    report_col_proof: str = "Proven by"
    report_col_pending: str = "Pending"
    report_col_id: str = "Id"
    report_col_title: str = "Title"
    report_col_type: str = "Type"
    report_col_revision: str = "Revision"
    report_col_status: str = "Status"
    report_col_effective: str = "Effective"
    report_col_owner: str = "Owner"
    report_col_next_review: str = "Next review"
    report_col_translations: str = "Translations"
    translation_current: str = "current"
    translation_stale: str = "stale"
    translation_pending: str = "pending"
    translation_missing: str = "missing"
    translation_broken: str = "broken link"
    report_col_signer: str = "Signer"
    report_col_role: str = "Role"
    report_col_meaning: str = "Meaning"
    report_col_signed_at: str = "Signed at (UTC)"
    report_col_rev: str = "Rev."
    report_col_digest: str = "Digest"
    report_col_added_in: str = "Added in commit"
    report_col_commit_author: str = "Commit author"
    report_col_date: str = "Date (UTC)"
    report_col_commit: str = "Commit"
    report_col_author: str = "Author"
    report_col_message: str = "Message"
    report_col_documents: str = "Documents: revision and change summary"
    report_col_review_due: str = "Review due"
    report_col_days_overdue: str = "Days overdue"
    report_col_document: str = "Document"
    report_col_file: str = "File"
    report_col_problem: str = "Problem"
    report_state: str = "revision {revision}, {status}, effective {date}"
    report_never_approved: str = "never approved"
    report_stale: str = "stale"
    report_not_the_signer: str = "not the signer"
    report_document_revision: str = "{id} rev {revision} ({status})"
    report_no_documents: str = "No controlled documents."
    report_no_evidence: str = "No documents."
    report_no_signatures: str = "No signatures."
    report_no_changes: str = "No commit changed a controlled document in this period."
    report_no_overdue: str = "No review is overdue."
    report_footer: str = "Uncontrolled copy when printed ({date}). Generated by qms-docs."

    @property
    def proof(self) -> ProofLabels:
        """This table's wording of how a signer is proven, for `signatures.policy.proof(..., labels=)`."""
        return ProofLabels(self.proof_entry, self.proof_commit, self.proof_author)

ENGLISH = Labels()

# The site's labels in the translation languages of SPEC 8 (the per-language site uses them; the audit
# report stays in English). Terms follow ISO 9001's own Norwegian (NS-EN ISO 9001) and Turkish (TS EN ISO
# 9001) wording: "ledelsessystem for kvalitet", "Kalite Yönetim Sistemi", "dokumentert informasjon",
# "dokümante edilmiş bilgi".
NORWEGIAN = Labels(
    home="Hjem",
    master_list="Dokumentoversikt",
    clause_matrix="ISO 9001-kapitteloversikt",
    clause_matrix_heading="ISO 9001:2015 kapitteloversikt",
    archive="Utgåtte dokumenter",
    document_control="Dokumentstyring",
    effective="Gjelder fra",
    revision="Revisjon",
    effective_date="Ikrafttredelsesdato",
    owner="Eier",
    type="Type",
    next_review="Neste gjennomgåelse",
    clauses="ISO 9001-kapitler",
    references="Henvisninger",
    signed_by="Signert av",
    role="Rolle",
    meaning="Betydning",
    signed_utc="Signert (UTC)",
    digest="Kontrollsum",
    published_from="Publisert fra commit",
    not_issued="ikke utgitt",
    not_issued_hint="Ingen revisjon av {id} er i kraft",
    revision_history="Revisjonshistorikk",
    change_summary="Endringssammendrag",
    approved_by="Godkjent av",
    initial_issue="Første utgave",
    id="ID",
    title="Tittel",
    rev="Rev.",
    effective_short="Gjelder fra",
    overdue="(forfalt)",
    master_list_intro=("{count} styrte dokumenter er i kraft {today}; hvert er oppført med gjeldende revisjon. "
                       "Tilbaketrukne dokumenter står i"),
    archive_link="arkivet over utgåtte dokumenter",
    clause="Kapittel",
    clause_title="Tittel",
    documented_information="Påkrevd dokumentert informasjon",
    documents="Dokumenter",
    no_document="Ingen dokumenter",
    not_a_clause="(ikke et kapittel i ISO 9001:2015)",
    gaps="{gaps} av {total} kapitler som krever dokumentert informasjon, har ikke noe publisert dokument:",
    no_gaps="Alle kapitler som krever dokumentert informasjon, har et publisert dokument.",
    excluded="Unntatt",
    exclusions="Kapitler som er unntatt fra ledelsessystemet for kvalitet (ISO 9001:2015, 4.3):",
    archive_intro=("Disse dokumentene er trukket tilbake (UTGÅTT) og skal ikke brukes. De er oppført bare til "
                   "informasjon; innholdet publiseres ikke."),
    obsolete="Utgått",
    last_in_force="Siste revisjon i kraft",
    withdrawn="Trukket tilbake",
    reason="Begrunnelse",
    never_effective="aldri i kraft",
    none_withdrawn="Ingen dokumenter er trukket tilbake.",
    home_intro=("Dette er den styrte kvalitetshåndboken. For hvert dokument vises revisjonen som er godkjent og "
                "i kraft"),
    from_commit="fra commit",
    printed_copies="Utskrevne kopier er ustyrte.",
    no_document_in_force="Ingen dokumenter er i kraft ennå.",
    latest="Siste revisjoner i kraft",
    uncontrolled="Ustyrt kopi når den skrives ut",
    printed="skrevet ut",
    on_or_after="{date} eller senere",
    check_the_site="Den styrte versjonen er nettstedet for kvalitetshåndboken: kontroller revisjonen der før bruk.",
    print_foot="{label} · skrevet ut {date} · ustyrt kopi",
    document_label="{id} revisjon {revision}",
    page_label="{title} per {today}",
    translation_current="oppdatert",
    translation_stale="utdatert",
    translation_pending="under arbeid",
    translation_missing="mangler",
    translation_broken="feil kobling",
)

TURKISH = Labels(
    home="Ana sayfa",
    master_list="Ana Doküman Listesi",
    clause_matrix="ISO 9001 madde matrisi",
    clause_matrix_heading="ISO 9001:2015 madde matrisi",
    archive="Geçersiz dokümanlar",
    document_control="Doküman kontrolü",
    effective="Yürürlük",
    revision="Revizyon",
    effective_date="Yürürlük tarihi",
    owner="Sahibi",
    type="Tür",
    next_review="Sonraki gözden geçirme",
    clauses="ISO 9001 maddeleri",
    references="Atıflar",
    signed_by="İmzalayan",
    role="Rol",
    meaning="Anlam",
    signed_utc="İmza zamanı (UTC)",
    digest="Özet değeri",
    published_from="Yayımlandığı commit",
    not_issued="yayımlanmadı",
    not_issued_hint="{id} dokümanının yürürlükte revizyonu yok",
    revision_history="Revizyon geçmişi",
    change_summary="Değişiklik özeti",
    approved_by="Onaylayan",
    initial_issue="İlk yayın",
    id="No",
    title="Başlık",
    rev="Rev.",
    effective_short="Yürürlük",
    overdue="(süresi geçmiş)",
    master_list_intro=("{today} tarihinde yürürlükte {count} kontrollü doküman; her biri yürürlükteki "
                       "revizyonuyla listelenmiştir. Yürürlükten kaldırılan dokümanlar şurada:"),
    archive_link="geçersiz dokümanlar arşivi",
    clause="Madde",
    clause_title="Başlık",
    documented_information="İstenen dokümante edilmiş bilgi",
    documents="Dokümanlar",
    no_document="Doküman yok",
    not_a_clause="(ISO 9001:2015 maddesi değil)",
    gaps="Dokümante edilmiş bilgi isteyen {total} maddeden {gaps} tanesinin yayımlanmış dokümanı yok:",
    no_gaps="Dokümante edilmiş bilgi isteyen her maddenin yayımlanmış bir dokümanı var.",
    excluded="Hariç",
    exclusions="Kalite Yönetim Sisteminin dışında tutulan maddeler (ISO 9001:2015, 4.3):",
    archive_intro=("Bu dokümanlar yürürlükten kaldırılmıştır (GEÇERSİZ) ve kullanılmamalıdır. Yalnızca bilgi "
                   "amacıyla listelenmiştir; içerikleri yayımlanmaz."),
    obsolete="Geçersiz",
    last_in_force="Yürürlükteki son revizyon",
    withdrawn="Yürürlükten kaldırıldı",
    reason="Gerekçe",
    never_effective="hiç yürürlüğe girmedi",
    none_withdrawn="Yürürlükten kaldırılan doküman yok.",
    home_intro=("Bu, kontrollü kalite el kitabıdır. Her doküman için şu tarihte onaylı ve yürürlükte olan "
                "revizyonu gösterir:"),
    from_commit="commit",
    printed_copies="Basılı kopyalar kontrolsüzdür.",
    no_document_in_force="Henüz yürürlükte doküman yok.",
    latest="Yürürlüğe giren son revizyonlar",
    uncontrolled="Basıldığında kontrolsüz kopyadır",
    printed="basım",
    on_or_after="{date} veya sonrası",
    check_the_site="Kontrollü sürüm kalite el kitabı sitesidir: kullanmadan önce revizyonu orada kontrol edin.",
    print_foot="{label} · basım {date} · kontrolsüz kopya",
    document_label="{id} revizyon {revision}",
    page_label="{title}, {today} itibarıyla",
    translation_current="güncel",
    translation_stale="eskimiş",
    translation_pending="hazırlanıyor",
    translation_missing="eksik",
    translation_broken="hatalı bağlantı",
)

BY_LANGUAGE = {"en": ENGLISH, "nb": NORWEGIAN, "tr": TURKISH}
