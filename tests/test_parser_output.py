"""Control characters in a document value or a file name never reach the output raw: a finding is
one line in text (and so in every hook), one workflow command in the github format, and an error
on stderr is one line. A title or reference with `\\n::error file=x::` forges nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from qms_docs.cli import cli
from qms_docs.formats import FORMATS
from qms_docs.rules.base import Finding, Severity
from tests.builders import QMS_YML, doc_path, make_document

QP1 = doc_path("QP-001")
FORGED = "QP-404\n::error file=qms.yml,line=1::forged\r\x1b[2K\u2028\u202e"


def check(repo: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["check", "--repo", str(repo), *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def write(repo: Path, rel: str, text: str) -> None:
    (repo / rel).parent.mkdir(parents=True, exist_ok=True)
    (repo / rel).write_text(text, encoding="utf-8")


def test_a_forged_annotation_in_a_value_stays_inside_its_finding_in_every_format(qms_repo: Path) -> None:
    write(qms_repo, QP1, make_document("QP-001", references=[FORGED]))
    code, text, _ = check(qms_repo)
    assert code == 1
    assert text.splitlines() == [
        f"{QP1}:9: QMS040 error: reference to unknown document QP-404\\n::error file=qms.yml,line=1::forged"
        "\\r\\x1b[2K\\u2028\\u202e",
        "1 error, 0 warnings"]

    _, github, _ = check(qms_repo, "--format", "github")
    assert github.splitlines() == [
        f"::error file={QP1},line=9,title=QMS040::QMS040: reference to unknown document "
        "QP-404%0A::error file=qms.yml,line=1::forged%0D\\x1b[2K\\u2028\\u202e",
        "1 error, 0 warnings"]

    _, raw, _ = check(qms_repo, "--format", "json")
    assert json.loads(raw)["findings"][0]["message"] == f"reference to unknown document {FORGED}"  # JSON escapes


def test_github_properties_escape_percent_colon_and_comma() -> None:
    finding = Finding("controlled/a,b:c%d.md", 3, "QMS001", Severity.ERROR, "50% done\nnext")
    assert FORMATS["github"]([finding]).splitlines()[0] == (
        "::error file=controlled/a%2Cb%3Ac%25d.md,line=3,title=QMS001::QMS001: 50%25 done%0Anext")


@pytest.mark.skipif(sys.platform == "win32", reason="a newline in a file name")
def test_a_file_name_with_a_newline_is_one_line_in_text_output(qms_repo: Path) -> None:
    rel = "controlled/procedures/x\n::error::forged.md"
    write(qms_repo, rel, "not a document\n")
    code, out, _ = check(qms_repo)
    assert code == 1
    assert out.splitlines() == [
        "controlled/procedures/x\\n::error::forged.md:1: QMS001 error: front matter missing: the first line must be "
        "`---` alone", "1 error, 0 warnings"]


def test_an_error_on_stderr_is_one_line_whatever_qms_yml_holds(qms_repo: Path) -> None:
    write(qms_repo, "qms.yml", QMS_YML + '"evil\\n::error::x\\u001b[0m": 1\n')
    code, out, err = check(qms_repo)
    assert (code, out) == (2, "")
    where = QMS_YML.count("\n") + 1
    assert err.startswith(f"Error: qms.yml:{where}: evil\\n::error::x\\x1b[0m: unknown key (expected one of: ")
    assert err.count("\n") == 1


def test_the_console_script_prints_one_line_per_finding(qms_repo: Path) -> None:
    write(qms_repo, QP1, make_document("QP-001", references=[FORGED]))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.run(["qms", "check", "--repo", str(qms_repo), "--format", "github"], capture_output=True,
                          text=True, env=env, timeout=60)
    assert proc.returncode == 1 and proc.stderr == ""
    assert [line[:2] for line in proc.stdout.splitlines()] == ["::", "1 "]


def test_a_title_is_never_rich_markup_in_the_list_table(qms_repo: Path) -> None:
    write(qms_repo, QP1, make_document("QP-001", title="Bad [/bold] [link=https://evil.example]x\x1b[31m"))
    result = CliRunner().invoke(cli, ["list", "--repo", str(qms_repo)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Bad [/bold] [link=https://evil.example]x\\x1b[31m" in result.stdout.replace("\n", "").replace("│", "")
