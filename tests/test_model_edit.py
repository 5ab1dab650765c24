"""qms_docs.model.edit: line-splicing front-matter edits that leave everything else byte-identical."""

from __future__ import annotations

import datetime as dt

import pytest

from qms_docs.errors import QmsError
from qms_docs.model import edit
from qms_docs.model.frontmatter import parse, split

BODY = "# Purpose\n\nKeep  trailing spaces   \n\n\n---\nA rule line, a tab\there, and a final line without newline"
TEXT = (
    "---\n"
    "# Front matter of QP-003\n"
    "id: QP-003\n"
    "title: 'Control of Documented Information'   # quoted on purpose\n"
    "type: procedure\n"
    "revision: 4\n"
    "status: draft  # set by the author\n"
    "owner: Jane Doe <jane@acme.example>\n"
    "clauses: [\"7.5.2\", '7.5.3']\n"
    "change_summary: |\n"
    "  Added retention periods.\n"
    "  Second line.\n"
    "\n"
    "# Signatures below\n"
    "approvals: [{name: Jane Doe, email: jane@acme.example, role: quality-manager, meaning: approved,\n"
    "    at: 2026-02-27T14:03:00Z, revision: 4, digest: 'sha256:00'}]\n"
    "---\n" + BODY
)
ENTRY = {"name": "Omar Haddad", "email": "omar@acme.example", "role": "process-owner", "meaning": "approved",
         "at": dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC), "revision": 4, "digest": "sha256:ab"}


def changed_lines(old: str, new: str) -> tuple[list[str], list[str]]:
    """(lines only in old, lines only in new), comparing the two texts line by line."""
    a, b = old.split("\n"), new.split("\n")
    return [x for x in a if x not in b], [x for x in b if x not in a]


def test_set_scalar_changes_only_that_line() -> None:
    new = edit.set_scalar(TEXT, "revision", 5, path="QP-003.md")
    assert changed_lines(TEXT, new) == (["revision: 4"], ["revision: 5"])
    assert new.endswith(BODY)
    assert parse(new, "QP-003.md").meta["revision"] == 5


def test_comments_and_quoting_of_other_keys_are_kept() -> None:
    new = edit.set_scalar(TEXT, "status", "approved")
    assert "status: approved  # set by the author\n" in new
    assert "# Front matter of QP-003\n" in new and "# Signatures below\n" in new
    assert "title: 'Control of Documented Information'   # quoted on purpose\n" in new
    assert "clauses: [\"7.5.2\", '7.5.3']\n" in new


def test_key_order_is_kept() -> None:
    new = edit.set_scalar(edit.set_scalar(TEXT, "owner", "Li Wei <li@acme.example>"), "type", "procedure")
    assert list(parse(new, "x.md").meta) == list(parse(TEXT, "x.md").meta)


def test_body_bytes_are_unchanged() -> None:
    new = edit.set_approvals(edit.set_scalar(TEXT, "change_summary", "One line."), [ENTRY])
    assert split(new, "x.md")[-1] == BODY
    assert new.encode("utf-8").endswith(BODY.encode("utf-8"))


def test_crlf_files_stay_crlf() -> None:
    crlf = TEXT.replace("\n", "\r\n")
    new = edit.apply(crlf, {"status": "review", "change_summary": "Reworded.", "approvals": [ENTRY]})
    assert "\n" not in new.replace("\r\n", "")
    assert new.endswith(BODY.replace("\n", "\r\n"))
    assert "status: review  # set by the author\r\n" in new


def test_crlf_block_approvals_can_be_edited_again() -> None:
    crlf = edit.set_approvals(TEXT.replace("\n", "\r\n"), [ENTRY])
    twice = edit.set_approvals(edit.set_scalar(crlf, "status", "approved"), [ENTRY, ENTRY | {"role": "qm"}])
    assert "\n" not in twice.replace("\r\n", "")
    assert [a["role"] for a in parse(twice, "x.md").meta["approvals"]] == ["process-owner", "qm"]
    assert twice.endswith(BODY.replace("\n", "\r\n"))


