"""commit-msg: the message must name the id of every controlled document the commit changes (QMS050)."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from qms_docs.changes.staged import read_staged
from qms_docs.changes.verdict import verdict
from qms_docs.clock import today
from qms_docs.errors import UsageError
from qms_docs.gitio import changes, runner
from qms_docs.rules import engine
from qms_docs.rules.base import Context, Scope, in_scope
from qms_docs.rules.change import CHANGE_RULES
from qms_docs.rules.facts import ChangeFacts, CommitMessage

SCISSORS = "------------------------ >8 ------------------------"


def clean_message(text: str, comment_char: str = "#") -> str:
    """The message as git will record it: without comment lines and without the scissors block
    (`git commit --verbose` puts the diff below it)."""
    kept = []
    for line in text.splitlines():
        if line.startswith(comment_char) and line[len(comment_char):].strip() == SCISSORS:
            break
        if not line.startswith(comment_char):
            kept.append(line)
    return "\n".join(kept).strip()


def comment_char(root: Path) -> str:
    value = runner.config_value(root, "core.commentChar")
    return value if value and value != "auto" else "#"  # with auto, git picks "#" unless the text uses it


def run(repo: Path | None, args: list[str], stdin: BinaryIO) -> tuple[int, str]:
    root = runner.find_root(repo)
    path = Path(args[0]) if Path(args[0]).exists() else root / args[0]
    try:
        text = path.read_bytes().decode("utf-8", "replace")
    except OSError as e:
        raise UsageError(f"commit-msg: cannot read the message file {args[0]}: {e.strerror}") from None
    if changes.merge_heads(root):
        return 0, ""  # a merge commit records a merge; the commits it brings in name their documents
    staged = read_staged(root)
    ids = staged.changed_ids()
    if not ids:
        return 0, ""
    message = CommitMessage(args[0], clean_message(text, comment_char(root)), ids)
    ctx = Context(staged.documents, today(), None, ChangeFacts(commit_message=message))
    return verdict("commit-msg", engine.run(ctx, in_scope(CHANGE_RULES, Scope.COMMIT_MESSAGE)), "commit refused")
