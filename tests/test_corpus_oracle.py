"""Cross-check against an independent implementation of SPEC section 2 (../shared/bench/make_corpus.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from qms_docs.cli import cli


def test_a_generated_corpus_passes_check_with_no_error(make_corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "corpus"
    subprocess.run([sys.executable, str(make_corpus), str(out), "--docs", "120", "--revisions", "2", "--drafts", "4"],
                   check=True, capture_output=True)
    for args in ([], ["--staged"], ["--head", "HEAD"]):
        result = CliRunner().invoke(cli, ["check", "--repo", str(out), "--format", "json", *args])
        assert result.exit_code == 0, result.stdout[:2000]
        assert '"errors": 0' in result.stdout


def test_the_oracle_digest_matches_ours_for_every_signature(make_corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "corpus"
    subprocess.run([sys.executable, str(make_corpus), str(out), "--docs", "40", "--revisions", "1"],
                   check=True, capture_output=True)
    from qms_docs.gitio import snapshots as snapshot

    snap = snapshot.from_worktree(out)
    digests = [(a.digest, d.digest) for d in snap.documents for a in d.approvals]
    assert len(digests) >= 40 and all(theirs == ours for theirs, ours in digests)
