"""`qms publish`: build the site exactly as `mkdocs build` does with the repository's mkdocs.yml."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from qms_docs.errors import ConfigError, QmsError, UsageError
from qms_docs.mkdocs_plugin import HELD_BACK, guard

CONFIG_FILE = "mkdocs.yml"


class _Collect(logging.Handler):
    """Keeps what MkDocs and the qms plugin say (notes, warnings, errors), so it reaches the user once, as our own message."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def lines(self, level: int) -> list[str]:
        return [r.getMessage() for r in self.records if r.levelno >= level]

    def notes(self) -> list[str]:
        """What the qms plugin held back and why: the lines of its held-back logger (`mkdocs build` shows them too)."""
        return [r.getMessage().removeprefix("qms: ") for r in self.records if r.name == f"mkdocs.plugins.{HELD_BACK}"]


def run(root: Path, site_dir: Path | None) -> str:
    """Build the site into `site_dir` (default: mkdocs.yml's site_dir); returns the summary line."""
    from mkdocs.commands.build import build  # MkDocs costs 150 ms to import: only here
    from mkdocs.exceptions import Abort

    with _collected() as collect:
        cfg = load(root, site_dir, collect)
        if "qms" not in cfg.plugins:
            raise UsageError(f"{CONFIG_FILE}: the `qms` plugin is not enabled; add it under `plugins:`")
        cfg.plugins.on_startup(command="build", dirty=False)
        try:
            build(cfg)
        except (Abort, OSError) as e:
            cause = _qms_cause(e)
            if cause is not None:
                raise cause from None  # e.g. a shallow clone: the plugin's own message and exit code
            raise QmsError(f"publishing failed: {_reason(e, collect)}") from None
        finally:
            cfg.plugins.on_shutdown()
    count = getattr(cfg.plugins["qms"], "published", 0)
    held = "".join(f"held back: {line}\n" for line in collect.notes())
    warnings = "".join(f"warning: {line}\n" for line in collect.lines(logging.WARNING))
    return f"{held}{warnings}published {count} documents to {cfg.site_dir}"


@contextlib.contextmanager
def _collected() -> Iterator[_Collect]:
    """MkDocs' warnings and errors go to the returned handler instead of the terminal."""
    logger = logging.getLogger("mkdocs")
    collect, propagate, level = _Collect(), logger.propagate, logger.level
    logger.addHandler(collect)
    logger.propagate = False
    logger.setLevel(logging.INFO)  # the plugin says at INFO what it held back, as `mkdocs build` shows it
    try:
        yield collect
    finally:
        logger.removeHandler(collect)
        logger.propagate = propagate
        logger.setLevel(level)


def load(root: Path, site_dir: Path | None = None, collect: _Collect | None = None) -> Any:
    """The repository's mkdocs.yml as MkDocs reads it, after what must be refused before reading it."""
    config_file = root / CONFIG_FILE
    if not config_file.is_file():
        raise UsageError(f"{CONFIG_FILE}: not found in {root}; run `qms init` to create one")
    refused = list(guard.before_loading(config_file.read_text(encoding="utf-8", errors="replace"), root))
    if refused:
        raise ConfigError(f"{CONFIG_FILE}: {'; '.join(refused)}")
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    with contextlib.ExitStack() as stack:
        collect = collect or stack.enter_context(_collected())
        try:
            return load_config(str(config_file), site_dir=str(site_dir.resolve()) if site_dir else None)
        except (ConfigurationError, Abort) as e:
            raise UsageError(f"{CONFIG_FILE}: {_reason(e, collect)}") from None


def _reason(error: Exception, collect: _Collect) -> str:
    """The logged errors that explain an abort (MkDocs logs the cause, then raises a bare Abort)."""
    errors = [line for line in collect.lines(logging.ERROR) if not line.startswith("Error reading page")]
    return "; ".join(errors or [str(error), *collect.lines(logging.WARNING)])


def _qms_cause(error: BaseException) -> QmsError | None:
    """The QmsError behind MkDocs' Abort (Abort <- PluginError <- QmsError), if there is one."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, QmsError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None
