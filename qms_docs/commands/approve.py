"""`qms approve ID`: sign the current revision as the git user; approved once every required role signed.

Decisions:
- a `draft` or `review` revision is signed, and so is a withdrawal (`status: obsolete`, SPEC 5): its
  status stays `obsolete`, and it counts once every required role signed it; an approved revision
  and a withdrawal already signed by every required role are refused;
- the document must pass the static rules first; signatures that no longer match this revision
  and content (QMS021/QMS022: the text changed after they were given) are void and are removed
  when the new signature is added;
- `meaning: reviewed` signatures are recorded but never count toward approval;
- `effective_date` is signed content, so it must be set before the last required signature
  (`qms revise ID --effective DATE` sets it);
- the whole command runs under the repository's edit lock and writes only if the file still holds
  what it read: two signers at once both land, one after the other, never one lost;
- `qms approve` refuses what the push would refuse: a self-approval (QMS024: the signer wrote content
  of the revision, by a commit since the previous released revision, an uncommitted edit, or an
  `authored` entry) is refused before anything is written, naming who may sign instead; being the
  document's `owner` does not bar signing;
- the entry is signed with the signer's SSH key (`sig`, SPEC 2) when `signing.required` with method
  `entry`, or when `--sign` asks for it (an entry signature survives squash, rebase and cherry-pick
  merges even where signing is not required); the key must be listed for the signer in the
  allowed-signers file committed at HEAD, else nothing is written;
- `--meaning authored` records the author's own entry (role `author`): it counts as authorship for
  QMS024 (a squash merge keeps one commit author), never toward approval."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from qms_docs.commands import _documents
from qms_docs.config import Config, DocType
from qms_docs.errors import GitError, QmsError, UsageError
from qms_docs.files import write_atomic
from qms_docs.gitio import commit as gitcommit
from qms_docs.gitio import repo as gitrepo
from qms_docs.model.document import Document, Meaning, Status
from qms_docs.model.snapshot import Snapshot
from qms_docs.rules import STATIC_RULES, engine
from qms_docs.rules.base import Context, Severity

AUTHOR_ROLE = "author"  # the role an `authored` entry names: authorship needs no role in qms.yml
VOIDED = ("QMS021", "QMS022")  # stale signatures: removed when the new one is added


def signer(root: Path) -> tuple[str, str]:
    """(name, email) from git config; UsageError with the fix when either is missing."""
    name, email = gitrepo.identity(root)
    if not name or not email:
        raise UsageError('git user.name and user.email must both be set to sign: run `git config user.name '
                         '"Your Name"` and `git config user.email you@example.com` (the address qms.yml lists '
                         'under `roles`)')
    return name, email


def check_status(doc: Document, config: Config) -> int:
    """The revision to sign; refuse approved documents and withdrawals every required role signed."""
    doc_type = config.type_of(doc)
    if doc.status is Status.APPROVED:
        raise QmsError(f"{doc.path}: {doc.id} revision {doc.revision} is already approved; "
                       f"start the next revision with `qms revise {doc.id} -m SUMMARY`")
    if doc.status is Status.OBSOLETE and doc_type is not None and doc.revision is not None \
            and all(r in doc.signed_roles() for r in doc_type.approvers):
        raise QmsError(f"{doc.path}: the withdrawal of {doc.id} (revision {doc.revision}, obsolete) is already "
                       f"signed by every required role; an obsolete document is not signed again")
    if doc.status not in (Status.DRAFT, Status.REVIEW, Status.OBSOLETE) or doc.revision is None:
        raise QmsError(f"{doc.path}: only a draft or review revision can be signed; fix `status` and `revision`")
    return doc.revision


def check_rules(snap: Snapshot, doc: Document, today: dt.date) -> None:
    """Refuse while the static rules find an error in this document (other than void signatures)."""
    findings = [f for f in engine.run(Context(snap, today), STATIC_RULES)
                if f.path == doc.path and f.severity is Severity.ERROR and f.code not in VOIDED]
    if findings:
        more = f"; and {len(findings) - 3} more" if len(findings) > 3 else ""
        raise QmsError(f"{doc.id} cannot be signed until its errors are fixed: "
                       + "; ".join(str(f) for f in findings[:3]) + more)


def doc_type_of(config: Config, doc: Document) -> DocType:
    doc_type = config.type_of(doc)
    if doc_type is None:
        raise QmsError(f"{doc.path}: type {doc.type!r} is not defined in qms.yml")
    return doc_type


def choose_role(config: Config, doc_type: DocType, doc: Document, email: str,
                role: str | None, meaning: Meaning) -> str:
    """The role to sign for: the one given (which the signer must hold), else the only pending one."""
    if role is not None:
        return _check_role(config, doc_type, email, role, meaning)
    held = config.roles_of(email)
    if not held:
        raise QmsError(f"{email} holds no role in qms.yml; ask the quality manager to add you under `roles`")
    required = [r for r in doc_type.approvers if r in held]
    if not required:
        raise QmsError(f"{email} holds {', '.join(held)}, none of the roles that approve {doc_type.name} "
                       f"documents ({', '.join(doc_type.approvers)}); name a role with --role to record a review")
    done = {a.role for a in doc.current_approvals() if a.meaning is meaning}
    pending = [r for r in required if r not in done]
    if len(pending) == 1:
        return pending[0]
    if not pending:
        raise QmsError(f"{doc.id} revision {doc.revision} already has a signature ({meaning}) for every role "
                       f"you hold ({', '.join(required)})")
    raise QmsError(f"you hold several roles that have not signed {doc.id} revision {doc.revision}: "
                   f"{', '.join(pending)}; choose one with --role")


def _check_role(config: Config, doc_type: DocType, email: str, role: str, meaning: Meaning) -> str:
    if role not in config.roles:
        raise UsageError(f"--role {role}: unknown role; qms.yml defines: {', '.join(config.roles)}")
    if not config.holds(email, role):
        raise QmsError(f"{email} does not hold the role {role} (qms.yml `roles.{role}`: "
                       f"{', '.join(config.roles[role])}); sign only for a role you hold")
    if meaning is Meaning.APPROVED and role not in doc_type.approvers:
        raise QmsError(f"{doc_type.name} documents are approved by {', '.join(doc_type.approvers)}, not {role}; "
                       f"use --meaning reviewed to record a review")
    return role


def check_duplicate(doc: Document, email: str, role: str, meaning: Meaning) -> None:
    for a in doc.current_approvals():
        if (a.email or "").lower() == email.lower() and a.role == role and a.meaning is meaning:
            raise QmsError(f"{doc.path}: {email} already signed {doc.id} revision {doc.revision} as {role} "
                           f"({meaning}); a signature is given once")


def check_self_approval(root: Path, config: Config, doc: Document, doc_type: DocType, signer: tuple[str, str]) -> None:
    """QMS024 before writing: refuse an approval by someone who wrote content of this revision."""
    if doc_type.allow_self_approval or doc.revision is None:
        return
    email, role = signer[0].lower(), signer[1]
    authors = revision_authors(root, doc)
    if email not in authors:
        return
    others = [e for e in config.roles.get(role, ()) if e.lower() not in authors]
    instead = f"ask {', '.join(others)} (who also hold{'s' * (len(others) == 1)} {role})" if others else \
        f"no other holder of {role} is free of it: the quality manager must assign the role to someone else"
    raise QmsError(f"{doc.path}: {signer[0]} wrote revision {doc.revision} of {doc.id} ({authors[email]}) and cannot "
                   f"approve it (QMS024: type {doc_type.name} does not allow self-approval); {instead}")


def revision_authors(root: Path, doc: Document) -> dict[str, str]:
    """E-mail -> how they wrote the current revision: its commits since the previous released revision, and
    `authored` entries (an uncommitted edit has no author yet: pre-commit judges whoever commits it)."""
    from qms_docs.changes.past import revision_past
    from qms_docs.changes.range import Blobs

    with Blobs(root) as blobs:
        committed = blobs.load(doc.path, f"HEAD:{doc.path}")
        past = revision_past(root, "HEAD", doc.path, doc.revision or 0, blobs.load) if committed is not None else None
    authors = {e: f"commit {sha[:12]}" for e, sha in (past.authors.items() if past is not None else ())}
    for a in doc.approvals:
        if a.meaning is Meaning.AUTHORED and a.revision == doc.revision and a.email:
            authors.setdefault(a.email.lower(), "an `authored` entry")
    return authors


def check_effective_date(doc: Document, complete: bool) -> None:
    """The last required signature needs `effective_date`: it is part of what is signed."""
    if complete and doc.effective_date is None:
        earlier = " (this makes the signatures already given stale: they must be given again)" \
            if doc.current_approvals() else ""
        how = f"`qms revise {doc.id} --effective YYYY-MM-DD`" if doc.status is not Status.OBSOLETE else \
            "a line `effective_date: YYYY-MM-DD` in its front matter (`qms obsolete` writes it)"
        raise QmsError(f"{doc.path}: revision {doc.revision} has no `effective_date`, and it is signed content: "
                       f"set it before the last signature with {how} (the day revision {doc.revision} takes "
                       f"effect){earlier}, then run `qms approve {doc.id}` again")


def entry(name: str, email: str, role: str, meaning: Meaning, now: dt.datetime, doc: Document) -> dict[str, Any]:
    at = (now.replace(tzinfo=dt.UTC) if now.tzinfo is None else now.astimezone(dt.UTC))
    return {"name": name, "email": email, "role": role, "meaning": str(meaning),
            "at": at.replace(microsecond=0), "revision": doc.revision, "digest": doc.digest}


def run(root: Path, doc_id: str, *, role: str | None, meaning: str, commit: bool, now: dt.datetime,
        lang: str | None = None, sign: bool = False) -> str:
    """Append the signature (and set status approved when complete); optionally commit it. With
    `lang`, sign the translation into that language (SPEC 8); with `sign` (or signing.required, method
    entry), sign the entry with the signer's SSH key."""
    name, email = signer(root)
    with _documents.editing(root):
        return _sign(root, (doc_id, lang), role, Meaning(meaning), (commit, sign), now, (name, email))


