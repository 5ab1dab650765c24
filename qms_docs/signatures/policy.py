"""Does a revision carry signatures that make it validly approved? The ONE place that decides (SPEC 2, 3, 4).

Pure: judges a Document against facts gathered elsewhere (the qms.yml in force, and from history who
added each entry and who wrote the content). QMS020-QMS023 need only the document and the config;
QMS024 needs `authors`, QMS025 needs `signatures`.

Entry signatures (SPEC 2 `sig`): an entry that carries `sig` is proven by it alone, whatever commit carries
it, when it verifies against the allowed-signers file in force where it was added (`SignatureFacts.signers`,
else `RevisionFacts.signers`), its key valid at the entry's `at`, and that `at` no later than the commit
that added it (`added_at`; for an uncommitted entry, now), give or take CLOCK_SKEW: an invalid `sig` is QMS025
whatever the method.
With `signing.required` and `method: entry` an entry without `sig` is QMS025 too. An `authored` entry
names an author of the revision (QMS024: squash merges keep one commit author), never an approval."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from qms_docs.config import Config, DocType, Signing
from qms_docs.model.document import Approval, Document, Meaning, Status
from qms_docs.signatures.proof_labels import ENGLISH as PROOF_ENGLISH
from qms_docs.signatures.proof_labels import ProofLabels

if TYPE_CHECKING:  # the SSHSIG modules load only when an entry carries a signature (not on `qms check`'s path)
    from qms_docs.signatures.allowed_signers import AllowedSigners
    from qms_docs.signatures.sshsig import Verdict


@dataclass(frozen=True)
class SignatureFacts:
    """How one approval entry came to be (from history)."""

    index: int  # position in doc.approvals
    commit: str | None  # the commit that added the entry; None = not committed yet (pre-commit)
    author_name: str
    author_email: str
    signed_by: frozenset[str] = frozenset()  # lower-case principals of a valid SSH signature of that commit
    config: Config | None = None  # qms.yml in force where the entry was added (None: RevisionFacts.config)
    signers: AllowedSigners | None = None  # allowed-signers file in force there (None: RevisionFacts.signers)
    added_at: dt.datetime | None = None  # committer date of `commit` (None: now, for an uncommitted entry)
    signing_key: str | None = None  # fingerprint of the key of the valid SSH signature of `commit` (`signed_by`)


class RevisionFacts(NamedTuple):  # a plain record: a NamedTuple costs a tenth of a dataclass to define
    config: Config  # qms.yml in force for the revision (type, required roles, signing)
    signatures: Mapping[int, SignatureFacts] | None = None  # None: provenance not judged (static check)
    authors: frozenset[str] | None = None  # lower-case e-mails of everyone who wrote the revision; None: not judged
    judge_provenance_of: frozenset[int] | None = None  # only these indexes get QMS024/QMS025 (None: all)
    authored_in: Mapping[str, str] | None = None  # optional: author e-mail -> a commit they wrote ("" = being made)
    signers: AllowedSigners | None = None  # allowed-signers file in force (None: entry signatures not judged)
    now: dt.datetime | None = None  # the latest `at` an uncommitted entry may carry (None: the clock's now)


@dataclass(frozen=True)
class Problem:
    code: str  # "QMS020".."QMS025"
    index: int | None  # approval entry index, None for a document-level problem (QMS020)
    line: int | None  # line in the file, for findings
    message: str


SIGNED_STATUSES = (Status.APPROVED, Status.OBSOLETE)
CLOCK_SKEW = dt.timedelta(hours=24)  # how far the signer's clock may be from the committer's (an entry's `at`)


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
        if not (a.role and a.email) or a.meaning is Meaning.AUTHORED:  # authorship needs no role
            continue
        config = _config_of(n, facts)
        if a.role not in config.roles:
            yield Problem("QMS023", n, a.line_of("role"), f"{who(n, a)}: role {a.role!r} is not defined in qms.yml")
        elif not config.holds(a.email, a.role):
            yield Problem("QMS023", n, a.line_of("email"),
                          f"{who(n, a)}: {a.email} does not hold the role {a.role}")


def self_approval(doc: Document, facts: RevisionFacts) -> Iterator[Problem]:
    """QMS024: an `approved` signer wrote content of the revision they sign (commit authors, and `authored` entries)."""
    doc_type = _doc_type(doc, facts)
    if doc_type is None or doc_type.allow_self_approval:
        return
    declared = {(a.email or "").lower() for a in doc.approvals
                if a.meaning is Meaning.AUTHORED and a.revision == doc.revision and a.email}
    if facts.authors is None and not declared:
        return
    authors = (facts.authors or frozenset()) | declared
    for n, a in _judged(doc, facts):
        email = (a.email or "").lower()
        if a.meaning is Meaning.APPROVED and a.revision == doc.revision and email in authors:
            where = (facts.authored_in or {}).get(email)
            commit = "" if where is None else f" ({f'commit {where[:12]}' if where else 'the commit being made'})"
            if where is None and email in declared:
                commit = " (an `authored` entry)"
            yield Problem("QMS024", n, a.line,
                          f"{who(n, a)}: {a.email} wrote revision {doc.revision}{commit} and cannot approve it; "
                          f"type {doc_type.name} does not allow self-approval")


def forged(doc: Document, facts: RevisionFacts) -> Iterator[Problem]:
    """QMS025: an entry's `sig` does not verify, or (without one) the commit that added it was not made (or,
    with signing.required, signed) by the signer."""
    for n, a in _judged(doc, facts):
        s = (facts.signatures or {}).get(n)
        signing = (s.config if s is not None and s.config is not None else facts.config).signing
        if "sig" in a.raw:
            verdict = entry_verdict(doc, n, facts)
            if verdict is not None and not verdict.valid:
                yield Problem("QMS025", n, a.line_of("sig"),
                              f"{who(n, a)}: its entry signature (sig) does not count: {verdict.reason}")
            if verdict is not None:
                continue  # a valid entry signature proves the signer, whatever commit carries it
        elif signing.by_entry and (s is not None or facts.signatures is None):
            yield Problem("QMS025", n, a.line,
                          f"{who(n, a)}: has no entry signature (sig); signing.required with method entry: the "
                          f"signer signs with `qms approve {doc.id or 'ID'}` and an SSH key listed for "
                          f"{a.email or 'them'} in {signing.allowed_signers}")
            continue
        if s is None:
            continue
        yield from _commit_proof(doc, n, a, s, signing)


def _commit_proof(doc: Document, n: int, a: Approval, s: SignatureFacts, signing: Signing) -> Iterator[Problem]:
    email = (a.email or "").lower()
    commit = f"commit {s.commit[:12]}" if s.commit else "the commit being made"
    if not s.author_email:
        yield Problem("QMS025", n, a.line,
                      f"{who(n, a)}: no commit of the signer added this entry (it appeared in a merge); "
                      f"the signer must add it in a commit of their own, or sign the entry (sig)")
    elif not added_by_signer(a, s):
        yield Problem("QMS025", n, a.line,
                      f"{who(n, a)}: added by {commit} authored by {s.author_name} <{s.author_email}>, not by the "
                      f"signer {a.email}; only the signer may add their signature "
                      f"(`qms approve {doc.id or 'ID'} --commit`, as the signer)")
    elif signing.required and s.commit and email not in s.signed_by:
        yield Problem("QMS025", n, a.line,
                      f"{who(n, a)}: {commit} is not signed by a key listed for {a.email} in "
                      f"{signing.allowed_signers} (signing.required)")


def entry_verdict(doc: Document, n: int, facts: RevisionFacts) -> Verdict | None:
    """The verdict on entry n's `sig`; None when it has none or no allowed-signers file is known to judge it."""
    a = doc.approvals[n]
    if "sig" not in a.raw:
        return None
    s = (facts.signatures or {}).get(n)
    signers = s.signers if s is not None and s.signers is not None else facts.signers
    if signers is None:
        return None
    from qms_docs.signatures.sshsig import verify_approval

    verdict = verify_approval(doc.id or "", a, signers)
    if not verdict.valid:
        return verdict
    latest = s.added_at if s is not None and s.commit else None
    if latest is None and (s is None or not s.commit):
        latest = facts.now or dt.datetime.now(dt.UTC)
    at = a.at
    if at is not None and latest is not None and at > latest + CLOCK_SKEW:
        from qms_docs.signatures.sshsig import Verdict

        what = f"commit {s.commit[:12]} that added it" if s is not None and s.commit else "now"
        return Verdict(False, fingerprint=verdict.fingerprint,
                       reason=f"it is dated {at:%Y-%m-%dT%H:%M:%SZ}, more than {_hours(CLOCK_SKEW)} later than "
                              f"{what} ({latest.astimezone(dt.UTC):%Y-%m-%dT%H:%M:%SZ})")
    return verdict


