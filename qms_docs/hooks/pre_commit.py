"""pre-commit: the rules on the documents the commit changes, judged against HEAD with HEAD's qms.yml.

Fast path (a hook runs on every commit): only the staged documents that change are parsed. The
cross-document rules (duplicate id, unknown or obsolete reference) run only when the commit adds a
document, changes an id or adds a reference; they then see every other document through an id
index (their `id:` and `status:` lines, cached per blob in the git folder). Findings the commit
does not bring (in documents it does not touch, or a reference it did not add) are left to
`qms check` and the push hooks.

The commit being made is judged by its author (git exports `--author` to the hook): a signature it
adds must be the author's own (QMS025; its SSH signature is checked on push), and must not sign
content the same commit writes (QMS024)."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

from qms_docs.changes.staged import ID_INDEX, MERGE_HEAD, Staged, id_index, read_staged
from qms_docs.changes.steps import new_entries
from qms_docs.changes.verdict import verdict
from qms_docs.clock import today
from qms_docs.gitio import changes, runner
from qms_docs.model.document import Document
from qms_docs.rules import STATIC_RULES, engine
from qms_docs.rules.base import Context, Finding, Scope, in_scope
from qms_docs.rules.change import CHANGE_RULES
from qms_docs.rules.facts import ChangeFacts, ConfigCommit, Signature

# the commit-msg hook judges the message, the push hooks the ref updates; cross-document rules run below
HERE = (Scope.DOCUMENT, Scope.CHANGE, Scope.HISTORY)


def run(repo: Path | None, args: list[str], stdin: BinaryIO) -> tuple[int, str]:
    root = runner.find_root(repo)
    return verdict("pre-commit", check(root, today()), "commit refused", show_warnings=True)


def _author(root: Path) -> tuple[str, str]:
    name, email = os.environ.get("GIT_AUTHOR_NAME"), os.environ.get("GIT_AUTHOR_EMAIL")
    if name is None or email is None:
        ident = changes.pending_author(root)
        name, _, rest = ident.partition(" <")
        email = rest.rstrip(">")
    return name, email


def _protected(root: Path, staged: Staged) -> bool:
    """Whether the commit goes to a protected branch (a detached HEAD counts as protected)."""
    branch = changes.branch_of(root, "HEAD")
    return branch is None or branch in staged.config.protected_branches


def _commit_facts(root: Path, staged: Staged, facts: ChangeFacts,
                  documents: list[tuple[Document | None, Document]]) -> ChangeFacts:
    """The commit being made, as the provenance and config rules see a commit (none for a first commit)."""
    if staged.base is None:
        return facts
    news = [(old, new, new_entries(old, new)) for old, new in documents]
    if not staged.config_changes and not any(entries for _, _, entries in news):
        return facts
    name, email = _author(root)
    from qms_docs.signatures.policy import signers_of  # only when the commit adds entries or changes a guarded file

    return replace(
        facts, allowed_signers=signers_of(staged.head_signers),
        signatures=tuple(Signature(new.path, i, None, name, email) for _, new, entries in news for i, _ in entries),
        content_authors={new.path: {email.lower(): None} for old, new, entries in news
                         if entries and (old is None or old.digest != new.digest)},
        config_commits=tuple(ConfigCommit(None, name, email, p) for p in staged.config_changes),
        protected=_protected(root, staged))


def check(root: Path, day: dt.date) -> list[Finding]:
    """Findings for the staged changes of controlled documents (none when the commit changes none)."""
    staged = read_staged(root)
    if not staged.changes and not staged.config_changes:
        return []
    ctx = Context(staged.documents, day, staged.base, ChangeFacts(
        renames={c.old_path: c.path for c in staged.changes if c.status == "R"},
        added=frozenset(c.path for c in staged.changes if c.status in "AC"),
    ))
    documents = ctx.matching.changed()
    merged = changes.merge_heads(root, staged.git_files.get(MERGE_HEAD)) if staged.head else []
    if merged:  # a merge being concluded: judged against each parent (what it takes from one is not new)
        from qms_docs.changes.range import judge_commit_being_made

        findings = engine.run(ctx, in_scope(STATIC_RULES, Scope.DOCUMENT))
        findings += judge_commit_being_made(root, staged.config, [staged.head or "HEAD", *merged], _author(root),
                                            _protected(root, staged), day)
    else:
        facts = _commit_facts(root, staged, ctx.facts, documents)
        if ctx.matching.deleted:  # a draft-only document may be deleted (QMS012)
            from qms_docs.changes.past import never_released  # history: only when the commit deletes one

            facts = replace(facts, never_released=never_released(root, staged.head or "HEAD", ctx.matching.deleted))
        ctx = Context(ctx.snapshot, day, ctx.base, facts)
        findings = engine.run(ctx, in_scope((*STATIC_RULES, *CHANGE_RULES), *HERE))
    mine = {d.path for d in staged.documents.documents}
    if any(old is None or old.id != new.id or set(new.references) - set(old.references) for old, new in documents):
        others = tuple(Document(path, {"id": doc_id, "status": status}, "")
                       for path, (doc_id, status) in id_index(root, staged.config, staged.git_files.get(ID_INDEX)).items()
                       if path not in mine)
        everything = replace(staged.documents, documents=staged.documents.documents + others)
        cross = in_scope(STATIC_RULES, Scope.CROSS_DOCUMENT)
        findings += [f for f in engine.run(Context(everything, day), cross) if f.path in mine]
    return sorted(findings, key=lambda f: (f.path, f.line or 0, f.code, f.message))
