"""Does a revision carry signatures that make it validly approved? The ONE place that decides (SPEC 2, 3, 4).

Pure: judges a Document against facts gathered elsewhere (the qms.yml in force, and from history who
added each entry and who wrote the content). QMS020-QMS023 need only the document and the config;
QMS024 needs `authors`, QMS025 needs `signatures`."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from qms_docs.config import Config, DocType
from qms_docs.model.document import Approval, Document, Meaning, Status


@dataclass(frozen=True)
class SignatureFacts:
    """How one approval entry came to be (from history)."""

    index: int  # position in doc.approvals
    commit: str | None  # the commit that added the entry; None = not committed yet (pre-commit)
    author_name: str
    author_email: str
    signed_by: frozenset[str] = frozenset()  # lower-case principals of a valid SSH signature of that commit
    config: Config | None = None  # qms.yml in force where the entry was added (None: RevisionFacts.config)


@dataclass(frozen=True)
class RevisionFacts:
    config: Config  # qms.yml in force for the revision (type, required roles, signing)
    signatures: Mapping[int, SignatureFacts] | None = None  # None: provenance not judged (static check)
    authors: frozenset[str] | None = None  # lower-case e-mails of everyone who wrote the revision; None: not judged
    judge_provenance_of: frozenset[int] | None = None  # only these indexes get QMS024/QMS025 (None: all)
    authored_in: Mapping[str, str] | None = None  # optional: author e-mail -> a commit they wrote ("" = being made)


@dataclass(frozen=True)
class Problem:
    code: str  # "QMS020".."QMS025"
    index: int | None  # approval entry index, None for a document-level problem (QMS020)
    line: int | None  # line in the file, for findings
    message: str


SIGNED_STATUSES = (Status.APPROVED, Status.OBSOLETE)


def judge(doc: Document, facts: RevisionFacts) -> list[Problem]:
    """Every reason the signatures on `doc` do not make it validly approved, tagged with QMS codes."""
    problems = [*missing_signature(doc, facts), *stale(doc, facts), *other_revision(doc, facts), *without_role(doc, facts),
                *self_approval(doc, facts), *forged(doc, facts)]
    return sorted(problems, key=lambda p: (p.code, -1 if p.index is None else p.index))


def counts(doc: Document, facts: RevisionFacts) -> bool:
    """True when `doc` is approved (or an approved withdrawal) and judge() finds no error."""
    if doc.status not in SIGNED_STATUSES or _doc_type(doc, facts) is None:
        return False
    return not missing_roles(doc, facts) and not judge(doc, facts)


def missing_roles(doc: Document, facts: RevisionFacts) -> list[str]:
    """Required roles with no `approved` signature of this exact revision and content by a holder of the role."""
    doc_type = _doc_type(doc, facts)
    if doc_type is None:
        return []
    signed = {a.role for n, a in enumerate(doc.approvals)
              if matches(doc, a) and a.meaning is Meaning.APPROVED
              and a.role and a.email and _config_of(n, facts).holds(a.email, a.role)}
    return [role for role in doc_type.approvers if role not in signed]


def matches(doc: Document, a: Approval) -> bool:
    """The entry signs exactly this revision and content (neither stale nor for another revision)."""
    return a.revision == doc.revision and a.digest == doc.digest


def added_by_signer(a: Approval, s: SignatureFacts) -> bool:
    """The commit that added the entry was authored by its signer (signing.required asks more: see forged)."""
    return bool(s.author_email) and s.author_email.lower() == (a.email or "").lower()


def who(n: int, a: Approval) -> str:
    return f"approval {n + 1} ({a.name or '?'}, {a.role or '?'})"


def missing_signature(doc: Document, facts: RevisionFacts) -> Iterator[Problem]:
    """QMS020: an approved document lacks an `approved` signature from a required role."""
    doc_type = _doc_type(doc, facts)
    if doc.status is not Status.APPROVED or doc_type is None:
        return
    signed = {a.role for a in doc.approvals if a.meaning is Meaning.APPROVED}
    for role in doc_type.approvers:
        if role not in signed:
            line = doc.line_of("approvals") if doc.approvals else doc.line_of("status")
            yield Problem("QMS020", None, line,
                          f"status is approved but there is no signature from the required role {role}")


def stale(doc: Document, facts: RevisionFacts) -> Iterator[Problem]:
    """QMS021: an approval's digest does not match the content it claims to sign."""
    for n, a in enumerate(doc.approvals):
        if a.digest and a.revision == doc.revision and a.digest != doc.digest:
            yield Problem("QMS021", n, a.line_of("digest"),
                          f"{who(n, a)} does not match the content: the document changed after it was signed "
                          f"(stale approval); raise the revision or have it signed again")


