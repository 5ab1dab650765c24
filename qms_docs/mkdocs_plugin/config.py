"""The typed configuration of the `qms` MkDocs plugin."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class QmsPluginConfig(base.Config):  # type: ignore[no-untyped-call]
    """`plugins: [{qms: {nav: false}}]` keeps a hand-written `nav` instead of the generated one;
    `nav_documents_max: N`: a document type with more than N documents in force gets an index page
    in the navigation instead of one entry per document."""

    nav = c.Type(bool, default=True)
    nav_documents_max = c.Type(int, default=50)