def _sign(root: Path, wanted: tuple[str, str | None], role: str | None, how: Meaning, flags: tuple[bool, bool],
          now: dt.datetime, who: tuple[str, str]) -> str:
    (name, email), (snap, doc), (commit, sign) = who, _documents.find(root, *wanted), flags
    revision = check_status(doc, snap.config)
    check_rules(snap, doc, now.date())
    doc_type = doc_type_of(snap.config, doc)
    if how is Meaning.AUTHORED:
        role = AUTHOR_ROLE
    else:
        role = choose_role(snap.config, doc_type, doc, email, role, how)
    check_duplicate(doc, email, role, how)
    if how is Meaning.APPROVED:
        check_self_approval(root, snap.config, doc, doc_type, (email, role))
    signed = doc.signed_roles() | ({role} if how is Meaning.APPROVED else set())
    count = sum(1 for r in doc_type.approvers if r in signed)
    complete = count == len(doc_type.approvers)
    check_effective_date(doc, complete)
    if commit and not gitcommit.is_committed_clean(root, doc.path):
        raise QmsError(f"{doc.path}: has changes that are not committed (or was never committed); commit them "
                       f"first as their author, then sign with --commit")
    kept = doc.current_approvals()
    new = entry(name, email, role, how, now, doc)
    if sign or snap.config.signing.by_entry:
        from qms_docs.signatures.entry_signing import sign_entry

        new["sig"] = sign_entry(root, doc.id or wanted[0], new, snap.config.signing)
    changes: dict[str, Any] = {"approvals": [*(dict(a.raw) for a in kept), new]}
    if complete and doc.status is not Status.OBSOLETE:
        changes["status"] = str(Status.APPROVED)
    old = _documents.rewrite(root, doc, changes)
    status = changes.get("status", doc.status)
    note = _notes(doc, how, complete, len(doc.approvals) - len(kept))
    if commit:
        signing = snap.config.signing
        note += f"; committed {_commit(root, doc, old, role, how, who, signing.required and not signing.by_entry)}"
    if "sig" in new:
        note += "; entry signed with your SSH key"
    label = "" if how is Meaning.APPROVED else f", meaning {how} (not counted toward approval)"
    return (f"signed {doc.id} revision {revision} as {role}{label} ({count} of {len(doc_type.approvers)} "
            f"required roles); status: {status}{note}")


