"""`qms verify [REV]`: re-check every approved revision in the history reachable from REV."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from qms_docs.errors import UsageError
from qms_docs.gitio import runner
from qms_docs.gitio import snapshots as snapshot
from qms_docs.records.cache import Session
from qms_docs.records.configs import Policies
from qms_docs.records.verify import Outcome, verify


def resolve(root: Path, rev: str) -> str:
    head = runner.resolve(root, rev)
    if head is None:
        raise UsageError(f"{rev}: not a commit in this repository")
    return head


def outcome(root: Path, rev: str, progress: Callable[[int, int], None] | None = None, *,
            cache: bool = True) -> Outcome:
    """Verify the history reachable from `rev` (one git log pass, blobs through cat-file). With `cache`,
    commits and lineages verified before (records.cache) are not read or judged again."""
    head = resolve(root, rev)
    documents_dir = snapshot.config_at(root, head).documents_dir
    session = Session.open(root, documents_dir, cache)
    known = session.outcome(head)
    if known is not None:
        return known
    return session.run(lambda s: _verify(s, root, head, documents_dir, progress))


def _verify(session: Session, root: Path, head: str, documents_dir: str,
            progress: Callable[[int, int], None] | None) -> Outcome:
    with Policies(root) as policies, session.load(root, head, documents_dir, policies) as history:
        if session.store is None:  # --no-cache: no verdict is kept, none is looked for
            history.preload(progress)
            return verify(history, {}, policies, head)
        lineages = session.lineages
        history.preload(progress, [k for k, v in history.lineages.items() if not lineages.has(v, policies)])
        result = verify(history, {}, policies, head, lineages, session.prior())
        session.save(policies, result)
    return result


def as_text(result: Outcome) -> str:
    lines = [f"note: {n}" for n in result.notes] + [str(f) for f in result.failures]
    return "".join(f"{line}\n" for line in lines) + result.summary() + "\n"


def run(root: Path, rev: str, cache: bool = True) -> tuple[int, str]:
    """(exit code, text): 1 and one line per failure when any signature is invalid."""
    result = outcome(root, rev, cache=cache)
    return (0 if result.ok else 1), as_text(result)
