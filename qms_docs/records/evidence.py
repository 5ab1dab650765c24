"""Plain records of the audit trail (commits, signatures and their evidence) for history and report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qms_docs.gitio.log import Commit
from qms_docs.model.document import Approval, Status
from qms_docs.records.configs import Policies
from qms_docs.records.history import Revision
from qms_docs.records.proofs import prove
from qms_docs.records.provenance import signature_evidence
from qms_docs.signatures import policy
from qms_docs.signatures.policy import Proof, SignatureFacts


def utc(moment: dt.datetime | None) -> str | None:
    """An aware time as `YYYY-MM-DDTHH:MM:SSZ`."""
    return None if moment is None else moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def commit_record(commit: Commit, subjects: dict[str, str]) -> dict[str, Any]:
    return {"sha": commit.sha, "author": commit.author_name, "email": commit.author_email,
            "date": utc(commit.authored), "subject": subjects.get(commit.sha, "")}


def subject(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else ""


def signed_at(approval: Approval) -> str | None:
    """The signing time as written (normalised to `…Z` when it is a valid UTC time)."""
    at = approval.at
    raw = approval.raw.get("at")
    return utc(at) if at is not None else (None if raw is None else str(raw))


def signatures(root: Path, revisions: Sequence[Revision], policies: Policies) -> list[list[dict[str, Any]]]:
    """Per revision, the signatures on its last version, each with the commit that added it and how it is
    proven (the qms.yml and allowed-signers file in force come from `policies`; one git process verifies the
    commit signatures of all the revisions per allowed-signers file)."""
    added = [_added(r) for r in revisions]
    proofs = prove(root, policies, [(r.last[1], a) for r, a in zip(revisions, added, strict=True)])
    return [_rows(r, a, p) for r, a, p in zip(revisions, added, proofs, strict=True)]


def _added(revision: Revision) -> dict[int, Commit]:
    """Entry index on the revision's last version -> the commit that first carried that entry."""
    _, last = revision.last
    first_seen = {_key(e.approval): e.commit for e in signature_evidence(revision)}
    return {n: first_seen.get(_key(a), revision.last[0].commit) for n, a in enumerate(last.approvals)}


def _rows(revision: Revision, added: dict[int, Commit], proofs: tuple[Proof, ...]) -> list[dict[str, Any]]:
    _, last = revision.last
    rows = []
    for n, approval in enumerate(last.approvals):
        commit = added[n]
        rows.append({
            "name": approval.name, "email": approval.email, "role": approval.role,
            "meaning": approval.meaning.value if approval.meaning else approval.raw.get("meaning"),
            "at": signed_at(approval), "revision": approval.revision, "digest": approval.digest,
            "digest_matches": policy.matches(last, approval),
            "commit": commit.sha, "commit_author": commit.author_name, "commit_email": commit.author_email,
            "added_by_signer": policy.added_by_signer(approval, SignatureFacts(approval.index, commit.sha,
                                                                               commit.author_name, commit.author_email)),
            "proof": policy.proof(proofs[n]), "proven_by": proofs[n].kind.value,
            "key": proofs[n].fingerprint or None,
        })
    return rows


def _key(approval: Approval) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, str(v)) for k, v in approval.raw.items()))


def revision_record(revision: Revision, subjects: dict[str, str], signed: list[dict[str, Any]]) -> dict[str, Any]:
    """One revision: its state at its last version, its commits and its signatures (`signatures`)."""
    _, doc = revision.last
    approved = next((v.commit.sha for v, d in revision.versions if d.status is Status.APPROVED), None)
    paths = list(dict.fromkeys(v.path for v, _ in revision.versions))
    commits = [{**commit_record(v.commit, subjects), "status": d.meta.get("status"), "path": v.path}
               for v, d in revision.versions]
    return {"revision": revision.number, "id": doc.id, "title": doc.title, "status": doc.meta.get("status"),
            "effective_date": doc.effective_date.isoformat() if doc.effective_date else None,
            "change_summary": doc.change_summary, "digest": doc.digest, "paths": paths,
            "approved_in": approved, "commits": commits, "signatures": signed}
