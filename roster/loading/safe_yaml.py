"""A YAML parser with limits: nesting depth, alias expansion, and impossible dates kept as text.

ruamel's round-trip parser keeps the line of every key, which every error message needs. On its
own it lets a file nest lists until Python's stack overflows, lets aliases (`*a`) repeat an
anchor's values until memory runs out (the "billion laughs"), and raises a bare ValueError on a
date that does not exist (`2026-02-30`). Here the composer counts depth and the values aliases
repeat, and refuses at the line where a limit is passed; a timestamp that is not a real date stays
the text written, so that validation reports it at its key like any other wrong value.
"""

from __future__ import annotations

import re
import sys
from typing import Any

import numpy as np
from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.main import CParser  # type: ignore[attr-defined]  # what ruamel tests its Parser against
from ruamel.yaml.nodes import MappingNode, Node, SequenceNode
from ruamel.yaml.resolver import VersionedResolver

from models.limits import MAX_ALIAS_VALUES, MAX_DEPTH

OPEN, CLOSE, NEWLINE = (ord("["), ord("{")), (ord("]"), ord("}")), ord("\n")


FLOW_SCAN_DEPTH = 16 * MAX_DEPTH
"""Brackets nested deeper than this are refused before parsing (see `flow_nesting`)."""


class LimitError(MarkedYAMLError):
    """A file past one of the parser's limits, with the mark where it was passed."""


class _Composer(Composer):
    """Composes nodes as ruamel does, counting nesting depth and the values aliases repeat."""

    def __init__(self, loader: Any = None) -> None:
        super().__init__(loader)
        self._nesting = 0
        self._sizes: dict[int, int] = {}  # values under each node composed, aliases expanded
        self._repeated = 0

    def compose_document(self) -> Any:
        self._nesting, self._sizes, self._repeated = 0, {}, 0  # counts start again with each document
        return super().compose_document()

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.parser.check_event(AliasEvent):
            event = self.parser.peek_event()
            node = super().compose_node(parent, index)
            self._count_alias(node, event)
            return node
        self._nesting += 1
        if self._nesting > MAX_DEPTH:
            raise LimitError(
                None,
                None,
                f"lists and mappings are nested more than {MAX_DEPTH} deep (a scenario needs about 5)",
                self.parser.peek_event().start_mark,
            )
        try:
            node = super().compose_node(parent, index)
        finally:
            self._nesting -= 1
        self._sizes[id(node)] = 1 + sum(self._sizes.get(id(child), 1) for child in _children(node))
        return node

    def _count_alias(self, node: Node, event: Any) -> None:
        size = self._sizes.get(id(node))
        if size is None:
            raise LimitError(
                None,
                None,
                f"the alias *{event.anchor} is inside its own anchor &{event.anchor}: a value cannot contain itself",
                event.start_mark,
            )
        self._repeated += size
        if self._repeated > MAX_ALIAS_VALUES:
            raise LimitError(
                None,
                None,
                f"aliases (*name) repeat more than {MAX_ALIAS_VALUES:,} values in all; write the"
                " values out, or use fewer aliases",
                event.start_mark,
            )


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    return []


class _Constructor(RoundTripConstructor):
    """Round-trip construction, where a timestamp that is no real date stays its text."""

    def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
        try:
            return super().construct_yaml_timestamp(node, values)
        except (ValueError, OverflowError):  # 2026-02-30, month 13, year 0
            return str(node.value)

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except LimitError:
            raise
        except (ValueError, KeyError, TypeError, OverflowError) as exc:  # `!!int four`, `!!bool maybe`
            tag = str(node.tag).rsplit(":", 1)[-1]
            digits = sum(c.isdigit() for c in str(node.value))
            if tag == "int" and digits > sys.get_int_max_str_digits() > 0:
                raise LimitError(
                    None,
                    None,
                    f"a whole number of {digits:,} digits is too long to read (Python reads up to"
                    f" {sys.get_int_max_str_digits():,}); write the number the key expects",
                    node.start_mark,
                ) from None
            raise LimitError(
                None,
                None,
                f"`{node.value}` cannot be read as the tag !!{tag} says ({exc.__class__.__name__});"
                " remove the tag and write the value plainly",
                node.start_mark,
            ) from None


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_timestamp)


def flow_nesting(text: str) -> tuple[int, int]:
    """The deepest nesting of `[` and `{` in `text`, and the line where it is first reached.

    A cheap look before parsing: ruamel's scanner slows down with the square of the flow depth,
    so that thousands of `[` take it minutes before the composer would see the limit. Brackets
    inside quotes and comments count too, which can only overstate the depth.
    """
    data = np.frombuffer(text.encode("utf-8", "surrogatepass"), dtype=np.uint8)
    if not data.size:
        return 0, 1
    opens = (data == OPEN[0]) | (data == OPEN[1])
    closes = (data == CLOSE[0]) | (data == CLOSE[1])
    steps = opens.astype(np.int32) - closes.astype(np.int32)
    depth = np.cumsum(steps)
    deepest = int(np.argmax(depth))
    return int(depth[deepest]), int(np.count_nonzero(data[:deepest] == NEWLINE)) + 1


