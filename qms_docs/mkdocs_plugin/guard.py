"""What mkdocs.yml may configure: nothing that puts content on pages that did not come from a
revision in force.

mkdocs.yml is a guarded file (QMS014), and the plugin checks it again at every build, so a
configuration that slipped in (or a local edit) cannot widen what the site shows. Refused:
- `docs_dir` other than qms.yml's `documents_dir`;
- plugins other than `search`, `offline` and `qms` (others read files, page metadata or the web);
- `hooks:` outside the installed qms-docs package (a hook is Python that rewrites any page);
- a theme `custom_dir` inside the repository (its templates and files are not controlled documents;
  branding belongs in a theme package);
- Markdown extensions that read files at build time (`pymdownx.snippets` at all: even in the tree
  it reads the working copy, not the revision in force; `pymdownx.b64`, include extensions);
- `extra_javascript` (a script can put anything on any page) and `extra_templates`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

import qms_docs

PLUGINS = ("search", "offline", "qms")  # also as material/search, material/offline
FILE_READING_EXTENSIONS = frozenset({"pymdownx.snippets", "pymdownx.b64", "markdown_include.include", "mdx_include",
                                     "markdown_include"})
PACKAGE = Path(qms_docs.__file__).resolve().parent


def refusals(config: Any, root: Path, documents_dir: Path, own_scripts: tuple[str, ...]) -> Iterator[str]:
    """One sentence for each part of the MkDocs `config` that the plugin refuses."""
    if Path(config.docs_dir).resolve() != documents_dir.resolve():
        yield (f"docs_dir is {config.docs_dir}, but qms.yml's documents_dir is {documents_dir}; "
               f"set `docs_dir: {documents_dir.relative_to(root)}` in mkdocs.yml")
    hooks = set(config.hooks or {})
    for name in config.plugins:
        if name in hooks:
            continue
        if name.removeprefix("material/") not in PLUGINS:
            yield (f"plugin `{name}` is not allowed on a controlled site (it could add content that no "
                   f"revision in force holds); allowed: {', '.join(PLUGINS)}")
    for path in config.hooks or {}:
        yield from _hook(Path(path))
    custom = Path(config.theme.custom_dir).resolve() if config.theme.custom_dir else None
    if custom and custom.is_relative_to(root.resolve()):
        yield (f"theme custom_dir {custom.relative_to(root.resolve())} is inside the repository: its templates and files are not "
               f"controlled documents; use a theme package instead")
    for name in config.markdown_extensions:
        if isinstance(name, str) and name.split(":")[0] in FILE_READING_EXTENSIONS:
            yield (f"markdown extension `{name}` reads files at build time: a page would show text that "
                   f"no revision in force holds")
    scripts = [str(s) for s in config.extra_javascript if str(s) not in own_scripts]
    if scripts:
        yield f"extra_javascript ({', '.join(scripts)}) is not allowed: a script can put anything on any page"
    if config.extra_templates:
        yield f"extra_templates ({', '.join(map(str, config.extra_templates))}) are not allowed"



class _Tolerant(yaml.SafeLoader):
    """Reads mkdocs.yml without running anything: every tag is kept as a marker, not constructed."""


def _tagged(loader: _Tolerant, suffix: str, node: yaml.Node) -> str:
    return f"!{node.tag}"


_Tolerant.add_multi_constructor("", _tagged)
_Tolerant.add_multi_constructor("!", _tagged)
_Tolerant.add_multi_constructor("tag:yaml.org,2002:python/", _tagged)
RUNS_CODE = ("tag:yaml.org,2002:python/object", "tag:yaml.org,2002:python/module")


def before_loading(text: str, root: Path) -> Iterator[str]:
    """What must be refused before MkDocs loads mkdocs.yml: loading it already runs hooks and
    `!!python/object` tags, and INHERIT would bring in an unguarded file."""
    try:
        data = yaml.load(text, Loader=_Tolerant)  # noqa: S506 (a SafeLoader that constructs no tag)
        values = list(_scalars(data))
    except (yaml.YAMLError, RecursionError):
        return  # MkDocs reports the syntax error with its position
    for value in values:
        if value.startswith(tuple("!" + tag for tag in RUNS_CODE)):
            tag = value[1:].replace("tag:yaml.org,2002:", "!!")
            yield f"the tag {tag} runs Python while the configuration is read; it is not allowed"
    if isinstance(data, dict) and "INHERIT" in data:
        yield "INHERIT reads settings from another file, which is not guarded as mkdocs.yml is; merge it in"
    hooks = data.get("hooks") if isinstance(data, dict) else None
    for path in hooks if isinstance(hooks, list) else []:
        yield from _hook(root / str(path))


def _hook(path: Path) -> Iterator[str]:
    if not path.resolve().is_relative_to(PACKAGE):
        yield f"hook {path} is not part of the installed qms-docs package; hooks can rewrite any page"


def _scalars(data: object, seen: set[int] | None = None) -> Iterator[str]:
    """Every string in `data`; each shared (aliased) container once, so `&a [*b, *b, …]` stays linear."""
    seen = set() if seen is None else seen
    if isinstance(data, dict | list):
        if id(data) in seen:
            return
        seen.add(id(data))
        for item in (x for pair in data.items() for x in pair) if isinstance(data, dict) else data:
            yield from _scalars(item, seen)
    elif isinstance(data, str):
        yield data
