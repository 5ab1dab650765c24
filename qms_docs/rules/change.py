"""The change-rule registry: rules comparing a base snapshot (ctx.base) with a new one; history facts come in ctx.facts."""

from __future__ import annotations

from qms_docs.rules import commit_msg, config_change, provenance, push, revisions
from qms_docs.rules.base import Rule, Severity

E = Severity.ERROR

CHANGE_RULES: tuple[Rule, ...] = (
    Rule("QMS010", E, "content changed but revision not raised", revisions.revision_not_raised),
    Rule("QMS011", E, "revision went down, or up by more than one", revisions.revision_out_of_step),
    Rule("QMS012", E, "a controlled document was deleted", revisions.document_deleted),
    Rule("QMS013", E, "a document's id changed", revisions.id_changed),
    Rule("QMS014", E, "qms.yml changed by an author without a config_approvers role", config_change.unauthorised_config_change),
    Rule("QMS024", E, "self-approval: a signer authored a commit of this revision", provenance.self_approval),
    Rule("QMS025", E, "forged approval: not added (or signed) by the signer", provenance.forged_approval),
    Rule("QMS050", E, "a commit message does not name the documents it changes", commit_msg.ids_not_named),
    Rule("QMS060", E, "a protected branch was rewritten or deleted", push.branch_rewritten),
)
