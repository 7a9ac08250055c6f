"""Parse YAML once into both data and a node tree, so every problem can name its line.

PyYAML's SafeLoader composes a node graph (``compose``) and then constructs Python data
from it; keeping the graph lets us map a key path such as ``("diff", "max_lines")`` back
to the line it was written on, and find duplicate keys, which construction silently
collapses (the last one wins).
PyYAML API: https://pyyaml.org/wiki/PyYAMLDocumentation (Loader, compose, Node.start_mark).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

PathPart = str | int
MERGE_TAG = "tag:yaml.org,2002:merge"
STR_TAG = "tag:yaml.org,2002:str"
_SYNTAX_HINT = (
    "check the indentation and quoting there: a value that contains ': ' or ' #', or "
    "starts with * & ! [ { @ ` or a quote, must be wrapped in quotes"
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the config, at a key path (empty: the file as a whole)."""

    path: tuple[PathPart, ...]
    message: str
    hint: str | None = None
    line: int | None = None
    column: int | None = None


class _Cycle:
    """What :func:`walk` yields where a value contains itself."""

    def __repr__(self) -> str:
        return "CYCLE"


# A YAML alias inside the anchor it refers to (&a [*a]): the value contains itself.
CYCLE: Final = _Cycle()


def walk(value: Any, path: tuple[PathPart, ...] = ()) -> Iterator[tuple[tuple[PathPart, ...], Any]]:
    """Every leaf of the constructed config (what is neither a mapping nor a list) with its
    key path, in document order; where a value contains itself, ``(path, CYCLE)`` once
    instead of walking round it."""
    yield from _walk(value, path, frozenset())


def _walk(
    value: Any, path: tuple[PathPart, ...], inside: frozenset[int]
) -> Iterator[tuple[tuple[PathPart, ...], Any]]:
    if not isinstance(value, (Mapping, list)):
        yield path, value
        return
    if id(value) in inside:
        yield path, CYCLE
        return
    inside |= {id(value)}
    items = value.items() if isinstance(value, Mapping) else enumerate(value)
    for key, item in items:
        yield from _walk(item, (*path, key if isinstance(key, int) else str(key)), inside)


class _LineAwareSafeLoader(yaml.SafeLoader):
    """SafeLoader whose scalar constructors fail with a marked YAML error.

    SafeLoader's implicit and explicit tags (``!!int``, timestamps such as ``2024-13-45``)
    call plain Python parsers that raise ValueError & co. without a position; re-raising
    them as ConstructorError carries the node's line to the user.
    """

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, TypeError, AttributeError, OverflowError, IndexError) as exc:
            raise ConstructorError(
                None, None, f"cannot read this value ({exc})", node.start_mark
            ) from exc


@dataclass(frozen=True)
class DuplicateKey:
    path: tuple[PathPart, ...]
    line: int
    first_line: int


@dataclass(frozen=True)
class NonTextKey:
    """A mapping key YAML does not read as text: ``on:`` (a boolean in YAML 1.1), ``200:``,
    ``~:``, ``? [a, b]``; ``written`` is the key as it appears in the file."""

    path: tuple[PathPart, ...]  # the mapping holding the key
    line: int
    written: str
    tag: str


@dataclass(frozen=True)
class ParsedYaml:
    """The constructed data, the node tree it came from (None for an empty file), the keys
    written twice and the keys that are not text."""

    data: Any
    root: Node | None
    duplicates: tuple[DuplicateKey, ...]
    non_text_keys: tuple[NonTextKey, ...] = ()


def parse_yaml(text: str) -> ParsedYaml:
    """Compose and construct one YAML document; raises yaml.YAMLError on bad input."""
    loader = _LineAwareSafeLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return ParsedYaml(data=None, root=None, duplicates=())
        # Before construction: it flattens ``<<`` merges into the mappings in place, which
        # would make a key that overrides a merged one look like a duplicate.
        found = list(_walk_keys(root, (), set()))
        data = loader.construct_document(root)
    finally:
        loader.dispose()
    return ParsedYaml(
        data=data,
        root=root,
        duplicates=tuple(k for k in found if isinstance(k, DuplicateKey)),
        non_text_keys=tuple(k for k in found if isinstance(k, NonTextKey)),
    )


def line_of(node: Node) -> int:
    """1-based line where ``node`` starts."""
    return int(node.start_mark.line) + 1


def _scalar_key(node: Node) -> str | None:
    return node.value if isinstance(node, ScalarNode) else None


