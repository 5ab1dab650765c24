"""`qms publish` says which documents it held back and why, as `mkdocs build` does (issue: output people can read)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from qms_docs.cli import cli
from tests.site_fixture import make_site_repo


def test_publish_says_which_revisions_it_held_back_and_why(tmp_path: Path) -> None:
    repo = make_site_repo(tmp_path / "repo")  # WI-001 has a future revision, QP-001 a draft on top

    result = CliRunner().invoke(cli, ["publish", "--repo", str(repo), "--site-dir", str(tmp_path / "site")],
                                catch_exceptions=False)

    assert result.exit_code == 0, result.output
    held = [line for line in result.stdout.splitlines() if line.startswith("held back: ")]
    assert any(line.startswith("held back: WI-001: revision 2 is approved, effective from ") for line in held), held
    assert any(line.startswith("held back: QP-001: revision 2 is in draft") for line in held), held
    assert not any(line.startswith("held back: publishing ") for line in held), held  # the count is no hold
    assert result.stdout.splitlines()[-1].startswith("published ")
