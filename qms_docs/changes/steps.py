"""One commit against each of its parents: the documents and guarded files it changed, and what it wrote itself.

Merge semantics (SPEC 4 "Every commit counts"). For a document a commit changes against at least one parent:
- its state is judged against the *reference*: the parent state with the highest revision (on a tie, an
  approved or obsolete one). Taking an older revision than some parent holds is a rollback (QMS011), and
  other content for a revision that parent holds approved is QMS010;
- content equal to one parent's is *taken from that parent*: that side's own commits are judged, and the
  merge adds no authorship;
- content that differs from every parent is *written in the merge*: judged like an ordinary commit against
  the reference (QMS010/QMS011), the merge's author is a content author of the revision (QMS024), and
  approval entries present in no parent were added by the merge's author (QMS025).
A guarded file whose content in the merge differs from every parent is a change by the merge's author
(QMS014). A commit with one parent is the plain case: everything it changed, it wrote."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from qms_docs.errors import DocumentError
from qms_docs.gitio.log import Change
from qms_docs.model.document import Approval, Document
from qms_docs.model.snapshot import is_document
from qms_docs.rules.revisions import LOCKED

Load = Callable[[str, str], Document | DocumentError | None]  # (path, blob id) -> the parsed file


def entry_key(approval: Approval) -> tuple[tuple[str, str], ...]:
    """An approval entry's identity: all its fields, as text."""
    return tuple(sorted((k, str(v)) for k, v in approval.raw.items()))


def new_entries(old: Document | None, new: Document) -> list[tuple[int, Approval]]:
    """The approval entries of `new` that `old` did not carry (entries already at the base were judged before)."""
    before = {entry_key(a) for a in old.approvals} if old is not None else set()
    return [(i, a) for i, a in enumerate(new.approvals) if entry_key(a) not in before]


def rank(doc: Document) -> tuple[int, bool]:
    """Which parent state a commit is judged against: the highest revision, a released one first."""
    return (doc.revision if doc.revision is not None else -1, doc.status in LOCKED)


class Touched(NamedTuple):  # a plain record: a NamedTuple costs a tenth of a dataclass to define
    """A document a commit changed against at least one parent."""

    path: str
    new: Document | DocumentError
    parents: tuple[Document | None, ...]  # its readable state in each parent (None: absent there, or unreadable)
    reference: Document | None  # the parent state it is judged against (None: new in every parent)
    written: bool  # its file differs from every parent's

    def wrote_content(self) -> bool:
        """The commit wrote the signed content: it differs from every parent's (SPEC 2 digest)."""
        if not self.written or not isinstance(self.new, Document):
            return False
        return self.new.digest not in {p.digest for p in self.parents if p is not None}

    def added_entries(self) -> list[tuple[int, Approval]]:
        """Approval entries the commit added: present in no parent."""
        if not self.written or not isinstance(self.new, Document):
            return []
        before = {entry_key(a) for p in self.parents if p is not None for a in p.approvals}
        return [(i, a) for i, a in enumerate(self.new.approvals) if entry_key(a) not in before]


class StepChanges(NamedTuple):  # a plain record: a NamedTuple costs a tenth of a dataclass to define
    """What one commit changed: documents (with their states), documents gone, and guarded files it wrote."""

    touched: tuple[Touched, ...]
    gone: tuple[Document, ...]  # documents the commit removed from every parent (their reference state)
    renames: dict[str, str]  # reference path -> path in the commit
    guarded: tuple[str, ...]

    def adds_entries(self) -> bool:
        return any(t.added_entries() for t in self.touched)


def _parent_state(change: Change | None, new: Document | DocumentError, path: str,
                  old: Load) -> tuple[Document | None, str | None]:
    """A document's (state, path) in one parent, from that parent's change entry (None: unchanged there)."""
    if change is None:
        return (new if isinstance(new, Document) else None), path
    if change.status in "MT" or change.status == "R":
        parsed = old(change.old_path, change.old_blob)
        return (parsed if isinstance(parsed, Document) else None), change.old_path
    return None, None  # added or copied: no state in that parent


def step_changes(per_parent: Sequence[Sequence[Change]], folder: str, guarded: Sequence[str],
                 old: Load, new: Load) -> StepChanges:
    """What a commit changed, from its changes against each parent (one list for an ordinary commit)."""
    present = [{c.path: c for c in changes if c.status != "D"} for changes in per_parent]
    touched: list[Touched] = []
    renames: dict[str, str] = {}
    for path in dict.fromkeys(p for side in present for p in side if is_document(p, folder)):
        entries = [side.get(path) for side in present]
        change = next(e for e in entries if e is not None)
        doc = new(path, change.blob)
        if doc is None:
            continue
        states = [_parent_state(e, doc, path, old) for e in entries]
        parents = tuple(s for s, _ in states)
        known = [(s, p) for s, p in states if s is not None]
        reference, ref_path = max(known, key=lambda sp: rank(sp[0])) if known else (None, None)
        if ref_path is not None and ref_path != path:
            renames[ref_path] = path
        written = all(e is not None and not (e.status == "R" and e.old_blob == e.blob) for e in entries)
        touched.append(Touched(path, doc, parents, reference, written))
    gone_sides = [{c.old_path: c for c in changes if is_document(c.old_path, folder)
                   and (c.status == "D" or (c.status == "R" and not is_document(c.path, folder)))}
                  for changes in per_parent]
    gone: list[Document] = []
    for path in set.intersection(*(set(side) for side in gone_sides)) if gone_sides else ():
        olds = [old(path, side[path].old_blob) for side in gone_sides]
        readable = [d for d in olds if isinstance(d, Document)]
        if readable:
            gone.append(max(readable, key=rank))
    changed = [{p for c in changes for p in (c.path, c.old_path)} for changes in per_parent]
    written_guarded = tuple(g for g in guarded if changed and all(g in side for side in changed))
    return StepChanges(tuple(touched), tuple(sorted(gone, key=lambda d: d.path)), renames, written_guarded)
