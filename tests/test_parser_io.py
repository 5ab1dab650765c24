"""What cannot be read is said, never skipped: a symbolic link, a FIFO or an unreadable file named
`*.md`, and a folder that cannot be listed, are QMS001 findings naming the path (exit 1); qms.yml
that is not a regular file, and an OSError a command meets, are one line on stderr (exit 2)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from qms_docs.cli import cli
from tests.builders import commit, doc_path, make_document

QP1 = doc_path("QP-001")
LINK = "; a controlled document must be a regular file (git would store only the link)"
AS_ROOT = pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                             reason="root reads through chmod 000; the symlink and FIFO tests cover unreadable files")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, result.stderr


def findings(repo: Path) -> tuple[int, list[str]]:
    code, out, _ = run("check", "--repo", str(repo))
    return code, out.splitlines()


def test_symbolic_links_named_md_are_findings_never_followed_or_skipped(qms_repo: Path) -> None:
    folder = qms_repo / "controlled" / "procedures"
    folder.mkdir(parents=True)
    (folder / "QP-001.md").write_text(make_document("QP-001"), encoding="utf-8")
    (folder / "dangling.md").symlink_to("nowhere.md")
    (folder / "loop.md").symlink_to("loop.md")
    (folder / "alias.md").symlink_to("QP-001.md")
    assert findings(qms_repo) == (1, [
        f"controlled/procedures/alias.md: QMS001 error: is a symbolic link{LINK}",
        f"controlled/procedures/dangling.md: QMS001 error: is a symbolic link to a missing file{LINK}",
        f"controlled/procedures/loop.md: QMS001 error: is a symbolic link in a loop{LINK}",
        "3 errors, 0 warnings"])


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_named_md_is_a_finding_and_nothing_waits_for_it(qms_repo: Path) -> None:
    os.mkfifo(qms_repo / "controlled" / "QP-009.md")
    start = time.perf_counter()
    assert findings(qms_repo) == (1, [
        "controlled/QP-009.md: QMS001 error: is not a regular file (a FIFO, socket or device); a controlled "
        "document must be a regular file", "1 error, 0 warnings"])
    assert time.perf_counter() - start < 5


def test_a_folder_named_md_is_a_folder_whose_documents_are_checked(qms_repo: Path) -> None:
    inner = qms_repo / "controlled" / "QP-001.md" / "QP-002.md"
    inner.parent.mkdir(parents=True)
    inner.write_text("no front matter\n", encoding="utf-8")
    assert findings(qms_repo) == (1, [
        "controlled/QP-001.md/QP-002.md:1: QMS001 error: front matter missing: the first line must be `---` alone",
        "1 error, 0 warnings"])


@AS_ROOT
def test_an_unreadable_document_is_a_finding(qms_repo: Path) -> None:
    path = qms_repo / QP1
    path.parent.mkdir(parents=True)
    path.write_text(make_document("QP-001"), encoding="utf-8")
    path.chmod(0)
    try:
        assert findings(qms_repo) == (1, [f"{QP1}: QMS001 error: cannot be read: Permission denied",
                                          "1 error, 0 warnings"])
    finally:
        path.chmod(0o644)


@AS_ROOT
def test_an_unreadable_folder_is_a_finding(qms_repo: Path) -> None:
    folder = qms_repo / "controlled" / "procedures"
    folder.mkdir(parents=True)
    (folder / "QP-001.md").write_text(make_document("QP-001"), encoding="utf-8")
    folder.chmod(0)
    try:
        assert findings(qms_repo) == (1, [
            "controlled/procedures: QMS001 error: the folder cannot be read (Permission denied): its documents are "
            "not checked", "1 error, 0 warnings"])
    finally:
        folder.chmod(0o755)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_qms_yml_that_is_not_a_regular_file_is_exit_2_without_waiting(qms_repo: Path) -> None:
    (qms_repo / "qms.yml").unlink()
    os.mkfifo(qms_repo / "qms.yml")
    assert run("check", "--repo", str(qms_repo)) == (2, "", "Error: qms.yml: cannot be read: not a regular file\n")


def test_an_os_error_in_a_command_is_one_line_exit_2(qms_repo: Path) -> None:
    commit(qms_repo, {QP1: make_document("QP-001")}, "QP-001: issue")
    (qms_repo / "blocker").write_text("a file, not a folder\n", encoding="utf-8")
    code, out, err = run("report", "--repo", str(qms_repo), "--out", str(qms_repo / "blocker" / "report.html"))
    assert (code, out) == (2, "")
    assert err.startswith(f"Error: {qms_repo / 'blocker'}") and err.count("\n") == 1, err
