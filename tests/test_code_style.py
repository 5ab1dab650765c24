"""The house rules that keep the layers apart: ruff, including TID251 (GitPython only in gitio,
mkdocs only in the plugin and `qms publish`), so `qms check` and the hooks stay fast."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_finds_nothing() -> None:
    pytest.importorskip("ruff", reason="ruff is in the test extra: pip install -e '.[test]'")
    proc = subprocess.run([sys.executable, "-m", "ruff", "check", "qms_docs", "tests", "bench"], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_check_and_hooks_import_neither_mkdocs_nor_gitpython_nor_rich() -> None:
    code = ("import sys; from qms_docs.cli import cli; import qms_docs.commands.check, qms_docs.hooks.pre_commit, "
            "qms_docs.hooks.commit_msg, qms_docs.hooks.pre_receive; "
            "print(sorted(m for m in ('git', 'mkdocs', 'rich', 'markdown') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"
