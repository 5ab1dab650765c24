"""Hostile variants of the example manual's documents and of qms.yml, for the property test
(tests/test_fuzz_parser.py) and the long fuzz run (bench/fuzz_parser.py).

`survives(data)` is the property: parsing, every static rule and every finding format finish
without an exception, and every printed finding is one line of printable text."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from hypothesis import strategies as st

from qms_docs.config import parse_config
from qms_docs.errors import ConfigError
from qms_docs.formats import FORMATS
from qms_docs.model.printable import printable
from qms_docs.model.snapshot import build
from qms_docs.rules import STATIC_RULES, engine
from qms_docs.rules.base import Context
from tests.builders import QMS_YML

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = tuple(sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "controlled").rglob("*.md")))
CONFIG = parse_config(QMS_YML)
TODAY = dt.date(2026, 11, 22)

# Values known to have crashed YAML loaders or date arithmetic, and values that try to escape output.
HOSTILE = (
    "2025-02-30", "2025-1-7T97:43:00", "2026-13-01", "9999-12-31", "0001-01-01", "2026-02-27T24:00:00Z",
    "!!timestamp junk", "!!int junk", "!!float junk", "!!bool junk", "!!binary '*'", "!!set {a: 1}",
    "!!omap [a]", "!!pairs {a: 1}", "!!python/object/apply:os.system [id]", "!foo bar", "!!str", "!!null x",
    "9" * 5000, "99999999", "-1", "0", "1e999", "1.0e999", ".nan", "-.inf", "0o19", "0x", "190:20:30", "~", "",
    "&a x", "*a", "&a [*a]", "{<<: {a: 1}}", "[" * 150 + "]" * 150, "{a: 1, a: 2}", "[a, b]", "{a: 1}",
    "'\n::error file=x::forged'", '"\\n::error file=x::forged"', '"\\u001b[31mred"', '"\\u2028\\u202e"',
    '"\\0"', "|\n  block\n  text", ">-\n  folded", "? [a]\n: b", "- - - x", "'unclosed", '"unclosed',
    "%TAG ! x", "--- x", "...", "#", "@x", "`x", "x: y: z",
)
KEYS = ("id", "title", "type", "revision", "status", "owner", "effective_date", "review_months", "clauses",
        "references", "change_summary", "approvals", "<<", "? x", "name", "at", "digest", "meaning")


@st.composite
def mutated_document(draw: st.DrawFn) -> tuple[str, bytes]:
    """One example document with one to four edits: a hostile value, a duplicated, dropped or
    inserted line, a random text splice, or a cut."""
    path = draw(st.sampled_from(EXAMPLES))
    lines = (ROOT / path).read_text(encoding="utf-8").split("\n")
    for _ in range(draw(st.integers(1, 4))):
        lines = lines or [""]
        at = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(("value", "key", "duplicate", "drop", "insert", "splice", "cut")))
        line = lines[at]
        if kind == "value" and ":" in line:
            lines[at] = line.partition(":")[0] + ": " + draw(st.sampled_from(HOSTILE))
        elif kind == "key":
            lines.insert(at, f"{draw(st.sampled_from(KEYS))}: {draw(st.sampled_from(HOSTILE))}")
        elif kind == "duplicate":
            lines.insert(at, line)
        elif kind == "drop":
            del lines[at]
        elif kind == "insert":
            lines.insert(at, draw(st.text(max_size=40)))
        elif kind == "splice":
            cut = draw(st.integers(0, len(line)))
            lines[at] = line[:cut] + draw(st.text(max_size=20)) + line[cut:]
        elif kind == "cut":
            lines = lines[:at]
    data = "\n".join(lines).encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        data = draw(st.sampled_from((b"", b"\xef\xbb\xbf", b"\xff", b"\r\n", b"\x00"))) + data
    return path, data


@st.composite
def mutated_config(draw: st.DrawFn) -> str:
    """The SPEC's qms.yml with one to three edits."""
    lines = QMS_YML.split("\n")
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(lines) - 1))
        line = lines[at]
        choice = draw(st.integers(0, 3))
        if choice == 0 and ":" in line:
            lines[at] = line.partition(":")[0] + ": " + draw(st.sampled_from(HOSTILE))
        elif choice == 1:
            lines.insert(at, line)
        elif choice == 2:
            lines.insert(at, f"{draw(st.sampled_from(KEYS))}: {draw(st.sampled_from(HOSTILE))}")
        else:
            cut = draw(st.integers(0, len(line)))
            lines[at] = line[:cut] + draw(st.text(max_size=20)) + line[cut:]
    return "\n".join(lines)


def survives(path: str, data: bytes) -> None:
    """The property: no exception escapes; every finding prints as one line (raises AssertionError)."""
    ctx = Context(build("fuzz", CONFIG, [(path, data)]), TODAY)
    findings = engine.run(ctx, STATIC_RULES)
    for fmt in FORMATS.values():
        out = fmt(findings)
        if fmt is FORMATS["json"]:
            assert len(json.loads(out)["findings"]) == len(findings)
        else:
            assert len(out.splitlines()) == len(findings) + 1, out  # one line a finding, then the count
    for finding in findings:
        assert printable(str(finding)) == str(finding), repr(str(finding))  # no control character left


def config_survives(text: str) -> None:
    """qms.yml: a Config or a ConfigError, nothing else."""
    try:
        parse_config(text)
    except ConfigError as e:
        assert str(e).startswith("qms.yml"), str(e)
