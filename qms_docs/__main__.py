"""`python -m qms_docs` and the `qms` console script.

A hook call as the shims make it (`qms hook NAME [ARGS]`, no option) runs without click, which costs a
tenth of a pre-commit hook; every other command line, `--help` and `--repo` included, goes to the click
CLI in qms_docs.cli."""

from __future__ import annotations

import sys


def main() -> int:
    argv = sys.argv[1:]
    if len(argv) >= 2 and argv[0] == "hook" and not any(a.startswith("-") for a in argv[1:]):
        from qms_docs.hooks import HOOKS
        from qms_docs.hooks import main as hook

        if argv[1] in HOOKS:
            return hook(argv[1], argv[2:])
    from qms_docs.cli import main as cli

    return cli()


if __name__ == "__main__":
    raise SystemExit(main())
