"""The hooks meet hostile front matter: a YAML bomb and an impossible date are refused by the
real pre-commit hook and by the server's pre-receive hook as QMS001 at their line, in seconds."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.builders import AUTHOR, PEOPLE, commit, doc_path, git, make_document
from tests.helpers_hooks import commit_as, make_server, push, shims, with_qms_on_path
from tests.test_parser_yaml import LAUGHS, with_field

QP2 = doc_path("QP-002")
BOMB = f"---\nid: QP-002\n{LAUGHS}---\n# Body\n"
BAD_DATE = with_field("signed_on: 2025-02-30").replace("QP-001", "QP-002")


@pytest.fixture
def server(qms_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """(bare remote with pre-receive, working clone with the shims); main holds QP-001, approved."""
    with_qms_on_path(monkeypatch)
    commit(qms_repo, {**shims(), doc_path("QP-001"): make_document("QP-001")}, "QP-001: issue",
           author=PEOPLE["quality-manager"])
    return make_server(qms_repo, tmp_path)


@pytest.mark.parametrize("text, line, words", [
    (BOMB, 3, "front matter refused: anchors and aliases (&a) are not allowed"),
    (BAD_DATE, BAD_DATE.split("\n").index("signed_on: 2025-02-30") + 1,
     "front matter is not valid YAML: '2025-02-30' is not a valid date or time"),
], ids=["yaml bomb", "impossible date"])
def test_pre_commit_and_pre_receive_refuse_hostile_front_matter(server: tuple[Path, Path], text: str, line: int,
                                                                 words: str) -> None:
    remote, work = server
    before = git(remote, "rev-parse", "main").stdout
    start = time.perf_counter()
    refused = commit_as(work, {QP2: text}, "QP-002: first draft", AUTHOR)
    assert refused.returncode == 1 and f"{QP2}:{line}: QMS001 error: {words}" in refused.stderr, refused.stderr
    assert "Traceback" not in refused.stderr

    assert commit_as(work, {}, "QP-002: first draft", AUTHOR, "--no-verify").returncode == 0
    pushed = push(work, "--no-verify", "main")
    assert pushed.returncode == 1 and f"remote: {QP2}:{line}: QMS001 error: {words}" in pushed.stderr, pushed.stderr
    assert "Traceback" not in pushed.stderr
    assert git(remote, "rev-parse", "main").stdout == before
    assert time.perf_counter() - start < 20  # two hooks and a push; an expanding bomb takes minutes
