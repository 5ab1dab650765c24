"""Every label the published site shows, in one place: one `Labels` per language (en, nb, tr).

A translation is another `Labels(...)` instance giving each field in that language; a field it does not
give stays English. Labels are plain text (templates escape them); `{name}` marks a value that is filled
in where the label is used. The site of one language renders with that language's labels: `speaking(L)`
makes them the `current()` labels while its pages are rendered."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from qms_docs.signatures.proof_labels import ENGLISH as PROOF
from qms_docs.signatures.proof_labels import ProofLabels


@dataclass(frozen=True)
class Labels:
    # The language of these labels (BCP 47), its own name (the language switcher), dates
    language: str = "en"
    native_name: str = "English"
    date_format: str = "%Y-%m-%d"
    meanings: tuple[tuple[str, str], ...] = ()  # a signature's meaning (SPEC 2) in this language; English as recorded
    language_names: tuple[tuple[str, str], ...] = (("en", "English"), ("nb", "Norwegian Bokmål"),
                                                   ("tr", "Turkish"))
    type_names: tuple[tuple[str, str, str], ...] = ()  # (type, singular, plural); else derived from the name
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
    translation_of: str = "Translation of"
    translation_of_value: str = "{id} revision {revision} ({language}), digest {digest}"
    # Language notices (a page of a translation's site)
    not_translated: str = "Not translated"
    not_translated_notice: str = ("No approved translation of {id} into {language} is in force. The {source} "
                                  "original, revision {revision}, is shown below.")
    stale: str = "Translation out of date"
    stale_notice: str = ("This translation renders revision {translated} of {id}. Revision {revision} of the "
                         "source has been in force since {since}; where they differ, the source applies:")
    stale_link: str = "{id} revision {revision} ({language})"
    translations: str = "Translations"
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
    proof_invalid: str = PROOF.invalid
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

    def date(self, value: dt.date | None) -> str:
        """A date as this language writes it (en keeps ISO 8601: 2026-11-30; nb and tr: 30.11.2026)."""
        return value.strftime(self.date_format) if value is not None else ""

    def moment(self, value: dt.datetime | None) -> str:
        """A signature's time, in UTC."""
        return value.strftime(self.date_format + " %H:%M UTC") if value is not None else ""

    def meaning_of(self, meaning: str | None) -> str:
        """A signature's meaning (approved, reviewed, authored) in this language; as recorded if unknown."""
        return dict(self.meanings).get(meaning or "", meaning or "")

    def name_of(self, language: str) -> str:
        """The name of `language` in this language ("engelsk" in Norwegian); the tag itself if unknown."""
        return dict(self.language_names).get(language, language)

    def translation_labels(self) -> dict[str, str]:
        """A translation's state (`qms translations`: current, stale, missing, broken) in words."""
        return {"current": self.translation_current, "stale": self.translation_stale,
                "missing": self.translation_missing, "broken": self.translation_broken}

    def type_name(self, name: str, plural: bool = False) -> str | None:
        """A document type's name in this language, when these labels give one."""
        return next((p if plural else s for t, s, p in self.type_names if t == name), None)

    @property
    def proof(self) -> ProofLabels:
        """This table's wording of how a signer is proven, for `signatures.policy.proof(..., labels=)`."""
        return ProofLabels(self.proof_entry, self.proof_commit, self.proof_author, self.proof_invalid)


ENGLISH = Labels()

