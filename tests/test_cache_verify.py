"""The verification cache (issue 15): a speed-up, never evidence. Whatever happens to the cache, or to the
history under it, `qms verify` says exactly what `qms verify --no-cache` says."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from qms_docs.cli import cli
from qms_docs.records import cache as verify_cache
from qms_docs.records.verify import Judge
from tests.audit_history import LI, Doc, body, build_manual, tick
from tests.builders import AUTHOR, PEOPLE, QMS_YML, commit, doc_path, git

JANE, OMAR = PEOPLE["quality-manager"], PEOPLE["process-owner"]


def verify(repo: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["verify", "--repo", str(repo), *args], catch_exceptions=False)
    return result.exit_code, result.stdout + result.stderr


def cache_dir(repo: Path) -> Path:
    return repo / ".git" / "qms-cache"


def same_as_fresh(repo: Path, *args: str) -> tuple[int, str]:
    """Run verify with the cache, then without: both must say the same, word for word."""
    cached = verify(repo, *args)
    assert cached == verify(repo, *args, "--no-cache")
    return cached


@pytest.fixture
def judged(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the lineages judged afresh in this test (a lineage from the cache is not judged)."""
    seen: list[str] = []
    fresh = Judge._fresh

    def spy(self: Judge, versions: list) -> list:  # type: ignore[type-arg]
        seen.append(versions[-1].path)
        return fresh(self, versions)

    monkeypatch.setattr(Judge, "_fresh", spy)
    return seen


@pytest.fixture
def forged(qms_repo: Path) -> tuple[Path, str]:
    """QP-001 with a forged signature in revision 2 (Sam added Jane's entry), clean again at revision 3."""
    qp = Doc(qms_repo, "QP-001", doc_path("QP-001"))
    qp.release(body(1))
    qp.draft(body(2), "Retention periods added.")
    sha = qp.sign("quality-manager", author=AUTHOR)
    qp.sign("process-owner")
    qp.release(body(3), "Clarified scope.")
    Doc(qms_repo, "WI-001", doc_path("WI-001")).release(body(1))
    return qms_repo, sha


def test_the_cache_lives_in_the_git_folder_with_a_private_key_and_a_warm_run_judges_nothing(
        qms_repo: Path, judged: list[str]) -> None:
    build_manual(qms_repo)
    cold = verify(qms_repo)
    assert cold[0] == 0 and len(judged) == 3
    key = cache_dir(qms_repo) / "key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and len(key.read_bytes()) == 32
    assert git(qms_repo, "status", "--porcelain", "--ignored").stdout == ""  # nothing in the working tree
    judged.clear()
    assert verify(qms_repo) == cold and judged == []


def test_one_new_commit_is_verified_alone_and_the_result_is_that_of_a_fresh_run(
        qms_repo: Path, judged: list[str]) -> None:
    build_manual(qms_repo)
    verify(qms_repo)
    judged.clear()
    Doc(qms_repo, "WI-002", doc_path("WI-002")).draft(body(1))
    code, out = verify(qms_repo)
    assert judged == [doc_path("WI-002")]  # the other lineages come from the cache
    assert (code, out) == verify(qms_repo, "--no-cache")
    assert "verified 5 revisions of 3 documents" in out


def test_a_failure_found_cold_is_found_warm_and_after_new_commits(forged: tuple[Path, str]) -> None:
    repo, sha = forged
    cold = verify(repo)
    assert cold[0] == 1 and f"{sha[:12]} QP-001 rev 2" in cold[1] and "QMS025 forged approval" in cold[1]
    assert verify(repo) == cold  # warm: the same head
    Doc(repo, "WI-002", doc_path("WI-002")).release(body(1))
    code, out = same_as_fresh(repo)
    assert code == 1 and f"{sha[:12]} QP-001 rev 2" in out


def _tamper_state(path: Path) -> None:
    """Clear every failure the state file records (its MAC left as it was)."""
    mac, _, data = path.read_bytes().partition(b"\n")
    header, *lines = data.split(b"\n")
    value = json.loads(header)
    value["totals"]["failing"] = []
    entries = []
    for line in lines:
        key, _, entry = line.partition(b"\t")
        e = json.loads(entry)
        e[5] = []
        for v in e[2] or []:
            v[5], v[6], v[7] = [], [], []
        entries.append(key + b"\t" + json.dumps(e).encode())
    path.write_bytes(mac + b"\n" + b"\n".join([json.dumps(value).encode(), *entries]))


