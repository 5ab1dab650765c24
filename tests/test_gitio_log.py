"""The log layer sees merge commits: their changes against every parent, one diff-tree for all."""

from __future__ import annotations

from pathlib import Path

from qms_docs.gitio import log as gitlog
from tests.builders import git


def _commit(repo: Path, name: str, text: str) -> None:
    (repo / name).write_text(text, encoding="utf-8")
    git(repo, "add", name)
    git(repo, "commit", "-q", "-m", name)


def _diverged(tmp_path: Path) -> Path:
    """main and side, each with a commit of its own since they parted."""
    repo = tmp_path / "r"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "T")
    git(repo, "config", "user.email", "t@x.example")
    _commit(repo, "a", "a\n")
    git(repo, "checkout", "-q", "-b", "side")
    _commit(repo, "b", "b\n")
    git(repo, "checkout", "-q", "main")
    _commit(repo, "c", "c\n")
    return repo


def test_a_merge_lists_its_changes_against_each_parent(tmp_path: Path) -> None:
    repo = _diverged(tmp_path)
    # a merge that also writes content of its own (as `git merge --no-commit` allows)
    git(repo, "merge", "-q", "--no-commit", "side")
    (repo / "a").write_text("written in the merge\n", encoding="utf-8")
    git(repo, "commit", "-q", "-am", "merge")

    plain = gitlog.log(repo, ["HEAD"], ["a", "b", "c"])
    assert plain[-1].changes == ()  # what plain `git log --raw` shows of a merge: nothing

    merge = gitlog.log(repo, ["HEAD"], ["a", "b", "c"], merges=True)[-1]
    assert merge.is_merge
    first, second = merge.parent_changes
    assert sorted(c.path for c in first) == ["a", "b"]  # against main: side's file and the merge's own edit
    assert sorted(c.path for c in second) == ["a", "c"]  # against side: main's file and the merge's own edit
    assert [c.path for c in merge.changes] == [c.path for c in first]


def test_a_parent_with_no_difference_still_gets_its_place(tmp_path: Path) -> None:
    repo = _diverged(tmp_path)
    git(repo, "merge", "-q", "--no-edit", "side")
    merge = gitlog.log(repo, ["HEAD"], ["b"], merges=True)[-1]
    assert [[c.path for c in diff] for diff in merge.parent_changes] == [["b"], []]
