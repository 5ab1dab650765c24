"""`qms check --base` and the server's pre-receive read a revision's past from the verification cache when it
holds the history of the base: the same findings as without it, and a tampered cache changes nothing."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from qms_docs.changes import past
from qms_docs.commands import verify as verify_command
from qms_docs.records.cache_known import LineMac
from qms_docs.records.cache_store import Store
from tests.builders import AUTHOR, commit, git, make_document
from tests.helpers_hooks import commit_as, make_server, push, shims, with_qms_on_path
from tests.test_cache_verify import cache_dir
from tests.test_range_commits import (
    APPROVED_2,
    DRAFT_2,
    JANE,
    JANE_SIGNED_2,
    OMAR,
    QP1,
    diverge,
    draft_of,
    findings,
    merge,
    sign_as,
)


@pytest.fixture
def walks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths walked back with `git log --follow` (the cache serves the others)."""
    seen: list[str] = []
    walk = past.versions_back

    def spy(root: Path, rev: str, path: str):  # type: ignore[no-untyped-def]
        seen.append(path)
        return walk(root, rev, path)

    monkeypatch.setattr(past, "versions_back", spy)
    return seen


def cached_and_fresh(repo: Path, base: str, walks: list[str], monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, str]]:
    """The findings with a cache of the base's history (no walk back), and they are the ones found without it."""
    verify_command.outcome(repo, base)
    warm = findings(repo, base)
    assert walks == []
    monkeypatch.setenv("QMS_NO_CACHE", "1")
    assert findings(repo, base) == warm and walks == [QP1]
    monkeypatch.delenv("QMS_NO_CACHE")
    return warm


def jane_signs_her_own_draft(repo: Path) -> str:
    """Jane drafts revision 2 (the base), then signs it herself, and Omar signs: QMS024. The base commit."""
    commit(repo, {QP1: make_document("QP-001")}, "QP-001: issue revision 1", author=JANE)
    base = commit(repo, {QP1: draft_of(make_document("QP-001", revision=2, sign=False))}, "QP-001: rev 2", author=JANE)
    sign_as(repo, JANE_SIGNED_2, JANE)
    sign_as(repo, APPROVED_2, OMAR)
    return base


