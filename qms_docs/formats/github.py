"""GitHub Actions workflow commands: `::error file=…,line=…,title=…::message`."""

from __future__ import annotations

from collections.abc import Sequence

from qms_docs.formats.text import summary
from qms_docs.model.printable import printable
from qms_docs.rules.base import Finding


def _escape_data(s: str) -> str:
    """GitHub's workflow-command escaping, after every control character is made visible."""
    return printable(s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _escape_property(s: str) -> str:
    return _escape_data(s).replace(":", "%3A").replace(",", "%2C")


def format_findings(findings: Sequence[Finding]) -> str:
    out = []
    for f in findings:
        props = [f"file={_escape_property(f.path)}"]
        if f.line:
            props.append(f"line={f.line}")
        props.append(f"title={f.code}")
        out.append(f"::{f.severity.value} {','.join(props)}::{_escape_data(f'{f.code}: {f.message}')}\n")
    return "".join(out) + summary(findings) + "\n"