def _notes(doc: Document, how: Meaning, complete: bool, dropped: int) -> str:
    note = f"; removed {dropped} stale signature{'s' * (dropped != 1)}" if dropped else ""
    if how is Meaning.APPROVED and not complete and doc.effective_date is None:
        note += "; note: set `effective_date` now (changing it later makes this signature stale)"
    return note


def _commit(root: Path, doc: Document, old: bytes, role: str, how: Meaning,
            who: tuple[str, str], sign: bool) -> str:
    """Commit the signed file as the signer; on failure put the file back as it was."""
    verb = {Meaning.APPROVED: "approve", Meaning.REVIEWED: "review"}.get(how, "declare authorship of")
    message = f"{doc.id}{f' ({doc.language})' if doc.is_translation else ''}: {verb} revision {doc.revision} as {role}"
    try:
        oid = gitcommit.commit_file(root, doc.path, message, author=f"{who[0]} <{who[1]}>", sign=sign)
    except GitError as e:
        write_atomic(root / doc.path, old)
        hint = ("; qms.yml has `signing.required: true`: configure `user.signingkey` (and `gpg.format`) "
                "so that git can sign") if sign else ""
        raise QmsError(f"{doc.path}: not signed, the file is unchanged: {e}{hint}") from None
    return oid[:12]