def test_an_author_before_the_range_is_found_from_the_cache(qms_repo: Path, walks: list[str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    base = jane_signs_her_own_draft(qms_repo)
    found = [m for c, _, m in cached_and_fresh(qms_repo, base, walks, monkeypatch) if c == "QMS024"]
    assert len(found) == 1 and "jane@acme.example wrote revision 2" in found[0]


def test_a_merge_that_took_the_draft_unchanged_adds_no_author_from_the_cache(
        qms_repo: Path, walks: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    commit(qms_repo, {QP1: make_document("QP-001")}, "QP-001: issue revision 1", author=JANE)
    diverge(qms_repo, {QP1: DRAFT_2}, main_author=OMAR)
    base = merge(qms_repo, "side", JANE)
    sign_as(qms_repo, JANE_SIGNED_2, JANE)
    sign_as(qms_repo, APPROVED_2, OMAR)
    assert cached_and_fresh(qms_repo, base, walks, monkeypatch) == []


def test_content_approved_before_the_range_holds_its_number_from_the_cache(
        qms_repo: Path, walks: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    commit(qms_repo, {QP1: make_document("QP-001")}, "QP-001: issue revision 1", author=JANE)
    body = "# Reworked without a new revision\n"
    base = commit(qms_repo, {QP1: draft_of(make_document("QP-001", body=body, sign=False))}, "QP-001: rework",
                  author=AUTHOR)
    sign_as(qms_repo, draft_of(make_document("QP-001", body=body, roles=["quality-manager"])), JANE)
    sign_as(qms_repo, make_document("QP-001", body=body), OMAR)
    found = [m for c, _, m in cached_and_fresh(qms_repo, base, walks, monkeypatch) if c == "QMS010"]
    assert any("revision 1 was already approved with other content" in m for m in found)


def _forge_author(folder: Path, sha: str, remac: bool = False) -> None:
    """Rewrite the cached line of commit `sha` to give Zara's e-mail as its author's (the same length: no
    other line moves). With `remac`, the line's MAC is redone with the cache's key, as only qms can."""
    log = folder / "commits.log"
    data = log.read_bytes()
    at = data.index(b" " + sha.encode() + b" ") - 32
    end = data.index(b"\n", at)
    body = data[at + 33:end].replace(JANE[1].encode(), b"zara@acme.example")
    mac = data[at:at + 32]
    if remac:
        generation = json.loads((folder / "state").read_bytes().split(b"\n")[1])["log"][1]
        mac = LineMac(Store(folder, (folder / "key").read_bytes()), generation)(at, body)
    log.write_bytes(data[:at] + mac + b" " + body + data[end:])


def test_a_tampered_cache_does_not_hide_the_author(qms_repo: Path, walks: list[str]) -> None:
    base = jane_signs_her_own_draft(qms_repo)
    verify_command.outcome(qms_repo, base)
    _forge_author(cache_dir(qms_repo), base)
    found = [m for c, _, m in findings(qms_repo, base) if c == "QMS024"]
    assert len(found) == 1 and "jane@acme.example wrote revision 2" in found[0]
    assert walks == [QP1]  # the line failed its MAC: the file was walked back in git


def test_check_no_cache_walks_back_in_git(qms_repo: Path, walks: list[str]) -> None:
    from click.testing import CliRunner

    from qms_docs.cli import cli

    base = jane_signs_her_own_draft(qms_repo)
    verify_command.outcome(qms_repo, base)
    args = ["check", "--base", base, "--head", "HEAD", "--repo", str(qms_repo)]
    cached = CliRunner().invoke(cli, args)
    assert walks == []
    fresh = CliRunner().invoke(cli, [*args, "--no-cache"])
    assert walks == [QP1] and (cached.exit_code, cached.output) == (fresh.exit_code, fresh.output)
    assert "QMS_NO_CACHE" not in os.environ  # only that run went without the cache
    assert cached.exit_code == 1 and "QMS024" in cached.output


def test_pre_receive_with_a_tampered_cache_still_refuses_a_self_approval(
        qms_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The server's cache (filled by `qms verify` there) holds the draft Jane pushed; its line is forged to name
    Omar: the push of Jane's signature on her own revision is still refused, as without a cache."""
    with_qms_on_path(monkeypatch)
    commit(qms_repo, {**shims(), QP1: make_document("QP-001")}, "QP-001: issue revision 1", author=JANE)
    remote, work = make_server(qms_repo, tmp_path)
    drafted = commit_as(work, {QP1: draft_of(make_document("QP-001", revision=2, sign=False))}, "QP-001: rev 2", JANE)
    assert drafted.returncode == 0 and push(work, "main").returncode == 0
    draft = git(work, "rev-parse", "HEAD").stdout.strip()
    verify_command.outcome(remote, "main")
    assert (remote / "qms-cache" / "state").is_file(), sorted(p.name for p in (remote / "qms-cache").iterdir())
    _forge_author(remote / "qms-cache", draft)
    commit_as(work, {QP1: JANE_SIGNED_2.replace('status: "draft"', 'status: "review"')}, "QP-001: sign", JANE)
    commit_as(work, {QP1: APPROVED_2}, "QP-001: sign", OMAR)
    pushed = push(work, "--no-verify", "main")
    assert pushed.returncode == 1 and "QMS024" in pushed.stderr and "jane@acme.example wrote revision 2" in pushed.stderr
    assert git(remote, "rev-parse", "main").stdout.strip() == draft
    # the server did read its cache: the same line, forged with the cache's own key, would be believed (the key
    # never leaves the server's git folder, and nothing in a push can write it)
    _forge_author(remote / "qms-cache", draft, remac=True)
    believed = push(work, "--no-verify", "main")
    assert believed.returncode == 0, believed.stderr
