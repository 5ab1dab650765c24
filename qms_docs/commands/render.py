"""`qms render --out DIR`: the manual as in force, as a plain Markdown tree with its own mkdocs.yml.

The tree needs no qms plugin: `mkdocs build` (MkDocs 1.x, theme material, search) or any builder that
reads an MkDocs 1.x configuration (Zensical) builds it. The pages are exactly those the plugin
publishes (`qms_docs.publishing.render`). Its mkdocs.yml is the repository's (theme, Markdown extensions, site
settings) with `docs_dir: docs`, the plugins reduced to search (and offline), the theme override that marks
superseded and upcoming pages `noindex`, the site's stylesheet and script, and the generated navigation.

The tree is built where no guard runs, so its mkdocs.yml holds only values render understands: plain YAML,
`!ENV` resolved to its value now (as a build would), and `!!python/name:` of the Markdown extensions' own
functions (PYTHON_NAMES: the emoji index, fence formats). Any other tag (`!!python/name:` of anything else,
`!!python/object`, `!relative`, a custom tag) is refused with exit 2, naming the key.

DIR must be empty or absent, or hold an earlier render (its `.qms-render` marker): the tree is written
beside it and renamed into place, so DIR never holds half a manual."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml

from qms_docs import clock
from qms_docs.commands import publish
from qms_docs.errors import ConfigError, IOFailure, UsageError
from qms_docs.mkdocs_plugin import assets, guard
from qms_docs.publishing import render
from qms_docs.publishing import selection as publishing

MARKER = ".qms-render"
DOCS, OVERRIDES = "docs", "overrides"
DROPPED = ("docs_dir", "site_dir", "hooks", "INHERIT", "exclude_docs", "draft_docs", "not_in_nav", "watch",
           "validation")
KEPT_PLUGINS = ("search", "material/search", "offline", "material/offline")


def run(root: Path, out: Path) -> str:
    """Write the tree into `out`; returns the warnings and the summary line."""
    data = _repository_config(root)
    refuse_tags({k: v for k, v in data.items() if k not in DROPPED} if isinstance(data, dict) else data)
    cfg = publish.load(root)  # after the tags are judged: loading imports what `!!python/name:` names
    pub = publishing.select(root, clock.today())
    refused = list(guard.refusals(cfg, pub.root, pub.root / pub.config.documents_dir, ()))
    if refused:
        raise ConfigError(f"{publish.CONFIG_FILE}: {'; '.join(refused)}")
    qms = cfg.plugins.get("qms")
    nav_max = qms.config.nav_documents_max if qms is not None else render.Options("").nav_documents_max
    options = render.Options(cfg.site_name, cfg.use_directory_urls, nav_max, tuple(cfg.markdown_extensions),
                             dict(cfg.mdx_configs))
    manual = render.render(pub, options)
    site = site_config(data, manual, keep_nav=qms is not None and not qms.config.nav)
    _write(out, manual, site, pub.head)
    warnings = "".join(f"warning: {p}\n" for p in (*pub.problems, *manual.problems))
    return (f"{warnings}rendered {len(pub.documents)} documents in force on {pub.today} "
            f"({len(manual.pages)} pages) to {out}; build it with `mkdocs build -f {out / 'mkdocs.yml'}`")


def _repository_config(root: Path) -> Any:
    """mkdocs.yml as data, tags kept; None when it cannot be read (MkDocs' own loading then says why)."""
    try:
        return yaml.load((root / publish.CONFIG_FILE).read_text(encoding="utf-8", errors="replace"), Loader=_Keep)  # noqa: S506
    except (OSError, yaml.YAMLError):
        return None


def site_config(data: Any, manual: render.Manual, keep_nav: bool) -> dict[str, Any]:
    """The tree's mkdocs.yml from the repository's, as data."""
    site = {k: v for k, v in (data if isinstance(data, dict) else {}).items() if k not in DROPPED}
    site["docs_dir"] = DOCS
    plugins = site.get("plugins") or []
    kept = [p for p in plugins if _plugin_name(p) in KEPT_PLUGINS] if isinstance(plugins, list) else []
    site["plugins"] = kept or ["search"]
    theme = site.get("theme")
    site["theme"] = {**(theme if isinstance(theme, dict) else {"name": theme or "material"}), "custom_dir": OVERRIDES}
    site["extra_css"] = [*(site.get("extra_css") or []), assets.CSS_URI]
    site["extra_javascript"] = [assets.JS_URI]
    if not keep_nav:
        site["nav"] = [dict(item) for item in manual.nav]
    site["not_in_nav"] = "".join(f"/{uri}\n" for uri in sorted({_folder(p.uri) for p in manual.pages if not p.in_nav}))
    return site


def _folder(uri: str) -> str:
    """The superseded revisions by their folder (one pattern, not thousands); other pages by name."""
    return render.SUPERSEDED_DIR + "/" if uri.startswith(render.SUPERSEDED_DIR + "/") else uri


def _plugin_name(entry: Any) -> str:
    return str(next(iter(entry))) if isinstance(entry, dict) and entry else str(entry)


def _write(out: Path, manual: render.Manual, site: dict[str, Any], head: str | None) -> None:
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).is_file())):
        raise UsageError(f"{out}: not empty and not an earlier `qms render` output; choose an empty folder")
    parent = out.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".qms-render-", dir=parent))
        try:
            _fill(tmp, manual, site, head)
            old = parent / (tmp.name + "-old")
            if out.exists():
                os.replace(out, old)
            os.replace(tmp, out)
            shutil.rmtree(old, ignore_errors=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    except OSError as e:
        raise IOFailure(f"{out}: cannot write the rendered manual: {e.strerror or e}") from None


def _fill(tmp: Path, manual: render.Manual, site: dict[str, Any], head: str | None) -> None:
    docs = tmp / DOCS
    for uri, data in [*((p.uri, p.text.encode("utf-8")) for p in manual.pages), *((a.uri, a.data) for a in manual.files)]:
        path = (docs / uri).resolve()
        if not path.is_relative_to(docs.resolve()):
            raise ConfigError(f"{uri}: outside the rendered tree; not written")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    shutil.copytree(render.THEME_DIR, tmp / OVERRIDES)
    header = (f"# Written by `qms render` from commit {head or '(none)'} on {clock.today()}: the manual as in force.\n"
              f"# Build it with `mkdocs build` (MkDocs 1.x) or another builder of MkDocs 1.x configurations.\n")
    (tmp / "mkdocs.yml").write_text(header + yaml.dump(site, Dumper=_Dump, allow_unicode=True, sort_keys=False),
                                    encoding="utf-8")
    (tmp / MARKER).write_text(f"{head or ''}\n", encoding="utf-8")


PYTHON_NAMES = ("material.extensions.emoji.", "pymdownx.")  # `!!python/name:` targets kept (functions of extensions)


def refuse_tags(data: Any, key: str = "") -> None:
    """UsageError naming the first key whose value carries a tag render does not understand."""
    if isinstance(data, _Tagged):
        target = data.tag.removeprefix("tag:yaml.org,2002:python/name:")
        if target == data.tag or not target.startswith(PYTHON_NAMES) or data.value not in ("", None):
            raise UsageError(f"{publish.CONFIG_FILE}: {key or 'the document'} is tagged {_shown(data.tag)}; `qms render` "
                             f"writes only plain values into the tree's mkdocs.yml (and `!ENV`, and `!!python/name:` "
                             f"of {', '.join(p + '*' for p in PYTHON_NAMES)}): write a plain value, or publish with the "
                             f"qms plugin (`qms publish`)")
    elif isinstance(data, dict):
        for name, value in data.items():
            refuse_tags(name, key or "a key")
            refuse_tags(value, f"{key} > {name}" if key else str(name))
    elif isinstance(data, list):
        for n, value in enumerate(data):
            refuse_tags(value, f"{key}[{n}]")


def _shown(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


class _Tagged:
    """A YAML value with a tag (`!!python/name:…`, `!ENV`), kept to be written back as it was."""

    def __init__(self, tag: str, node: yaml.Node, value: Any):
        self.tag, self.node, self.value = tag, node, value


class _Keep(yaml.SafeLoader):
    """Reads mkdocs.yml without running anything; tags are kept as `_Tagged`, not constructed."""


def _keep(loader: _Keep, suffix: str, node: yaml.Node) -> _Tagged:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return _Tagged(node.tag, node, value)


for _prefix in ("!", "tag:yaml.org,2002:python/"):
    _Keep.add_multi_constructor(_prefix, _keep)
def _env(loader: _Keep, node: yaml.Node) -> Any:
    """`!ENV VAR` or `!ENV [VAR, ..., default]` as MkDocs reads it (pyyaml-env-tag): the first variable set,
    typed as YAML would type it, else the default (a scalar's default: None)."""
    names, default = [node], None
    if isinstance(node, yaml.SequenceNode):
        names = node.value[:-1] if len(node.value) > 1 else node.value
        default = loader.construct_object(node.value[-1]) if len(node.value) > 1 else None
    for name in names:
        value = os.environ.get(str(loader.construct_scalar(name))) if isinstance(name, yaml.ScalarNode) else None
        if value is not None:
            tag = loader.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
            return loader.construct_object(yaml.ScalarNode(tag, value))
    return default


_Keep.add_constructor("!ENV", _env)  # resolved now, to a plain value


class _Dump(yaml.SafeDumper):
    pass


def _represent(dumper: _Dump, data: _Tagged) -> yaml.Node:
    if isinstance(data.node, yaml.ScalarNode):
        return dumper.represent_scalar(data.tag, data.value)
    if isinstance(data.node, yaml.SequenceNode):
        return dumper.represent_sequence(data.tag, data.value)
    return dumper.represent_mapping(data.tag, data.value)


_Dump.add_representer(_Tagged, _represent)
