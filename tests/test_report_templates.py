"""The audit report comes from an autoescaped Jinja2 template whose labels all come from one table."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from qms_docs.publishing import labels
from qms_docs.records import report_html as audit_html
from qms_docs.records.verify import Failure, Outcome
from tests.builders import commit, doc_path, make_document
from tests.test_report import Page

EVIL = '<script>alert("x")</script>&amp;"\'<img src=x onerror=alert(1)>'


def _data(value: str) -> audit_html.ReportData:
    """A report whose every text field holds `value`."""
    signature = {"name": value, "email": value, "role": value, "meaning": value, "at": dt.datetime(2026, 2, 27),
                 "revision": value, "digest": value, "digest_matches": False, "added_by_signer": False,
                 "commit": "0123456789012345" + value, "commit_author": value, "commit_email": value, "proof": value}
    document = {"id": value, "title": value, "type": value, "revision": value, "status": value,
                "effective_date": dt.date(2026, 3, 1), "owner": value, "next_review": value,
                "translations": {value: value}}
    return audit_html.ReportData(
        repository=value, head="9876543210987654" + value, today=dt.date(2026, 11, 22), since=dt.date(2026, 1, 6),
        documents=[document],
        evidence=[{"id": value, "title": value, "revision": value, "status": value, "effective_date": value,
                   "pending": value, "signatures": [signature]}],
        changes=[{"date": value, "sha": value, "author": value, "email": value, "subject": value,
                  "documents": [{"id": value, "revision": value, "status": value, "summary": value}]}],
        overdue=[{"id": value, "title": value, "owner": value, "effective_date": value, "due": value,
                  "days_overdue": value}],
        outcome=Outcome(head=value, failures=[Failure(1, value, value, None, value, value)]),
        notes=[value])


def test_every_value_is_escaped_wherever_it_is_written() -> None:
    text = audit_html.render(_data(EVIL))
    assert "<script" not in text and "<img" not in text
    page = Page(text)
    assert {tag for tag, _ in page.tags} <= {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p",
                                             "ul", "li", "span", "code", "table", "thead", "tbody", "tr", "th", "td",
                                             "br", "small", "footer"}
    titles = {attrs["title"] for tag, attrs in page.tags if tag == "code" and "title" in attrs}
    assert titles == {"9876543210987654" + EVIL, "0123456789012345" + EVIL, EVIL}  # read back whole: never broken out
    assert [attrs["id"] for tag, attrs in page.tags if tag == "h3"] == ["doc-" + EVIL]
    assert text.count("&lt;script&gt;") >= 30  # every field shows the value as text


def _variants() -> list[audit_html.ReportData]:
    """Full data; then nothing at all, a clean history and the whole period; then a never-approved document."""
    full = _data("v")
    empty = dataclasses.replace(full, since=None, documents=[], evidence=[], changes=[], overdue=[], notes=[],
                                outcome=Outcome(head="1234567890123"))
    never = dataclasses.replace(empty, evidence=[{**full.evidence[0], "revision": None, "signatures": []}])
    return [full, empty, never]


def _report_labels() -> dict[str, str]:
    return {f.name: getattr(labels.ENGLISH, f.name) for f in dataclasses.fields(labels.Labels)
            if f.name.startswith("report_")}


def test_every_label_comes_from_the_labels_table(monkeypatch: pytest.MonkeyPatch) -> None:
    english = audit_html.render(_data("v"))
    marked = {key: f"[{key}]" + "".join(re.findall(r"\{\w+\}", label)) for key, label in _report_labels().items()}
    monkeypatch.setattr(labels, "ENGLISH", dataclasses.replace(labels.ENGLISH, **marked))
    text = "".join(audit_html.render(data) for data in _variants())
    visible = re.sub(r"<style>.*?</style>|<[^>]+>|\[report_\w+\]", " ", text, flags=re.S)
    words = set(re.findall(r"[A-Za-z][a-z]{3,}", visible))
    summaries = " ".join(data.outcome.summary() for data in _variants())  # the verifier's own sentence
    assert words <= set(re.findall(r"[A-Za-z][a-z]{3,}", summaries)) | {"verify"}  # and the command `qms verify`
    for key in _report_labels():
        assert f"[{key}]" in text, f"{key} is not used"
    assert "Master document list" in english and "Master document list" not in text


def test_report_imports_no_mkdocs(qms_repo: Path, tmp_path: Path) -> None:
    commit(qms_repo, {doc_path("QP-001"): make_document("QP-001")}, "QP-001: add")
    out = tmp_path / "audit.html"
    probe = ("import sys\nfrom qms_docs.cli import cli\n"
             f"try:\n    cli.main(['report', '--out', {str(out)!r}, '--repo', {str(qms_repo)!r}])\n"
             "except SystemExit as e:\n    assert not e.code, e.code\n"
             "print(sorted(m for m in sys.modules if m.split('.')[0] in ('mkdocs', 'jinja2')))\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert done.returncode == 0, done.stderr
    loaded = done.stdout.strip().splitlines()[-1]
    assert "mkdocs" not in loaded and "'jinja2'" in loaded
    assert "<h2>1. Master document list</h2>" in out.read_text(encoding="utf-8")
