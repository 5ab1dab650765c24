"""Two people signing one document at the same moment: every signature that was reported lands."""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from qms_docs import files
from qms_docs.cli import cli
from qms_docs.commands import approve
from tests.builders import QMS_YML, commit, doc_path, git, render

SIGNERS = 8
ROLES = [f"signer-{n}" for n in range(1, SIGNERS + 1)]
MANY_SIGNERS_YML = QMS_YML.replace(
    "approvers: [quality-manager, process-owner],  review_months: 24}",
    f"approvers: [{', '.join(ROLES)}], review_months: 24}}",
).replace("roles:\n", "roles:\n" + "".join(f"  {r}: [{r}@acme.example]\n" for r in ROLES))
BODY = "# Purpose\n\nEight people sign this at once.\n"
DRAFT = render({"id": "QP-001", "title": "Control of documents", "type": "procedure", "revision": 1,
                "status": "draft", "owner": "Jane Doe <jane@acme.example>", "effective_date": dt.date(2026, 12, 1),
                "approvals": []}, BODY)


def _front(path: Path) -> dict[str, object]:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def _as(name: str, email: str) -> dict[str, str]:
    """The environment of a process that runs as this git user (no shared config file is touched)."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "GIT_CONFIG_COUNT": "2",
            "GIT_CONFIG_KEY_0": "user.name", "GIT_CONFIG_VALUE_0": name,
            "GIT_CONFIG_KEY_1": "user.email", "GIT_CONFIG_VALUE_1": email}


def _approve(repo: Path, role: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "qms_docs", "approve", "QP-001", "--repo", str(repo)],
                            env=_as(role.title(), f"{role}@acme.example"), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


@pytest.fixture
def many_signers(qms_repo: Path) -> Path:
    commit(qms_repo, {"qms.yml": MANY_SIGNERS_YML, doc_path("QP-001"): DRAFT}, "QP-001: add; eight signers")
    return qms_repo


def test_concurrent_signers_never_lose_a_signature(many_signers: Path) -> None:
    path = many_signers / doc_path("QP-001")
    for _ in range(3):
        git(many_signers, "checkout", "--", doc_path("QP-001"))
        runs = {role: _approve(many_signers, role) for role in ROLES}
        outcomes = {role: (p.wait(timeout=120), *p.communicate()) for role, p in runs.items()}
        for role, (code, out, err) in outcomes.items():
            assert code == 0, f"{role}: {err}"
            assert out.startswith(f"signed QP-001 revision 1 as {role} ("), out
            assert "Traceback" not in err
        meta = _front(path)
        signed = sorted(a["email"] for a in meta["approvals"])  # type: ignore[attr-defined]
        assert signed == sorted(f"{r}@acme.example" for r in ROLES)
        assert meta["status"] == "approved"
    assert subprocess.run([sys.executable, "-m", "qms_docs", "check", "--repo", str(many_signers)],
                          env=_as("x", "x@acme.example"), capture_output=True).returncode == 0


def _lock_file(repo: Path) -> Path:
    return repo / ".git" / "qms-edit.lock"


def test_a_signer_waits_for_the_edit_in_progress_then_signs(many_signers: Path) -> None:
    with open(_lock_file(many_signers), "a+b") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        waiting = _approve(many_signers, "signer-1")
        time.sleep(1.0)
        assert waiting.poll() is None, "approve did not wait for the lock"
        assert _front(many_signers / doc_path("QP-001"))["approvals"] == []
    out, err = waiting.communicate(timeout=60)
    assert waiting.returncode == 0, err
    assert [a["role"] for a in _front(many_signers / doc_path("QP-001"))["approvals"]] == ["signer-1"]  # type: ignore


def test_a_lock_held_too_long_is_refused_with_a_message(many_signers: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "LOCK_TIMEOUT", 0.3)
    path = many_signers / doc_path("QP-001")
    before = path.read_bytes()
    git(many_signers, "config", "user.name", "Signer 1")
    git(many_signers, "config", "user.email", "signer-1@acme.example")
    with open(_lock_file(many_signers), "a+b") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        for args in (["approve", "QP-001"], ["obsolete", "QP-001", "-m", "Gone"], ["revise", "QP-001", "-m", "x"]):
            result = CliRunner().invoke(cli, [*args, "--repo", str(many_signers)])
            assert result.exit_code == 1, result.output
            assert "another qms command has been editing documents in this repository" in result.stderr
            assert "qms-edit.lock" in result.stderr and "nothing was written" in result.stderr
    assert path.read_bytes() == before


def test_a_file_changed_by_an_editor_while_signing_is_not_overwritten(many_signers: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    path = many_signers / doc_path("QP-001")
    edited = path.read_text(encoding="utf-8") + "A paragraph saved by an editor meanwhile.\n"
    original = approve.check_rules

    def editor_saves_meanwhile(*args: object) -> None:
        original(*args)  # type: ignore[arg-type]
        path.write_text(edited, encoding="utf-8")

    monkeypatch.setattr(approve, "check_rules", editor_saves_meanwhile)
    git(many_signers, "config", "user.name", "Signer 1")
    git(many_signers, "config", "user.email", "signer-1@acme.example")
    result = CliRunner().invoke(cli, ["approve", "QP-001", "--repo", str(many_signers)])
    assert result.exit_code == 1
    assert "the file changed while the command ran; nothing was written" in result.stderr
    assert path.read_text(encoding="utf-8") == edited
