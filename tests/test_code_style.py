"""The gates that keep the code honest, run by the suite itself: ruff (including TID251: GitPython only
in gitio, mkdocs only in the plugin and `qms publish`), mypy --strict, and the hot paths' imports."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders import commit, doc_path, make_document

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("git", "mkdocs", "rich", "markdown", "material", "jinja2")


def _tool(module: str, *args: str) -> subprocess.CompletedProcess[str]:
    pytest.importorskip(module, reason=f"{module} is in the test extra: pip install -e '.[test]'")
    env = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_")}  # a tool: nothing to measure
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    return subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, capture_output=True, text=True, env=env)


def test_ruff_finds_nothing() -> None:
    proc = _tool("ruff", "check", "qms_docs", "tests", "bench")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_strict_finds_nothing() -> None:
    """pyproject's [tool.mypy]: strict, with deprecated APIs as errors."""
    proc = _tool("mypy")
    assert proc.returncode == 0 and proc.stdout.startswith("Success"), proc.stdout + proc.stderr


def _imported(argv: list[str], cwd: Path, stdin: str = "") -> set[str]:
    """Top-level packages a `python -m qms_docs ...` run imports (from -X importtime, which also sees
    what a command imports lazily)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "qms_docs", *argv], cwd=cwd, env=env,
                          input=stdin, capture_output=True, text=True)
    assert "Traceback" not in proc.stderr, proc.stderr
    names = re.findall(r"^import time:\s+\d+ \|\s+\d+ \|\s+(\S+)", proc.stderr, re.MULTILINE)
    assert "qms_docs.cli" in names, proc.stderr[-2000:]  # the command really ran under -X importtime
    return {name.split(".")[0] for name in names}


def test_check_and_the_hooks_import_neither_gitpython_nor_mkdocs_nor_rich(qms_repo: Path) -> None:
    before = subprocess.run(["git", "-C", str(qms_repo), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    after = commit(qms_repo, {doc_path("QP-001"): make_document("QP-001")}, "QP-001: first issue")
    push = {"hook pre-receive": f"{before} {after} refs/heads/main\n",
            "hook pre-push": f"refs/heads/main {after} refs/heads/main {before}\n"}
    path = qms_repo / doc_path("QP-001")
    path.write_text(path.read_text().replace("The text", "The edited text"), encoding="utf-8")
    subprocess.run(["git", "-C", str(qms_repo), "add", "-A"], check=True)
    message = qms_repo / "MSG"
    message.write_text("QP-001: edit\n", encoding="utf-8")
    for argv in (["check"], ["check", "--staged"], ["hook", "pre-commit"], ["hook", "commit-msg", str(message)],
                 ["hook", "pre-receive"], ["hook", "pre-push", "origin", "url"]):
        loaded = _imported(argv, qms_repo, push.get(" ".join(argv[:2]), ""))
        assert "yaml" in loaded and "click" in loaded, argv  # it did load and judge the documents
        assert not loaded & set(HEAVY), f"qms {' '.join(argv)} imported {sorted(loaded & set(HEAVY))}"


def test_the_commands_that_commit_do_load_gitpython(qms_repo: Path) -> None:
    """The declared dependency is used where it belongs: `qms init` creates the repository through it."""
    assert "git" in _imported(["init", str(qms_repo.parent / "fresh")], qms_repo.parent)
    assert (qms_repo.parent / "fresh" / ".git").is_dir()