def test_flow_style_approvals_are_replaced_by_a_block_list() -> None:
    new = edit.set_approvals(TEXT, [ENTRY])
    fm = split(new, "x.md")[0]
    assert fm.endswith("# Signatures below\napprovals:\n  - name: Omar Haddad\n    email: omar@acme.example\n"
                       "    role: process-owner\n    meaning: approved\n    at: 2026-03-01T09:30:00Z\n"
                       "    revision: 4\n    digest: sha256:ab\n")
    assert parse(new, "x.md").meta["approvals"] == [ENTRY]


def test_block_approvals_can_be_cleared() -> None:
    signed = edit.set_approvals(TEXT, [ENTRY, ENTRY | {"role": "quality-manager"}])
    cleared = edit.set_approvals(signed, [])
    assert "approvals: []\n---\n" in cleared
    assert parse(cleared, "x.md").meta["approvals"] == []


def test_missing_key_is_inserted_before_approvals_and_its_comment() -> None:
    new = edit.set_scalar(TEXT, "effective_date", dt.date(2026, 3, 1))
    assert "\neffective_date: 2026-03-01\n# Signatures below\napprovals:" in new
    assert parse(new, "x.md").effective_date == dt.date(2026, 3, 1)


def test_missing_key_is_appended_when_there_are_no_approvals() -> None:
    text = "---\nid: QP-001\nstatus: draft\n---\nBody\n"
    expected = "---\nid: QP-001\nstatus: draft\nchange_summary: New.\n---\nBody\n"
    assert edit.set_scalar(text, "change_summary", "New.") == expected
    assert edit.set_approvals(text, []) == "---\nid: QP-001\nstatus: draft\napprovals: []\n---\nBody\n"


def test_multi_line_value_is_replaced_whole() -> None:
    new = edit.set_scalar(TEXT, "change_summary", "Shorter.")
    assert "Second line." not in new
    assert "change_summary: Shorter.\n\n# Signatures below\n" in new


def test_remove_key_deletes_its_lines_only() -> None:
    new = edit.remove_key(TEXT, "change_summary")
    assert "change_summary" not in new and "Added retention" not in new
    assert changed_lines(TEXT, new)[1] == []
    assert edit.remove_key(new, "change_summary") == new


@pytest.mark.parametrize("value", ["yes", "no", "2026-03-01", "a: b", "#1", "x #y", "[list]", "'q'", " padded",
                                   "null", "1.0", "0x1f", "- item", "*alias", "line\nbreak", "tab\there",
                                   "sep\u2028arator", "del\x7f", "Über «quotes» \"double\""])
def test_strings_read_back_as_the_same_string(value: str) -> None:
    new = edit.set_scalar(TEXT, "change_summary", value)
    assert parse(new, "x.md").meta["change_summary"] == value


def test_plain_text_stays_unquoted() -> None:
    assert "\nchange_summary: Added retention periods for records.\n" in \
        edit.set_scalar(TEXT, "change_summary", "Added retention periods for records.")


def test_dates_and_times_are_rendered_iso() -> None:
    assert edit.render_scalar(dt.date(2026, 3, 1)) == "2026-03-01"
    later = dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert edit.render_scalar(later) == "2026-03-01T09:00:00Z"
    assert edit.render_scalar(True) == "true" and edit.render_scalar(4) == "4"


def test_a_duplicated_key_is_refused() -> None:
    text = "---\nid: QP-001\nstatus: draft\nstatus: review\n---\nBody\n"
    with pytest.raises(QmsError, match="more than once"):
        edit.set_scalar(text, "status", "approved", path="QP-001.md")


def test_a_value_that_is_not_a_scalar_is_refused() -> None:
    with pytest.raises(QmsError, match="QP-003.md: cannot edit `title`.*nothing was written"):
        edit.set_scalar(TEXT, "title", ["a", "list"], path="QP-003.md")


def test_unparsable_front_matter_is_refused() -> None:
    with pytest.raises(QmsError, match=r"x.md:\d+: front matter is not valid YAML.*fix the front matter"):
        edit.set_scalar("---\nid: QP-001\ntitle: [unclosed\n---\nBody\n", "status", "draft", path="x.md")
