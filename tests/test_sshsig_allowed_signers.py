"""The allowed-signers file: lines, options, patterns and problems, as ssh-keygen(1) reads them."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from qms_docs.signatures.allowed_signers import match_pattern, match_pattern_list, parse_allowed_signers

ED = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDO0VQD9TIdICZLWFWwtf7s8/aENve8twGTEmNV0myh5"
RSA_WRONG_TYPE = "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIDO0VQD9TIdICZLWFWwtf7s8/aENve8twGTEmNV0myh5"


def test_lines_with_options_comments_and_blank_lines() -> None:
    text = (f"# team keys\n\njane@acme.example {ED} jane's laptop\n"
            f'  *@acme.example,!omar@acme.example namespaces="git,qms-approval",valid-after="20260101",'
            f'valid-before="202612312359Z" {ED}\n'
            f'"li@acme.example" cert-authority {ED}\n')
    parsed = parse_allowed_signers(text)
    assert parsed.problems == ()
    jane, team, li = parsed.signers
    assert (jane.line, jane.principals, jane.namespaces, jane.valid_after) == (3, "jane@acme.example", None, None)
    assert jane.key.fingerprint == "SHA256:QAtqtvvCePelMMUNPP7madH2zNa1ATxX1nt9L/0C5+M"
    assert team.principals == "*@acme.example,!omar@acme.example"
    assert team.namespaces == "git,qms-approval"
    assert team.valid_after == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert team.valid_before == dt.datetime(2026, 12, 31, 23, 59, tzinfo=dt.UTC)
    assert (li.principals, li.cert_authority) == ("li@acme.example", True)


BAD_LINES = {
    "no key": ("jane@acme.example", "expected"),
    "unknown option": (f"jane@acme.example no-touch-required {ED}", "unknown option 'no-touch-required'"),
    "unknown key type": ("jane@acme.example ssh-foo AAAA", "unknown key type or option 'ssh-foo'"),
    "bad base64": ("jane@acme.example ssh-ed25519 AAA$", "not valid base64"),
    "blob of another type": (f"jane@acme.example {RSA_WRONG_TYPE}", "not a ssh-rsa key"),
    "security key": ("jane@acme.example sk-ssh-ed25519@openssh.com AAAA", "not supported"),
    "before not after after": (f'j valid-after="20260102",valid-before="20260101" {ED}', "not later than"),
    "bad time": (f'j valid-before="2026-01-01" {ED}', "is not YYYYMMDD"),
    "impossible date": (f'j valid-before="20261332" {ED}', "not a valid time"),
    "unterminated quote": (f'j namespaces="git {ED}', "unterminated quote"),
    "repeated option": (f'j namespaces="a",namespaces="b" {ED}', "multiple 'namespaces'"),
    "unquoted value": (f"j namespaces=git {ED}", "double-quoted"),
    "trailing comma": (f"j cert-authority, {ED}", "end with a comma"),
}


@pytest.mark.parametrize(("line", "reason"), BAD_LINES.values(), ids=BAD_LINES.keys())
def test_a_bad_line_is_a_problem_and_the_others_still_count(line: str, reason: str) -> None:
    parsed = parse_allowed_signers(f"{line}\nomar@acme.example {ED}\n")
    assert [p.line for p in parsed.problems] == [1]
    assert reason in parsed.problems[0].reason
    assert [s.principals for s in parsed.signers] == ["omar@acme.example"]


@pytest.mark.parametrize(("text", "pattern", "expected"), [
    ("jane@acme.example", "*@acme.example", True),
    ("jane@acme.example", "j?ne@acme.example", True),
    ("jane@acme.example", "*", True),
    ("jane@acme.example", "jane@acme.exampl", False),
    ("jane@acme.example", "*@evil.example", False),
    ("jane@acme.example", "*e*e*e*e", True),
    ("", "*", True),
    ("a", "", False),
])
def test_match_pattern(text: str, pattern: str, expected: bool) -> None:
    assert match_pattern(text, pattern) is expected


def test_negation_in_a_list_refuses_whatever_else_matches() -> None:
    assert match_pattern_list("jane@acme.example", "omar@acme.example,*@acme.example")
    assert not match_pattern_list("jane@acme.example", "*@acme.example,!jane@*")
    assert not match_pattern_list("jane@acme.example", "!omar@acme.example")  # a negation alone admits nobody


def test_a_hostile_pattern_takes_linear_time() -> None:
    start = time.perf_counter()
    assert not match_pattern("a" * 5000, "*a" * 2000 + "b")
    assert time.perf_counter() - start < 2.0


def test_binary_junk_and_huge_lines_never_raise() -> None:
    parsed = parse_allowed_signers("\x00\xff junk \"\"\" ,,, ===\n" + "x " * 20000 + "\n")
    assert parsed.signers == () and len(parsed.problems) == 2


def test_only_lf_ends_a_line_and_only_space_or_tab_separates_fields() -> None:
    hidden = f"omar@acme.example {ED} laptop\u2028jane@acme.example {ED}\x0bli@acme.example {ED}\n"
    assert [s.principals for s in parse_allowed_signers(hidden).signers] == ["omar@acme.example"]
    parsed = parse_allowed_signers(f"jane@acme.example\u00a0omar@acme.example {ED}\r\n")
    assert [s.principals for s in parsed.signers] == ["jane@acme.example\u00a0omar@acme.example"]
