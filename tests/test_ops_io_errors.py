"""A write that fails (file size limit, disk full, a folder that cannot hold the file) stops with exit
2 and a message naming the path; the original file stays as it was and no temporary file is left."""

from __future__ import annotations

import datetime as dt
import errno
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from qms_docs.cli import cli
from tests.builders import PEOPLE, commit, doc_path, git, make_document, render

JANE = PEOPLE["quality-manager"]
DRAFT = render({"id": "QP-001", "title": "Control of documents", "type": "procedure", "revision": 1,
                "status": "draft", "owner": "Jane Doe <jane@acme.example>", "effective_date": dt.date(2026, 12, 1),
                "approvals": []}, "# Purpose\n\nKeep records.\n")


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def _limited(size: int) -> None:
    """In the child: files may not grow beyond `size` bytes (writes fail with EFBIG, no SIGXFSZ kill)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))


def _qms_limited(repo: Path, size: int, *args: str) -> subprocess.CompletedProcess[str]:
    # Not measured by coverage: the size limit would stop coverage writing its own data file too.
    env = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_")}
    env["PYTHONPATH"] = os.pathsep.join(sys.path)
    return subprocess.run([sys.executable, "-m", "qms_docs", *args, "--repo", str(repo)], env=env,
                          capture_output=True, text=True, preexec_fn=lambda: _limited(size))


@pytest.mark.parametrize("args", [["approve", "QP-001"], ["revise", "QP-001", "--effective", "2026-12-24", "-m", "Dated."],
                                  ["obsolete", "QP-001", "-m", "Replaced by the ERP workflow."]])
def test_a_file_too_large_for_the_limit_leaves_the_document_intact(qms_repo: Path, args: list[str]) -> None:
    commit(qms_repo, {doc_path("QP-001"): DRAFT}, "QP-001: add")
    path = qms_repo / doc_path("QP-001")
    git(qms_repo, "config", "user.name", JANE[0])
    git(qms_repo, "config", "user.email", JANE[1])
    before = path.read_bytes()
    done = _qms_limited(qms_repo, len(before) + 8, *args)  # every edit makes the file longer than that
    assert done.returncode == 2, done.stderr
    assert f"{path}: could not be written" in done.stderr
    assert "exceed the size this system allows (EFBIG)" in done.stderr and "the file is unchanged" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert path.read_bytes() == before
    assert _leftovers(path.parent) == []


def test_a_report_too_large_for_the_limit_writes_nothing(qms_repo: Path, tmp_path: Path) -> None:
    commit(qms_repo, {doc_path("QP-001"): make_document("QP-001")}, "QP-001: add")
    out = tmp_path / "out" / "audit.html"
    done = _qms_limited(qms_repo, 4096, "report", "--out", str(out))
    assert done.returncode == 2, done.stderr
    assert f"{out}: could not be written" in done.stderr and "nothing was written" in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists() and _leftovers(out.parent) == []


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT])
def test_disk_full_while_writing_leaves_the_document_intact(qms_repo: Path, monkeypatch: pytest.MonkeyPatch,
                                                            code: int) -> None:
    # A full disk cannot be made without root tricks (a tmpfs mount): the failure is raised where
    # a full disk or quota reports it at the latest, when the data is flushed to the device.
    commit(qms_repo, {doc_path("QP-001"): DRAFT}, "QP-001: add")
    path = qms_repo / doc_path("QP-001")
    before = path.read_bytes()

    def full(fd: int) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "fsync", full)
    git(qms_repo, "config", "user.name", JANE[0])
    git(qms_repo, "config", "user.email", JANE[1])
    result = CliRunner().invoke(cli, ["approve", "QP-001", "--repo", str(qms_repo)])
    assert result.exit_code == 2
    reason = "no space left on the device" if code == errno.ENOSPC else "the disk quota is exhausted"
    assert result.stderr == f"Error: {path}: could not be written: {reason}; the file is unchanged\n"
    assert path.read_bytes() == before and _leftovers(path.parent) == []


@pytest.mark.parametrize("where", ["notes.txt/audit.html", "notes.txt/deeper/audit.html"])
def test_a_report_into_a_folder_that_is_a_file_is_refused(qms_repo: Path, where: str) -> None:
    (qms_repo / "notes.txt").write_text("a file, not a folder\n", encoding="utf-8")
    out = qms_repo / where
    result = CliRunner().invoke(cli, ["report", "--out", str(out), "--repo", str(qms_repo)])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"Error: {out}: cannot create a file in the folder {out.parent}: ")
    assert result.stderr.rstrip().endswith("nothing was written")
    assert (qms_repo / "notes.txt").read_text(encoding="utf-8") == "a file, not a folder\n"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder: it cannot be simulated as root")
def test_a_read_only_folder_is_refused(qms_repo: Path) -> None:
    commit(qms_repo, {doc_path("QP-001"): DRAFT}, "QP-001: add")
    path = qms_repo / doc_path("QP-001")
    before = path.read_bytes()
    git(qms_repo, "config", "user.name", JANE[0])
    git(qms_repo, "config", "user.email", JANE[1])
    path.parent.chmod(0o555)
    try:
        result = CliRunner().invoke(cli, ["approve", "QP-001", "--repo", str(qms_repo)])
    finally:
        path.parent.chmod(0o755)
    assert result.exit_code == 2
    assert f"{path}: cannot create a file in the folder {path.parent}: permission denied" in result.stderr
    assert path.read_bytes() == before and _leftovers(path.parent) == []


def test_writing_to_a_device_writes_through_it_and_never_replaces_it(tmp_path: Path) -> None:
    """`qms report --out /dev/null` (or a FIFO) must not rename a plain file over the device node."""
    import os
    import stat

    from qms_docs.files import write_atomic

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        write_atomic(fifo, b"report")
        assert os.read(reader, 100) == b"report"
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]  # no temporary file left beside it
