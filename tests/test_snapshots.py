"""The same rules on the working tree, the index (honouring GIT_INDEX_FILE) and any commit, bare or not."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from qms_docs.commands import check
from qms_docs.gitio import snapshots as snapshot
from tests.builders import commit, doc_path, git, make_document

TODAY = dt.date(2026, 11, 22)


def test_worktree_index_and_commit_each_see_their_own_content(qms_repo: Path) -> None:
    path = doc_path("QP-001")
    first = commit(qms_repo, {path: make_document("QP-001")}, "QP-001: issue")
    (qms_repo / path).write_text(make_document("QP-001", title="Staged title", sign=False, status="draft"))
    git(qms_repo, "add", path)
    (qms_repo / path).write_text(make_document("QP-001", title="Disk title", sign=False, status="draft"))
    titles = {s.label: s.documents[0].title for s in (
        snapshot.from_worktree(qms_repo), snapshot.from_index(qms_repo), snapshot.from_commit(qms_repo, first))}
    assert titles == {"working tree": "Disk title", "index": "Staged title",
                      f"commit {first[:12]}": "Document QP-001"}


def test_index_snapshot_honours_git_index_file(qms_repo: Path, monkeypatch: object) -> None:
    path = doc_path("QP-001")
    commit(qms_repo, {path: make_document("QP-001")}, "QP-001: issue")
    alt = qms_repo / ".git" / "alt-index"
    env = {"GIT_INDEX_FILE": str(alt)}
    git(qms_repo, "read-tree", "HEAD", env=env)
    (qms_repo / path).write_text("broken", encoding="utf-8")
    git(qms_repo, "add", path, env=env)
    git(qms_repo, "checkout", "--", path)
    import os
    os.environ["GIT_INDEX_FILE"] = str(alt)
    try:
        assert [e.code for e in check.run(qms_repo, TODAY, staged=True)] == ["QMS001"]
    finally:
        del os.environ["GIT_INDEX_FILE"]
    assert check.run(qms_repo, TODAY, staged=True) == []


def test_a_bare_repository_is_read_through_git(qms_repo: Path, tmp_path: Path) -> None:
    commit(qms_repo, {doc_path("QP-001"): make_document("QP-001", references=["QP-404"])}, "QP-001: issue")
    bare = tmp_path / "bare.git"
    git(tmp_path, "clone", "-q", "--bare", str(qms_repo), str(bare))
    findings = check.run(bare, TODAY, head="main")
    assert [(f.path, f.code) for f in findings] == [(doc_path("QP-001"), "QMS040")]


def test_files_outside_the_documents_folder_are_not_documents(qms_repo: Path) -> None:
    commit(qms_repo, {"README.md": "# not controlled\n", "controlled/image.png": "x",
                      doc_path("QP-001"): make_document("QP-001")}, "add")
    for snap in (snapshot.from_worktree(qms_repo), snapshot.from_index(qms_repo),
                 snapshot.from_commit(qms_repo, "HEAD")):
        assert [d.path for d in snap.documents] == [doc_path("QP-001")] and snap.broken == ()