class Resolver(VersionedResolver):
    """ruamel's resolver (of both the C safe loader and the round-trip parser), looking up the
    document's YAML version once, at its first scalar.

    ruamel's looks it up twice for every scalar, through two caught AttributeErrors when the C
    parser reads the file: 40-45% of the C parse of a 52-week scenario (measured: 115-150 ms
    before, 75-85 ms after). The version is the document's `%YAML` directive (or the default),
    read before its first scalar; each parser here reads one document.
    """

    _version_implicit: Any = None

    @property
    def versioned_resolver(self) -> Any:
        if self._version_implicit is None:
            self._version_implicit = super().versioned_resolver
        return self._version_implicit


def parser() -> YAML:
    """A round-trip YAML parser with the limits, refusing duplicate keys."""
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    yaml.Composer = _Composer
    yaml.Constructor = _Constructor
    yaml.Resolver = Resolver
    return yaml


ANCHOR = re.compile(r"(?:^|[\s\[{,:])[&*][^\s,\]}]")
"""An anchor (`&name`) or alias (`*name`) token: such a file takes the parse that limits aliases."""

UNUSUAL = re.compile(r"[\t\x85\u2028\u2029\ufeff]|(?:^|[\s\[{,:-])!|(?:[-?][ ]+){16}|^[ ]{65}", re.M)
"""What the C parser and the round-trip parser may read differently, or what the C parser may not
survive: tabs, unusual line breaks, a byte-order mark past the start, explicit tags (`!!str`),
and block nesting deeper than any scenario (`- - - ...`, deep indentation). Such a file takes the
round-trip parse, which reports each problem at its line."""


DIRECTIVE = re.compile(r"^%", re.M)
"""A directive (`%YAML 1.1`, `%TAG`): ruamel's C parser does not pass the document's `%YAML`
version to the resolver, so that `yes`, `017` and `1:20` would read as YAML 1.2 there and as YAML
1.1 in the round-trip parser."""

ADJACENT = re.compile(r"[\"'\]}]\s*:(?!\s)")
"""A value right after a quoted or bracketed key (`["a":1]`): libyaml reads some of these where the
round-trip parser refuses them."""


def is_plain(text: str) -> bool:
    """Whether the C parser reads `text` as the round-trip parser with the limits would: no
    anchors or aliases (whose expansion that parser counts), nothing `UNUSUAL`, no `DIRECTIVE`,
    nothing `ADJACENT`, and brackets nested within the limit."""
    bare = text.removeprefix("\ufeff")
    return not (
        ANCHOR.search(text)
        or UNUSUAL.search(bare)
        or DIRECTIVE.search(bare)
        or ADJACENT.search(bare)
        or flow_nesting(text)[0] > MAX_DEPTH
    )


class _CConstructor(_Constructor):
    """`_Constructor` on the nodes the C parser composes (which carry no comments)."""

    comment_handling = None  # read by the round-trip constructor from its loader


def _c_parser() -> YAML:
    """The round-trip tree (`CommentedMap`, with every key's line) built on ruamel's C parser:
    a 52-week scenario in 0.10 s instead of 0.62 s. Only for `is_plain` text: it has none of
    `_Composer`'s limits (the C parser composes the nodes itself)."""
    yaml = parser()
    yaml.Reader = yaml.Scanner = None  # so that ruamel combines reader, scanner and parser in C
    yaml.Parser = CParser
    yaml.Constructor = _CConstructor
    return yaml


def _deepest(tree: Any) -> int:
    """How deep the lists and mappings of a tree nest (a mapping of scalars: 1), keys included."""
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = [part for pair in node.items() for part in pair]
        elif isinstance(node, (list, tuple)):
            children = node
        else:
            continue
        deepest = max(deepest, depth)
        stack += [(child, depth + 1) for child in children]
    return deepest


def load(text: str) -> Any:
    """The round-trip tree of `text`, within the limits: parsed in C when the text `is_plain`
    and parses there within `MAX_DEPTH`; otherwise, and for every error (so that each message
    is the round-trip parser's own), by the round-trip parser."""
    if CParser is not None and is_plain(text):  # None: ruamel's C extension is not installed
        try:
            tree = _c_parser().load(text)
        except (YAMLError, ValueError, OverflowError, RecursionError, TypeError):
            pass
        else:
            if _deepest(tree) < MAX_DEPTH:  # a node nested deeper: the round-trip parser says where
                return tree
    return parser().load(text)
