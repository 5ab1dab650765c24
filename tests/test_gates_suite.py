"""The suite's own layers: `integration` and `browser` markers select the slow tests by file, so
`pytest -m "not integration"` is a quick in-process run that still holds the hook logic."""

from __future__ import annotations

import ast
import importlib.metadata
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


SLOW = ("test_hooks_e2e.py", "test_plugin_build.py", "test_pre_commit_framework.py")
QUICK = ("test_hook_logic.py", "test_gates_gitio.py", "test_cli.py")
SAMPLE = (*SLOW, *QUICK, "test_site_browser.py")


def collected(marker: str) -> set[str]:
    """Which of the SAMPLE files pytest selects with `-m MARKER` (collection only, not measured by coverage)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    proc = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                           "-m", marker, *(f"tests/{name}" for name in SAMPLE)], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return {line.split("::")[0].removeprefix("tests/") for line in proc.stdout.splitlines() if "::" in line}


def test_browser_and_integration_markers_select_the_slow_files() -> None:
    """`-m "not integration"` drops the pushes, builds and tools and keeps the in-process tests;
    `-m browser` selects the browser test (one collection answers both)."""
    assert collected("browser or not integration") == {*QUICK, "test_site_browser.py"}


def _third_party_imports() -> set[str]:
    """Top-level modules qms_docs imports that are neither its own nor the standard library's."""
    found = set()
    for path in (ROOT / "qms_docs").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module.split(".")[0])
    return {m for m in found if m not in sys.stdlib_module_names and m not in ("qms_docs", "__future__")}


def test_every_dependency_is_declared_used_and_bounded() -> None:
    """Declared = imported (GitPython, PyYAML, ...), never a package nothing imports; each with an upper bound."""
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    names = {re.split(r"[<>=!~ \[]", spec, maxsplit=1)[0].lower(): spec for spec in declared}
    assert all("<" in spec for spec in declared), f"unbounded: {[s for s in declared if '<' not in s]}"
    providers = importlib.metadata.packages_distributions()
    imported = {dist.lower() for module in _third_party_imports() for dist in providers.get(module, [module])}
    assert imported <= set(names), f"imported but not declared: {sorted(imported - set(names))}"
    themes = {"mkdocs-material"}  # loaded by name from mkdocs.yml (`theme: material`), never imported
    assert set(names) - themes <= imported, f"declared but never imported: {sorted(set(names) - themes - imported)}"
