"""QMS070-QMS074: translations (SPEC 8), judged in one snapshot.

A static snapshot knows the source's current revision and digest only. So QMS072 here checks a link to
the source's current revision (digest) and to a revision it does not have yet; a link to an older
revision is checked against the history by `qms translations`, which reads every approved revision of
the source (state `broken`). QMS070 and QMS071 judge "in force" as a snapshot can (approved, effective
date come); `qms translations` gives the answer from the verified history."""

from __future__ import annotations

import datetime as dt
import posixpath
from collections.abc import Iterator

from qms_docs.config import LANGUAGE_RE
from qms_docs.model.document import Document, Status, document_key
from qms_docs.rules.base import Context, Hit, each_document
from qms_docs.snapshot import Snapshot


def in_force(doc: Document, today: dt.date) -> bool:
    """Approved and effective by today, as one snapshot can tell (signatures are QMS020-QMS023's)."""
    return doc.status is Status.APPROVED and doc.effective_date is not None and doc.effective_date <= today


def in_language(doc: Document, lang: str | None) -> bool:
    """Whether a document is the source (lang None) or the translation into `lang`."""
    return doc.is_translation == bool(lang) and (not lang or doc.language == lang)


def translation_states(snapshot: Snapshot, today: dt.date) -> dict[str, dict[str, str]]:
    """Source id -> language -> current, stale, pending, missing or broken, as this snapshot shows them
    (`qms translations` answers from the verified history)."""
    translated = {d.key: d for d in snapshot.documents if d.is_translation}
    out: dict[str, dict[str, str]] = {}
    for source in snapshot.documents:
        if source.is_translation or not source.id:
            continue
        out[source.id] = {lang: _state(source, translated.get(document_key(source.id, lang)), today)
                          for lang in snapshot.config.languages.available}
    return out


def _state(source: Document, doc: Document | None, today: dt.date) -> str:
    link = doc.translation_of if doc is not None else None
    if doc is None or (link is None and doc.status is not Status.APPROVED):
        return "missing"
    if link is None or (link.revision == source.revision and link.digest != source.digest) \
            or link.revision > (source.revision or 0):
        return "broken"
    if doc.status is not Status.APPROVED:
        return "pending" if (doc.revision or 1) >= 2 else "missing"
    if link.revision < (source.revision or 0) and in_force(source, today):
        return "stale"
    return "current"


def translation_file(source_path: str, language: str) -> str:
    """Where the translation of a source file into `language` lives: beside it, NAME.LANG.md."""
    return f"{source_path.removesuffix('.md')}.{language}.md"


def source_of(doc: Document, ctx: Context) -> Document | None:
    return ctx.snapshot.find(doc.id) if doc.id else None


@each_document
def malformed_translation(doc: Document, ctx: Context) -> Iterator[Hit]:
    """QMS073: `language` or `translation_of` is malformed, or names a language qms.yml does not offer."""
    languages = ctx.config.languages
    if not doc.is_translation:
        if doc.language and doc.language != languages.default:
            yield Hit(doc.path, doc.line_of("language"),
                      f"language {doc.language} is not the default language ({languages.default}): a translation "
                      f"names the source revision it translates with translation_of (start one with "
                      f"`qms translate {doc.id or 'ID'} --lang {doc.language}`)")
        return
    if doc.translation_of is None or not doc.translation_of.digest.startswith("sha256:"):
        yield Hit(doc.path, doc.line_of("translation_of"),
                  "`translation_of` must be {revision: N, digest: sha256:...} of the source revision translated")
    if doc.language is None or not LANGUAGE_RE.match(doc.language):
        yield Hit(doc.path, doc.line_of("language") if "language" in doc.meta else 1,
                  "a translation needs `language`, a BCP 47 tag such as nb or tr")
    elif doc.language == languages.default:
        yield Hit(doc.path, doc.line_of("language"),
                  f"{doc.language} is the default language: the source is in it, a translation is not")
    elif doc.language not in languages.available:
        offered = ", ".join(languages.available) or "none"
        yield Hit(doc.path, doc.line_of("language"),
                  f"language {doc.language} is not in languages.available of qms.yml ({offered})")


@each_document
def misnamed_translation(doc: Document, ctx: Context) -> Iterator[Hit]:
    """QMS074: a translation's file is not NAME.LANG.md beside its source, or a source is named like one."""
    if not doc.is_translation:
        stem = posixpath.basename(doc.path).removesuffix(".md")
        suffix = stem.rpartition(".")[2] if "." in stem else ""
        if suffix in ctx.config.languages.available:
            yield Hit(doc.path, 1, f"the file is named like a translation into {suffix} but has no translation_of")
        return
    source = source_of(doc, ctx)
    if source is None or not doc.language:
        return
    expected = translation_file(source.path, doc.language)
    if doc.path != expected:
        yield Hit(doc.path, 1, f"a translation sits beside its source as {expected}")


@each_document
def broken_link(doc: Document, ctx: Context) -> Iterator[Hit]:
    """QMS072: `translation_of` names no revision of the source, or its digest is not that revision's."""
    link = doc.translation_of if doc.is_translation else None
    if link is None or not doc.id:
        return
    source = source_of(doc, ctx)
    line = doc.line_of("translation_of")
    if source is None:
        yield Hit(doc.path, line, f"translation of {doc.id}, but there is no source document {doc.id}")
    elif source.revision is not None and link.revision > source.revision:
        yield Hit(doc.path, line, f"translation_of names revision {link.revision} of {doc.id}, which has "
                                  f"revisions up to {source.revision} only")
    elif link.revision == source.revision and link.digest != source.digest:
        yield Hit(doc.path, line, f"translation_of names revision {link.revision} of {doc.id} with digest "
                                  f"{link.digest[:19]}..., but that revision's digest is {source.digest[:19]}... "
                                  f"(the source changed after the translation was started)")


@each_document
def stale_translation(doc: Document, ctx: Context) -> Iterator[Hit]:
    """QMS070: the source has a newer revision in force than the one the translation translates."""
    link = doc.translation_of if doc.is_translation else None
    source = source_of(doc, ctx) if link is not None else None
    if link is None or source is None or source.revision is None or not in_force(source, ctx.today):
        return
    if link.revision < source.revision:
        yield Hit(doc.path, doc.line_of("translation_of"),
                  f"stale: translates revision {link.revision} of {doc.id}, but revision {source.revision} is in "
                  f"force since {source.effective_date}; update it with "
                  f"`qms revise {doc.id} --lang {doc.language} --source-revision -m SUMMARY`")


def missing_translation(ctx: Context) -> Iterator[Hit]:
    """QMS071: a language in languages.required has no approved translation of a document in force."""
    required = ctx.config.languages.required
    if not required:
        return
    translated: dict[tuple[str, str], Document] = {}
    for doc in ctx.snapshot.documents:
        if doc.is_translation and doc.id and doc.language:
            translated[doc.id, doc.language] = doc
    for doc in ctx.snapshot.documents:
        if doc.is_translation or not doc.id or not in_force(doc, ctx.today):
            continue
        for language in required:
            found = translated.get((doc.id, language))
            # a translation past revision 1 was approved before (its history says which revision is in force)
            if found is None or (found.status is not Status.APPROVED and (found.revision or 1) < 2):
                what = "no translation" if found is None else f"only a {found.status or 'draft'} translation"
                yield Hit(doc.path, doc.line_of("id"),
                          f"{language} is a required language but {doc.id} has {what} approved in it "
                          f"(`qms translate {doc.id} --lang {language}`)")