# The site's labels in the translation languages of SPEC 8 (the per-language site uses them; the audit
# report stays in English). Terms follow ISO 9001's own Norwegian (NS-EN ISO 9001) and Turkish (TS EN ISO
# 9001) wording: "ledelsessystem for kvalitet", "Kalite Yönetim Sistemi", "dokumentert informasjon",
# "dokümante edilmiş bilgi".
NORWEGIAN = Labels(
    language="nb",
    native_name="Norsk bokmål",
    date_format="%d.%m.%Y",
    language_names=(("en", "engelsk"), ("nb", "norsk bokmål"), ("tr", "tyrkisk")),
    meanings=(("approved", "godkjent"), ("reviewed", "gjennomgått"), ("authored", "utarbeidet")),
    type_names=(("policy", "Policy", "Policyer"), ("manual", "Håndbok", "Håndbøker"),
                ("procedure", "Prosedyre", "Prosedyrer"), ("work-instruction", "Arbeidsinstruks", "Arbeidsinstrukser"),
                ("form", "Skjema", "Skjemaer")),
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
    translation_of="Oversettelse av",
    translation_of_value="{id} revisjon {revision} ({language}), kontrollsum {digest}",
    not_translated="Ikke oversatt",
    not_translated_notice=("Ingen godkjent oversettelse av {id} til {language} er i kraft. Originalen på {source}, "
                           "revisjon {revision}, vises nedenfor."),
    stale="Oversettelsen er utdatert",
    stale_notice=("Denne oversettelsen gjengir revisjon {translated} av {id}. Revisjon {revision} av originalen "
                  "har vært i kraft siden {since}; ved avvik gjelder originalen:"),
    stale_link="{id} revisjon {revision} ({language})",
    translations="Oversettelser",
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
    upcoming="Kommende revisjoner",
    upcoming_intro=("Revisjonene nedenfor er godkjent, men IKKE I KRAFT ENNÅ: følg revisjonen i kraft frem til "
                    "ikrafttredelsesdatoen."),
    no_upcoming="Ingen godkjent revisjon venter på ikrafttredelsesdatoen.",
    not_yet_in_force="Ikke i kraft ennå",
    effective_from="Gjelder fra",
    withdrawal="Tilbaketrekking",
    superseded="Erstattet",
    superseded_notice="Revisjon {revision} av {id} var i kraft fra {start} til {end}. Den skal ikke brukes.",
    superseded_title="{id} revisjon {revision} (erstattet)",
    in_force_is="Revisjonen i kraft er",
    in_force_revision="revisjon {revision}",
    type_intro="{count} dokumenter av denne typen er i kraft {today}. Velg en kolonneoverskrift for å sortere.",
    proven_by="Bevist ved",
    proof_entry="signatur i oppføringen, nøkkel {fingerprint}",
    proof_commit="signert commit {commit}, nøkkel {fingerprint}",
    proof_author="bare commit-forfatter",
    proof_invalid="signatur i oppføringen som ikke kan verifiseres ({reason})",
    uncontrolled="Ustyrt kopi når den skrives ut",
    printed="skrevet ut",
    on_or_after="{date} eller senere",
    check_the_site="Den styrte versjonen er nettstedet for kvalitetshåndboken: kontroller revisjonen der før bruk.",
    print_foot="{label} · skrevet ut {date} · ustyrt kopi",
    document_label="{id} revisjon {revision}",
    page_label="{title} per {today}",
    pdf_uncontrolled="USTYRT KOPI NÅR DEN SKRIVES UT",
    pdf_controlled_copy="Styrt kopi {number} utlevert til {holder}",
    pdf_page="Side {page} av {pages}",
    pdf_printed="Skrevet ut {date}",
    pdf_running_head="{organisation} · {id} {title} · Revisjon {revision}",
    pdf_manual="Kvalitetshåndbok",
    pdf_cover_in_force="Dokumentene som er i kraft per {date}",
    pdf_cover_commit="Kildecommit {commit}",
    pdf_cover_no_commit="Ingen commit ennå",
    pdf_cover_printed="Skrevet ut {date}. Bare revisjonene i kraft på nettstedet for kvalitetshåndboken er styrte.",
    pdf_contents="Innhold",
    pdf_superseded="ERSTATTET",
    pdf_not_yet_in_force="IKKE I KRAFT ENNÅ",
    pdf_superseded_note=("Denne revisjonen var i kraft per {as_of}, men er ikke revisjonen i kraft per {today}. "
                         "Den skal ikke brukes."),
    pdf_not_yet_note="Denne revisjonen er ikke i kraft per {today}; den er revisjonen i kraft per {as_of}.",
    translation_current="oppdatert",
    translation_stale="utdatert",
    translation_pending="under arbeid",
    translation_missing="mangler",
    translation_broken="feil kobling",
)

