"""Turn a PyYAML error into a line number and a sentence a person can act on."""

from __future__ import annotations

import yaml

from qms_docs.parsing.safeyaml import Refused


def describe(error: yaml.YAMLError, first_line: int = 1) -> tuple[int, str]:
    """(line in the file, message); `first_line` is the file line of the YAML text's first line."""
    problem = getattr(error, "problem_mark", None)
    context = getattr(error, "context_mark", None)
    mark = problem or context
    line = mark.line + first_line if mark is not None else first_line
    text = str(getattr(error, "problem", None) or str(error).splitlines()[0])
    during = getattr(error, "context", None)
    if during and context is not None and problem is not None:
        text += f" ({during} started at line {context.line + first_line})"
    if isinstance(error, Refused) and error.first is not None:
        text += f" (first at line {error.first.line + first_line})"
    return line, text