def _tamper(path: Path, edit: str = "") -> None:
    if path.name == "state":
        return _tamper_state(path)
    mac, _, data = path.read_bytes().partition(b"\n")
    value = json.loads(data)
    value["outcome"]["failures"] = []
    path.write_bytes(mac + b"\n" + json.dumps(value).encode())


def _mac_ok(repo: Path, name: str) -> bool:
    key = (cache_dir(repo) / "key").read_bytes()
    mac, _, data = (cache_dir(repo) / name).read_bytes().partition(b"\n")
    return hmac.compare_digest(mac, hmac.new(key, name.encode() + b"\0" + data, hashlib.sha256).hexdigest().encode())


@pytest.mark.parametrize("name", ["outcome.json", "state"])
def test_a_tampered_cache_file_is_ignored_and_rewritten(forged: tuple[Path, str], name: str) -> None:
    repo, sha = forged
    cold = verify(repo)
    if name == "state":
        (cache_dir(repo) / "outcome.json").unlink()  # else the outcome of the same head answers first
    _tamper(cache_dir(repo) / name)
    assert not _mac_ok(repo, name)
    assert verify(repo) == cold  # the forged signature is still found
    assert _mac_ok(repo, name)
    assert verify(repo) == cold


def _lines(repo: Path) -> list[bytes]:
    return (cache_dir(repo) / "commits.log").read_bytes().split(b"\n")


def test_a_tampered_commit_line_is_not_believed_when_a_new_commit_reads_it(forged: tuple[Path, str]) -> None:
    """The forging commit's line now says Jane wrote it; a new commit on QP-001 reads the line back: its MAC
    fails, and the history is read afresh (the forgery is still found)."""
    repo, sha = forged
    verify(repo)
    log = cache_dir(repo) / "commits.log"
    data = log.read_bytes()
    line = next(x for x in _lines(repo) if x[33:73] == sha.encode())
    forged_line = line.replace(AUTHOR[1].encode(), JANE[1].encode()).replace(AUTHOR[0].encode(), JANE[0].encode())
    assert forged_line != line and len(forged_line) == len(line) + len(JANE[1]) - len(AUTHOR[1]) + len(JANE[0]) - len(AUTHOR[0])
    log.write_bytes(data.replace(line, forged_line))
    Doc(repo, "QP-001", doc_path("QP-001")).draft(body(4), "Fourth revision.")
    code, out = same_as_fresh(repo)
    assert code == 1 and f"{sha[:12]} QP-001 rev 2" in out and "QMS025" in out


def test_a_commit_line_moved_to_another_place_in_the_log_is_not_believed(forged: tuple[Path, str]) -> None:
    repo, sha = forged
    verify(repo)
    lines = _lines(repo)
    swapped = [lines[1], lines[0], *lines[2:]]  # the lines after them keep their offsets
    (cache_dir(repo) / "commits.log").write_bytes(b"\n".join(swapped))
    (cache_dir(repo) / "outcome.json").unlink()
    Doc(repo, "QP-001", doc_path("QP-001")).draft(body(4), "Fourth revision.")
    code, out = same_as_fresh(repo)
    assert code == 1 and "QMS025" in out


def test_an_entry_signed_with_the_right_key_but_a_wrong_shape_is_ignored_without_a_traceback(
        forged: tuple[Path, str]) -> None:
    """Even content with a valid MAC (written by a bug, or an older qms) is checked before it is used."""
    repo, _ = forged
    cold = verify(repo)
    key = (cache_dir(repo) / "key").read_bytes()
    (cache_dir(repo) / "outcome.json").unlink()
    state = cache_dir(repo) / "state"
    header, *lines = state.read_bytes().partition(b"\n")[2].split(b"\n")
    for value in ({"code": "x", "head": 1}, {**json.loads(header), "head_offset": "x"}):
        data = b"\n".join([json.dumps(value).encode(), *lines])
        state.write_bytes(hmac.new(key, b"state\0" + data, hashlib.sha256).hexdigest().encode() + b"\n" + data)
        assert verify(repo) == cold
        (cache_dir(repo) / "outcome.json").unlink()
    # a lineage entry of the wrong shape, read back when a new commit touches its lineage
    header, *lines = state.read_bytes().partition(b"\n")[2].split(b"\n")
    broken = [line.partition(b"\t")[0] + b'\t[1,"x","y"]' for line in lines]
    data = b"\n".join([header, *broken])
    state.write_bytes(hmac.new(key, b"state\0" + data, hashlib.sha256).hexdigest().encode() + b"\n" + data)
    Doc(repo, "QP-001", doc_path("QP-001")).draft(body(4), "Fourth revision.")
    code, out = same_as_fresh(repo)
    assert code == 1 and "QMS025" in out


