"""The example quality manual in this repository's controlled/ is complete, consistent and signed."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from qms_docs.cli import cli
from qms_docs.gitio import snapshots as snapshot
from qms_docs.model.document import Status

ROOT = Path(__file__).resolve().parents[1]
EXPECTED_CLAUSES = {"4.3", "5.2", "6.1", "7.1.5", "7.2", "7.5.3", "8.4", "8.7", "9.1.2", "9.2", "9.3", "10.2"}


def test_the_example_manual_passes_check_with_no_error() -> None:
    result = CliRunner().invoke(cli, ["check", "--repo", str(ROOT)])
    assert result.exit_code == 0, result.stdout
    assert " 0 errors" in " " + result.stdout.splitlines()[-1]


def test_the_example_manual_covers_what_iso_9001_asks_to_document() -> None:
    snap = snapshot.from_worktree(ROOT)
    approved = [d for d in snap.documents if d.status is Status.APPROVED]
    assert len(approved) >= 12
    assert {d.type for d in approved} == {"policy", "manual", "procedure", "work-instruction", "form"}
    cited = {c for d in approved for c in d.clauses}
    missing = {e for e in EXPECTED_CLAUSES if not any(c == e or c.startswith(e + ".") for c in cited)}
    assert not missing
    assert all(len(d.body) > 1500 for d in approved if d.type == "procedure"), "procedures need real content"


def test_every_reference_resolves_and_every_approval_is_valid() -> None:
    snap = snapshot.from_worktree(ROOT)
    ids = snap.by_id()
    assert all(ref in ids for d in snap.documents for ref in d.references)
    for doc in snap.documents:
        if doc.status is Status.APPROVED:
            assert doc.approvals and doc.current_approvals() == doc.approvals, doc.path
