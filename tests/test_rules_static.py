"""Each static rule alone, on in-memory snapshots: the exact code, path and line of each failure mode."""

from __future__ import annotations

import datetime as dt

import pytest

from qms_docs.config import parse_config
from qms_docs.model.snapshot import build
from qms_docs.rules import STATIC_RULES, engine
from qms_docs.rules.base import Context, Finding, Severity
from tests.builders import QMS_YML, make_document

CONFIG = parse_config(QMS_YML)
TODAY = dt.date(2026, 11, 22)
PATH = "controlled/procedures/QP-001.md"


def findings(files: dict[str, str | bytes], code: str | None = None, today: dt.date = TODAY) -> list[Finding]:
    data = [(p, t.encode("utf-8") if isinstance(t, str) else t) for p, t in files.items()]
    ctx = Context(build("test", CONFIG, data), today)
    rules = [r for r in STATIC_RULES if code is None or r.code == code]
    return engine.run(ctx, rules)


def only(files: dict[str, str | bytes], code: str) -> list[tuple[str, int | None, str]]:
    return [(f.path, f.line, f.code) for f in findings(files, code)]


def line_of(text: str, needle: str, nth: int = 1) -> int:
    lines = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    return lines[nth - 1]


def test_a_valid_signed_document_has_no_finding() -> None:
    assert findings({PATH: make_document("QP-001")}) == []


@pytest.mark.parametrize("data, line, words", [
    (b"", 1, "empty"),
    (b"# Just a heading\n", 1, "first line must be `---`"),
    (b"---\nid: QP-001\ntitle: x\n", 1, "not closed"),
    (b"---\nid: QP-001\ntitle: [unclosed\n---\nbody\n", 4, "not valid YAML"),
    (b"---\n- a list\n- not a mapping\n---\n", 2, "not a mapping"),
    (b"---\nid: !!python/object/apply:os.system [echo hi]\n---\n", 2, "not valid YAML"),
    (b"---\nid: QP-001\nlogo: !!binary aGVsbG8=\n---\n", 3, "cannot be signed"),
    (b"\xef\xbb\xbf---\nid: QP-001\n---\n", 1, "byte-order mark"),
    (b"---\nid: QP-001\ntitle: caf\xe9\n---\n", 3, "not valid UTF-8"),
    (b"---\n---\nbody\n", 2, "empty"),
])
def test_unreadable_front_matter_is_qms001_at_its_line(data: bytes, line: int, words: str) -> None:
    found = findings({PATH: data})
    assert [(f.path, f.line, f.code) for f in found] == [(PATH, line, "QMS001")]
    assert words in found[0].message


def test_one_bad_file_does_not_hide_findings_in_the_others() -> None:
    other = "controlled/procedures/QP-002.md"
    found = findings({PATH: b"", other: make_document("QP-002", references=["QP-404"])})
    assert [(f.path, f.code) for f in found] == [(PATH, "QMS001"), (other, "QMS040")]


def test_crlf_line_ends_parse_and_sign_the_same_as_lf() -> None:
    text = make_document("QP-001")
    assert findings({PATH: text.replace("\n", "\r\n")}) == []


def test_crlf_files_report_the_same_lines_as_lf() -> None:
    text = make_document("QP-001").replace("The text", "The edited text")
    lf = [(f.line, f.code) for f in findings({PATH: text})]
    assert lf == [(f.line, f.code) for f in findings({PATH: text.replace("\n", "\r\n")})]
    assert lf == [(line_of(text, "digest:", 1), "QMS021"), (line_of(text, "digest:", 2), "QMS021")]


@pytest.mark.parametrize("key", ["status", "type", "id"])
def test_a_list_where_text_belongs_is_qms002_not_a_crash(key: str) -> None:
    text = make_document("QP-001", status="draft")
    text = "\n".join(f"{key}: [a, b]" if line.startswith(f"{key}:") else line for line in text.split("\n"))
    assert ("QMS002", line_of(text, f"{key}: [a, b]")) in [(f.code, f.line) for f in findings({PATH: text})]


