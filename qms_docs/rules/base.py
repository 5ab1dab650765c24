"""The vocabulary of rules: Finding, Severity, Context and Rule. No git, no I/O."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple

from qms_docs.config import Config, DocType
from qms_docs.model.document import Document
from qms_docs.model.printable import printable
from qms_docs.snapshot import Snapshot


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


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
    facts: Mapping[str, Any] = field(default_factory=dict)

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


def each_document(check: Callable[[Document, Context], Iterable[Hit]]) -> Check:
    """Adapt a per-document check to a whole-snapshot one."""

    def run(ctx: Context) -> Iterator[Hit]:
        for doc in ctx.snapshot.documents:
            yield from check(doc, ctx)

    run.__name__ = check.__name__
    run.__doc__ = check.__doc__
    return run
