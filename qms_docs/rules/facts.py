"""The typed facts a change rule may judge, gathered by the commands and hooks (never by a rule).

`ChangeFacts` replaces a string-keyed dict: each field says what it holds and who fills it. Pure: no git."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from qms_docs.model.document import Document
from qms_docs.model.snapshot import Snapshot

if TYPE_CHECKING:
    from qms_docs.signatures.allowed_signers import AllowedSigners


@dataclass(frozen=True)
class Signature:
    """An approval entry new in this change, and the commit that added it.

    `commit` None with an author: the commit being made (pre-commit); with no author: no commit of
    the range added the entry by itself. `signed_by`: the principals (lower-case e-mails) of a valid
    SSH signature on that commit, checked against the base's allowed-signers file."""

    path: str
    index: int
    commit: str | None
    author_name: str
    author_email: str
    signed_by: frozenset[str] = frozenset()
    added_at: dt.datetime | None = None  # the commit's committer date (an entry's `at` may not be later)


class ConfigCommit(NamedTuple):  # a plain record: a NamedTuple costs a tenth of a dataclass to define
    """A commit that changed a guarded file; sha None: the commit being made.

    `signed_by`: the principals of a valid SSH signature on the commit (base's allowed-signers file)."""

    sha: str | None
    author_name: str
    author_email: str
    path: str
    signed_by: frozenset[str] = frozenset()


class RefChange(NamedTuple):  # a plain record: a NamedTuple costs a tenth of a dataclass to define
    """An update of a protected branch as a push would make it."""

    ref: str
    old: str
    new: str
    fast_forward: bool
    deleted: bool = False


class CommitMessage(NamedTuple):  # a plain record: a NamedTuple costs a tenth of a dataclass to define
    """The message being committed (comments and the scissors block removed) and the ids it must name."""

    path: str
    text: str
    changed_ids: tuple[str, ...]


@dataclass(frozen=True)
class ChangeFacts:
    """What history and the hooks know about a change; every field has a neutral default."""

    renames: Mapping[str, str] = field(default_factory=dict)  # old path -> new path (git's rename detection)
    added: frozenset[str] | None = None  # the new paths, when the base holds only the changed documents
    protected: bool = True  # the change goes to a protected branch (QMS014)
    signatures: tuple[Signature, ...] = ()  # who added each new approval entry (QMS025)
    content_authors: Mapping[str, Mapping[str, str | None]] = field(default_factory=dict)
    # ^ path -> e-mail -> the commit of theirs that wrote the signed revision (None: the commit being made) (QMS024)
    config_commits: tuple[ConfigCommit, ...] = ()  # commits that changed a guarded file (QMS014)
    ref_changes: tuple[RefChange, ...] = ()  # ref updates of a push (QMS060)
    commit_message: CommitMessage | None = None  # the commit-msg hook (QMS050)
    approved_digests: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # ^ new path -> the digests its current revision number was approved with before this change (QMS010)
    never_released: frozenset[str] = frozenset()  # base paths of deleted documents no commit ever released (QMS012)
    allowed_signers: AllowedSigners | None = None  # the base's allowed-signers file: judges entry signatures (QMS025)


class Matching(NamedTuple):  # a plain record: a NamedTuple costs a tenth of a dataclass to define
    """The base documents paired with their new state, the ones gone, and the new ones."""

    pairs: tuple[tuple[Document, Document], ...]
    deleted: tuple[Document, ...]
    added: tuple[Document, ...]

    def changed(self) -> list[tuple[Document | None, Document]]:
        """Every new document with its base state (None for an added one)."""
        return [*self.pairs, *((None, d) for d in self.added)]


def match_documents(base: Snapshot | None, head: Snapshot, facts: ChangeFacts) -> Matching:
    """Pair each base document with its new state: by path, then by git's renames, then by id
    (a moved or renamed file is the same document).

    `facts.added`, when given, lists the new paths; it lets `base` hold only the changed documents
    (the pre-commit hook and the per-commit checks read no more than they must)."""
    if base is None:
        return Matching((), (), ())
    by_path = head.by_path()
    unreadable = {e.path for e in head.broken}
    pairs: list[tuple[Document, Document]] = []
    lost: list[Document] = []
    for old in base.documents:
        target = facts.renames.get(old.path, old.path)
        if target in by_path:
            pairs.append((old, by_path[target]))
        elif target not in unreadable:  # an unreadable file is reported by QMS001, not as deleted
            lost.append(old)
    paired = {new.path for _, new in pairs}
    known = {d.path for d in base.documents} | {e.path for e in base.broken}
    candidates = [d for d in head.documents if d.path not in paired
                  and (d.path in facts.added if facts.added is not None else d.path not in known)]
    by_id: dict[str, Document] = {}
    for doc in candidates:
        if doc.id:
            by_id.setdefault(doc.key, doc)
    deleted = []
    for old in lost:
        new = by_id.pop(old.key, None) if old.id else None
        if new is None:
            deleted.append(old)
        else:
            pairs.append((old, new))
            paired.add(new.path)
    return Matching(tuple(pairs), tuple(deleted), tuple(d for d in candidates if d.path not in paired))
