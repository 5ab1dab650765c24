"""`path:line: CODE severity: message`, one finding a line, then a count."""

from __future__ import annotations

from collections.abc import Sequence

from qms_docs.rules.base import Finding, Severity


def summary(findings: Sequence[Finding]) -> str:
    errors = sum(f.severity is Severity.ERROR for f in findings)
    warnings = len(findings) - errors
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


def format_findings(findings: Sequence[Finding]) -> str:
    return "".join(f"{f}\n" for f in findings) + summary(findings) + "\n"
