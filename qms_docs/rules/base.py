"""The vocabulary of rules: Finding, Severity, Context and Rule. No git, no I/O."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import NamedTuple

from qms_docs.config import Config, DocType
from qms_docs.model.document import Document
from qms_docs.model.printable import printable
from qms_docs.rules.facts import ChangeFacts, Matching, match_documents
from qms_docs.snapshot import Snapshot


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Scope(StrEnum):
    """What a rule needs to see; a hook or a per-commit check picks the rules whose needs it can meet."""

    DOCUMENT = "document"  # one document at a time
    CROSS_DOCUMENT = "cross-document"  # every document of the snapshot (ids, references)
    CHANGE = "change"  # each document against its base state
    HISTORY = "history"  # who made the change: authors, signers, SSH signatures (facts from git)
    PUSH = "push"  # the ref updates of a push
    COMMIT_MESSAGE = "commit-message"  # the message of the commit being made


class Finding(NamedTuple):
    path: str
    line: int | None
    code: str
    severity: Severity
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return printable(f"{where}: {self.code} {self.severity}: {self.message}")  # one line, whatever a value holds


class Hit(NamedTuple):
    """What a check function yields; the engine adds the rule's code and severity."""

    path: str
    line: int | None
    message: str


@dataclass(frozen=True)
class Context:
    """Everything a rule may look at. `config` is the base's when a base is given (SPEC 3)."""

    snapshot: Snapshot
    today: dt.date
    base: Snapshot | None = None
    facts: ChangeFacts = field(default_factory=ChangeFacts)

    @cached_property
    def matching(self) -> Matching:
        """The base documents paired with their new state; computed once per context."""
        return match_documents(self.base, self.snapshot, self.facts)

    @property
    def config(self) -> Config:
        return self.base.config if self.base is not None else self.snapshot.config

    def doc_type(self, doc: Document) -> DocType | None:
        return self.config.type_of(doc)


Check = Callable[[Context], Iterable[Hit]]


class Rule(NamedTuple):
    code: str
    severity: Severity
    summary: str
    check: Check
    scope: Scope = Scope.DOCUMENT


def in_scope(rules: Iterable[Rule], *scopes: Scope) -> list[Rule]:
    """The rules whose scope is one of `scopes`."""
    return [r for r in rules if r.scope in scopes]


def each_document(check: Callable[[Document, Context], Iterable[Hit]]) -> Check:
    """Adapt a per-document check to a whole-snapshot one."""

    def run(ctx: Context) -> Iterator[Hit]:
        for doc in ctx.snapshot.documents:
            yield from check(doc, ctx)

    run.__name__ = check.__name__
    run.__doc__ = check.__doc__
    return run
