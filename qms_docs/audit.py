"""Full-history verification (`qms verify`): every approved version of every document, ever.

For each version whose status is `approved`, reached in any commit from REV:
- every signature on it is for its revision and its digest matches its content;
- the signer held the role, per the qms.yml in force when the signature was added;
- the commit that added the signature was authored (and, when signing.required, validly signed) by the signer;
- every role its type requires (per the qms.yml in force at that version's commit) signed it.

"The qms.yml in force at commit C" is the one of C's first parent (SPEC section 3: a commit cannot
grant its own author a role and use it), or C's own for a root commit or where the parent has none."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from qms_docs.errors import DocumentError
from qms_docs.gitio.stream import stream_objects
from qms_docs.history import History, Revision, Version, group_revisions
from qms_docs.model.document import Approval, Document, Meaning, Status
from qms_docs.model.frontmatter import parse
from qms_docs.policy import Policies
from qms_docs.provenance import SignatureEvidence, content_authors, signature_evidence


@dataclass(frozen=True)
class Failure:
    """One problem, named by the commit that shows (or caused) it."""

    position: int  # order of the commit in history, for sorting
    commit: str
    doc_id: str
    revision: int | None
    path: str
    problem: str

    def __str__(self) -> str:
        rev = "?" if self.revision is None else self.revision
        return f"{self.commit[:12]} {self.doc_id} rev {rev} ({self.path}): {self.problem}"


@dataclass
class Outcome:
    head: str
    revisions: int = 0
    documents: int = 0
    commits: int = 0
    failures: list[Failure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def summary(self) -> str:
        counts = (f"verified {self.revisions} revision{'s' * (self.revisions != 1)} of {self.documents} "
                  f"document{'s' * (self.documents != 1)} in {self.commits} commit{'s' * (self.commits != 1)} "
                  f"(history of {self.head[:12]})")
        if self.ok:
            return f"{counts}: every signature is valid"
        return f"{counts}: {len(self.failures)} failure{'s' * (len(self.failures) != 1)}"


def _key(raw: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, str(v)) for k, v in raw.items()))


def _who(a: Approval) -> str:
    return f"the signature of {a.name or '?'} <{a.email or '?'}> as {a.role or '?'}"


class _Checker:
    """Collects failures, one per (lineage, revision, problem), at the earliest commit that shows it."""

    def __init__(self, history: History, policies: Policies):
        self.history = history
        self.policies = policies
        self.position = {c.sha: i for i, c in enumerate(history.commits)}
        self.failures: dict[tuple[Any, ...], Failure] = {}
        self.to_sign: list[tuple[tuple[Any, ...], SignatureEvidence, Version]] = []

    def fail(self, dedupe: tuple[Any, ...], version: Version, doc: Document, problem: str,
             at: Version | None = None) -> None:
        where = at or version
        if dedupe not in self.failures:
            self.failures[dedupe] = Failure(self.position.get(where.commit.sha, -1), where.commit.sha,
                                            doc.id or version.path, doc.revision, version.path, problem)

    def revision(self, key: str, revision: Revision, before: Document | None = None) -> bool:
        """Check every approved version of the revision; False when it never was approved.

        `before` is the document just before the revision's first version (for who wrote it)."""
        approved = [(v, d) for v, d in revision.versions if d.status is Status.APPROVED]
        if not approved:
            return False
        added = {_key(e.approval.raw): e for e in signature_evidence(revision)}
        authors = content_authors(revision, before)
        for version, doc in approved:
            self.version(key, revision, added, version, doc)
            self.self_approval(key, revision, authors, version, doc)
        return True

    def self_approval(self, key: str, revision: Revision, authors: set[str], version: Version,
                      doc: Document) -> None:
        """A signer who wrote content of the revision, unless the type allows self-approval."""
        policy = self.policies.at(version.commit)
        doc_type = policy.types.get(doc.type or "") if not isinstance(policy, str) else None
        if doc_type is None or doc_type.allow_self_approval:
            return
        for a in doc.approvals:
            if a.meaning is Meaning.APPROVED and (a.email or "").lower() in authors:
                self.fail((key, revision.number, _key(a.raw), "self"), version, doc,
                          f"{a.name} <{a.email}> wrote content of revision {doc.revision} and approved it as "
                          f"{a.role} (self-approval; type {doc_type.name} does not allow it)")

    def version(self, key: str, revision: Revision, added: dict[Any, SignatureEvidence],
                version: Version, doc: Document) -> None:
        base = (key, revision.number)
        policy = self.policies.at(version.commit)
        if isinstance(policy, str):
            self.fail((*base, "config"), version, doc, f"the qms.yml in force is unusable: {policy}")
            return
        doc_type = policy.types.get(doc.type or "")
        if doc_type is None:
            self.fail((*base, "type"), version, doc,
                      f"status approved but type {doc.type!r} is not defined in the qms.yml in force")
        for approval in doc.approvals:
            self.signature(base, revision, version, doc, approval, added[_key(approval.raw)])
        for role in doc_type.approvers if doc_type else ():
            if not any(a.role == role and a.meaning is Meaning.APPROVED for a in doc.approvals):
                self.fail((*base, "missing", role), version, doc,
                          f"status approved without a signature of the required role {role}")

    def signature(self, base: tuple[Any, ...], revision: Revision, version: Version, doc: Document,
                  a: Approval, ev: SignatureEvidence) -> None:
        entry = (*base, _key(a.raw))
        if a.revision != doc.revision:
            self.fail((*entry, "revision"), version, doc, f"{_who(a)} is for revision {a.revision}, "
                                                           f"not for revision {doc.revision}")
        elif a.digest != doc.digest:
            changed = next((v for v, d in revision.versions if d.digest == doc.digest), version)
            when = (f"signed in {ev.commit.short}, content changed in {changed.commit.short}"
                    if self.position.get(changed.commit.sha, 0) > self.position.get(ev.commit.sha, 0)
                    else f"its digest never matched this content (added in {ev.commit.short})")
            self.fail((*entry, "stale"), version, doc,
                      f"{_who(a)} does not match the approved content (stale approval): {when}")
        if a.meaning is None:
            self.fail((*entry, "meaning"), version, doc, f"{_who(a)} has no valid meaning (approved or reviewed)")
        signer = self.policies.at(ev.commit)
        if isinstance(signer, str):
            self.fail((*entry, "config"), version, doc, f"the qms.yml in force is unusable: {signer}", ev.version)
        elif (a.role or "") not in signer.roles:
            self.fail((*entry, "role"), version, doc, f"{_who(a)}: role {a.role!r} is not defined in the "
                                                      f"qms.yml in force", ev.version)
        elif not signer.holds(a.email or "", a.role or ""):
            self.fail((*entry, "holder"), version, doc, f"{_who(a)}: {a.email} does not hold the role "
                                                        f"{a.role} in the qms.yml in force", ev.version)
        if not ev.added_by_signer:
            c = ev.commit
            self.fail((*entry, "forged"), version, doc, f"{_who(a)} was added by a commit authored by "
                                                        f"{c.author_name} <{c.author_email}>, not by the signer "
                                                        f"(forged approval)", ev.version)
        elif not isinstance(signer, str) and signer.signing.required:
            self.to_sign.append(((*entry, "unsigned"), ev, version))

    def check_commit_signatures(self) -> None:
        """With signing.required: the commit adding a signature must carry the signer's valid SSH signature."""
        from qms_docs.gitio.signatures import verified_signers

        groups: dict[bytes | None, list[tuple[tuple[Any, ...], SignatureEvidence, Version]]] = {}
        for item in self.to_sign:
            groups.setdefault(self.policies.allowed_signers(item[1].commit), []).append(item)
        for allowed, items in groups.items():
            shas = list(dict.fromkeys(ev.commit.sha for _, ev, _ in items))
            signers = verified_signers(self.history.root, shas, allowed)
            for dedupe, ev, version in items:
                principal = (signers.get(ev.commit.sha) or "").lower()
                if principal != (ev.approval.email or "").lower():
                    got = f"signed by {principal}" if principal else "not validly signed"
                    self.fail(dedupe, version, ev.document,
                              f"{_who(ev.approval)}: signing.required, but the commit that added it is {got}"
                              + ("" if allowed else " (no allowed-signers file in force)"), ev.version)