def test_a_list_as_approval_meaning_is_qms002_not_a_crash() -> None:
    text = make_document("QP-001").replace('meaning: "approved"', "meaning: [approved]", 1)
    assert sorted(f.code for f in findings({PATH: text})) == ["QMS002", "QMS020"]


def test_missing_required_field_is_qms002_at_line_1() -> None:
    text = make_document("QP-001").replace('owner: "Jane Doe <jane@acme.example>"\n', "")
    found = findings({PATH: text}, "QMS002")
    assert [(f.line, f.message) for f in found] == [(1, "required field `owner` is missing (the responsible person or role)")]


@pytest.mark.parametrize("old, new, key", [
    ("revision: 1", "revision: one", "revision"),
    ("revision: 1", "revision: 0", "revision"),
    ('title: "Document QP-001"', "title: [a, b]", "title"),
    ("effective_date: 2026-03-01", "effective_date: next week", "effective_date"),
])
def test_field_of_wrong_type_is_qms002_at_its_line(old: str, new: str, key: str) -> None:
    text = make_document("QP-001", sign=False, status="draft", effective_date=dt.date(2026, 3, 1))
    text = text.replace(old, new) if old in text else text.replace("approvals:", f"{new}\napprovals:")
    found = findings({PATH: text}, "QMS002")
    assert [(f.line, f.code) for f in found] == [(line_of(text, new), "QMS002")]
    assert f"`{key}`" in found[0].message


def test_unquoted_clause_numbers_are_qms002() -> None:
    text = make_document("QP-001", status="draft", clauses=["7.5"]).replace('clauses: ["7.5"]', "clauses: [7.5]")
    assert only({PATH: text}, "QMS002") == [(PATH, line_of(text, "clauses:"), "QMS002")]


def test_change_summary_is_required_from_revision_2() -> None:
    text = make_document("QP-001", revision=2, status="draft").replace('change_summary: "Revision 2 of QP-001."\n', "")
    found = findings({PATH: text}, "QMS002")
    assert [f.line for f in found] == [1] and "change_summary" in found[0].message


def test_malformed_approval_entry_fields_are_qms002_at_the_entry() -> None:
    text = make_document("QP-001").replace("meaning: \"approved\"", "meaning: \"maybe\"", 1)
    text = text.replace("at: 2026-02-27T14:03:00Z", "at: yesterday", 1)
    found = findings({PATH: text}, "QMS002")
    assert [(f.line, f.message.split(":")[0]) for f in found] == [
        (line_of(text, "meaning: \"maybe\""), "approval 1"), (line_of(text, "at: yesterday"), "approval 1")]


def test_id_must_match_its_type_prefix_qms003() -> None:
    text = make_document("QP-001").replace('id: "QP-001"', 'id: "WI-001"')
    assert only({PATH: text}, "QMS003") == [(PATH, 2, "QMS003")]
    assert only({PATH: make_document("QP-001").replace('id: "QP-001"', 'id: "QP-1"')}, "QMS003") == [(PATH, 2, "QMS003")]


def test_same_id_in_two_files_is_qms004_on_both() -> None:
    other = "controlled/procedures/copy.md"
    found = findings({PATH: make_document("QP-001"), other: make_document("QP-001")}, "QMS004")
    assert [(f.path, f.line) for f in found] == [(PATH, 2), (other, 2)]
    assert other in found[0].message


def test_unknown_type_and_unknown_status_are_qms005() -> None:
    text = make_document("QP-001", status="draft").replace('type: "procedure"', 'type: "recipe"')
    text = text.replace('status: "draft"', 'status: "final"')
    assert only({PATH: text}, "QMS005") == [(PATH, 4, "QMS005"), (PATH, 6, "QMS005")]


def test_approved_without_every_required_role_is_qms020() -> None:
    text = make_document("QP-001", roles=["quality-manager"])
    found = findings({PATH: text}, "QMS020")
    assert [(f.line, f.code) for f in found] == [(line_of(text, "approvals:"), "QMS020")]
    assert "process-owner" in found[0].message


def test_reviewed_signature_does_not_count_as_approval() -> None:
    text = make_document("QP-001").replace('meaning: "approved"', 'meaning: "reviewed"', 1)
    assert "quality-manager" in findings({PATH: text}, "QMS020")[0].message


