"""QMS060: a protected branch only moves forward; it is never rewritten or deleted."""

from __future__ import annotations

from collections.abc import Iterator

from qms_docs.rules.base import Context, Hit
from qms_docs.rules.facts import RefChange

__all__ = ["RefChange", "branch_rewritten"]


def branch_rewritten(ctx: Context) -> Iterator[Hit]:
    """QMS060: a non-fast-forward update or a deletion of a protected branch."""
    for r in ctx.facts.ref_changes:
        branch = r.ref.removeprefix("refs/heads/")
        if r.deleted:
            yield Hit(r.ref, None, f"deleting the protected branch {branch} is refused")
        elif not r.fast_forward:
            yield Hit(r.ref, None, f"non-fast-forward update of the protected branch {branch} is refused: "
                                   f"{r.old[:12]} is not an ancestor of {r.new[:12]}; the history of controlled "
                                   f"documents is never rewritten (merge or revert instead of force-pushing)")
