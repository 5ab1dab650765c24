"""QMS050: a commit message names the ids of the documents the commit changes."""

from __future__ import annotations

import re
from collections.abc import Iterator

from qms_docs.rules.base import Context, Hit
from qms_docs.rules.facts import CommitMessage

__all__ = ["CommitMessage", "ids_not_named", "names"]


def names(text: str, doc_id: str) -> bool:
    """Whether `text` names `doc_id` as a whole word (QP-003, not QP-0031)."""
    return re.search(rf"(?<![\w-]){re.escape(doc_id)}(?![\w])", text) is not None


def ids_not_named(ctx: Context) -> Iterator[Hit]:
    """QMS050: the commit message does not name every document the commit changes."""
    message = ctx.facts.commit_message
    if message is None:
        return
    missing = [doc_id for doc_id in message.changed_ids if not names(message.text, doc_id)]
    if missing:
        yield Hit(message.path, None,
                  f"the commit message does not name {', '.join(missing)}; name every document the commit "
                  f"changes, e.g. \"{missing[0]}: what changed and why\"")
