"""Path globs with gitignore semantics (``**/x``, ``dir/**``), via pathspec."""

from __future__ import annotations

import functools
from collections.abc import Iterable

import pathspec


@functools.lru_cache(maxsize=64)
def _spec(patterns: tuple[str, ...]) -> pathspec.GitIgnoreSpec:
    return pathspec.GitIgnoreSpec.from_lines(patterns)


def matches(path: str, patterns: Iterable[str]) -> bool:
    pats = tuple(patterns)
    return bool(pats) and bool(_spec(pats).match_file(path))
