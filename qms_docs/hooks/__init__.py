"""`qms hook NAME ARGS`: the entry points the hook shims call. Each returns (exit code, text to print).

Hook modules are imported only when their hook runs, so the pre-commit path stays light."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, NamedTuple

Hook = Callable[[Path | None, list[str], BinaryIO], tuple[int, str]]


class HookSpec(NamedTuple):
    module: str
    arity: int
    usage: str


HOOKS: dict[str, HookSpec] = {
    "pre-commit": HookSpec("pre_commit", 0, "qms hook pre-commit"),
    "commit-msg": HookSpec("commit_msg", 1, "qms hook commit-msg MESSAGE_FILE"),
    "pre-push": HookSpec("pre_push", 2, "qms hook pre-push REMOTE URL   (ref updates on stdin)"),
    "pre-push-framework": HookSpec("pre_push_framework", 0, "qms hook pre-push-framework   (under pre-commit's pre-push)"),
    "pre-merge-commit": HookSpec("pre_merge_commit", 0, "qms hook pre-merge-commit"),
    "pre-receive": HookSpec("pre_receive", 0, "qms hook pre-receive   (ref updates on stdin, in a bare repository)"),
}


def run(name: str, args: list[str], repo: Path | None, stdin: BinaryIO) -> tuple[int, str]:
    """Check the arguments against the hook's arity, then run it."""
    spec = HOOKS.get(name)
    if spec is None:
        return 2, f"qms hook: unknown hook {name!r} (known: {', '.join(HOOKS)})\n"
    if len(args) != spec.arity:
        return 2, f"qms hook {name}: expected {spec.arity} argument(s), got {len(args)}\nusage: {spec.usage}\n"
    hook: Hook = importlib.import_module(f"qms_docs.hooks.{spec.module}").run
    return hook(repo, args, stdin)


def main(name: str, args: list[str]) -> int:
    """`qms hook NAME ARGS` as the shims call it, without loading click (a tenth of a hook's cost): the same
    text on stderr and the same exit codes as the click command `qms hook` (qms_docs/__main__.py decides)."""
    from qms_docs.failure import failure

    try:
        code, text = run(name, args, None, sys.stdin.buffer)
    except KeyboardInterrupt:
        sys.stderr.write("\nAborted!\n")  # as click says it
        return 1
    except Exception as e:
        ended = failure(e)
        if ended is None:
            raise
        code, text = ended[0], f"Error: {ended[1]}\n"
    sys.stderr.write(text)
    sys.stderr.flush()
    return code
