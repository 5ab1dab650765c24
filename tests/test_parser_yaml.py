"""Hostile front matter and qms.yml through the real CLI: impossible values, YAML bombs, deep
nesting, size limits, duplicate keys and a sloppy opening line are findings (or exit 2 for qms.yml)
with the file and line, fast, never a traceback or a crash."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from qms_docs.cli import cli
from tests.builders import QMS_YML, doc_path, make_document

QP1 = doc_path("QP-001")
LAUGHS = "lol: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"l{i}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(9))
MERGES = "m0: &m0 {k: v}\n" + "".join(
    f"m{i + 1}: &m{i + 1} {{<<: [{', '.join([f'*m{i}'] * 4)}]}}\n" for i in range(16))


def check(repo: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["check", "--repo", str(repo), *args], catch_exceptions=False)
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, result.stderr


def with_field(line: str, before: str = "owner:") -> str:
    """A valid document with `line` inserted in its front matter before the `before` line."""
    return make_document("QP-001").replace(f"\n{before}", f"\n{line}\n{before}", 1)


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.split("\n"), start=1) if needle in line)


def write(repo: Path, rel: str, text: str | bytes) -> None:
    path = repo / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)


@pytest.mark.parametrize("line, words", [
    ("effective_date: 2025-02-30", "'2025-02-30' is not a valid date or time (day is out of range for month)"),
    ("signed_on: 2025-1-7T97:43:00", "hour must be in 0..23"),
    ("signed_on: !!timestamp junk", "'junk' is not a valid date or time"),
    ("copies: " + "9" * 5000, "is not a valid whole number"),
    ("urgent: !!bool maybe", "'maybe' is not a valid true or false"),
])
def test_an_impossible_value_is_qms001_at_its_line(qms_repo: Path, line: str, words: str) -> None:
    text = with_field(line).replace("effective_date: 2026-03-01\n", "") if "effective_date" in line else with_field(line)
    write(qms_repo, QP1, text)
    code, out, _ = check(qms_repo)
    assert code == 1
    assert out.startswith(f"{QP1}:{line_of(text, line[:12])}: QMS001 error: front matter is not valid YAML: ")
    assert words in out and out.endswith("1 error, 0 warnings\n")


def test_a_review_interval_beyond_the_calendar_is_qms002_and_every_command_still_runs(qms_repo: Path) -> None:
    text = make_document("QP-001", review_months=99999999, effective_date=__import__("datetime").date(9999, 12, 1))
    write(qms_repo, QP1, text)
    code, out, _ = check(qms_repo)
    assert code == 1
    months = line_of(text, "review_months")
    assert f"{QP1}:{months}: QMS002 error: `review_months` must be a whole number of months, 1 to 1200" in out
    for command in (["list"], ["list", "--format", "json"], ["review-due"]):
        result = CliRunner().invoke(cli, [*command, "--repo", str(qms_repo)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert ("QP-001" in result.stdout) is (command[0] == "list")  # never due: the interval is out of bounds


@pytest.mark.parametrize("name, yaml_text, line, words", [
    ("aliases", LAUGHS, 2, "anchors and aliases (&a) are not allowed"),
    ("merge keys", MERGES, 2, "anchors and aliases (&m0) are not allowed"),
    ("inline merge key", "meta: {<<: {a: 1}}\n", 2, "merge keys (<<) are not allowed"),
    ("an unused anchor", "note: &n text\n", 2, "anchors and aliases (&n) are not allowed"),
    ("deep flow nesting", "deep: " + "[" * 30000 + "]" * 30000 + "\n", 2, "nested or indented more than 100 levels"),
    ("deep block nesting", "deep:\n" + "- " * 30000 + "x\n", 3, "nested or indented more than 100 levels"),
], ids=lambda v: v if isinstance(v, str) and len(v) < 30 else "")
def test_a_yaml_bomb_is_refused_before_it_expands(qms_repo: Path, name: str, yaml_text: str, line: int,
                                                  words: str) -> None:
    write(qms_repo, QP1, f"---\n{yaml_text}---\n# Body\n")
    start = time.perf_counter()
    code, out, _ = check(qms_repo)
    assert time.perf_counter() - start < 2, f"{name}: the bomb was expanded"
    assert code == 1 and out.startswith(f"{QP1}:{line}: QMS001 error: front matter refused: "), out[:300]
    assert words in out and out.endswith("\n1 error, 0 warnings\n")


def test_a_yaml_bomb_in_qms_yml_is_exit_2_fast(qms_repo: Path) -> None:
    write(qms_repo, "qms.yml", QMS_YML + LAUGHS)
    start = time.perf_counter()
    code, out, err = check(qms_repo)
    assert time.perf_counter() - start < 2
    assert (code, out) == (2, "")
    assert err == f"Error: qms.yml:{QMS_YML.count(chr(10)) + 1}: lol: refused: anchors and aliases (&a) are not allowed: " \
                  "write the value out\n"


@pytest.mark.parametrize("tail, words", [
    ("review_months: 99999999", "types.procedure.review_months: must be a whole number of months, 1 to 1200"),
    ("x: 2025-02-30", "x: not valid YAML: '2025-02-30' is not a valid date or time"),
    ("x: " + "9" * 5000, "is not a valid whole number"),
    ("x: !!timestamp junk", "'junk' is not a valid date or time"),
])
def test_an_impossible_value_in_qms_yml_is_exit_2_naming_line_and_key(qms_repo: Path, tail: str, words: str) -> None:
    text = QMS_YML.replace("review_months: 24}", "review_months: 99999999}") if tail.startswith("review") \
        else QMS_YML + tail + "\n"
    write(qms_repo, "qms.yml", text)
    code, out, err = check(qms_repo)
    where = line_of(text, "99999999" if tail.startswith("review") else tail[:8])
    assert (code, out) == (2, "")
    assert err.startswith(f"Error: qms.yml:{where}: ") and words in err and err.count("\n") == 1


def test_documents_and_front_matter_have_a_size_limit(qms_repo: Path) -> None:
    write(qms_repo, QP1, make_document("QP-001") + "x" * (1024 * 1024))
    write(qms_repo, doc_path("QP-002"), "---\nid: QP-002\nnote: " + "y" * 70000 + "\n---\nBody\n")
    code, out, _ = check(qms_repo)
    assert (code, out.splitlines()) == (1, [
        f"{QP1}:1: QMS001 error: the file is larger than 1 MiB (the limit for a controlled document; keep large "
        "content in separate files)",
        f"{doc_path('QP-002')}:2: QMS001 error: the front matter is longer than 64 KiB (the limit for a "
        "controlled document's fields)",
        "2 errors, 0 warnings"])


def test_qms_yml_has_a_size_limit(qms_repo: Path) -> None:
    write(qms_repo, "qms.yml", QMS_YML + "#" * (1024 * 1024))
    assert check(qms_repo) == (2, "", "Error: qms.yml: the file is larger than 1 MiB\n")


def test_the_opening_line_must_be_exactly_three_dashes(qms_repo: Path) -> None:
    write(qms_repo, QP1, make_document("QP-001").replace("---\n", "---", 1))
    code, out, _ = check(qms_repo)
    assert (code, out) == (1, f"{QP1}:1: QMS001 error: front matter missing: the first line must be `---` alone\n"
                              "1 error, 0 warnings\n")


def test_a_duplicate_key_is_qms001_naming_both_lines(qms_repo: Path) -> None:
    text = with_field("title: A second title")
    write(qms_repo, QP1, text)
    code, out, _ = check(qms_repo)
    first, second = line_of(text, "title: "), line_of(text, "A second title")
    assert code == 1
    assert out.startswith(f"{QP1}:{second}: QMS001 error: front matter refused: duplicate key 'title' appears more "
                          f"than once: YAML would keep only the last value, so keep one (first at line {first})\n")


def test_a_duplicate_key_in_qms_yml_is_exit_2_naming_both_lines(qms_repo: Path) -> None:
    write(qms_repo, "qms.yml", QMS_YML + "protected_branches: [main, release]\n")
    code, _, err = check(qms_repo)
    assert code == 2
    assert err.startswith(f"Error: qms.yml:{QMS_YML.count(chr(10)) + 1}: protected_branches: refused: duplicate key "
                          "'protected_branches' appears more than once")
    assert f"(first at line {line_of(QMS_YML, 'protected_branches')})" in err


def test_a_byte_order_mark_is_refused_in_qms_yml_as_in_documents(qms_repo: Path) -> None:
    write(qms_repo, "qms.yml", b"\xef\xbb\xbf" + QMS_YML.encode())
    code, _, err = check(qms_repo)
    assert (code, err) == (2, "Error: qms.yml:1: the file starts with a byte-order mark (BOM); save it as UTF-8 "
                              "without BOM\n")


def test_a_bomb_and_an_impossible_date_through_the_installed_console_script(qms_repo: Path) -> None:
    write(qms_repo, QP1, f"---\n{LAUGHS}---\n")
    second = with_field("signed_on: 2025-02-30").replace("QP-001", "QP-002")
    write(qms_repo, doc_path("QP-002"), second)
    proc = subprocess.run([sys.executable, "-m", "qms_docs", "check", "--repo", str(qms_repo)],
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 1 and proc.stderr == ""
    assert [line.split(" error:")[0] for line in proc.stdout.splitlines()] == [
        f"{QP1}:2: QMS001", f"{doc_path('QP-002')}:{line_of(second, 'signed_on')}: QMS001", "2 errors, 0 warnings"]


def test_review_due_within_beyond_the_calendar_is_a_usage_error(qms_repo: Path) -> None:
    result = CliRunner().invoke(cli, ["review-due", "--within", "99999999", "--repo", str(qms_repo)])
    assert result.exit_code == 2 and "Traceback" not in result.output and "0<=x<=36525" in result.stderr
