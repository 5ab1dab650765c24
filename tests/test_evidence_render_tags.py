"""`qms render` writes into the tree's mkdocs.yml only values it understands: plain YAML, `!ENV` resolved to
its value, and `!!python/name:` of the Markdown extensions' own functions. Any other tag is refused with exit
2 naming the key, before MkDocs loads the file (loading imports what a `!!python/name:` names)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from qms_docs.cli import cli
from tests.builders import commit
from tests.site_fixture import make_links_repo

EMOJI = """\
markdown_extensions:
  - attr_list
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
      emoji_generator: !!python/name:material.extensions.emoji.to_svg
"""


def render(repo: Path, out: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["render", "--repo", str(repo), "--out", str(out)])
    return result.exit_code, result.output


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_links_repo(tmp_path / "repo")


def with_site_yml(repo: Path, extra: str) -> None:
    text = (repo / "mkdocs.yml").read_text(encoding="utf-8").replace("markdown_extensions: [attr_list]\n", "")
    commit(repo, {"mkdocs.yml": text + extra}, "Site settings", date="2026-02-02T10:00:00Z")


def test_env_is_resolved_and_the_extensions_own_names_are_kept(repo: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QMS_TEST_SITE_URL", "https://docs.acme.example/")
    with_site_yml(repo, EMOJI + "site_url: !ENV [QMS_TEST_SITE_URL, 'https://fallback.example/']\n"
                               "copyright: !ENV [QMS_TEST_UNSET, 'Acme Ltd']\n")
    code, output = render(repo, tmp_path / "tree")
    assert code == 0, output
    text = (tmp_path / "tree" / "mkdocs.yml").read_text(encoding="utf-8")
    assert "!ENV" not in text and "fallback" not in text
    tags = {"tag:yaml.org,2002:python/name:material.extensions.emoji.twemoji",
            "tag:yaml.org,2002:python/name:material.extensions.emoji.to_svg"}
    assert {n.tag for n in _nodes(yaml.compose(text)) if n.tag.startswith("tag:yaml.org,2002:python")} == tags
    plain = yaml.safe_load(text.replace("!!python/name:", "python/name:"))
    assert plain["site_url"] == "https://docs.acme.example/" and plain["copyright"] == "Acme Ltd"


def _nodes(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [node] + [n for k, v in node.value for n in (*_nodes(k), *_nodes(v))]
    if isinstance(node, yaml.SequenceNode):
        return [node] + [n for v in node.value for n in _nodes(v)]
    return [node]


@pytest.mark.parametrize(("extra", "key", "tag"), [
    ("extra:\n  analytics: !!python/name:os.system\n", "extra > analytics", "!!python/name:os.system"),
    (EMOJI.replace("material.extensions.emoji.to_svg", "qms_evil.generator"),
     "markdown_extensions[1] > pymdownx.emoji > emoji_generator", "!!python/name:qms_evil.generator"),
    ("extra_css: [!relative $config_dir/site.css]\n", "extra_css[0]", "!relative"),
    ("extra:\n  logo: !!python/object/apply:os.getcwd []\n", "extra > logo", "!!python/object/apply:os.getcwd"),
])
def test_any_other_tag_is_refused_naming_the_key(repo: Path, tmp_path: Path, extra: str, key: str, tag: str) -> None:
    with_site_yml(repo, extra)
    code, output = render(repo, tmp_path / "tree")
    assert code == 2, output
    assert f"mkdocs.yml: {key} is tagged {tag}; `qms render` writes only plain values" in output
    assert not (tmp_path / "tree").exists()