@pytest.mark.parametrize("garbage", [b"", b"\n", b"not a mac\n{", bytes(range(256)) * 40])
def test_a_corrupt_cache_is_ignored_and_rewritten(forged: tuple[Path, str], garbage: bytes) -> None:
    repo, _ = forged
    cold = verify(repo)
    for name in ("commits.log", "state", "outcome.json", "key"):
        (cache_dir(repo) / name).write_bytes(garbage)
    assert verify(repo) == cold
    assert len((cache_dir(repo) / "key").read_bytes()) == 32  # a new key: every old entry is void


def test_a_cache_folder_that_cannot_be_written_costs_only_speed(forged: tuple[Path, str]) -> None:
    repo, _ = forged
    (repo / ".git" / "qms-cache").write_text("a file, not a folder", encoding="utf-8")
    code, out = same_as_fresh(repo)
    assert code == 1 and "QMS025" in out


def test_a_cache_from_another_repository_is_ignored(tmp_path: Path, forged: tuple[Path, str]) -> None:
    """Copy a clean repository's cache over: without its key nothing matches; with its key, nothing in it is
    about these commits (each entry is bound to commit ids and content)."""
    repo, sha = forged
    cold = verify(repo, "--no-cache")
    other = tmp_path / "other"
    other.mkdir()
    git(other, "init", "-q", "-b", "main")
    commit(other, {"qms.yml": QMS_YML}, "Set up the QMS", author=JANE)
    build_manual(other)
    assert verify(other)[0] == 0
    cache_dir(repo).mkdir()
    for with_key in (False, True):
        for f in cache_dir(other).iterdir():
            if f.name != "key" or with_key:
                (cache_dir(repo) / f.name).write_bytes(f.read_bytes())
        assert verify(repo) == cold


def test_a_history_amended_under_the_cache_is_verified_afresh(qms_repo: Path) -> None:
    qp = Doc(qms_repo, "QP-001", doc_path("QP-001"))
    qp.release(body(1))
    assert verify(qms_repo)[0] == 0
    # the last signature's commit is rewritten: Sam now adds Omar's entry himself
    env = {"GIT_AUTHOR_NAME": AUTHOR[0], "GIT_AUTHOR_EMAIL": AUTHOR[1], "GIT_COMMITTER_DATE": tick(qms_repo)}
    git(qms_repo, "commit", "-q", "--amend", "--no-edit", "--reset-author", env=env)
    code, out = same_as_fresh(qms_repo)
    assert code == 1 and "QMS025 forged approval" in out


def test_a_history_rebased_under_the_cache_is_verified_afresh(qms_repo: Path) -> None:
    Doc(qms_repo, "WI-001", doc_path("WI-001")).release(body(1))
    qp = Doc(qms_repo, "QP-001", doc_path("QP-001"))
    qp.release(body(1))
    assert verify(qms_repo)[0] == 0
    git(qms_repo, "reset", "-q", "--hard", "HEAD~2")  # drop the two commits of QP-001's signatures
    qp.approvals, qp.status = [], "draft"
    qp.sign("quality-manager", author=AUTHOR)  # and write them again, forged
    qp.sign("process-owner")
    code, out = same_as_fresh(qms_repo)
    assert code == 1 and "QMS025" in out


def test_a_role_removed_in_qms_yml_is_seen_warm(qms_repo: Path) -> None:
    wi = Doc(qms_repo, "WI-001", doc_path("WI-001"))
    wi.release(body(1))
    assert verify(qms_repo)[0] == 0
    no_li = QMS_YML.replace("[omar@acme.example, li@acme.example]", "[omar@acme.example]")
    commit(qms_repo, {"qms.yml": no_li}, "Li Wei leaves", author=JANE, date=tick(qms_repo))
    wi.draft(body(2), "Second revision.")
    wi.sign("process-owner", LI)  # Li no longer holds the role
    code, out = same_as_fresh(qms_repo)
    assert code == 1 and "QMS023" in out and "li@acme.example does not hold the role process-owner" in out


