"""Formatters: findings in, text out. They never print."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from qms_docs.formats import github, json_, text
from qms_docs.rules.base import Finding

FORMATS: dict[str, Callable[[Sequence[Finding]], str]] = {
    "text": text.format_findings,
    "json": json_.format_findings,
    "github": github.format_findings,
}
