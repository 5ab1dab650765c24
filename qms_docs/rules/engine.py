"""Run rules over a context and collect sorted findings."""

from __future__ import annotations

from collections.abc import Iterable

from qms_docs.rules.base import Context, Finding, Rule, Severity


def run(ctx: Context, rules: Iterable[Rule]) -> list[Finding]:
    findings = {Finding(h.path, h.line, r.code, r.severity, h.message) for r in rules for h in r.check(ctx)}
    return sorted(findings, key=lambda f: (f.path, f.line or 0, f.code, f.message))


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)
