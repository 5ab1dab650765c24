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
CHECK_NEVER = ("qms_docs.changes.compare", "qms_docs.changes.range", "qms_docs.gitio.log", "qms_docs.records.verify",
               "qms_docs.signatures.sshsig", "qms_docs.signatures.keys", "qms_docs.publishing")


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
    assert {"qms_docs.cli", "qms_docs.hooks"} & set(names), proc.stderr[-2000:]  # it really ran under -X importtime
    return {name.split(".")[0] for name in names} | {name for name in names if name.startswith("qms_docs.")}


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
        assert "yaml" in loaded, argv  # it did load and judge the documents
        assert not loaded & set(HEAVY), f"qms {' '.join(argv)} imported {sorted(loaded & set(HEAVY))}"
        assert not loaded & {"cryptography", "nacl"}, argv  # no entry carries `sig`: no signature code at all
        # a hook as the shims call it runs without click (qms_docs/__main__.py); `check` is click's
        assert ("click" in loaded) is (argv[0] == "check"), argv
        if argv[0] == "check":  # the static check reads no history and no signature
            assert not {n for n in loaded if n.startswith(CHECK_NEVER)}, sorted(loaded)


def test_the_commands_that_commit_do_load_gitpython(qms_repo: Path) -> None:
    """The declared dependency is used where it belongs: `qms init` creates the repository through it."""
    assert "git" in _imported(["init", str(qms_repo.parent / "fresh")], qms_repo.parent)
    assert (qms_repo.parent / "fresh" / ".git").is_dir()


def _imports(path: Path) -> list[str]:
    """Every module a file imports at run time (module level and inside functions; not under TYPE_CHECKING)."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                   and "TYPE_CHECKING" in ast.unparse(node.test) for n in ast.walk(node)}
    found = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found += [node.module] + [f"{node.module}.{a.name}" for a in node.names]
    return found


LAYERS = {  # package -> what it must never import (issue: model and rules free of git, click and mkdocs)
    "model": ("git", "click", "mkdocs", "qms_docs.gitio", "qms_docs.commands", "qms_docs.hooks", "qms_docs.cli"),
    "rules": ("git", "click", "mkdocs", "qms_docs.gitio", "qms_docs.commands", "qms_docs.hooks", "qms_docs.cli"),
    "signatures": ("click", "mkdocs", "qms_docs.commands", "qms_docs.hooks", "qms_docs.cli", "qms_docs.publishing",
                   "qms_docs.records", "qms_docs.mkdocs_plugin"),
    "parsing": ("qms_docs.model", "qms_docs.config", "qms_docs.gitio"),
    "hooks": ("qms_docs.commands",),
    "records": ("click", "mkdocs", "qms_docs.commands", "qms_docs.hooks", "qms_docs.cli", "qms_docs.mkdocs_plugin"),
    "changes": ("click", "mkdocs", "qms_docs.commands", "qms_docs.hooks", "qms_docs.cli", "qms_docs.mkdocs_plugin",
                "qms_docs.publishing"),
    "publishing": ("click", "qms_docs.commands", "qms_docs.hooks", "qms_docs.cli"),
}


@pytest.mark.parametrize("package", sorted(LAYERS))
def test_dependencies_point_down(package: str) -> None:
    """The layout's layers: a pure package never reaches up into git, the CLI or the commands."""
    wrong = [f"{path.relative_to(ROOT)} imports {name}" for path in sorted((ROOT / "qms_docs" / package).rglob("*.py"))
             for name in _imports(path) if any(name == ban or name.startswith(ban + ".") for ban in LAYERS[package])]
    assert not wrong, wrong


def test_qms_yml_parsing_needs_no_document_model() -> None:
    """config sits below model: the document model may use the configuration, never the other way round."""
    wrong = [name for name in _imports(ROOT / "qms_docs" / "config.py") if name.startswith("qms_docs.model")]
    assert not wrong, wrong


def test_no_api_that_click_9_removes() -> None:
    """`click.get_binary_stream` is deprecated for Click 9 (pyproject bounds click below 9 meanwhile)."""
    used = [str(p.relative_to(ROOT)) for p in (ROOT / "qms_docs").rglob("*.py") if "get_binary_stream" in p.read_text()]
    assert not used, used


@pytest.mark.parametrize("argv", [["hook", "pre-commit"], ["hook", "commit-msg"], ["hook", "pre-push", "origin", "url"]])
def test_the_hook_entry_without_click_says_what_the_click_command_says(tmp_path: Path, argv: list[str]) -> None:
    """`qms hook NAME` skips click (qms_docs/__main__.py) yet answers as `qms hook` does: message and exit code."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    fast, slow = (subprocess.run([sys.executable, *entry, *argv], cwd=tmp_path, env=env, capture_output=True, text=True,
                                 input="") for entry in (["-m", "qms_docs"], ["-c", CLICK_ENTRY]))
    assert (fast.returncode, fast.stdout, fast.stderr) == (slow.returncode, slow.stdout, slow.stderr)
    assert fast.returncode == 2 and "Traceback" not in fast.stderr
    assert fast.stderr.startswith(("Error: ", "qms hook commit-msg: expected 1 argument")), fast.stderr


CLICK_ENTRY = "import sys; from qms_docs.cli import main; sys.exit(main())"


def test_ci_runs_exactly_the_readme_test_command() -> None:
    """The README's quick start (step 2) is what `.ci/run` runs: a user who copies it runs what CI ran."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n\s*(.+?)\n\s*```", quick_start)
    assert len(commands) == 2, commands  # step 1 runs the example, step 2 the suite
    ci = [line for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
          if line.strip() and not line.lstrip().startswith("#")]
    assert ci[-1].strip() == commands[1].strip()