TURKISH = Labels(
    language="tr",
    native_name="Türkçe",
    date_format="%d.%m.%Y",
    language_names=(("en", "İngilizce"), ("nb", "Norveççe (Bokmål)"), ("tr", "Türkçe")),
    meanings=(("approved", "onaylandı"), ("reviewed", "gözden geçirildi"), ("authored", "hazırlandı")),
    type_names=(("policy", "Politika", "Politikalar"), ("manual", "El kitabı", "El kitapları"),
                ("procedure", "Prosedür", "Prosedürler"), ("work-instruction", "Talimat", "Talimatlar"),
                ("form", "Form", "Formlar")),
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
    translation_of="Kaynak doküman",
    translation_of_value="{id} revizyon {revision} ({language}), özet değeri {digest}",
    not_translated="Çevrilmedi",
    not_translated_notice=("{id} dokümanının yürürlükte onaylı bir {language} çevirisi yok. Aşağıda {source} "
                           "aslı, revizyon {revision} gösterilmektedir."),
    stale="Çeviri güncel değil",
    stale_notice=("Bu çeviri {id} dokümanının {translated} numaralı revizyonunu yansıtır. Kaynağın {revision} "
                  "numaralı revizyonu {since} tarihinden beri yürürlüktedir; farklılık varsa kaynak geçerlidir:"),
    stale_link="{id} revizyon {revision} ({language})",
    translations="Çeviriler",
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
    upcoming="Yaklaşan revizyonlar",
    upcoming_intro=("Aşağıdaki revizyonlar onaylanmıştır ancak HENÜZ YÜRÜRLÜKTE DEĞİLDİR: yürürlük tarihlerine "
                    "kadar yürürlükteki revizyonu uygulayın."),
    no_upcoming="Yürürlük tarihini bekleyen onaylı revizyon yok.",
    not_yet_in_force="Henüz yürürlükte değil",
    effective_from="Yürürlük başlangıcı",
    withdrawal="Yürürlükten kaldırma",
    superseded="Yerini yenisi aldı",
    superseded_notice=("{id} dokümanının {revision} numaralı revizyonu {start} ile {end} arasında yürürlükteydi. "
                       "Kullanmayın."),
    superseded_title="{id} revizyon {revision} (yerini yenisi aldı)",
    in_force_is="Yürürlükteki revizyon:",
    in_force_revision="revizyon {revision}",
    type_intro=("Bu türden {count} doküman {today} tarihinde yürürlükte. Sıralamak için bir sütun başlığını "
                "seçin."),
    proven_by="Kanıt",
    proof_entry="kayıt imzası, anahtar {fingerprint}",
    proof_commit="imzalı commit {commit}, anahtar {fingerprint}",
    proof_author="yalnızca commit yazarı",
    proof_invalid="doğrulanamayan kayıt imzası ({reason})",
    uncontrolled="Basıldığında kontrolsüz kopyadır",
    printed="basım",
    on_or_after="{date} veya sonrası",
    check_the_site="Kontrollü sürüm kalite el kitabı sitesidir: kullanmadan önce revizyonu orada kontrol edin.",
    print_foot="{label} · basım {date} · kontrolsüz kopya",
    document_label="{id} revizyon {revision}",
    page_label="{title}, {today} itibarıyla",
    pdf_uncontrolled="BASILDIĞINDA KONTROLSÜZ KOPYADIR",
    pdf_controlled_copy="Kontrollü kopya {number}, teslim alan: {holder}",
    pdf_page="Sayfa {page} / {pages}",
    pdf_printed="Basım tarihi {date}",
    pdf_running_head="{organisation} · {id} {title} · Revizyon {revision}",
    pdf_manual="Kalite el kitabı",
    pdf_cover_in_force="{date} tarihinde yürürlükteki dokümanlar",
    pdf_cover_commit="Kaynak commit {commit}",
    pdf_cover_no_commit="Henüz commit yok",
    pdf_cover_printed="Basım tarihi {date}. Yalnızca kalite el kitabı sitesindeki yürürlükteki revizyonlar kontrollüdür.",
    pdf_contents="İçindekiler",
    pdf_superseded="YERİNİ YENİSİ ALDI",
    pdf_not_yet_in_force="HENÜZ YÜRÜRLÜKTE DEĞİL",
    pdf_superseded_note=("Bu revizyon {as_of} tarihinde yürürlükteydi; {today} tarihinde yürürlükteki revizyon "
                         "değildir. Kullanmayın."),
    pdf_not_yet_note="Bu revizyon {today} tarihinde yürürlükte değildir; {as_of} tarihinde yürürlükte olan revizyondur.",
    translation_current="güncel",
    translation_stale="eskimiş",
    translation_pending="hazırlanıyor",
    translation_missing="eksik",
    translation_broken="hatalı bağlantı",
)

BY_LANGUAGE = {"en": ENGLISH, "nb": NORWEGIAN, "tr": TURKISH}
_CURRENT: ContextVar[Labels] = ContextVar("qms_labels", default=ENGLISH)


def for_language(language: str) -> Labels:
    """The labels of `language` (its primary subtag: nb-NO -> nb); English when there are none."""
    return BY_LANGUAGE.get(language) or BY_LANGUAGE.get(language.split("-")[0].lower()) or ENGLISH


def current() -> Labels:
    """The labels of the site being rendered (English outside `speaking`)."""
    return _CURRENT.get()


@contextlib.contextmanager
def speaking(language: str) -> Iterator[Labels]:
    """Render in `language`: its labels are `current()` until the block ends."""
    token = _CURRENT.set(for_language(language))
    try:
        yield _CURRENT.get()
    finally:
        _CURRENT.reset(token)
