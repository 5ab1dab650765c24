"""The hosted CI gate (.github/workflows/qms-gate.yml) is one a pull request cannot edit or subvert,
and the command it runs judges the pull request's commits with the base branch's rules."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.builders import PEOPLE, commit, doc_path, git, make_document
from tests.helpers_hooks import CHECKOUT, with_qms_on_path

GATE = CHECKOUT / ".github" / "workflows" / "qms-gate.yml"
CODEOWNERS = CHECKOUT / ".github" / "CODEOWNERS"
BASE_SHA = "${{ github.event.pull_request.base.sha }}"
HEAD_SHA = "${{ github.event.pull_request.head.sha }}"
PINNED = re.compile(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}\Z")


@pytest.fixture(scope="module")
def workflow() -> dict[Any, Any]:
    loaded = yaml.safe_load(GATE.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def _steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    [job] = workflow["jobs"].values()
    return list(job["steps"])


def _checkout(steps: list[dict[str, Any]], ref: str) -> tuple[int, dict[str, Any]]:
    [found] = [(i, s) for i, s in enumerate(steps) if str(s.get("uses", "")).startswith("actions/checkout@")
               and s.get("with", {}).get("ref") == ref]
    return found


def test_the_gate_runs_from_the_base_branch_only(workflow: dict[Any, Any]) -> None:
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` key as True
    assert list(triggers) == ["pull_request_target"]  # never `pull_request`: that runs the PR's copy


def test_the_token_can_only_read(workflow: dict[Any, Any]) -> None:
    assert workflow["permissions"] == {"contents": "read"}
    for job in workflow["jobs"].values():
        assert set(job.get("permissions", {}).values()) <= {"read", "none"}
    assert not re.search(r"\$\{\{[^}]*\bsecrets\b", GATE.read_text(encoding="utf-8")), "the gate uses no secret"


def test_every_action_is_pinned_and_no_checkout_keeps_credentials(workflow: dict[Any, Any]) -> None:
    steps = _steps(workflow)
    for step in steps:
        if "uses" in step:
            assert PINNED.match(step["uses"]), f"{step['uses']}: pin actions to a full commit SHA"
        if str(step.get("uses", "")).startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False
    assert sum(1 for s in steps if str(s.get("uses", "")).startswith("actions/checkout@")) == 2


def test_qms_is_installed_from_the_base_before_the_pull_request_is_on_disk(workflow: dict[Any, Any]) -> None:
    steps = _steps(workflow)
    base_at, base = _checkout(steps, BASE_SHA)
    pr_at, _ = _checkout(steps, HEAD_SHA)
    installs = [(i, s["run"]) for i, s in enumerate(steps) if "pip" in s.get("run", "")]
    assert installs, "the gate installs qms"
    for at, script in installs:
        assert base_at < at < pr_at
        assert script.split()[-1] == f"./{base['with']['path']}" or re.search(r"qms-docs==\d", script)


def test_nothing_of_the_pull_request_is_run(workflow: dict[Any, Any]) -> None:
    steps = _steps(workflow)
    _, pr = _checkout(steps, HEAD_SHA)
    pr_path = pr["with"]["path"]
    assert pr_path and pr_path not in (".", "trusted")
    for step in steps:
        assert not str(step.get("uses", "")).startswith("./"), "no local action: it would come from a checkout"
        assert "working-directory" not in step and "shell" not in step
        script = step.get("run", "")
        assert "${{" not in script, "pass values through env, never expand expressions into a script"
        mentions = re.findall(rf"\S*\b{re.escape(pr_path)}\b\S*", script)
        assert mentions in ([], [f'"$GITHUB_WORKSPACE/{pr_path}"']), mentions
        assert not re.search(r"\b(python3? -m|make|npm|sh|bash|source|mkdocs)\b", script.replace(
            "python -m pip install --no-cache-dir ./trusted", ""))
        for value in step.get("env", {}).values():
            assert value in (BASE_SHA, HEAD_SHA), f"{value}: only the SHAs reach a script"


def test_the_gate_runs_qms_check_on_the_pull_request_range(workflow: dict[Any, Any]) -> None:
    [step] = [s for s in _steps(workflow) if "qms check" in s.get("run", "")]
    assert step["env"] == {"BASE_SHA": BASE_SHA, "HEAD_SHA": HEAD_SHA}
    lines = step["run"].strip().splitlines()
    assert lines[0] == 'cd "$RUNNER_TEMP"'  # not the pull request's folder: `python -m` would import from it
    assert lines[1] == ('qms check --repo "$GITHUB_WORKSPACE/pr" --base "$BASE_SHA" --head "$HEAD_SHA" '
                        '--format github')


def test_the_gate_command_refuses_a_pull_request_that_breaks_a_rule(qms_repo: Path, tmp_path: Path,
                                                                  workflow: dict[Any, Any],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Run the gate's script as the runner would, on a pull request that grants its author a role."""
    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    with_qms_on_path(monkeypatch)
    [step] = [s for s in _steps(workflow) if "qms check" in s.get("run", "")]
    workspace, temp = tmp_path / "workspace", tmp_path / "runner-temp"
    temp.mkdir()
    base = commit(qms_repo, {doc_path("QP-001"): make_document("QP-001")}, "QP-001: add",
                  author=PEOPLE["quality-manager"])
    git(qms_repo, "clone", "-q", str(qms_repo), str(workspace / "pr"))
    pr = workspace / "pr"
    qms_yml = (pr / "qms.yml").read_text(encoding="utf-8")
    head = commit(pr, {"qms.yml": qms_yml.replace("[jane@acme.example]", "[jane@acme.example, sam@acme.example]")},
                  "Make Sam a quality manager")

    def gate(head_sha: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "GITHUB_WORKSPACE": str(workspace), "RUNNER_TEMP": str(temp),
               "BASE_SHA": base, "HEAD_SHA": head_sha}
        return subprocess.run(["bash", "-e", "-c", step["run"]], env=env, capture_output=True, text=True)

    refused = gate(head)
    assert refused.returncode == 1, refused.stderr
    assert re.search(r"^::error file=qms\.yml[^:]*::.*QMS014", refused.stdout, re.M), refused.stdout
    assert gate(base).returncode == 0


def _owners(path: str) -> list[str]:
    """The owners GitHub gives `path`: the last matching CODEOWNERS line wins."""
    owners: list[str] = []
    for line in CODEOWNERS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        pattern, *who = line.split()
        anchored = pattern.lstrip("/")
        if path == anchored or (anchored.endswith("/") and path.startswith(anchored)):
            owners = who
    return owners


@pytest.mark.parametrize("path", [".github/workflows/qms-gate.yml", ".github/workflows/qms.yml", ".github/CODEOWNERS",
                                  "qms.yml", ".qms/allowed_signers", "mkdocs.yml", "hooks/pre-receive"])
def test_the_guarded_files_belong_to_the_quality_manager(path: str) -> None:
    assert _owners(path) == ["@acme/quality-manager"]


def test_the_allowed_signers_file_of_the_example_is_the_one_codeowners_names() -> None:
    config = yaml.safe_load((CHECKOUT / "qms.yml").read_text(encoding="utf-8"))
    assert _owners(config["signing"]["allowed_signers"]) == ["@acme/quality-manager"]
