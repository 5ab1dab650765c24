"""The `qms` MkDocs plugin (plugin.py) and what it refuses in mkdocs.yml (guard.py)."""

HELD_BACK = "qms.held_back"  # the plugin logger (mkdocs.plugins.qms.held_back) of the revisions it held back
