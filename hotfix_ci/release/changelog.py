"""Add a hotfix release to a Keep a Changelog file, leaving every other byte as it was.

Format: https://keepachangelog.com/en/1.1.0/ -- a ``# Changelog`` title, a ``## [Unreleased]``
section, then ``## [VERSION] - YYYY-MM-DD`` sections, newest first, with ``### Fixed`` and
friends, and link reference definitions (``[1.4.3]: https://...``) at the bottom.

:func:`insert_release` only ever inserts text: the release block goes right after the
Unreleased section (before the next ``#``/``##`` heading, the link definitions at the bottom,
or the end of the file). A file without an Unreleased section gets one in front of its first
release; a file without a ``# `` title (an empty file included) gets the standard header,
the Unreleased section and the release at the very top. The line ending is the file's own
(its first line break; ``\\n`` for a file with none). Headings inside fenced code blocks are
not headings. Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_BREAK = re.compile(r"\r\n|\r|\n")
_HEADING = re.compile(r" {0,3}(#{1,6})(?:[ \t]|$)")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_UNRELEASED = re.compile(r" {0,3}##[ \t]+\[?unreleased\]?(?:[ \t\]:(]|$)", re.IGNORECASE)
_LINK_DEF = re.compile(r" {0,3}\[[^\]]+\]:")
_UNRELEASED_LINK = re.compile(r" {0,3}\[unreleased\]:", re.IGNORECASE)
HEADER = (
    "# Changelog",
    "",
    "All notable changes to this project will be documented in this file.",
    "",
    "The format is based on [Keep a Changelog](https://keepachangelog.com/en/1.1.0/).",
    "",
)


@dataclass(frozen=True)
class _Line:
    offset: int
    text: str  # without its line break
    raw: str  # with it
    level: int  # 1..6 for a heading outside a code fence, else 0


def _lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    fence: str | None = None
    for match in _LINE.finditer(text):
        raw = match.group()
        content = raw.rstrip("\r\n")
        opener = _FENCE.match(content)
        level = 0
        if opener is not None and (fence is None or opener.group(1).startswith(fence)):
            fence = opener.group(1) if fence is None else None
        elif fence is None and (heading := _HEADING.match(content)) is not None:
            level = len(heading.group(1))
        lines.append(_Line(match.start(), content, raw, level))
    return lines


def has_release(text: str, version: str) -> bool:
    """Whether a ``## [VERSION]`` (or ``## VERSION``) heading already exists."""
    pattern = re.compile(rf" {{0,3}}##[ \t]+\[?{re.escape(version)}\]?(?:[ \t]|$)")
    return any(line.level == 2 and pattern.match(line.text) for line in _lines(text))


def _newline(text: str) -> str:
    found = _BREAK.search(text)
    return found.group() if found is not None else "\n"


def _link_block_start(lines: list[_Line]) -> int | None:
    """Index of the first line of the link definitions closing the file, if any."""
    start = None
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index]
        if line.level == 0 and _LINK_DEF.match(line.text):
            start = index
        elif line.text.strip():
            break
    return start


def _ends_in_blank_line(before: str) -> bool:
    lines = _lines(before)
    return not lines or (not lines[-1].text.strip() and lines[-1].raw != lines[-1].text)


def _join(before: str, block: list[str], after: str, nl: str) -> str:
    """``block``'s lines as one insertion between ``before`` and ``after``, blank-line framed."""
    lead = ""
    if before and not before.endswith(("\n", "\r")):
        lead += nl
    if before.strip() and not _ends_in_blank_line(before + lead):
        lead += nl
    trail = nl if after else ""
    return lead + nl.join(block) + nl + trail


def _release_lines(version: str, date: str, entries: Sequence[str]) -> list[str]:
    block = [f"## [{version}] - {date}"]
    items = [entry.strip() for entry in entries if entry.strip()]
    if items:
        block += ["", "### Fixed", ""]
    for item in items:
        first, *rest = _BREAK.split(item)
        block.append(f"- {first}")
        block.extend(f"  {line}" if line.strip() else "" for line in rest)
    return block


def _insert_release_block(text: str, version: str, date: str, entries: Sequence[str]) -> str:
    lines = _lines(text)
    nl = _newline(text)
    block = _release_lines(version, date, entries)
    links = _link_block_start(lines)
    end = links if links is not None else len(lines)
    unreleased = next(
        (i for i, line in enumerate(lines) if line.level == 2 and _UNRELEASED.match(line.text)),
        None,
    )
    if unreleased is not None:
        stop = next((i for i in range(unreleased + 1, end) if 0 < lines[i].level <= 2), end)
    else:
        block = ["## [Unreleased]", "", *block]
        first_h2 = next((i for i in range(end) if lines[i].level == 2), end)
        if not any(lines[i].level == 1 for i in range(first_h2)):
            block = [*HEADER, *block]
            stop = 0
        else:
            stop = first_h2
    offset = lines[stop].offset if stop < len(lines) else len(text)
    before, after = text[:offset], text[offset:]
    return before + _join(before, block, after, nl) + after


def _insert_link(text: str, version: str, compare_url: str) -> str:
    lines = _lines(text)
    nl = _newline(text)
    entry = f"[{version}]: {compare_url}"
    start = _link_block_start(lines)
    if start is None:
        return text + _join(text, [entry], "", nl)
    anchor = next(
        (i for i in range(start, len(lines)) if _UNRELEASED_LINK.match(lines[i].text)), None
    )
    if anchor is None:
        offset = lines[start].offset
        return text[:offset] + entry + nl + text[offset:]
    line = lines[anchor]
    offset = line.offset + len(line.raw)
    lead = "" if line.raw != line.text else nl  # the anchor line may end the file unbroken
    tail = nl if offset < len(text) else ("" if lead else nl)
    return text[:offset] + lead + entry + tail + text[offset:]


def insert_release(
    text: str,
    version: str,
    date: str,
    entries: Sequence[str],
    *,
    compare_url: str | None = None,
) -> str:
    """``text`` with a ``## [version] - date`` section (``### Fixed``: ``entries``) added.

    Idempotent: if the release is already there, ``text`` comes back unchanged. With
    ``compare_url``, a ``[version]: compare_url`` link definition is added as well (below
    ``[Unreleased]: ...`` when the file has one, else on top of the link definitions).
    """
    if has_release(text, version):
        return text
    result = _insert_release_block(text, version, date, entries)
    if compare_url:
        result = _insert_link(result, version, compare_url)
    return result
