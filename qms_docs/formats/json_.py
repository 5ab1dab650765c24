"""A stable JSON document: schema 1, sorted keys."""

from __future__ import annotations

import json
from collections.abc import Sequence

from qms_docs.rules.base import Finding, Severity


def format_findings(findings: Sequence[Finding]) -> str:
    errors = sum(f.severity is Severity.ERROR for f in findings)
    doc = {
        "schema": 1,
        "findings": [f._asdict() for f in findings],
        "summary": {"errors": errors, "warnings": len(findings) - errors},
    }
    return json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
