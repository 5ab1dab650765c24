"""`qms verify-pdf FILE`: is each document in this PDF still the revision in force?

Reads the manifest a `qms pdf` file carries and compares every document (id, revision, digest) with
today's selection (`publishing.select`, the site's). Exit 0 when all are in force; 1 when any is
superseded, withdrawn or unknown, or the PDF carries no manifest; 2 when the file cannot be read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from qms_docs.errors import io_error
from qms_docs.publishing import languages
from qms_docs.publishing import selection as publishing
from qms_docs.publishing.pdf import manifest


def run(root: Path, file: Path, today: dt.date) -> tuple[int, str]:
    try:
        data = file.read_bytes()
    except OSError as e:
        raise io_error(e) from None
    raw = manifest.read_pdf(data)
    if raw is None:
        return 1, f"{file}: unknown: no qms manifest ({manifest.NAME}) in this PDF; it is no controlled qms-docs print\n"
    printed = manifest.parse(raw)
    pub = publishing.select(root, today)
    sites = {lang: languages.localize(pub, lang) for lang in languages.site_languages(pub)}  # translations
    judgements = [manifest.judge(p, sites.get(p.language or "", pub)) for p in printed.documents]
    lines = [f"{file}: printed {printed.printed_at or 'at an unknown time'} from commit "
             f"{(printed.source_commit or 'unknown')[:12]}; {len(judgements)} documents"]
    lines += [f"{j.printed.id} revision {j.printed.revision}: {j.verdict.value}: {j.detail}" for j in judgements]
    ok = bool(judgements) and all(j.verdict is manifest.Verdict.IN_FORCE for j in judgements)
    lines.append("every document is the revision in force" if ok else
                 "NOT CURRENT: recall or destroy this copy; print the revision in force")
    return (0 if ok else 1), "\n".join(lines) + "\n"
