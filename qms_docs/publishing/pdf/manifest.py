"""The machine-readable manifest a controlled PDF carries, and how `qms verify-pdf` judges it.

The manifest is a JSON file attached to the PDF (`qms-manifest.json`): format, organisation,
source commit, print time, the --as-of day, the controlled copy if any, and per document its id,
title, revision, content digest, effective date, commit and signatures, each with how it is proven
(the same `proof`, `proven_by` and `key` as `qms history --format json`). It says which revisions
the paper holds; `judge` compares them with what is in force now. It is not a seal: whoever can
edit a PDF can edit its manifest, so it answers "is this still the revision in force?", and the
digest lets anyone compare the paper with `qms show ID --revision N`."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from qms_docs.errors import UsageError
from qms_docs.model.document import Document
from qms_docs.publishing.pdf.compose import Copy
from qms_docs.publishing.selection import Entry, Publication
from qms_docs.signatures import policy
from qms_docs.signatures.policy import Proof

FORMAT = "qms-pdf-manifest/1"
NAME = "qms-manifest.json"


@dataclass(frozen=True)
class Printed:
    """One document as the PDF holds it."""

    id: str
    revision: int | None
    digest: str
    language: str | None = None  # a translation's language (SPEC 8); None: the source


@dataclass(frozen=True)
class Manifest:
    source_commit: str | None
    printed_at: str
    documents: tuple[Printed, ...]


def build(entries: Sequence[Entry], *, organisation: str, head: str | None, printed_at: dt.datetime,
          as_of: dt.date, copy: Copy | None, kind: str, proofs: Callable[[Document], tuple[Proof, ...]]) -> bytes:
    """The manifest of a PDF holding `entries`, as UTF-8 JSON; `proofs`: how each entry of a document is proven
    (`Publication.proofs_of`)."""
    data: dict[str, Any] = {
        "format": FORMAT, "kind": kind, "organisation": organisation, "source_commit": head,
        "printed_at": printed_at.strftime("%Y-%m-%dT%H:%M:%SZ"), "as_of": as_of.isoformat(),
        "copy": {"number": copy.number, "issued_to": copy.holder} if copy else None,
        "documents": [_document(e, proofs(e.doc)) for e in entries],
    }
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False).encode("utf-8")


def _document(entry: Entry, proofs: tuple[Proof, ...]) -> dict[str, Any]:
    doc = entry.doc
    return {"id": entry.id, **({"language": doc.language} if doc.is_translation else {}),
            "title": doc.title, "revision": doc.revision, "digest": doc.digest,
            "effective_date": doc.effective_date.isoformat() if doc.effective_date else None,
            "commit": entry.commit.sha,
            "signatures": [{"name": a.name, "email": a.email, "role": a.role, "meaning": a.meaning,
                            "at": a.at.strftime("%Y-%m-%dT%H:%M:%SZ") if a.at else None, "digest": a.digest,
                            **_proven(proofs[a.index] if a.index < len(proofs) else None)}
                           for a in doc.current_approvals()]}


def _proven(proof: Proof | None) -> dict[str, str | None]:
    """How a signature is proven, in the words of `qms history` (None: the selection judged no proof)."""
    if proof is None:
        return {"proof": None, "proven_by": None, "key": None}
    return {"proof": policy.proof(proof), "proven_by": proof.kind.value, "key": proof.fingerprint or None}


def parse(data: bytes) -> Manifest:
    """A manifest from its JSON; UsageError when it is not one."""
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise UsageError(f"{NAME}: not JSON ({e})") from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT or not isinstance(raw.get("documents"), list):
        raise UsageError(f"{NAME}: not a {FORMAT} manifest")
    docs = []
    for item in raw["documents"]:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not isinstance(item.get("digest"), str):
            raise UsageError(f"{NAME}: a document entry without an id and a digest")
        revision = item.get("revision")
        language = item.get("language")
        docs.append(Printed(item["id"], revision if isinstance(revision, int) and not isinstance(revision, bool) else None,
                            item["digest"], language if isinstance(language, str) else None))
    commit = raw.get("source_commit")
    return Manifest(commit if isinstance(commit, str) else None, str(raw.get("printed_at", "")), tuple(docs))


def read_pdf(data: bytes) -> bytes | None:
    """The manifest attached to a PDF, or None when it has none; UsageError when it is no PDF."""
    try:
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError
    except ImportError:
        raise UsageError("qms verify-pdf needs pypdf, a dependency of qms-docs: reinstall it") from None
    try:
        found = PdfReader(io.BytesIO(data)).attachments.get(NAME)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as e:
        raise UsageError(f"not a readable PDF ({type(e).__name__}: {e})") from None
    return found[0] if found else None


class Verdict(StrEnum):
    IN_FORCE = "in force"
    SUPERSEDED = "superseded"
    WITHDRAWN = "withdrawn"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Judgement:
    printed: Printed
    verdict: Verdict
    detail: str


def judge(printed: Printed, pub: Publication) -> Judgement:
    """Whether the printed revision is the one in force in `pub`, superseded, withdrawn or unknown."""
    current = pub.by_id().get(printed.id)
    if current is not None and current.doc.revision == printed.revision and current.doc.digest == printed.digest:
        return Judgement(printed, Verdict.IN_FORCE, f"the revision in force on {pub.today}")
    in_history = current is not None and any(
        row.revision == printed.revision for row in current.history[1:])
    if current is not None and in_history:
        return Judgement(printed, Verdict.SUPERSEDED,
                         f"revision {current.doc.revision} is in force since {current.doc.effective_date}: recall this copy")
    withdrawn = next((w for w in pub.archive if w.doc.id == printed.id), None)
    if withdrawn is not None:
        return Judgement(printed, Verdict.WITHDRAWN, f"withdrawn on {withdrawn.withdrawn}: recall this copy")
    if current is not None:
        return Judgement(printed, Verdict.UNKNOWN, f"this revision and digest were never in force; revision "
                         f"{current.doc.revision} is in force: do not use this copy")
    return Judgement(printed, Verdict.UNKNOWN, "no revision of this document is in force: do not use this copy")
