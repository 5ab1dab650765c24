"""What the commit being made changes: read from one `git diff --cached --raw` and only the blobs it names.

Shared by the pre-commit and commit-msg hooks; honours the GIT_INDEX_FILE git sets for hooks."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from qms_docs.config import CONFIG_FILE, Config, parse_config
from qms_docs.errors import ConfigError, DocumentError, QmsError
from qms_docs.files import write_atomic
from qms_docs.gitio import changes, runner
from qms_docs.gitio.log import Change
from qms_docs.gitio.snapshots import INDEX
from qms_docs.model.document import Document
from qms_docs.model.frontmatter import parse
from qms_docs.model.snapshot import Snapshot, is_document
from qms_docs.rules.config_change import guarded_files

ID_INDEX, MERGE_HEAD = "qms-id-index", "MERGE_HEAD"  # files in the git folder the pre-commit hook may read
_ID_LINE = re.compile(r"""^(id|status):[ \t]*(['"]?)([^'"#]*?)\2[ \t]*(?:#.*)?$""")


@dataclass(frozen=True)
class Staged:
    """The staged changes of controlled documents against HEAD, and the config to judge them with."""

    config: Config  # HEAD's qms.yml (the base), or the staged one when HEAD has none
    head: str | None
    changes: tuple[Change, ...]  # staged changes of documents
    config_changes: tuple[str, ...]  # guarded files the commit changes (qms.yml, allowed signers, mkdocs.yml, ...)
    documents: Snapshot  # the staged state of the changed documents
    base: Snapshot | None  # their state in HEAD
    git_files: Mapping[str, Path] = field(default_factory=dict)  # ID_INDEX, MERGE_HEAD -> where they are
    head_signers: bytes | None = None  # the allowed-signers file `config` names, as HEAD holds it

    def changed_ids(self) -> tuple[str, ...]:
        """Ids of the documents the commit changes (a deleted one by its id in HEAD)."""
        docs = self.documents.documents + (self.base.documents if self.base else ())
        return tuple(sorted({d.id for d in docs if d.id}))


def _config(reader: runner.BlobReader, spec: str, where: str) -> Config | None:
    data = reader.read(spec)
    if data is None:
        return None
    try:
        return parse_config(data.decode("utf-8"), f"{CONFIG_FILE} ({where})")
    except UnicodeDecodeError:
        raise ConfigError(f"{CONFIG_FILE} ({where}): not valid UTF-8") from None


def _parse(reader: runner.BlobReader, items: Iterable[tuple[str, str]]) -> tuple[list[Document], list[DocumentError]]:
    documents, broken = [], []
    for path, blob in items:
        try:
            data = reader.read(blob)
            documents.append(parse(data if data is not None else b"", path))
        except DocumentError as e:
            broken.append(e)
    return documents, broken


def read_staged(root: Path) -> Staged:
    """The staged document changes; a staged qms.yml is validated even though HEAD's judges the commit."""
    head, git_files = runner.head_and_git_paths(root, (ID_INDEX, MERGE_HEAD))
    diff = changes.changed_files(root, None, changes.INDEX)
    touched = set(x for c in diff for x in (c.old_path, c.path))
    with runner.BlobReader(root) as reader:
        try:
            base_config = _config(reader, "HEAD:" + CONFIG_FILE, "HEAD") if head else None
        except ConfigError:
            if CONFIG_FILE not in touched:
                raise
            base_config = None  # the commit repairs a broken qms.yml: judge it by the repaired one
        staged_config = _config(reader, ":" + CONFIG_FILE, "index") \
            if base_config is None or CONFIG_FILE in touched else None
        config = base_config or staged_config
        if config is None:
            raise ConfigError(f"{CONFIG_FILE}: not found in the index; run `qms init` to create one")
        folder = config.documents_dir
        docs = tuple(c for c in diff if is_document(c.path, folder) or is_document(c.old_path, folder))
        new = _parse(reader, ((c.path, c.blob) for c in docs if c.status != "D" and is_document(c.path, folder)))
        old = _parse(reader, ((c.old_path, c.old_blob) for c in docs if c.status in "MDRT"
                              and is_document(c.old_path, folder))) if head else ([], [])
        # read while the reader is open (a second cat-file costs more than a blob the hook may not need)
        signers = reader.read(f"HEAD:{config.signing.allowed_signers}") if head else None
    return Staged(config, head, docs, tuple(p for p in guarded_files(config) if p in touched),
                  Snapshot(INDEX, config, tuple(new[0]), tuple(new[1])),
                  Snapshot("HEAD", config, tuple(old[0]), tuple(old[1]), head) if head else None, git_files, signers)


def _front_ids(data: bytes) -> tuple[str | None, str | None]:
    """(id, status) from the top-level `id:` and `status:` lines of a file's front matter."""
    lines = data.decode("utf-8", "replace").splitlines()
    found: dict[str, str] = {}
    for line in lines[1:] if lines and lines[0].rstrip() == "---" else ():
        if line.rstrip() == "---":
            break
        match = _ID_LINE.match(line.rstrip("\r"))
        if match and match.group(3).strip():
            found.setdefault(match.group(1), match.group(3).strip())
    return found.get("id"), found.get("status")


def id_index(root: Path, config: Config, cache_file: Path | None = None) -> dict[str, tuple[str | None, str | None]]:
    """path -> (id, status) of every staged document, read from their `id:` and `status:` lines.

    Enough for duplicate ids and unknown references without parsing every document (an id written
    in an unusual YAML form, an alias or a multi-line scalar, is missed). Results are kept per blob
    id in the git folder (`qms-id-index`), so a commit reads only the blobs it has not seen before."""
    entries = [(p, oid) for p, oid in runner.list_index(root, config.documents_dir) if is_document(p, config.documents_dir)]
    cache_file = cache_file or runner.git_path(root, ID_INDEX)
    cache: dict[str, tuple[str | None, str | None]] = {}
    with contextlib.suppress(OSError):
        for line in cache_file.read_text(encoding="utf-8").splitlines():
            oid, doc_id, status = (line.split("\t") + ["", ""])[:3]
            cache[oid] = (doc_id or None, status or None)
    missing = [oid for _, oid in entries if oid not in cache]
    if missing:
        with runner.BlobReader(root) as reader:
            cache.update((oid, _front_ids(reader.read(oid) or b"")) for oid in missing)
        text = "".join(f"{oid}\t{cache[oid][0] or ''}\t{cache[oid][1] or ''}\n" for oid in dict.fromkeys(o for _, o in entries))
        with contextlib.suppress(OSError, QmsError):  # only a cache: a read-only git folder is fine
            write_atomic(cache_file, text.encode("utf-8"))
    return {path: cache[oid] for path, oid in entries}
