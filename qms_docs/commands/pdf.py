"""`qms pdf ID | --manual [--out FILE] [--as-of DATE] [--copy-no N --issued-to NAME [--commit]]`.

The PDF shows what the site shows: `publishing.select()` on the day printed (`--as-of`, default
today), rendered through the site's templates. A document with no revision in force on that day is
refused (exit 1). A revision printed with `--as-of` that is not the one in force today carries a
SUPERSEDED or NOT YET IN FORCE watermark. A controlled copy is recorded in the register before the
PDF is written, so no controlled copy exists that the register does not list. The manual is laid
out in two parts at once where the machine has two cores (`publishing.pdf.parallel`): the same PDF,
in less wall time.

`--lang L` prints what the site of language L shows (SPEC 8): per document its translation in force in
L, else the source marked "not translated", with L's labels; a stale translation carries its notice."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml

from qms_docs.errors import QmsError, UsageError
from qms_docs.files import write_atomic
from qms_docs.gitio import runner
from qms_docs.mkdocs_plugin import attachments
from qms_docs.publishing import languages
from qms_docs.publishing import selection as publishing
from qms_docs.publishing.labels import speaking
from qms_docs.publishing.pdf import compose, copies, manifest, parallel, render
from qms_docs.publishing.pdf.fetcher import image_type
from qms_docs.publishing.selection import Entry, Publication


@dataclass(frozen=True)
class Request:
    doc_id: str | None
    manual: bool
    out: Path | None
    lang: str | None = None
    as_of: dt.date | None = None
    copy: compose.Copy | None = None
    commit: bool = False


def check_request(request: Request) -> None:
    """Usage errors (exit 2) before anything is read."""
    if request.manual == bool(request.doc_id):
        raise UsageError("give a document ID or --manual (one of them)")
    if request.commit and request.copy is None:
        raise UsageError("--commit records a controlled copy: give --copy-no N --issued-to NAME")


def check_language(lang: str | None, pub: Publication) -> str:
    """The language to print: --lang names the sources' language or one of `languages.available` (exit 2)."""
    default = pub.config.languages.default
    if lang is None or lang == default:
        return default
    if lang not in languages.site_languages(pub):
        known = ", ".join((default, *languages.site_languages(pub)))
        raise UsageError(f"--lang {lang}: not a language of this manual (qms.yml languages: {known})")
    return lang


def organisation(root: Path) -> str:
    """The organisation printed in the head: mkdocs.yml's `site_name` (the site's own title), else
    the repository folder's name. Read safely; MkDocs' own tags (`!ENV`, `!relative`) are ignored."""
    try:
        raw = yaml.load((root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_TolerantLoader)  # noqa: S506
    except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError):
        raw = None
    name = raw.get("site_name") if isinstance(raw, dict) else None
    return " ".join(name.split()) if isinstance(name, str) and name.strip() else root.resolve().name