def test_draft_needs_no_signature() -> None:
    assert findings({PATH: make_document("QP-001", status="draft")}) == []


def test_edit_after_signing_is_a_stale_approval_qms021_at_each_digest() -> None:
    text = make_document("QP-001").replace("The text of revision 1.", "The text of revision 1, edited.")
    found = findings({PATH: text}, "QMS021")
    assert [f.line for f in found] == [line_of(text, "digest:", 1), line_of(text, "digest:", 2)]


def test_editing_a_signed_field_is_stale_but_status_is_not_signed() -> None:
    renamed = make_document("QP-001").replace('title: "Document QP-001"', 'title: "Another title"')
    assert len(findings({PATH: renamed}, "QMS021")) == 2
    unsigned = make_document("QP-001").replace('status: "approved"', 'status: "review"')
    assert findings({PATH: unsigned}) == []


def test_approval_for_another_revision_is_qms022_not_stale() -> None:
    text = make_document("QP-001", revision=2).replace("revision: 2\n    digest", "revision: 1\n    digest", 1)
    assert only({PATH: text}, "QMS022") == [(PATH, line_of(text, "    revision: 1"), "QMS022")]
    assert findings({PATH: text}, "QMS021") == []


def test_signer_without_the_role_is_qms023() -> None:
    text = make_document("QP-001").replace("jane@acme.example\"\n    role", "li@acme.example\"\n    role", 1)
    found = findings({PATH: text}, "QMS023")
    assert [(f.line, f.message) for f in found] == [
        (line_of(text, 'email: "li@acme.example"'), "approval 1 (Jane Doe, quality-manager): "
                                                     "li@acme.example does not hold the role quality-manager")]


def test_undefined_role_is_qms023() -> None:
    text = make_document("QP-001").replace('role: "quality-manager"', 'role: "auditor"')
    assert "not defined" in findings({PATH: text}, "QMS023")[0].message


def test_approved_without_effective_date_is_qms030() -> None:
    text = make_document("QP-001", effective_date=None)
    assert only({PATH: text}, "QMS030") == [(PATH, 6, "QMS030")]


def test_overdue_periodic_review_is_a_qms031_warning() -> None:
    text = make_document("QP-001", effective_date=dt.date(2024, 3, 1), signed_at=dt.datetime(2024, 2, 1, tzinfo=dt.UTC))
    found = findings({PATH: text}, "QMS031")
    assert [(f.severity, f.line) for f in found] == [(Severity.WARNING, line_of(text, "effective_date:"))]
    assert "since 2026-03-01" in found[0].message
    assert findings({PATH: text}, "QMS031", today=dt.date(2026, 2, 28)) == []


def test_review_months_overrides_the_type_interval() -> None:
    text = make_document("QP-001", review_months=6)
    assert "since 2026-09-01" in findings({PATH: text}, "QMS031")[0].message


def test_backdated_effective_date_is_a_qms032_warning() -> None:
    text = make_document("QP-001", effective_date=dt.date(2026, 2, 1))
    found = findings({PATH: text}, "QMS032")
    assert [(f.severity, f.line) for f in found] == [(Severity.WARNING, line_of(text, "effective_date:"))]


def test_unknown_reference_is_qms040() -> None:
    text = make_document("QP-001", references=["FRM-001"])
    assert only({PATH: text}, "QMS040") == [(PATH, line_of(text, "references:"), "QMS040")]
    form = "controlled/forms/FRM-001.md"
    assert findings({PATH: text, form: make_document("FRM-001")}) == []


def test_active_document_referencing_an_obsolete_one_is_a_qms041_warning() -> None:
    form = "controlled/forms/FRM-001.md"
    files = {PATH: make_document("QP-001", references=["FRM-001"]),
             form: make_document("FRM-001", revision=2, status="obsolete", sign=True)}
    found = findings(files)
    assert [(f.path, f.code, f.severity) for f in found] == [(PATH, "QMS041", Severity.WARNING)]
    assert not engine.has_errors(found)


def test_every_static_rule_has_a_unique_code_in_order() -> None:
    codes = [r.code for r in STATIC_RULES]
    assert codes == sorted(set(codes))