def backdated(doc: Document, written_at: dt.datetime, written_in: str) -> list[Problem]:
    """QMS033 (a warning, never an error): an entry signature of this content dated more than CLOCK_SKEW before
    `written_at`, the author date of commit `written_in` that wrote the content. Nobody signs content that does
    not exist yet; the key was judged valid at `at`, so a key that had expired by then may have signed it."""
    found, earliest = [], written_at - CLOCK_SKEW
    for n, a in enumerate(doc.approvals):
        at = a.at if "sig" in a.raw else None
        if at is not None and at < earliest and matches(doc, a):
            found.append(Problem("QMS033", n, a.line_of("at"),
                                 f"{who(n, a)}: its entry signature is dated {a.at:%Y-%m-%dT%H:%M:%SZ}, more than "
                                 f"{_hours(CLOCK_SKEW)} before the content it signs was written (commit "
                                 f"{written_in[:12]}, {written_at.astimezone(dt.UTC):%Y-%m-%dT%H:%M:%SZ}): backdated?"))
    return found


def _hours(span: dt.timedelta) -> str:
    return f"{span.total_seconds() / 3600:g} h"


class ProofKind(StrEnum):
    ENTRY = "entry"  # a valid entry signature (`sig`)
    COMMIT = "commit"  # the commit that added the entry carries the signer's valid SSH signature
    AUTHOR = "author"  # only the commit's author name and e-mail (anyone can write those)
    INVALID = "invalid"  # an entry signature that does not verify


