"""`qms copies [--outstanding] [--format text|json]`: the controlled copies issued, for recall.

Copy N of each document is what its latest issue in `records/controlled-copies.yml` says; a copy is
outstanding when that revision is no longer in force today (superseded, withdrawn, or unknown)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from qms_docs import publishing
from qms_docs.pdf import copies
from qms_docs.pdf.manifest import Verdict


def run(root: Path, today: dt.date, outstanding: bool, fmt: str) -> tuple[int, str]:
    issues = copies.load(root)
    held = copies.holdings(issues, publishing.select(root, today)) if issues else []
    if outstanding:
        held = [h for h in held if h.judgement.verdict is not Verdict.IN_FORCE]
    rows = [{"copy": h.issue.copy.number, "issued_to": h.issue.copy.holder, "id": h.judgement.printed.id,
             "revision": h.judgement.printed.revision, "issued_at": h.issue.issued_at, "issued_by": h.issue.issued_by,
             "status": h.judgement.verdict.value, "detail": h.judgement.detail} for h in held]
    if fmt == "json":
        return 0, json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    if not rows:
        none = "no outstanding controlled copy: every copy holds the revision in force" if outstanding else \
            f"no controlled copy has been issued ({copies.REGISTER} lists none)"
        return 0, none + "\n"
    lines = [f"copy {r['copy']} ({r['issued_to']}): {r['id']} revision {r['revision']}, issued {r['issued_at']}: "
             f"{r['status']}" + ("" if r["status"] == Verdict.IN_FORCE.value else f": {r['detail']}") for r in rows]
    return 0, "\n".join(lines) + "\n"
