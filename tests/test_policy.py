"""The one signature policy, on in-memory documents: every reason a signature does not count, and when a revision counts."""

from __future__ import annotations

import datetime as dt

from qms_docs.config import parse_config
from qms_docs.model.frontmatter import parse
from qms_docs.signatures.policy import Problem, RevisionFacts, SignatureFacts, counts, judge, missing_roles
from tests.builders import PEOPLE, QMS_YML, make_document

CONFIG = parse_config(QMS_YML)
PATH = "controlled/procedures/QP-001.md"
JANE, OMAR = PEOPLE["quality-manager"], PEOPLE["process-owner"]


def doc(text: str, path: str = PATH):  # type: ignore[no-untyped-def]
    return parse(text, path)


def codes(problems: list[Problem]) -> list[tuple[str, int | None]]:
    return [(p.code, p.index) for p in problems]


def by_signers(**overrides: SignatureFacts) -> dict[int, SignatureFacts]:
    """Each entry of a QP document added by its own signer (jane, then omar), unless overridden."""
    facts = {0: SignatureFacts(0, "a" * 40, *JANE), 1: SignatureFacts(1, "b" * 40, *OMAR)}
    return facts | {int(k[1:]): v for k, v in overrides.items()}


def test_a_signed_approved_revision_counts_and_has_no_problem() -> None:
    d = doc(make_document("QP-001"))
    facts = RevisionFacts(CONFIG, by_signers(), frozenset({"sam@acme.example"}))
    assert judge(d, facts) == [] and counts(d, facts)


def test_a_draft_never_counts_even_when_signed() -> None:
    d = doc(make_document("QP-001", status="draft", sign=True))
    assert judge(d, RevisionFacts(CONFIG)) == [] and not counts(d, RevisionFacts(CONFIG))


def test_missing_role_is_qms020_at_the_approvals_line() -> None:
    text = make_document("QP-001", roles=["quality-manager"])
    problems = judge(doc(text), RevisionFacts(CONFIG))
    assert codes(problems) == [("QMS020", None)] and "process-owner" in problems[0].message
    assert problems[0].line == text.splitlines().index("approvals:") + 1
    assert not counts(doc(text), RevisionFacts(CONFIG))


def test_a_reviewed_signature_does_not_fill_a_required_role() -> None:
    text = make_document("QP-001").replace('meaning: "approved"', 'meaning: "reviewed"', 1)
    assert codes(judge(doc(text), RevisionFacts(CONFIG))) == [("QMS020", None)]
    assert missing_roles(doc(text), RevisionFacts(CONFIG)) == ["quality-manager"]


def test_edited_after_signing_is_stale_qms021_on_each_entry() -> None:
    text = make_document("QP-001").replace("The text of revision 1.", "Edited.")
    assert codes(judge(doc(text), RevisionFacts(CONFIG))) == [("QMS021", 0), ("QMS021", 1)]
    assert not counts(doc(text), RevisionFacts(CONFIG))


def test_entry_for_another_revision_is_qms022_and_does_not_count() -> None:
    text = make_document("QP-001", revision=2).replace("revision: 2\n    digest", "revision: 1\n    digest", 1)
    problems = judge(doc(text), RevisionFacts(CONFIG))
    assert codes(problems) == [("QMS022", 0)] and "is for revision 1, the document is at revision 2" in problems[0].message
    assert not counts(doc(text), RevisionFacts(CONFIG))


def test_signer_without_the_role_and_undefined_role_are_qms023() -> None:
    text = make_document("QP-001").replace('role: "process-owner"', 'role: "auditor"')
    text = text.replace('email: "jane@acme.example"\n    role', 'email: "li@acme.example"\n    role', 1)
    problems = judge(doc(text), RevisionFacts(CONFIG))
    assert codes(problems) == [("QMS020", None), ("QMS023", 0), ("QMS023", 1)]
    assert "li@acme.example does not hold the role quality-manager" in problems[1].message
    assert "role 'auditor' is not defined in qms.yml" in problems[2].message


def test_the_role_is_judged_by_the_config_in_force_where_the_entry_was_added() -> None:
    granted = parse_config(QMS_YML.replace("[jane@acme.example]", "[jane@acme.example, sam@acme.example]"))
    text = make_document("QP-001").replace('email: "jane@acme.example"', 'email: "sam@acme.example"', 1)
    sam = SignatureFacts(0, "c" * 40, "Sam Author", "sam@acme.example", config=CONFIG)
    assert codes(judge(doc(text), RevisionFacts(granted, by_signers(s0=sam)))) == [("QMS023", 0)]
    sam_later = SignatureFacts(0, "c" * 40, "Sam Author", "sam@acme.example", config=granted)
    assert counts(doc(text), RevisionFacts(CONFIG, by_signers(s0=sam_later)))


def test_a_signer_who_wrote_the_revision_is_qms024_unless_the_type_allows_it() -> None:
    d = doc(make_document("QP-001"))
    facts = RevisionFacts(CONFIG, by_signers(), frozenset({"jane@acme.example"}), authored_in={"jane@acme.example": "d" * 40})
    problems = judge(d, facts)
    assert codes(problems) == [("QMS024", 0)] and not counts(d, facts)
    assert "jane@acme.example wrote revision 1 (commit dddddddddddd) and cannot approve it" in problems[0].message
    allowing = parse_config(QMS_YML.replace("review_months: 24}", "review_months: 24, allow_self_approval: true}", 1))
    assert counts(d, RevisionFacts(allowing, by_signers(), frozenset({"jane@acme.example"})))


