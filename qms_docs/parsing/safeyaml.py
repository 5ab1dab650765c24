"""Load untrusted YAML (front matter, qms.yml) in bounded time and memory, or refuse it with a line.

PyYAML's safe loader executes no code, but it is not safe against cost or crashes: nested
aliases and merge keys expand a few hundred bytes into gigabytes (billion laughs), flow nesting
costs quadratic time in libyaml and overflows the C stack of its composer (a segfault), and
impossible dates or over-long integers escape as ValueError. This loader refuses, before any of
that can happen:
- anchors, aliases and merge keys (a controlled document has no use for them);
- nesting deeper than MAX_DEPTH levels (bounded by a scan of the text: indentation plus brackets);
- duplicate keys (plain YAML keeps the last one silently);
- values that the YAML 1.1 types cannot hold (2025-02-30, 2025-1-7T97:43:00, a 5000-digit integer).
Everything it accepts loads exactly as PyYAML's safe loader loads it (SPEC section 2)."""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.constructor import BaseConstructor, ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode

MAX_DEPTH = 100
_BASE: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MERGE, _VALUE, _STR = "tag:yaml.org,2002:merge", "tag:yaml.org,2002:value", "tag:yaml.org,2002:str"
_BRACKETS = re.compile(r"[\[\]{}]")
_KINDS = {"timestamp": "date or time", "int": "whole number", "float": "number", "bool": "true or false"}
_HINTS = {"timestamp": "; write YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SSZ for a time", "int": "; quote it if it is text"}
_CRASHES = (ValueError, TypeError, AttributeError, KeyError, OverflowError, RecursionError)


class Refused(yaml.MarkedYAMLError):
    """Valid YAML that qms-docs does not accept; `first` marks the first of two duplicate keys."""

    def __init__(self, problem: str, mark: Any, first: Any = None):  # a yaml.Mark, from either parser
        super().__init__(problem=problem, problem_mark=mark)
        self.first = first


def load(text: str) -> Any:
    """The YAML value of `text`; raises a yaml.YAMLError (a Refused one for what is refused)."""
    _check_depth(text)
    if "&" in text or "*" in text:  # no anchor or alias without one of these: skip the scan
        _check_anchors(text)
    loader = _Loader(text)
    try:
        return loader.get_single_data()
    except _CRASHES as e:  # a last net: every known case is caught, with its line, by _guarded
        raise Refused(f"cannot be read ({type(e).__name__}: {_short(str(e))})", None) from None
    finally:
        loader.dispose()


def _check_depth(text: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH, bounded from above by each line's run of indentation
    and block indicators plus the brackets still open (quoted brackets count too: a safe bound)."""
    flow = 0
    for n, line in enumerate(text.split("\n")):
        block = len(line) - len(line.lstrip(" -?:"))
        depth = block + flow
        if flow or "[" in line or "{" in line:
            for bracket in _BRACKETS.findall(line):
                flow = flow + 1 if bracket in "[{" else max(flow - 1, 0)
                depth = max(depth, block + flow)
        if depth > MAX_DEPTH:
            raise Refused(f"nested or indented more than {MAX_DEPTH} levels deep", _mark(n))


def _check_anchors(text: str) -> None:
    for event in yaml.parse(text, Loader=_BASE):
        anchor = getattr(event, "anchor", None)
        if anchor:  # an alias event carries the name it refers to as its anchor
            sign = "*" if isinstance(event, yaml.AliasEvent) else "&"
            raise Refused(f"anchors and aliases ({sign}{_short(anchor)}) are not allowed: write the value out",
                          event.start_mark)


class _Loader(_BASE):  # type: ignore[valid-type,misc]
    """The safe loader, with merge keys and duplicate keys refused and value errors marked."""

    def flatten_mapping(self, node: MappingNode) -> None:
        """SafeConstructor's, less merge keys: `=` keys still read as text."""
        for key_node, _ in node.value:
            if key_node.tag == _MERGE:
                raise Refused("merge keys (<<) are not allowed: write the fields out", key_node.start_mark)
            if key_node.tag == _VALUE:
                key_node.tag = _STR

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        self.flatten_mapping(node)
        mapping: dict[Any, Any] = BaseConstructor.construct_mapping(self, node, deep=deep)
        if len(mapping) < len(node.value):  # two keys collapsed into one: find them (keys are memoized)
            seen: dict[Any, Node] = {}
            for key_node, _ in node.value:
                first = seen.setdefault(self.construct_object(key_node), key_node)
                if first is not key_node:
                    raise Refused(f"duplicate key {_short(str(key_node.value))!r} appears more than once: YAML would "
                                  "keep only the last value, so keep one", key_node.start_mark, first.start_mark)
        return mapping


def _guarded(construct: Any, name: str) -> Any:
    """A scalar constructor whose ValueError (2025-02-30, a 5000-digit number), KeyError
    (`!!bool maybe`) or AttributeError (`!!timestamp junk`) becomes a ConstructorError at its node."""

    def run(loader: _Loader, node: ScalarNode) -> Any:
        try:
            return construct(loader, node)
        except _CRASHES as e:
            detail = f" ({_short(str(e).split(';')[0], 60)})" if isinstance(e, ValueError | OverflowError) else ""
            raise ConstructorError(None, None, f"{_short(str(node.value))!r} is not a valid {_KINDS[name]}"
                                   f"{detail}{_HINTS.get(name, '')}", node.start_mark) from None

    return run


for _name in _KINDS:
    _tag = f"tag:yaml.org,2002:{_name}"
    _Loader.add_constructor(_tag, _guarded(yaml.SafeLoader.yaml_constructors[_tag], _name))


def _mark(line: int) -> yaml.Mark:
    return yaml.Mark("<yaml>", 0, line, 0, "", 0)


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
