"""QMS060: a protected branch only moves forward; it is never rewritten or deleted."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from qms_docs.rules.base import Context, Hit


@dataclass(frozen=True)
class RefChange:
    """An update of a protected branch as a push would make it."""

    ref: str
    old: str
    new: str
    fast_forward: bool
    deleted: bool = False


def branch_rewritten(ctx: Context) -> Iterator[Hit]:
    """QMS060: a non-fast-forward update or a deletion of a protected branch."""
    for r in ctx.facts.get("ref_changes", ()):
        branch = r.ref.removeprefix("refs/heads/")
        if r.deleted:
            yield Hit(r.ref, None, f"deleting the protected branch {branch} is refused")
        elif not r.fast_forward:
            yield Hit(r.ref, None, f"non-fast-forward update of the protected branch {branch} is refused: "
                                   f"{r.old[:12]} is not an ancestor of {r.new[:12]}; the history of controlled "
                                   f"documents is never rewritten (merge or revert instead of force-pushing)")
