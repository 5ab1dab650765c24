"""Every label the published site shows, in one place: one `Labels` per language.

English is the only language for now; a translation is another `Labels(...)` instance giving each
field in that language. Labels are plain text (templates escape them); `{name}` marks a value that
is filled in where the label is used."""

from __future__ import annotations

from dataclasses import dataclass


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
    gaps: str = ("{gaps} of {total} clauses that call for documented information (and are not excluded) have no "
                 "published document:")
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
    # Print
    uncontrolled: str = "Uncontrolled copy when printed"
    printed: str = "printed"
    on_or_after: str = "on or after {date}"
    check_the_site: str = "The controlled version is the quality manual site: check the revision there before use."
    print_foot: str = "{label} · printed {date} · uncontrolled copy"
    document_label: str = "{id} revision {revision}"
    page_label: str = "{title} as of {today}"


ENGLISH = Labels()