def test_qms_yml_changed_by_a_non_approver_is_reported_warm(qms_repo: Path) -> None:
    Doc(qms_repo, "WI-001", doc_path("WI-001")).release(body(1))
    assert verify(qms_repo)[0] == 0
    sam_qm = QMS_YML.replace("quality-manager: [jane@acme.example]", "quality-manager: [sam@acme.example]")
    commit(qms_repo, {"qms.yml": sam_qm}, "I am the quality manager now", author=AUTHOR, date=tick(qms_repo))
    code, out = same_as_fresh(qms_repo)
    assert code == 1 and "QMS014" in out


def test_a_side_branch_from_before_the_cached_head_is_verified_with_it(qms_repo: Path) -> None:
    """A merge brings in commits that do not descend from the cached head: the history is read afresh
    (the verdicts of unchanged lineages are still reused)."""
    qp = Doc(qms_repo, "QP-001", doc_path("QP-001"))
    qp.release(body(1))
    fork = git(qms_repo, "rev-parse", "HEAD").stdout.strip()
    Doc(qms_repo, "WI-001", doc_path("WI-001")).release(body(1))
    assert verify(qms_repo)[0] == 0
    git(qms_repo, "checkout", "-q", "-b", "side", fork)
    qp.draft(body(2), "Second revision.")
    qp.sign("quality-manager", author=AUTHOR)  # forged on the side branch
    qp.sign("process-owner")
    git(qms_repo, "checkout", "-q", "main")
    git(qms_repo, "merge", "-q", "--no-ff", "-m", "Merge side", "side",
        env={"GIT_AUTHOR_NAME": JANE[0], "GIT_AUTHOR_EMAIL": JANE[1], "GIT_COMMITTER_DATE": tick(qms_repo)})
    code, out = same_as_fresh(qms_repo)
    assert code == 1 and "QMS025" in out


def test_verify_of_an_older_commit_does_not_take_the_newer_result(forged: tuple[Path, str]) -> None:
    repo, sha = forged
    assert verify(repo)[0] == 1
    before = f"{sha}~1"
    code, out = same_as_fresh(repo, before)
    assert code == 0 and "every signature is valid" in out


def test_no_cache_leaves_no_cache_behind(forged: tuple[Path, str]) -> None:
    repo, _ = forged
    verify(repo, "--no-cache")
    assert not cache_dir(repo).exists()


def test_the_environment_switch_turns_the_cache_off(forged: tuple[Path, str], monkeypatch: pytest.MonkeyPatch) -> None:
    repo, _ = forged
    monkeypatch.setenv("QMS_NO_CACHE", "1")
    verify(repo)
    assert not cache_dir(repo).exists()
    monkeypatch.delenv("QMS_NO_CACHE")
    verify(repo)
    assert sorted(os.listdir(cache_dir(repo))) == ["commits.log", "key", "outcome.json", "state"]


def test_a_merge_of_branches_made_after_the_cached_head_is_verified_incrementally(
        qms_repo: Path, judged: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Every new commit descends from the cached head: only they are read, and the merge is judged like any
    commit (a role granted on one side and used on the other, a forged signature on a side branch)."""
    Doc(qms_repo, "WI-001", doc_path("WI-001")).release(body(1))
    qp = Doc(qms_repo, "QP-001", doc_path("QP-001"))
    qp.draft(body(1))
    assert verify(qms_repo)[0] == 0
    git(qms_repo, "checkout", "-q", "-b", "side")
    qp.sign("quality-manager", author=AUTHOR)  # forged
    qp.sign("process-owner")
    git(qms_repo, "checkout", "-q", "main")
    Doc(qms_repo, "WI-002", doc_path("WI-002")).release(body(1))
    git(qms_repo, "merge", "-q", "--no-ff", "-m", "Merge side", "side",
        env={"GIT_AUTHOR_NAME": JANE[0], "GIT_AUTHOR_EMAIL": JANE[1], "GIT_COMMITTER_DATE": tick(qms_repo)})
    judged.clear()
    logged: list[list[str]] = []
    read = verify_cache.log_commits

    def spy(root: Path, revs: list[str], documents_dir: str) -> list:  # type: ignore[type-arg]
        logged.append(list(revs))
        return read(root, revs, documents_dir)

    monkeypatch.setattr(verify_cache, "log_commits", spy)
    code, out = verify(qms_repo)
    assert [len(revs) for revs in logged] == [3]  # HEAD --not CACHED-HEAD: the new commits only
    assert sorted(set(judged)) == [doc_path("QP-001"), doc_path("WI-002")]  # WI-001 came from the cache
    assert (code, out) == verify(qms_repo, "--no-cache")
    assert code == 1 and "QMS025" in out