def find_line(root: Node | None, path: Sequence[PathPart]) -> int | None:
    """Line of the deepest node along ``path``: the key's line for a mapping entry.

    A path that leaves the tree (a key that is missing or came from a ``<<`` merge) stops
    at the last node found, which is the closest place the user can look.
    """
    if root is None:
        return None
    node: Node = root
    line = line_of(root)
    for part in path:
        found = _child(node, part)
        if found is None:
            break
        key_node, node = found
        line = line_of(key_node)
    return line


def _child(node: Node, part: PathPart) -> tuple[Node, Node] | None:
    if isinstance(node, MappingNode):
        match: tuple[Node, Node] | None = None
        for key_node, value_node in node.value:
            if _scalar_key(key_node) == str(part):
                match = (key_node, value_node)  # keep the last, as construction does
        return match
    if isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        item: Node = node.value[part]
        return item, item
    return None


def _walk_keys(
    node: Node, path: tuple[PathPart, ...], seen: set[int]
) -> Iterator[DuplicateKey | NonTextKey]:
    """Every key written twice in the same mapping, and every key that is not text,
    anywhere under ``node``."""
    # Anchors and aliases make the node graph a DAG, or even cyclic: visit each node once.
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, MappingNode):
        first_seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = _scalar_key(key_node)
            if key_node.tag not in (STR_TAG, MERGE_TAG):
                written = (
                    key
                    if key is not None
                    else ("[...]" if isinstance(key_node, SequenceNode) else "{...}")
                )
                yield NonTextKey(path, line_of(key_node), written, str(key_node.tag))
            if key is not None and key_node.tag != MERGE_TAG:
                if key in first_seen:
                    yield DuplicateKey((*path, key), line_of(key_node), first_seen[key])
                else:
                    first_seen[key] = line_of(key_node)
            yield from _walk_keys(value_node, (*path, key if key is not None else "?"), seen)
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            yield from _walk_keys(item, (*path, index), seen)


def yaml_error_problem(exc: yaml.YAMLError, text: str) -> Problem:
    """Describe a PyYAML error by line (and column) without its traceback."""
    if isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, exc.position) + 1
        return Problem(
            (),
            f"contains the character #x{exc.character:04x}, which YAML does not allow",
            "delete it; if this is not the config file, name the right one (.github/hotfix.yml)",
            line=line,
        )
    if not isinstance(exc, yaml.MarkedYAMLError) or exc.problem_mark is None:
        return Problem((), f"YAML error: {exc}", _SYNTAX_HINT)
    line = exc.problem_mark.line + 1
    tab_line = _first_tab_indented_line(text)
    if tab_line is not None:
        return Problem(
            (),
            "a tab is used for indentation; YAML allows only spaces",
            "replace the tab(s) at the start of the line with spaces",
            line=tab_line,
        )
    what = exc.problem or "invalid YAML"
    if exc.context:
        what = f"{exc.context}, {what}"
    if isinstance(exc, ConstructorError):
        return Problem((), what, "quote the value to keep it as text", line=line)
    if exc.context == "expected a single document in the stream":
        return Problem((), what, "keep one YAML document: delete the second '---' line", line=line)
    opened = _unclosed(exc)
    if opened is not None:
        return opened
    return Problem(
        (),
        f"YAML syntax error: {what}",
        _SYNTAX_HINT,
        line=line,
        column=exc.problem_mark.column + 1,
    )


_OPENERS = {
    "while parsing a flow sequence": (
        "the '[' here is never closed with ']'",
        "end the list with ']'; if the '[' is part of a text value, quote the whole value",
    ),
    "while parsing a flow mapping": (
        "the '{' here is never closed with '}'",
        "end the mapping with '}'; if the '{' is part of a text value (such as a tag "
        "template), quote the whole value",
    ),
    "while scanning a quoted scalar": (
        "the quote that starts here is never closed",
        "end the value with the quote it starts with; write a ' inside a '...' value as ''",
    ),
}


def _unclosed(exc: yaml.MarkedYAMLError) -> Problem | None:
    """An unclosed '[', '{' or quote is noticed lines later (at the next key, or the end of
    the file): report the line it was opened on, the real fault."""
    start, noticed = exc.context_mark, exc.problem_mark
    found = _OPENERS.get(exc.context or "")
    if found is None or start is None or noticed is None or start.line >= noticed.line:
        return None
    what, fix = found
    return Problem(
        (),
        f"YAML syntax error: {what} (noticed on line {noticed.line + 1}: {exc.problem})",
        fix,
        line=start.line + 1,
        column=start.column + 1,
    )


def _first_tab_indented_line(text: str) -> int | None:
    # Only consulted once parsing failed: a tab inside a block scalar is legal content.
    for number, line in enumerate(text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            return number
    return None
