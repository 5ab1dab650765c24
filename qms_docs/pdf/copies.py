"""The register of controlled copies: `records/controlled-copies.yml` in the repository.

Each `qms pdf --copy-no N --issued-to NAME` appends one issue: the copy number, its holder, when and
by whom it was issued, and the documents it holds (id, revision, digest). Copy N of a document is
what its latest issue says; when that revision is no longer in force, the copy is outstanding and
must be recalled (`qms copies --outstanding`). The file is plain YAML, read safely, replaced
atomically under the repository's edit lock, and committed by `qms pdf --commit`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from qms_docs.errors import UsageError
from qms_docs.files import write_atomic
from qms_docs.pdf.compose import Copy
from qms_docs.pdf.manifest import Judgement, Printed, judge
from qms_docs.publishing import Entry, Publication

REGISTER = "records/controlled-copies.yml"
HEADER = ("# Controlled copies issued with `qms pdf --copy-no N --issued-to NAME` (qms-docs).\n"
          "# `qms copies --outstanding` lists the copies that hold a revision no longer in force.\n")


@dataclass(frozen=True)
class Issue:
    """One issue of a controlled copy."""

    copy: Copy
    issued_at: str
    issued_by: str
    documents: tuple[Printed, ...]


@dataclass(frozen=True)
class Holding:
    """Copy N of one document as its latest issue left it, judged against what is in force."""

    issue: Issue
    judgement: Judgement


def check_holder(holder: str) -> str:
    """The holder's name, trimmed; UsageError when it is empty or holds control characters."""
    name = holder.strip()
    if not name or any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise UsageError("--issued-to: give the holder's name on one line (no control characters)")
    return name


def load(root: Path) -> list[Issue]:
    """Every issue in the register, oldest first; [] when there is no register yet."""
    path = root / REGISTER
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"{REGISTER}: cannot be read ({e})") from None
    try:
        raw = yaml.safe_load(text) or {}
    except yaml.YAMLError as e:
        raise UsageError(f"{REGISTER}: not valid YAML ({e})".replace("\n", " ")) from None
    items = raw.get("copies") if isinstance(raw, dict) else None
    if not isinstance(items, list):
        raise UsageError(f"{REGISTER}: expected a `copies:` list")
    return [_issue(item, n) for n, item in enumerate(items, start=1)]


def _issue(item: Any, n: int) -> Issue:
    where = f"{REGISTER}: copies[{n}]"
    if not isinstance(item, dict) or not isinstance(item.get("copy"), int) or isinstance(item.get("copy"), bool) \
            or not isinstance(item.get("issued_to"), str) or not isinstance(item.get("documents"), list):
        raise UsageError(f"{where}: needs `copy` (a number), `issued_to` and `documents`")
    docs = []
    for d in item["documents"]:
        if not isinstance(d, dict) or not isinstance(d.get("id"), str) or not isinstance(d.get("revision"), int):
            raise UsageError(f"{where}: each document needs `id`, `revision` and `digest`")
        docs.append(Printed(d["id"], d["revision"], str(d.get("digest", ""))))
    return Issue(Copy(item["copy"], item["issued_to"]), str(item.get("issued_at", "")), str(item.get("issued_by", "")),
                 tuple(docs))


def record(root: Path, copy: Copy, entries: Sequence[Entry], issued_by: str, at: dt.datetime) -> Path:
    """Append one issue to the register (created if missing); returns its path."""
    issues = load(root)
    path = root / REGISTER
    items = [_plain(i) for i in issues]
    items.append(_plain(Issue(copy, at.strftime("%Y-%m-%dT%H:%M:%SZ"), issued_by,
                              tuple(Printed(e.id, e.doc.revision, e.doc.digest) for e in entries))))
    text = HEADER + yaml.safe_dump({"copies": items}, sort_keys=False, allow_unicode=True, width=120)
    write_atomic(path, text.encode("utf-8"))
    return path


def _plain(issue: Issue) -> dict[str, Any]:
    return {"copy": issue.copy.number, "issued_to": issue.copy.holder, "issued_at": issue.issued_at,
            "issued_by": issue.issued_by,
            "documents": [{"id": d.id, "revision": d.revision, "digest": d.digest} for d in issue.documents]}


def holdings(issues: Sequence[Issue], pub: Publication) -> list[Holding]:
    """Copy N of each document as its latest issue left it, in copy-number and id order."""
    latest: dict[tuple[int, str], tuple[Issue, Printed]] = {}
    for issue in issues:
        for printed in issue.documents:
            latest[(issue.copy.number, printed.id)] = (issue, printed)
    return [Holding(issue, judge(printed, pub)) for _, (issue, printed) in sorted(latest.items())]
