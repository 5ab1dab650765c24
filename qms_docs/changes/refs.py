"""The ref updates git hands to pre-push and pre-receive on stdin."""

from __future__ import annotations

from typing import Literal, NamedTuple

from qms_docs.errors import UsageError
from qms_docs.gitio.changes import is_null as is_null_oid

__all__ = ["RefUpdate", "is_null_oid", "parse_ref_updates"]


class RefUpdate(NamedTuple):
    """One ref a push changes: `ref` on the receiving side, from `old` to `new` (`local_ref`: pre-push only)."""

    ref: str
    old: str
    new: str
    local_ref: str = ""

    @property
    def created(self) -> bool:
        return is_null_oid(self.old)

    @property
    def deleted(self) -> bool:
        return is_null_oid(self.new)

    @property
    def branch(self) -> str | None:
        return self.ref.removeprefix("refs/heads/") if self.ref.startswith("refs/heads/") else None


def parse_ref_updates(data: bytes, kind: Literal["pre-push", "pre-receive"]) -> list[RefUpdate]:
    """pre-push lines are `<local ref> <local oid> <remote ref> <remote oid>`; pre-receive lines
    `<old oid> <new oid> <ref>`. Ref names cannot contain spaces, so a split is exact."""
    updates = []
    for n, line in enumerate(data.decode("utf-8", "surrogateescape").splitlines(), start=1):
        if not line.strip():
            continue
        fields = line.split()
        if kind == "pre-push" and len(fields) == 4:
            local_ref, local_oid, remote_ref, remote_oid = fields
            updates.append(RefUpdate(remote_ref, remote_oid, local_oid, local_ref))
        elif kind == "pre-receive" and len(fields) == 3:
            old, new, ref = fields
            updates.append(RefUpdate(ref, old, new))
        else:
            raise UsageError(f"{kind}: line {n} of the ref updates on stdin is not what git sends: {line!r}")
    return updates