class Proof(NamedTuple):  # a plain record: a NamedTuple costs a tenth of a dataclass to define
    """How an entry's signer is proven, with what `describe` needs to say it."""

    kind: ProofKind
    fingerprint: str = ""  # the key: of the entry signature, or of the commit's signature
    commit: str = ""  # the signed commit
    reason: str = ""  # why an entry signature does not verify


def proven_by(doc: Document, n: int, facts: RevisionFacts) -> Proof:
    """How entry n of `doc` is proven, from the same facts `judge` reads: a valid entry signature, else the
    signer's valid SSH signature on the commit that added it, else its author alone."""
    a = doc.approvals[n]
    verdict = entry_verdict(doc, n, facts)
    if verdict is not None:
        if verdict.valid:
            return Proof(ProofKind.ENTRY, verdict.fingerprint or "")
        return Proof(ProofKind.INVALID, verdict.fingerprint or "", reason=verdict.reason or "")
    s = (facts.signatures or {}).get(n)
    if s is not None and s.commit and (a.email or "").lower() in s.signed_by:
        return Proof(ProofKind.COMMIT, s.signing_key or "", s.commit)
    return Proof(ProofKind.AUTHOR)


def proof(p: Proof, labels: ProofLabels = PROOF_ENGLISH) -> str:
    """The proof in `labels`' wording (signatures.proof_labels, or a site language's table via
    `Labels.proof`): the same words in history, report, site and PDF."""
    if p.kind is ProofKind.ENTRY:
        return labels.entry.format(fingerprint=p.fingerprint)
    if p.kind is ProofKind.COMMIT:
        return labels.commit.format(commit=p.commit[:12], fingerprint=p.fingerprint)
    if p.kind is ProofKind.INVALID:
        return labels.invalid.format(reason=p.reason)
    return labels.author


@lru_cache(maxsize=256)
def signers_of(data: bytes | None) -> AllowedSigners:
    """The allowed-signers file's content, parsed once per content (an absent file admits nobody)."""
    from qms_docs.signatures.allowed_signers import parse_allowed_signers

    return parse_allowed_signers((data or b"").decode("utf-8", errors="replace"))


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