def other_revision(doc: Document, facts: RevisionFacts) -> Iterator[Problem]:
    """QMS022: an approval is for another revision than the document's."""
    for n, a in enumerate(doc.approvals):
        if a.revision is not None and doc.revision is not None and a.revision != doc.revision:
            yield Problem("QMS022", n, a.line_of("revision"),
                          f"{who(n, a)} is for revision {a.revision}, the document is at revision {doc.revision}")


def without_role(doc: Document, facts: RevisionFacts) -> Iterator[Problem]:
    """QMS023: the signer does not hold the role signed for, per the qms.yml in force where the entry was added."""
    for n, a in enumerate(doc.approvals):
        if not (a.role and a.email):
            continue
        config = _config_of(n, facts)
        if a.role not in config.roles:
            yield Problem("QMS023", n, a.line_of("role"), f"{who(n, a)}: role {a.role!r} is not defined in qms.yml")
        elif not config.holds(a.email, a.role):
            yield Problem("QMS023", n, a.line_of("email"),
                          f"{who(n, a)}: {a.email} does not hold the role {a.role}")


def self_approval(doc: Document, facts: RevisionFacts) -> Iterator[Problem]:
    """QMS024: an `approved` signer wrote content of the revision they sign."""
    doc_type = _doc_type(doc, facts)
    if facts.authors is None or doc_type is None or doc_type.allow_self_approval:
        return
    for n, a in _judged(doc, facts):
        email = (a.email or "").lower()
        if a.meaning is Meaning.APPROVED and a.revision == doc.revision and email in facts.authors:
            where = (facts.authored_in or {}).get(email)
            commit = "" if where is None else f" ({f'commit {where[:12]}' if where else 'the commit being made'})"
            yield Problem("QMS024", n, a.line,
                          f"{who(n, a)}: {a.email} wrote revision {doc.revision}{commit} and cannot approve it; "
                          f"type {doc_type.name} does not allow self-approval")


def forged(doc: Document, facts: RevisionFacts) -> Iterator[Problem]:
    """QMS025: the commit that added an entry was not made (or, with signing.required, signed) by the signer."""
    for n, a in _judged(doc, facts):
        s = (facts.signatures or {}).get(n)
        if s is None:
            continue
        email = (a.email or "").lower()
        commit = f"commit {s.commit[:12]}" if s.commit else "the commit being made"
        signing = (s.config or facts.config).signing
        if not s.author_email:
            yield Problem("QMS025", n, a.line,
                          f"{who(n, a)}: no commit of the signer added this entry (it appeared in a merge); "
                          f"the signer must add it in a commit of their own")
        elif not added_by_signer(a, s):
            yield Problem("QMS025", n, a.line,
                          f"{who(n, a)}: added by {commit} authored by {s.author_name} <{s.author_email}>, not by the "
                          f"signer {a.email}; only the signer may add their signature "
                          f"(`qms approve {doc.id or 'ID'} --commit`, as the signer)")
        elif signing.required and s.commit and email not in s.signed_by:
            yield Problem("QMS025", n, a.line,
                          f"{who(n, a)}: {commit} is not signed by a key listed for {a.email} in "
                          f"{signing.allowed_signers} (signing.required)")


def _judged(doc: Document, facts: RevisionFacts) -> Iterator[tuple[int, Approval]]:
    """The entries whose provenance is judged: `judge_provenance_of`, else those with SignatureFacts, else all."""
    if facts.judge_provenance_of is not None:
        chosen: frozenset[int] | None = facts.judge_provenance_of
    elif facts.signatures is not None:
        chosen = frozenset(facts.signatures)
    else:
        chosen = None
    return ((n, a) for n, a in enumerate(doc.approvals) if chosen is None or n in chosen)


def _doc_type(doc: Document, facts: RevisionFacts) -> DocType | None:
    return facts.config.type_of(doc)


def _config_of(n: int, facts: RevisionFacts) -> Config:
    s = (facts.signatures or {}).get(n)
    return s.config if s is not None and s.config is not None else facts.config
