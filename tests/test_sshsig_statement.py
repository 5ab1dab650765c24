"""The signed statement of an approval entry: exact bytes, and one statement for one meaning."""

from __future__ import annotations

import datetime as dt

import yaml

from qms_docs.signatures.statement import missing_fields, statement_of

ENTRY_YAML = """\
name: Jane Doe
email: jane@acme.example
role: quality-manager
meaning: approved
at: 2026-02-27T14:03:00Z
revision: 4
digest: sha256:3f5a
"""


def test_statement_is_canonical_json_of_seven_fields() -> None:
    statement = statement_of("QP-003", yaml.safe_load(ENTRY_YAML))
    assert statement is not None
    assert statement.to_bytes() == (b'{"at":"2026-02-27T14:03:00+00:00","digest":"sha256:3f5a","email":"jane@acme.example",'
                                    b'"id":"QP-003","meaning":"approved","revision":4,"role":"quality-manager"}')


def test_name_and_sig_are_not_signed_and_a_quoted_time_means_the_same_instant() -> None:
    entry = yaml.safe_load(ENTRY_YAML)
    other = dict(entry, name="J. Doe", sig="-----BEGIN SSH SIGNATURE-----", at="2026-02-27T14:03:00Z")
    assert statement_of("QP-003", entry) == statement_of("QP-003", other)


def test_every_signed_field_changes_the_bytes() -> None:
    entry = yaml.safe_load(ENTRY_YAML)
    base = statement_of("QP-003", entry)
    assert base is not None
    changes = {"email": "omar@acme.example", "role": "process-owner", "meaning": "reviewed", "revision": 5,
               "digest": "sha256:0000", "at": dt.datetime(2026, 2, 27, 14, 3, 1, tzinfo=dt.UTC)}
    for key, value in changes.items():
        changed = statement_of("QP-003", dict(entry, **{key: value}))
        assert changed is not None and changed.to_bytes() != base.to_bytes(), key
    other_doc = statement_of("QP-004", entry)
    assert other_doc is not None and other_doc.to_bytes() != base.to_bytes()


def test_utf8_is_kept_not_escaped() -> None:
    statement = statement_of("QP-003", dict(yaml.safe_load(ENTRY_YAML), email="jøran@acme.example"))
    assert statement is not None and "jøran".encode() in statement.to_bytes()


def test_missing_or_mistyped_fields_give_no_statement_and_are_named() -> None:
    entry = yaml.safe_load(ENTRY_YAML)
    for broken, name in [(dict(entry, revision="4"), "revision"), ({k: v for k, v in entry.items() if k != "role"}, "role"),
                         (dict(entry, meaning="signed"), "meaning"), (dict(entry, at="2026-02-27T15:03:00+01:00"), "at"),
                         (dict(entry, at="yesterday"), "at"), (dict(entry, revision=True), "revision")]:
        assert statement_of("QP-003", broken) is None, name
        assert missing_fields("QP-003", broken) == (name,)
    assert statement_of("  ", entry) is None and missing_fields("", entry) == ("id",)


def test_bytes_written_directly_are_canonical_json_for_hostile_text() -> None:
    """to_bytes writes the JSON itself (verify builds one statement per entry): byte for byte what
    canonical_json makes, for quotes, backslashes, control characters, line separators and non-ASCII."""
    from qms_docs.model.digest import canonical_json

    entry = dict(yaml.safe_load(ENTRY_YAML), email='o"brien\\x@acme.example', role="r\u2028\u00e9\x01\tx",
                 digest="sha256:\u00ff\U0001f600", at=dt.datetime(2026, 2, 27, 14, 3, 0, 123456, tzinfo=dt.UTC))
    statement = statement_of(' QP-"003\\ ', entry)
    assert statement is not None
    expected = canonical_json(statement.fields()).encode("utf-8")
    assert statement.to_bytes() == expected
    assert b'"role":"r\xe2\x80\xa8\xc3\xa9\\u0001\\tx"' in expected and b'"at":"2026-02-27T14:03:00.123456+00:00"' in expected
