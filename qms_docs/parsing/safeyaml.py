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
Everything it accepts loads exactly as PyYAML's safe loader loads it (SPEC section 2).

Cost: the checks run where they are cheap. Depth is bounded first from two counts (the deepest
run of indentation, found by one regular expression, plus every bracket in the text), and the
line-by-line walk runs only when that bound could exceed MAX_DEPTH; anchors are looked for only
when the text holds `&` or `*`. Once anchors are refused the node graph is a tree, so the common
nodes (text, numbers, dates, plain lists and mappings) are built by one direct recursion instead
of PyYAML's general constructor (which tracks shared and recursive nodes with generators); any
other tag goes through that general constructor unchanged."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Hashable
from functools import cache
from typing import Any

import yaml
from yaml.constructor import BaseConstructor, ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_DEPTH = 100
_BASE: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MERGE, _VALUE, _STR = "tag:yaml.org,2002:merge", "tag:yaml.org,2002:value", "tag:yaml.org,2002:str"
_SEQ, _MAP = "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
_Pending = deque[tuple[Any, Node | None]]  # (empty list or mapping, its node), or (a constructor's generator, None)
_SCALARS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float", "timestamp"))
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
    and block indicators plus the brackets still open (quoted brackets count too: a safe bound).
    When even the deepest run plus every bracket of the text stays within the limit, no line is walked."""
    opened = text.count("[") + text.count("{")
    if opened <= MAX_DEPTH and not _deep_run(MAX_DEPTH + 1 - opened).search("\n" + text):
        return
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


@cache
def _deep_run(length: int) -> re.Pattern[str]:
    """A line that starts with at least `length` characters of indentation or block indicators, searched in the
    text with a line feed put in front: a line feed where a MULTILINE `^` would stand lets the regex engine skip
    from line to line instead of trying every character (five times faster on a signed document's armour)."""
    return re.compile(f"\n[ ?:-]{{{length},}}")


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
            _refuse_duplicate(node, self.construct_object)
        return mapping

    def construct_document(self, node: Node) -> Any:
        """The document's value. The node graph is a tree (anchors were refused), so plain nodes are
        built here, level by level as PyYAML's own constructor fills them: the same value, and the same
        first error when a text holds several."""
        pending: _Pending = deque()
        try:
            data = self._shallow(node, pending)
            while pending:
                container, parent = pending.popleft()
                if isinstance(container, list) and isinstance(parent, SequenceNode):
                    container.extend([self._shallow(item, pending) for item in parent.value])
                elif isinstance(container, dict) and isinstance(parent, MappingNode):
                    self._fill_mapping(container, parent, pending)
                else:  # the rest of a general constructor's work (a generator), in its turn
                    for _ in container:
                        pass
                    self._adopt(pending)
            return data
        finally:
            for memo in (self.constructed_objects, self.recursive_objects, self.state_generators):
                memo.clear()  # as PyYAML's own construct_document leaves them

    def _shallow(self, node: Node, pending: _Pending) -> Any:
        """A node's value; a plain list or mapping is returned empty and queued to be filled."""
        tag, kind = node.tag, type(node)
        if kind is ScalarNode:
            if tag == _STR:
                return node.value
            if tag in _SCALARS:
                return self.yaml_constructors[tag](self, node)
        elif kind is SequenceNode and tag == _SEQ:
            items: list[Any] = []
            pending.append((items, node))
            return items
        elif kind is MappingNode and tag == _MAP:
            fields: dict[Any, Any] = {}
            pending.append((fields, node))
            return fields
        data = self.construct_object(node)  # any other tag: PyYAML's general constructor
        self._adopt(pending)
        return data

    def _adopt(self, pending: _Pending) -> None:
        """Queue the work the general constructor left for later behind this document's own."""
        pending.extend((generator, None) for generator in self.state_generators)
        self.state_generators.clear()

    def _fill_mapping(self, mapping: dict[Any, Any], node: MappingNode, pending: _Pending) -> None:
        """construct_mapping's work and refusals (merge, unhashable and duplicate keys), in its order."""
        self.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = key_node.value if type(key_node) is ScalarNode and key_node.tag == _STR else \
                self._shallow(key_node, pending)
            if not isinstance(key, Hashable):
                raise ConstructorError("while constructing a mapping", node.start_mark, "found unhashable key",
                                       key_node.start_mark)
            mapping[key] = self._shallow(value_node, pending)
        if len(mapping) < len(node.value):
            _refuse_duplicate(node, lambda key_node: self._shallow(key_node, deque()))  # hashable: scalars


def _refuse_duplicate(node: MappingNode, build: Any) -> None:
    """Raise Refused at the second of two keys that collapsed into one (`build` makes a key's value)."""
    seen: dict[Any, Node] = {}
    for key_node, _ in node.value:
        first = seen.setdefault(build(key_node), key_node)
        if first is not key_node:
            raise Refused(f"duplicate key {_short(str(key_node.value))!r} appears more than once: YAML would "
                          "keep only the last value, so keep one", key_node.start_mark, first.start_mark)


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
