"""The `qms` command line: formats, exit codes, init/new/list, help, no tracebacks."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from qms_docs.cli import cli
from tests.builders import commit_signed, doc_path, make_document

runner = CliRunner()


def qms(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def manual(qms_repo: Path) -> Path:
    """Three approved documents and one draft, committed (each signature by its signer: in force)."""
    commit_signed(qms_repo, {doc_path("QP-001"): make_document("QP-001", title="Control of Documented Information",
                                                        references=["FRM-001"], clauses=["7.5.2"]),
                      doc_path("FRM-001"): make_document("FRM-001", title="Document Change Request"),
                      doc_path("POL-001"): make_document("POL-001", title="Quality Policy",
                                                         effective_date=__import__("datetime").date(2026, 3, 2)),
                      doc_path("WI-001"): make_document("WI-001", status="draft", title="Deburring")},
           "QP-001 FRM-001 POL-001 WI-001: first issue")
    return qms_repo


def test_check_clean_repository_exits_0(manual: Path) -> None:
    code, out, err = qms("check", "--repo", str(manual))
    assert (code, out, err) == (0, "0 errors, 0 warnings\n", "")


def test_check_reports_errors_as_text_json_and_github(manual: Path) -> None:
    path = manual / doc_path("QP-001")
    path.write_text(path.read_text().replace("The text", "The edited text"), encoding="utf-8")
    code, out, _ = qms("check", "--repo", str(manual))
    assert code == 1
    assert f"{doc_path('QP-001')}:" in out and "QMS021 error: approval 1 (Jane Doe, quality-manager)" in out
    assert out.endswith("2 errors, 0 warnings\n")

    code, out, _ = qms("check", "--repo", str(manual), "--format", "json")
    data = json.loads(out)
    assert code == 1 and data["schema"] == 1 and data["summary"] == {"errors": 2, "warnings": 0}
    assert {(f["code"], f["path"], f["severity"]) for f in data["findings"]} == {("QMS021", doc_path("QP-001"), "error")}

    code, out, _ = qms("check", "--repo", str(manual), "--format", "github")
    first = out.splitlines()[0]
    assert code == 1 and first.startswith(f"::error file={doc_path('QP-001')},line=") and ",title=QMS021::QMS021: " in first


def test_warnings_alone_exit_0(manual: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QMS_TODAY", "2027-06-01")  # the policy's 12-month review is now overdue
    code, out, _ = qms("check", "--repo", str(manual))
    assert code == 0 and "QMS031 warning" in out and out.endswith("0 errors, 1 warning\n")


def test_check_staged_and_head_read_git_not_the_disk(manual: Path) -> None:
    path = manual / doc_path("FRM-001")
    path.write_text("", encoding="utf-8")  # broken on disk only
    assert qms("check", "--repo", str(manual))[0] == 1
    assert qms("check", "--repo", str(manual), "--staged")[0] == 0
    assert qms("check", "--repo", str(manual), "--head", "HEAD")[0] == 0
    code, _, err = qms("check", "--repo", str(manual), "--head", "no-such-ref")
    assert code == 2 and "no-such-ref" in err


def test_list_is_the_master_document_list(manual: Path) -> None:
    code, out, _ = qms("list", "--repo", str(manual), "--format", "json")
    docs = json.loads(out)["documents"]
    assert code == 0 and [d["id"] for d in docs] == ["FRM-001", "POL-001", "QP-001", "WI-001"]
    policy = docs[1]
    assert (policy["title"], policy["revision"], policy["status"], policy["effective_date"], policy["next_review"]) == \
        ("Quality Policy", 1, "approved", "2026-03-02", "2027-03-02")
    assert docs[3]["next_review"] is None

    rows = list(csv.DictReader(io.StringIO(qms("list", "--repo", str(manual), "--format", "csv")[1])))
    assert [r["id"] for r in rows] == ["FRM-001", "POL-001", "QP-001", "WI-001"] and rows[2]["next_review"] == "2028-03-01"

    code, out, _ = qms("list", "--repo", str(manual), "--status", "draft")
    assert code == 0 and "WI-001" in out and "QP-001" not in out and "Deburring" in out and "1 document" in out


def test_init_scaffolds_a_repository_that_passes_check(tmp_path: Path) -> None:
    target = tmp_path / "newqms"
    code, out, _ = qms("init", str(target))
    assert code == 0 and "created qms.yml" in out
    assert (target / ".git").is_dir() and (target / "controlled").is_dir()
    for hook in ("pre-commit", "commit-msg", "pre-push", "pre-receive"):
        assert (target / "hooks" / hook).stat().st_mode & 0o111
    assert qms("check", "--repo", str(target)) == (0, "0 errors, 0 warnings\n", "")


def test_init_never_overwrites_a_file(tmp_path: Path) -> None:
    (tmp_path / "qms.yml").write_text("# mine\n", encoding="utf-8")
    code, out, _ = qms("init", str(tmp_path))
    assert code == 0 and "kept    qms.yml" in out
    assert (tmp_path / "qms.yml").read_text() == "# mine\n"


def test_new_creates_a_draft_with_the_next_free_id(manual: Path) -> None:
    code, out, _ = qms("new", "procedure", "Internal Audit", "--repo", str(manual))
    assert (code, out) == (0, "controlled/procedures/QP-002-internal-audit.md\n")
    text = (manual / out.strip()).read_text()
    assert text.startswith("---\nid: QP-002\ntitle: Internal Audit\ntype: procedure\nrevision: 1\nstatus: draft\n")
    assert "owner: Test Runner <runner@acme.example>" in text and "## 5. Procedure" in text
    assert qms("new", "procedure", "Management Review", "--repo", str(manual))[1].startswith("controlled/procedures/QP-003")
    assert qms("check", "--repo", str(manual))[0] == 0


def test_new_quotes_titles_that_would_not_be_plain_yaml(manual: Path) -> None:
    out = qms("new", "form", "Checklist: yes/no # items", "--repo", str(manual))[1]
    assert qms("check", "--repo", str(manual))[0] == 0
    code, listing, _ = qms("list", "--repo", str(manual), "--format", "json")
    assert "Checklist: yes/no # items" in [d["title"] for d in json.loads(listing)["documents"]]
    assert out.strip().endswith("FRM-002-checklist-yes-no-items.md")


def test_new_refuses_an_unknown_type(manual: Path) -> None:
    code, _, err = qms("new", "recipe", "Cake", "--repo", str(manual))
    assert code == 2 and "unknown type 'recipe'" in err and "procedure" in err


def test_every_command_has_help() -> None:
    commands = cli.commands  # type: ignore[attr-defined]
    assert set(commands) >= {"init", "new", "check", "list", "revise", "approve", "obsolete", "history", "show",
                             "diff", "review-due", "verify", "report", "install-hooks", "hook", "publish"}
    for name, command in commands.items():
        assert command.help, f"qms {name} has no help"
        code, out, _ = qms(name, "--help")
        assert code == 0 and "--repo" in out


def test_outside_a_repository_is_exit_2(tmp_path: Path) -> None:
    code, _, err = qms("check", "--repo", str(tmp_path / "missing"))
    assert code == 2 and "no such folder" in err


def test_console_script_and_module_run_without_traceback(manual: Path) -> None:
    (manual / "qms.yml").write_text("types: [", encoding="utf-8")
    scripts = Path(sys.executable).parent
    qms_exe = scripts / "qms" if (scripts / "qms").exists() else "qms"
    for argv in ([str(qms_exe), "check"], [sys.executable, "-m", "qms_docs", "check"]):
        proc = subprocess.run(argv, cwd=manual / "controlled", capture_output=True, text=True)
        assert proc.returncode == 2, argv
        assert "qms.yml:2: not valid YAML" in proc.stderr and "Traceback" not in proc.stderr


def test_the_console_script_exits_normally_with_its_output_whole(manual: Path) -> None:
    """`main()` returns the command's exit code to a normal interpreter exit (no os._exit): stdout is
    flushed whole into a pipe, and a closed pipe is no traceback."""
    scripts = Path(sys.executable).parent
    qms_exe = str(scripts / "qms") if (scripts / "qms").exists() else "qms"
    proc = subprocess.run([qms_exe, "list", "--format", "json"], cwd=manual, capture_output=True, text=True)
    assert proc.returncode == 0 and [d["id"] for d in json.loads(proc.stdout)["documents"]] == \
        ["FRM-001", "POL-001", "QP-001", "WI-001"]
    reader = subprocess.Popen([qms_exe, "list", "--format", "csv"], cwd=manual, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
    assert reader.stdout is not None and reader.stderr is not None
    reader.stdout.close()  # as `qms list | head -0` does
    assert reader.wait(timeout=60) in (0, 1) and b"Traceback" not in reader.stderr.read()