def test_a_reviewer_who_wrote_the_revision_is_no_self_approval() -> None:
    text = make_document("QP-001")
    at = text.rindex('meaning: "approved"')
    d = doc(text[:at] + 'meaning: "reviewed"' + text[at + len('meaning: "approved"'):])
    facts = RevisionFacts(CONFIG, by_signers(), frozenset({"omar@acme.example"}))
    assert codes(judge(d, facts)) == [("QMS020", None)]


def test_judge_provenance_of_limits_qms024_and_qms025_to_the_new_entries() -> None:
    d = doc(make_document("QP-001"))
    forged = SignatureFacts(0, "e" * 40, "Sam Author", "sam@acme.example")
    facts = RevisionFacts(CONFIG, by_signers(s0=forged), frozenset({"omar@acme.example"}), frozenset({1}))
    assert codes(judge(d, facts)) == [("QMS024", 1)]


def test_an_entry_added_by_someone_else_is_forged_qms025() -> None:
    d = doc(make_document("QP-001"))
    forged = SignatureFacts(0, "e" * 40, "Sam Author", "sam@acme.example")
    problems = judge(d, RevisionFacts(CONFIG, by_signers(s0=forged)))
    assert codes(problems) == [("QMS025", 0)] and not counts(d, RevisionFacts(CONFIG, by_signers(s0=forged)))
    assert "added by commit eeeeeeeeeeee authored by Sam Author <sam@acme.example>, not by the signer" in problems[0].message


def test_an_entry_that_no_commit_of_the_signer_added_is_forged_qms025() -> None:
    d = doc(make_document("QP-001"))
    problems = judge(d, RevisionFacts(CONFIG, by_signers(s1=SignatureFacts(1, None, "", ""))))
    assert codes(problems) == [("QMS025", 1)] and "appeared in a merge" in problems[0].message


def test_with_signing_required_an_unsigned_commit_of_the_signer_is_forged() -> None:
    signed = parse_config(QMS_YML.replace("required: false", "required: true, method: commit"))
    d = doc(make_document("QP-001"))
    jane_signed = SignatureFacts(0, "a" * 40, *JANE, signed_by=frozenset({"jane@acme.example"}))
    facts = RevisionFacts(signed, by_signers(s0=jane_signed))
    problems = judge(d, facts)
    assert codes(problems) == [("QMS025", 1)] and "is not signed by a key listed for omar@acme.example" in problems[0].message
    omar_signed = SignatureFacts(1, "b" * 40, *OMAR, signed_by=frozenset({"omar@acme.example"}))
    assert counts(d, RevisionFacts(signed, by_signers(s0=jane_signed, s1=omar_signed)))
    pending = SignatureFacts(1, None, *OMAR)  # the commit being made is signed by the hook's caller, not judged here
    assert counts(d, RevisionFacts(signed, by_signers(s0=jane_signed, s1=pending)))


def test_a_withdrawal_counts_only_when_every_required_role_signed_it() -> None:
    unsigned = doc(make_document("QP-001", revision=2, status="obsolete"))
    assert judge(unsigned, RevisionFacts(CONFIG)) == []  # pending, not broken
    assert not counts(unsigned, RevisionFacts(CONFIG))
    assert missing_roles(unsigned, RevisionFacts(CONFIG)) == ["quality-manager", "process-owner"]
    signed = doc(make_document("QP-001", revision=2, status="obsolete", sign=True))
    assert counts(signed, RevisionFacts(CONFIG))


def test_an_unknown_type_never_counts() -> None:
    d = doc(make_document("QP-001").replace('type: "procedure"', 'type: "recipe"'))
    assert not counts(d, RevisionFacts(CONFIG))


def test_effective_date_is_not_the_policy_s_concern() -> None:
    d = doc(make_document("QP-001", effective_date=dt.date(2099, 1, 1)))
    assert counts(d, RevisionFacts(CONFIG))


def test_status_obsolete_is_signed_and_every_other_status_is_not() -> None:
    approved = make_document("QP-001")
    for status in ("draft", "review"):
        assert judge(doc(approved.replace('status: "approved"', f'status: "{status}"')), RevisionFacts(CONFIG)) == []
    withdrawn = approved.replace('status: "approved"', 'status: "obsolete"')  # approved signatures on a withdrawal
    assert codes(judge(doc(withdrawn), RevisionFacts(CONFIG))) == [("QMS021", 0), ("QMS021", 1)]
    signed_withdrawal = make_document("QP-001", revision=2, status="obsolete", sign=True)
    moved = signed_withdrawal.replace('status: "obsolete"', 'status: "approved"')  # onto an active revision
    assert codes(judge(doc(moved), RevisionFacts(CONFIG))) == [("QMS021", 0), ("QMS021", 1)]
    assert not counts(doc(moved), RevisionFacts(CONFIG))
