"""mkdocs.yml cannot widen what the site shows: each configuration that would put content on pages
that no revision in force holds is refused with a clear message (`qms publish` exit 2, `mkdocs build`
fails), before anything is written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from qms_docs.cli import cli
from tests.builders import git
from tests.site_fixture import SITE_YML, isolated_env, make_site_repo


@pytest.fixture(scope="module")
def origin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    with isolated_env(tmp_path_factory.mktemp("home")):
        return make_site_repo(tmp_path_factory.mktemp("guard") / "repo")


def configured(origin: Path, tmp_path: Path, site_yml: str) -> Path:
    """A clone of `origin` with `site_yml` as its mkdocs.yml, a hook and a theme override beside it."""
    repo = tmp_path / "clone"
    git(tmp_path, "clone", "-q", f"file://{origin}", str(repo))
    (repo / "mkdocs.yml").write_text(site_yml, encoding="utf-8")
    for rel, text in {"hooks/site.py": "import pathlib\npathlib.Path('HOOK-RAN').write_text('x')\n",
                      "overrides/main.html": "{% extends 'base.html' %}{% block content %}OVERRIDE{% endblock %}"}.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text, encoding="utf-8")
    return repo


CUSTOM_DIR = SITE_YML.replace("  name: material\n", "  name: material\n  custom_dir: overrides\n")
REFUSED = {
    "another plugin": (SITE_YML + "  - tags\n", "plugin `material/tags` is not allowed on a controlled site"),
    "a hook in the repository": (SITE_YML + "hooks: [hooks/site.py]\n", "hooks/site.py is not part of the installed"),
    "a custom_dir in the repository": (CUSTOM_DIR, "theme custom_dir overrides is inside the repository"),
    "snippets with auto_append": (SITE_YML + "markdown_extensions:\n  - pymdownx.snippets: {auto_append: [n.md], "
                                  "base_path: [/etc]}\n", "markdown extension `pymdownx.snippets` reads files"),
    "extra_javascript": (SITE_YML + "extra_javascript: [https://cdn.example/x.js]\n",
                         "extra_javascript (https://cdn.example/x.js) is not allowed"),
    "INHERIT": ("INHERIT: base.yml\n" + SITE_YML, "INHERIT reads settings from another file"),
    "a python tag": (SITE_YML + "extra: {x: !!python/object/apply:os.getcwd []}\n",
                     "the tag !!python/object/apply:os.getcwd runs Python"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_qms_publish_refuses_the_configuration_with_exit_2(origin: Path, tmp_path: Path, case: str) -> None:
    site_yml, message = REFUSED[case]
    repo, site = configured(origin, tmp_path, site_yml), tmp_path / "out"
    result = CliRunner().invoke(cli, ["publish", "--repo", str(repo), "--site-dir", str(site)])
    assert result.exit_code == 2, result.output
    assert "mkdocs.yml: " in result.stderr and message in result.stderr
    assert "Traceback" not in result.output
    assert not site.exists() and not (repo / "HOOK-RAN").exists() and not Path("HOOK-RAN").exists()


def test_mkdocs_build_fails_on_a_refused_configuration(origin: Path, tmp_path: Path) -> None:
    repo = configured(origin, tmp_path, CUSTOM_DIR)
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(repo / "mkdocs.yml"),
                           "-d", str(tmp_path / "site")], capture_output=True, text=True)
    assert proc.returncode != 0
    assert "theme custom_dir" in proc.stderr and "inside the repository" in proc.stderr
    assert not (tmp_path / "site").exists()


def test_the_example_site_configuration_is_accepted() -> None:
    from qms_docs.mkdocs_plugin import guard

    root = Path(__file__).resolve().parents[1]
    assert list(guard.before_loading((root / "mkdocs.yml").read_text(encoding="utf-8"), root)) == []


def test_an_alias_bomb_or_deep_nesting_neither_hangs_nor_crashes_the_check() -> None:
    from qms_docs.mkdocs_plugin import guard

    bomb, previous = 'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]\n', "a"
    for name in "bcdefghijklmno":  # 9**15 strings if every alias were walked
        bomb += f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n"
        previous = name
    refused = list(guard.before_loading(bomb + "x: !!python/object/apply:os.getcwd []\n", Path(".")))
    assert refused == ["the tag !!python/object/apply:os.getcwd runs Python while the configuration is read; "
                       "it is not allowed"]
    assert list(guard.before_loading("a: " + "[" * 5000 + "]" * 5000, Path("."))) == []
