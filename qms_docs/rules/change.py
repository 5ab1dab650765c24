"""The change-rule registry: rules comparing a base snapshot (ctx.base) with a new one; history facts come in
ctx.facts. Each rule's scope says what it needs: each commit of a range runs the CHANGE rules, the end of the
range the HISTORY and PUSH ones, the commit-msg hook the COMMIT_MESSAGE one."""

from __future__ import annotations

from qms_docs.rules import commit_msg, config_change, provenance, push, revisions
from qms_docs.rules.base import Rule, Scope, Severity

E = Severity.ERROR
CHANGE, HISTORY = Scope.CHANGE, Scope.HISTORY

CHANGE_RULES: tuple[Rule, ...] = (
    Rule("QMS010", E, "content changed but revision not raised", revisions.revision_not_raised, CHANGE),
    Rule("QMS011", E, "revision went down, or up by more than one", revisions.revision_out_of_step, CHANGE),
    Rule("QMS012", E, "a controlled document was deleted", revisions.document_deleted, CHANGE),
    Rule("QMS013", E, "a document's id changed", revisions.id_changed, CHANGE),
    Rule("QMS014", E, "a guarded file changed by a change not made (or signed) by a config approver",
         config_change.unauthorised_config_change, HISTORY),
    Rule("QMS015", E, "a withdrawal in force is final: its document may not change again",
         revisions.final_withdrawal_changed, CHANGE),
    Rule("QMS024", E, "self-approval: a signer authored a commit of this revision", provenance.self_approval, HISTORY),
    Rule("QMS025", E, "forged approval: not added (or signed) by the signer", provenance.forged_approval, HISTORY),
    Rule("QMS050", E, "a commit message does not name the documents it changes", commit_msg.ids_not_named, Scope.COMMIT_MESSAGE),
    Rule("QMS060", E, "a protected branch was rewritten or deleted", push.branch_rewritten, Scope.PUSH),
)
