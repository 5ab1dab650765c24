"""Issues 10.8, 10.9 and 10.12: clause exclusions (QMS043), references to documents not in force
(QMS042), and who may record a `reviewed` signature."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from qms_docs.cli import cli
from qms_docs.config import parse_config
from qms_docs.gitio import snapshots as snapshot
from qms_docs.model.snapshot import build
from qms_docs.rules import STATIC_RULES, engine
from qms_docs.rules.base import Context, Finding, Severity
from tests.builders import PEOPLE, QMS_YML, commit, doc_path, git, make_document

TODAY = dt.date(2026, 11, 22)
EXCLUDING = QMS_YML + 'exclusions:\n  "8.3": "We build to customer drawings and design nothing."\n'
QP1, FRM1 = doc_path("QP-001"), doc_path("FRM-001")


def check(files: dict[str, str], config: str = QMS_YML, code: str | None = None) -> list[Finding]:
    snap = build("test", parse_config(config), [(p, t.encode()) for p, t in files.items()])
    return engine.run(Context(snap, TODAY), [r for r in STATIC_RULES if code is None or r.code == code])


def qms(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


# QMS043: exclusions ---------------------------------------------------------------------------------

def test_exclusions_load_as_clause_to_justification() -> None:
    assert parse_config(EXCLUDING).exclusions == {"8.3": "We build to customer drawings and design nothing."}
    assert parse_config(QMS_YML).exclusions == {}


@pytest.mark.parametrize("value, expected", [
    ('  8.3: "No design."', "qms.yml:15: exclusions: 8.3 is not an ISO 9001 clause; write it quoted"),
    ('  "design": "No design."', "qms.yml:15: exclusions: 'design' is not an ISO 9001 clause"),
    ('  "8.3": ""', "qms.yml:16: exclusions.8.3: give the justification of the exclusion"),
    ('  "8.3": [no, design]', "qms.yml:16: exclusions.8.3: give the justification of the exclusion"),
])
def test_a_bad_exclusion_is_exit_2_naming_the_key(qms_repo: Path, value: str, expected: str) -> None:
    (qms_repo / "qms.yml").write_text(QMS_YML + "exclusions:\n" + value + "\n", encoding="utf-8")
    code, _, err = qms("check", "--repo", str(qms_repo))
    assert code == 2 and expected in err and "Traceback" not in err


def test_a_document_claiming_an_excluded_clause_is_a_qms043_warning(qms_repo: Path) -> None:
    design = make_document("QP-001", clauses=["8.3.2", "8.5.1"])
    commit(qms_repo, {"qms.yml": EXCLUDING, QP1: design}, "QP-001: issue", author=PEOPLE["quality-manager"])
    code, out, _ = qms("check", "--repo", str(qms_repo))
    line = next(n for n, text in enumerate(design.splitlines(), 1) if text.startswith("clauses:"))
    assert code == 0 and out == (f"{QP1}:{line}: QMS043 warning: claims clause 8.3.2, but qms.yml excludes 8.3 "
                                 f"(We build to customer drawings and design nothing.); drop the clause or the "
                                 f"exclusion\n0 errors, 1 warning\n")


@pytest.mark.parametrize("clauses, status, found", [
    (["8.3"], "draft", True),
    (["8"], "approved", False),  # the chapter holds more than the excluded clause
    (["8.30"], "approved", False),  # another clause, not a sub-clause
    (["8.3.6"], "obsolete", False),  # withdrawn: it claims nothing any more
])
def test_which_claims_are_qms043(clauses: list[str], status: str, found: bool) -> None:
    text = make_document("QP-001", clauses=clauses, status=status, revision=2 if status == "obsolete" else 1)
    assert bool(check({QP1: text}, EXCLUDING, "QMS043")) is found


def test_the_example_manual_excludes_design_and_claims_none_of_it() -> None:
    root = Path(__file__).resolve().parents[1]
    assert "8.3" in snapshot.from_worktree(root).config.exclusions
    code, out, _ = qms("check", "--repo", str(root), "--format", "json")
    assert code == 0 and not [f for f in json.loads(out)["findings"] if f["code"] == "QMS043"]


# QMS042: references to documents that are not in force ------------------------------------------------

def test_an_approved_document_referencing_a_never_issued_draft_is_qms042(qms_repo: Path) -> None:
    procedure = make_document("QP-001", references=["FRM-001"])
    commit(qms_repo, {QP1: procedure, FRM1: make_document("FRM-001", status="draft")}, "QP-001 FRM-001: issue")
    code, out, _ = qms("check", "--repo", str(qms_repo))
    line = next(n for n, text in enumerate(procedure.splitlines(), 1) if text.startswith("references:"))
    assert code == 0 and out == (f"{QP1}:{line}: QMS042 warning: references FRM-001, which is not in force: its "
                                 f"first revision is still a draft: it was never issued\n0 errors, 1 warning\n")


@pytest.mark.parametrize("referrer, target, message", [
    ("approved", make_document("FRM-001", status="review"), "its first revision is still a review"),
    ("approved", make_document("FRM-001", effective_date=dt.date(2027, 1, 4)),
     "its first revision is in force only from 2027-01-04"),
    ("approved", make_document("FRM-001", revision=2, status="draft"), None),  # revision 1 stays in force
    ("approved", make_document("FRM-001"), None),
    ("draft", make_document("FRM-001", status="draft"), None),  # drafts grow together
])
def test_which_references_are_qms042(referrer: str, target: str, message: str | None) -> None:
    found = check({QP1: make_document("QP-001", status=referrer, references=["FRM-001"]), FRM1: target}, code="QMS042")
    assert [(f.path, f.severity) for f in found] == ([(QP1, Severity.WARNING)] if message else [])
    assert message is None or message in found[0].message


# 10.12: reviewers ------------------------------------------------------------------------------------

def test_any_role_holder_and_a_listed_reviewer_may_record_a_review() -> None:
    config = parse_config(QMS_YML.replace("roles:\n", "roles:\n  reviewers: [priya@acme.example, Omar@Acme.example]\n"))
    assert config.may_review("priya@acme.example") and config.review_role("priya@acme.example") == "reviewers"
    assert config.may_review("jane@acme.example") and config.review_role("jane@acme.example") == "quality-manager"
    assert config.review_role("omar@acme.example") == "reviewers"  # listed there too: the review is recorded as such
    assert not config.may_review("sam@acme.example") and config.review_role("sam@acme.example") is None


def test_a_listed_reviewer_records_a_review_that_check_and_verify_accept(qms_repo: Path) -> None:
    priya = ("Priya Nair", "priya@acme.example")
    config = QMS_YML.replace("roles:\n", "roles:\n  reviewers: [priya@acme.example]\n")
    draft = make_document("QP-001", status="draft", effective_date=None).replace(
        "status: \"draft\"\n", "status: \"draft\"\neffective_date: 2026-12-01\n")
    commit(qms_repo, {"qms.yml": config}, "Reviewers role", author=PEOPLE["quality-manager"])
    commit(qms_repo, {QP1: draft}, "QP-001: draft")
    for person, args in ((priya, ["--meaning", "reviewed", "--role", "reviewers"]),
                         (PEOPLE["quality-manager"], []), (PEOPLE["process-owner"], [])):
        git(qms_repo, "config", "user.name", person[0])
        git(qms_repo, "config", "user.email", person[1])
        code, out, err = qms("approve", "QP-001", *args, "--commit", "--repo", str(qms_repo))
        assert code == 0, err
    assert "role: reviewers" in (qms_repo / QP1).read_text() and "status: approved" in (qms_repo / QP1).read_text()
    assert qms("check", "--repo", str(qms_repo))[:2] == (0, "0 errors, 0 warnings\n")
    code, out, _ = qms("verify", "--repo", str(qms_repo))
    assert code == 0, out
