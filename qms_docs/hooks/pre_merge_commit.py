"""pre-merge-commit: the merge result (the index) must not hold one id in two files (QMS004).

Two branches that each created the next free id merge without a conflict (the files have different
names), so this is the one moment to catch it. A merge that stops on a conflict is concluded with
`git commit`, and the pre-commit hook judges it then."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from qms_docs.changes.verdict import verdict
from qms_docs.clock import today
from qms_docs.gitio import runner
from qms_docs.gitio import snapshots as snapshot
from qms_docs.rules import STATIC_RULES, engine, frontmatter
from qms_docs.rules.base import Context


def run(repo: Path | None, args: list[str], stdin: BinaryIO) -> tuple[int, str]:
    root = runner.find_root(repo)
    merged = snapshot.from_index(root)
    findings = engine.run(Context(merged, today()), [r for r in STATIC_RULES if r.check is frontmatter.duplicate_id])
    code, text = verdict("pre-merge-commit", findings, "merge refused")
    hint = "renumber one of the documents (`git mv` and its `id:`), then `git commit`\n" if code else ""
    return code, text + hint
