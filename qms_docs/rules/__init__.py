"""The rule registry: explicit, ordered by code. Static rules here; change rules in rules.change
(imported only by the commands and hooks that compare a base with a new snapshot)."""

from __future__ import annotations

from qms_docs.rules import approvals, dates, exclusions, frontmatter, references, revisions, translations
from qms_docs.rules.base import Rule, Scope, Severity

E, W = Severity.ERROR, Severity.WARNING

STATIC_RULES: tuple[Rule, ...] = (
    Rule("QMS001", E, "front matter missing or not valid YAML", frontmatter.unreadable_front_matter),
    Rule("QMS002", E, "a required field missing or of the wrong type", frontmatter.malformed_field),
    Rule("QMS003", E, "id does not match its type's prefix pattern", frontmatter.id_off_pattern),
    Rule("QMS004", E, "the same (id, language) in two files", frontmatter.duplicate_id, Scope.CROSS_DOCUMENT),
    Rule("QMS005", E, "unknown type or status", frontmatter.unknown_type_or_status),
    Rule("QMS016", W, "a withdrawal lacks an approval from a required role (pending)", revisions.withdrawal_unsigned),
    Rule("QMS020", E, "an approved document lacks a signature from a required role", approvals.missing_signature),
    Rule("QMS021", E, "an approval's digest does not match the content (stale approval)", approvals.stale_approval),
    Rule("QMS022", E, "an approval is for another revision", approvals.approval_for_other_revision),
    Rule("QMS023", E, "the signer does not hold the role signed for", approvals.signer_without_role),
    Rule("QMS030", E, "an approved document has no effective_date", dates.no_effective_date),
    Rule("QMS031", W, "periodic review overdue", dates.review_overdue),
    Rule("QMS032", W, "effective_date earlier than the last signature: backdated", dates.backdated),
    Rule("QMS040", E, "a reference to an unknown document id", references.unknown_reference, Scope.CROSS_DOCUMENT),
    Rule("QMS041", W, "an active document references an obsolete one", references.obsolete_reference, Scope.CROSS_DOCUMENT),
    Rule("QMS042", W, "an approved document references a document with no revision in force",
         references.reference_not_in_force, Scope.CROSS_DOCUMENT),
    Rule("QMS043", W, "a document claims a clause that qms.yml excludes", exclusions.excluded_clause),
    Rule("QMS070", W, "a translation is stale: its source has a newer revision in force", translations.stale_translation,
         Scope.CROSS_DOCUMENT),
    Rule("QMS071", W, "a required language has no approved translation of a document in force",
         translations.missing_translation, Scope.CROSS_DOCUMENT),
    Rule("QMS072", E, "translation_of names no revision of the source, or not its digest", translations.broken_link,
         Scope.CROSS_DOCUMENT),
    Rule("QMS073", E, "a translation's language or translation_of is malformed or not offered",
         translations.malformed_translation),
    Rule("QMS074", W, "a translation's file is not NAME.LANG.md beside its source", translations.misnamed_translation,
         Scope.CROSS_DOCUMENT),
)