def load_revisions(history: History, progress: Callable[[int, int], None] | None = None) -> dict[str, list[Revision]]:
    """Every lineage's versions, parsed once (blobs streamed through one cat-file) and grouped by revision."""
    paths: dict[str, str] = {}
    for versions in history.lineages.values():
        for v in versions:
            if v.blob is not None:
                paths.setdefault(v.blob, v.path)
    docs: dict[str, Document] = {}
    for n, (oid, data) in enumerate(stream_objects(history.root, list(paths)), start=1):
        try:
            if data is not None:
                docs[oid] = parse(data, paths[oid])
        except DocumentError:
            pass  # an unreadable version is in no state at all, approved least of all
        if progress is not None and (n % 250 == 0 or n == len(paths)):
            progress(n, len(paths))
    return {key: group_revisions((v, docs.get(v.blob) if v.blob else None) for v in versions)
            for key, versions in history.lineages.items()}


def verify(history: History, revisions: Mapping[str, list[Revision]], policies: Policies, head: str) -> Outcome:
    """Check every approved version of every lineage."""
    checker = _Checker(history, policies)
    outcome = Outcome(head, commits=len(history.commits))
    ids: set[str] = set()
    for key, groups in revisions.items():
        for i, revision in enumerate(groups):
            if checker.revision(key, revision, groups[i - 1].last[1] if i else None):
                outcome.revisions += 1
                ids.add(revision.last[1].id or key)
    checker.check_commit_signatures()
    outcome.documents = len(ids)
    outcome.failures = sorted(checker.failures.values(), key=lambda f: (f.position, f.doc_id, f.problem))
    return outcome
