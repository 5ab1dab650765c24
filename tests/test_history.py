"""Document lineages from git history: renames and moves keep a document's identity."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from qms_docs.cli import cli
from qms_docs.records.history import History
from tests.builders import PEOPLE, commit, doc_path, git, make_document


def rewritten(doc_id: str, revision: int) -> str:
    body = "\n".join(f"Step {i}: an entirely new sentence number {i} for revision {revision}." for i in range(40))
    return make_document(doc_id, revision=revision, body=f"# New text\n\n{body}\n")


def test_a_file_moved_and_rewritten_in_one_commit_stays_one_document(qms_repo: Path) -> None:
    old, new = doc_path("QP-001"), "controlled/quality/QP-001-moved.md"
    commit(qms_repo, {old: make_document("QP-001")}, "QP-001: issue", author=PEOPLE["quality-manager"])
    git(qms_repo, "rm", "-q", old)
    commit(qms_repo, {new: rewritten("QP-001", 2)}, "QP-001: revision 2, moved")
    with History.load(qms_repo, ["HEAD"], "controlled") as history:
        assert list(history.keys_by_id()) == ["QP-001"]
        (key,) = history.keys_by_id()["QP-001"]
        assert [r.number for r in history.revisions(key)] == [1, 2]
        assert [v.path for v in history.lineages[key]] == [old, new]


def test_a_deleted_document_and_a_new_one_with_another_id_stay_apart(qms_repo: Path) -> None:
    commit(qms_repo, {doc_path("QP-001"): make_document("QP-001")}, "QP-001: issue")
    git(qms_repo, "rm", "-q", doc_path("QP-001"))
    commit(qms_repo, {doc_path("QP-002"): rewritten("QP-002", 1)}, "QP-001 QP-002: replace")
    with History.load(qms_repo, ["HEAD"], "controlled") as history:
        assert sorted(history.keys_by_id()) == ["QP-001", "QP-002"]
        assert history.latest(history.keys_by_id()["QP-001"][0]) is None


def test_qms_history_shows_both_revisions_of_a_moved_and_rewritten_document(qms_repo: Path) -> None:
    old, new = doc_path("QP-001"), "controlled/quality/QP-001-moved.md"
    commit(qms_repo, {old: make_document("QP-001")}, "QP-001: issue")
    git(qms_repo, "rm", "-q", old)
    commit(qms_repo, {new: rewritten("QP-001", 2)}, "QP-001: revision 2, moved")
    result = CliRunner().invoke(cli, ["history", "QP-001", "--repo", str(qms_repo), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert [r["revision"] for r in json.loads(result.stdout)["revisions"]] == [1, 2]


def test_the_change_rules_see_a_moved_and_rewritten_document_as_the_same(qms_repo: Path) -> None:
    old, new = doc_path("QP-001"), "controlled/quality/QP-001-moved.md"
    base = commit(qms_repo, {old: make_document("QP-001")}, "QP-001: issue")
    git(qms_repo, "rm", "-q", old)
    commit(qms_repo, {new: rewritten("QP-001", 2)}, "QP-001: revision 2, moved")
    result = CliRunner().invoke(cli, ["check", "--repo", str(qms_repo), "--base", base, "--head", "HEAD",
                                      "--format", "json"])
    codes = [f["code"] for f in json.loads(result.stdout)["findings"]]
    assert "QMS012" not in codes and "QMS010" not in codes
