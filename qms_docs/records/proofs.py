"""How each signature of many revisions is proven (signatures.policy.proven_by), with facts from history:
the commit that added each entry, the allowed-signers file in force there, and the SSH signature of that
commit, verified by git in one process per allowed-signers file for all the revisions at once."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from qms_docs.config import Config
from qms_docs.gitio.log import Commit
from qms_docs.gitio.signatures import CommitSignature, commit_signatures
from qms_docs.model.document import Document
from qms_docs.records.configs import Policies
from qms_docs.signatures.allowed_signers import AllowedSigners
from qms_docs.signatures.in_force import files_at
from qms_docs.signatures.policy import Proof, RevisionFacts, SignatureFacts, proven_by, signers_of

Added = Mapping[int, Commit]  # approval entry index -> the commit that added it
Signers = Callable[[Commit], AllowedSigners]  # the allowed-signers file in force at a commit


def prove(root: Path, policies: Policies, revisions: Sequence[tuple[Document, Added]],
          signers: Signers | None = None) -> list[tuple[Proof, ...]]:
    """Per revision, the proof of each of its approval entries (in order)."""
    in_force: Signers = signers or (lambda c: signers_of(policies.allowed_signers(c)))
    signed = _signed_commits(root, policies, revisions)
    return [_proofs(doc, added, policies, in_force, signed) for doc, added in revisions]


def _signed_commits(root: Path, policies: Policies, revisions: Sequence[tuple[Document, Added]]) -> dict[str, CommitSignature]:
    """The valid SSH signatures of the commits that added an entry without `sig` (keys in force there)."""
    specs: dict[str, str] = {}  # commit -> `REV:PATH` of the allowed-signers file in force there
    for doc, added in revisions:
        for n, a in enumerate(doc.approvals):
            commit = added.get(n)
            config = policies.at(commit) if commit is not None and "sig" not in a.raw else None
            if commit is not None and isinstance(config, Config):
                specs[commit.sha] = f"{policies.base(commit)}:{config.signing.allowed_signers}"
    groups: dict[bytes, list[str]] = {}
    for sha, allowed in files_at(root, specs).items():
        if allowed:
            groups.setdefault(allowed, []).append(sha)
    found: dict[str, CommitSignature] = {}
    for allowed, shas in groups.items():
        found.update((sha, s) for sha, s in commit_signatures(root, shas, allowed).items() if s is not None)
    return found


def _proofs(doc: Document, added: Added, policies: Policies, signers: Signers,
            signed: Mapping[str, CommitSignature]) -> tuple[Proof, ...]:
    facts: dict[int, SignatureFacts] = {}
    for n, a in enumerate(doc.approvals):
        c = added.get(n)
        if c is None:
            continue
        config, sig = policies.at(c), signed.get(c.sha)
        facts[n] = SignatureFacts(n, c.sha, c.author_name, c.author_email, sig.principals if sig else frozenset(),
                                  config if isinstance(config, Config) else None,
                                  signers(c) if "sig" in a.raw else None, c.committed,
                                  sig.fingerprint if sig else None)
    revision = RevisionFacts(Config(types={}, roles={}), facts)
    return tuple(proven_by(doc, n, revision) for n in range(len(doc.approvals)))
