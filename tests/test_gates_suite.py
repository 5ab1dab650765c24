"""The suite's own layers: `integration` and `browser` markers select the slow tests by file, so
`pytest -m "not integration"` is a quick in-process run that still holds the hook logic."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def collected(marker: str) -> set[str]:
    """The test files pytest selects with `-m MARKER` (collection only)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                           "-m", marker, "tests"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return {line.split("::")[0].removeprefix("tests/") for line in proc.stdout.splitlines() if "::" in line}


def test_browser_and_integration_markers_select_the_slow_files() -> None:
    assert collected("browser") == {"test_site_browser.py"}
    quick = collected("not integration")
    assert not quick & {"test_hooks_e2e.py", "test_plugin_build.py", "test_site_browser.py", "test_pre_commit_framework.py"}
    assert {"test_hook_logic.py", "test_gates_gitio.py", "test_cli.py"} <= quick
