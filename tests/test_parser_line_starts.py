"""The front matter's closing line and the indentation bound are found at line starts only (searched from line
feed to line feed), including the first line after the opening one and the very start of the text."""

from __future__ import annotations

import pytest
import yaml

from qms_docs.errors import DocumentError
from qms_docs.model.frontmatter import split
from qms_docs.parsing.safeyaml import MAX_DEPTH, load

SPLITS = {
    "closing right after the opening line": ("---\n---\nbody", ("", "body")),
    "closing after one field": ("---\nid: X\n---\nbody", ("id: X\n", "body")),
    "CRLF lines": ("---\r\nid: X\r\n---\r\nbody", ("id: X\r\n", "body")),
    "closing line with trailing blanks": ("---\nid: X\n--- \t\nbody", ("id: X\n", "body")),
    "closing line at the end of the file": ("---\nid: X\n---", ("id: X\n", "")),
    "closing line ending in CR at the end": ("---\nid: X\n---\r", ("id: X\n", "")),
    "dashes inside a line do not close": ("---\nsig: a---\n---\nb", ("sig: a---\n", "b")),
    "indented dashes do not close": ("---\nsig: |\n  -----BEGIN\n---\nb", ("sig: |\n  -----BEGIN\n", "b")),
    "a longer dash line does not close": ("---\nx: 1\n----\n---\nb", ("x: 1\n----\n", "b")),
}


@pytest.mark.parametrize(("text", "expected"), SPLITS.values(), ids=SPLITS.keys())
def test_the_closing_line_is_the_first_dash_line_after_the_opening_one(text: str, expected: tuple[str, str]) -> None:
    assert split(text, "x.md") == expected


@pytest.mark.parametrize("text", ["---\nid: X\n", "---", "---\nid: X\n ---\n", "---\nid: X\nx---\n"])
def test_without_a_closing_line_the_front_matter_is_not_closed(text: str) -> None:
    with pytest.raises(DocumentError, match="not closed"):
        split(text, "x.md")


@pytest.mark.parametrize("where", ["first line", "later line"])
def test_indentation_past_the_bound_is_refused_on_any_line(where: str) -> None:
    deep = " " * (MAX_DEPTH + 1) + "x: 1"
    text = f"{deep}\n" if where == "first line" else f"a: 1\n{deep}\n"
    with pytest.raises(yaml.YAMLError, match="levels deep"):
        load(text)


def test_a_long_run_of_blanks_inside_a_line_is_not_indentation() -> None:
    assert load("a: '" + " " * (MAX_DEPTH + 5) + "x'\n") == {"a": " " * (MAX_DEPTH + 5) + "x"}