class _TolerantLoader(yaml.SafeLoader):
    """The safe loader; any tag it does not know (MkDocs' `!ENV`, a `!!python/...`) reads as nothing."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def chosen(pub: Publication, request: Request) -> list[Entry]:
    """The entries to print; QmsError (exit 1) when there is nothing in force to print."""
    if request.manual:
        if not pub.documents:
            raise QmsError(f"no document is in force on {pub.today}: there is no manual to print")
        return list(pub.documents)
    wanted = (request.doc_id or "").strip()
    entry = pub.by_id().get(wanted) or next((e for e in pub.documents if e.id.upper() == wanted.upper()), None)
    if entry is not None:
        return [entry]
    withdrawn = next((w for w in pub.archive if (w.doc.id or "").upper() == wanted.upper()), None)
    why = f"it was withdrawn on {withdrawn.withdrawn}" if withdrawn else "it has no approved, effective revision"
    raise QmsError(f"{wanted}: no revision is in force on {pub.today} ({why}); nothing was printed")


def images(pub: Publication, entries: list[Entry]) -> tuple[dict[str, bytes], list[str]]:
    """The raster images the printed revisions link to, from their commits, and what was refused."""
    found, problems = attachments.collect(pub.root, pub.config.documents_dir, entries, set())
    wanted = [a for a in found if image_type(a.uri)]
    return {a.uri: data for a, data in attachments.read(pub.root, wanted)}, problems


def run(root: Path, request: Request, today: dt.date, now: dt.datetime) -> str:
    """Render, record the copy (if any), write the PDF; returns what was done (warnings first)."""
    check_request(request)
    missing = render.weasyprint_missing()
    if missing:
        raise UsageError(missing)
    as_of = request.as_of or today
    pub = publishing.select(root, as_of)
    lang = check_language(request.lang, pub)
    current = pub if as_of == today else publishing.select(root, today)
    if lang != pub.config.languages.default:
        pub, current = languages.localize(pub, lang), languages.localize(current, lang)
    entries = chosen(pub, request)
    imprint = compose.Imprint(organisation(root), today, as_of, request.copy)
    pictures, problems = images(pub, entries)
    composer = compose.Composer(pub, entries, pictures, current.by_id(), imprint)
    data = manifest.build(entries, organisation=imprint.organisation, head=pub.head, printed_at=now, as_of=as_of,
                          copy=request.copy, kind="manual" if request.manual else "document", proofs=pub.proofs_of)
    with speaking(lang):
        stylesheet = compose.stylesheet(imprint)
        if not request.manual:
            rendered = render.render(compose.document(composer, entries[0]), stylesheet, pictures, data)
        else:
            rendered = parallel.manual(composer, pub.head, stylesheet, pictures, data)
    out = request.out or default_out(request, entries, as_of, lang if lang != pub.config.languages.default else None)
    lines = [f"warning: {p}" for p in (*problems, *rendered.refused)]
    if request.copy is not None:
        lines.append(_record(root, request, entries, now))
    write_atomic(out, rendered.data)
    what = f"the manual ({len(entries)} documents)" if request.manual else \
        f"{entries[0].id} revision {entries[0].doc.revision}"
    marks = sorted({compose.state_of(e, current.by_id(), as_of, today) for e in entries} - {compose.State.IN_FORCE})
    marked = f"; marked {', '.join(s.value.upper() for s in marks)}" if marks else ""
    lines.append(f"wrote {out}: {what} as in force on {as_of}, {rendered.pages} pages{marked}")
    return "\n".join(lines)


def default_out(request: Request, entries: list[Entry], as_of: dt.date, lang: str | None = None) -> Path:
    """`manual-DATE.pdf` or `ID-revN.pdf` in the current folder (`manual-DATE.nb.pdf`, `ID-revN.nb.pdf` for a
    translation's language; N is then the translation's revision)."""
    suffix = f".{lang}.pdf" if lang else ".pdf"
    return Path(f"manual-{as_of}{suffix}" if request.manual else f"{entries[0].id}-rev{entries[0].doc.revision}{suffix}")


def _record(root: Path, request: Request, entries: list[Entry], now: dt.datetime) -> str:
    assert request.copy is not None
    # Only a controlled copy needs these (GitPython and the edit lock: ~0.1 s of imports a plain print skips).
    from qms_docs.commands._documents import editing
    from qms_docs.gitio import commit as gitcommit
    from qms_docs.gitio import repo as gitrepo

    name, email = gitrepo.identity(root)
    if not name or not email:
        raise UsageError("a controlled copy is recorded as the git user: set user.name and user.email")
    with editing(root):
        path = copies.record(root, request.copy, entries, f"{name} <{email}>", now)
        if not request.commit:
            return (f"recorded controlled copy {request.copy.number} in {copies.REGISTER} "
                    f"(not committed: commit it, or use --commit)")
        message = f"Controlled copy {request.copy.number} issued to {request.copy.holder}"
        relative = path.relative_to(root).as_posix()
        runner.git(root, "add", "--", relative)  # a new register is not yet known to git
        sha = gitcommit.commit_file(root, relative, message, author=f"{name} <{email}>", sign=False)
    return f"recorded controlled copy {request.copy.number} in {copies.REGISTER}, commit {sha[:12]}"
