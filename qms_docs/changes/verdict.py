"""Turn a hook's findings into its exit code and the text git shows the user."""

from __future__ import annotations

from collections.abc import Sequence

from qms_docs.rules.base import Finding, Severity


def verdict(hook: str, findings: Sequence[Finding], refused: str, *, show_warnings: bool = False) -> tuple[int, str]:
    """Errors refuse (exit 1) and are listed; warnings never fail, and are listed or only counted."""
    errors = [f for f in findings if f.severity is Severity.ERROR]
    warnings = [f for f in findings if f.severity is not Severity.ERROR]
    if show_warnings:
        note = "".join(f"{f}\n" for f in warnings)
    else:
        n = len(warnings)
        note = f"qms {hook}: {n} warning{'s' * (n != 1)}; run `qms check` to see them\n" if n else ""
    if not errors:
        return 0, note
    listed = "".join(f"{f}\n" for f in errors)
    return 1, f"qms {hook}: {refused} ({len(errors)} error{'s' * (len(errors) != 1)}):\n{listed}{note}"
