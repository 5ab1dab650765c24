"""The typed configuration of the `qms` MkDocs plugin."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class QmsPluginConfig(base.Config):  # type: ignore[no-untyped-call]
    """`plugins: [{qms: {nav: false}}]` keeps a hand-written `nav` instead of the generated one."""

    nav = c.Type(bool, default=True)
