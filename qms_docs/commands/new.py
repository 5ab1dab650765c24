"""`qms new TYPE TITLE`: a draft at revision 1 with the next free id of that type."""

from __future__ import annotations

import re
import string
from collections import Counter
from importlib import resources
from pathlib import Path

import yaml

from qms_docs import snapshot
from qms_docs.config import Config, DocType, load_config
from qms_docs.errors import UsageError
from qms_docs.files import write_atomic
from qms_docs.gitio import repo as gitrepo
from qms_docs.gitio import runner


def next_id(doc_type: DocType, used: set[str]) -> str:
    numbers = [int(i.rsplit("-", 1)[1]) for i in used if doc_type.id_pattern.match(i)]
    return f"{doc_type.prefix}-{max(numbers, default=0) + 1:03d}"


def ids_on_branches(root: Path, doc_type: DocType, documents_dir: str) -> set[str]:
    """The ids of the type that any local or remote-tracking branch already uses (in a document's
    `id:` line or its file name), so that parallel branches never create the same next id.

    Three git processes however many branches: the branch tips, their documents folders (branches
    that agree there are read once), and one `git grep` over those folders."""
    if not (root / ".git").exists():
        return set()
    tips = runner.git(root, "for-each-ref", "--format=%(objectname)", "refs/heads", "refs/remotes", check=False)
    specs = "".join(f"{tip}:{documents_dir}\n" for tip in sorted(set(tips.decode().split())))
    if not specs:
        return set()
    found = runner.git(root, "cat-file", "--batch-check=%(objecttype) %(objectname)", input=specs.encode(), check=False)
    trees = sorted({line.split()[1] for line in found.decode().splitlines() if line.startswith("tree ")})
    if not trees:
        return set()
    pattern = rf"^id:[[:space:]]*[\"']?{doc_type.prefix}-[0-9]"
    out = runner.git(root, "grep", "-I", "-E", "--no-color", "-e", pattern, *trees, check=False)
    return set(re.findall(rf"\b{doc_type.prefix}-[0-9]{{3,}}\b", out.decode("utf-8", "replace")))


def folder_for(doc_type: DocType, snap: snapshot.Snapshot, config: Config) -> str:
    """The folder most documents of the type already live in, else the type's plural."""
    folders = Counter(str(Path(d.path).parent) for d in snap.documents if d.type == doc_type.name)
    if folders:
        return folders.most_common(1)[0][0]
    plural = doc_type.name[:-1] + "ies" if doc_type.name.endswith("y") else doc_type.name + "s"
    return f"{config.documents_dir}/{plural}"


def slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60].strip("-") or "document"


def body_for(type_name: str, title: str) -> str:
    folder = resources.files("qms_docs.templates").joinpath("new")
    source = folder.joinpath(f"{type_name}.md")
    text = (source if source.is_file() else folder.joinpath("generic.md")).read_text(encoding="utf-8")
    return string.Template(text).safe_substitute(title=title)


def render(front: dict[str, object], body: str) -> str:
    fm = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, default_flow_style=None, width=1000)
    return f"---\n{fm}---\n{body}"


def run(root: Path, type_name: str, title: str) -> Path:
    """Create the draft; return its path."""
    config = load_config(root)
    doc_type = config.types.get(type_name)
    if doc_type is None:
        raise UsageError(f"unknown type {type_name!r}; qms.yml defines: {', '.join(config.types)}")
    title = " ".join(title.split())
    if not title:
        raise UsageError("the title must not be empty")
    snap = snapshot.from_worktree(root, config)
    folder = root / config.documents_dir
    names = " ".join(p.name for p in folder.rglob("*.md")) if folder.is_dir() else ""  # unparsable files too
    used = {d.id for d in snap.documents if d.id} | set(re.findall(rf"\b{doc_type.prefix}-[0-9]{{3,}}", names)) \
        | ids_on_branches(root, doc_type, config.documents_dir)
    doc_id = next_id(doc_type, used)
    name, email = gitrepo.identity(root) if (root / ".git").exists() else (None, None)
    owner = f"{name} <{email}>" if name and email else (name or doc_type.approvers[-1])
    front: dict[str, object] = {"id": doc_id, "title": title, "type": type_name, "revision": 1,
                                "status": "draft", "owner": owner, "clauses": [], "references": [],
                                "approvals": []}
    path = root / folder_for(doc_type, snap, config) / f"{doc_id}-{slug(title)}.md"
    write_atomic(path, render(front, body_for(type_name, title)).encode("utf-8"), create=True)
    return path
