"""Keep a Changelog insertion: exact bytes, placement, idempotency, link definitions."""

from __future__ import annotations

import re

from hypothesis import assume, example, given
from hypothesis import strategies as st

from hotfix_ci.release.changelog import insert_release

VERSION, DATE = "9.9.9", "2025-10-22"
HEADING = f"## [{VERSION}] - {DATE}"


def inserted_text(original: str, result: str) -> str:
    """The one string inserted into ``original`` to give ``result``; fails if there is none.

    If ``result`` is ``original`` with a block inserted anywhere, cutting ``len(block)``
    characters at the end of their common prefix gives ``original`` back.
    """
    extra = len(result) - len(original)
    assert extra > 0
    prefix = next(
        (i for i, (a, b) in enumerate(zip(original, result, strict=False)) if a != b), len(original)
    )
    assert result[prefix + extra :] == original[prefix:]
    assert result[:prefix] + result[prefix + extra :] == original
    return result[prefix : prefix + extra]


def split_lines(text: str) -> list[str]:
    return re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z", text)


def level(line: str) -> int:
    found = re.match(r" {0,3}(#{1,6})(?:[ \t]|$)", line.rstrip("\r\n"))
    return len(found.group(1)) if found else 0


def is_unreleased(line: str) -> bool:
    return level(line) == 2 and re.match(r" {0,3}##[ \t]+\[?unreleased", line, re.I) is not None


# Lines a changelog is made of, in any order; no code fences (tested separately).
PIECES = st.sampled_from(
    [
        "# Changelog",
        "## [Unreleased]",
        "## Unreleased",
        "## [1.0.0] - 2024-01-01",
        "### Added",
        "### Fixed  ",
        "- an item",
        "- trailing space   ",
        "",
        "   ",
        "Ünïcödé 🚀 text",
        "[1.0.0]: https://example.com/v1.0.0",
        "[unreleased]: https://example.com/compare/v1.0.0...HEAD",
        "  ## [0.9.0] indented",
        "#not-a-heading",
        "####### not a heading either",
    ]
)
FREE_LINE = st.text(st.characters(blacklist_characters="\r\n"), max_size=20)
LINES = st.lists(st.one_of(PIECES, FREE_LINE), max_size=25)


@st.composite
def changelogs(draw: st.DrawFn) -> str:
    lines = draw(LINES)
    endings = draw(st.lists(st.sampled_from(["\n", "\r\n"]), min_size=len(lines) + 1))
    text = "".join(line + ending for line, ending in zip(lines, endings[: len(lines)], strict=True))
    unterminated: bool = draw(st.booleans())  # drop the final line break
    return text[: -len(endings[len(lines) - 1])] if lines and unterminated else text


@given(st.text())
@example("")
@example("\r\n\r\n")
@example("## [Unreleased]")
@example("```\n## [Unreleased]\n```\n")
@example("# T\r## [Unreleased]\r- x")
def test_any_text_only_gains_the_release_block(original: str) -> None:
    assume(f"[{VERSION}]" not in original)
    result = insert_release(original, VERSION, DATE, ["Fix the crash"])
    block = inserted_text(original, result)
    assert HEADING in block
    assert "- Fix the crash" in block
    assert insert_release(result, VERSION, DATE, ["Fix the crash"]) == result


@given(changelogs())
def test_block_sits_right_after_the_unreleased_section(original: str) -> None:
    result = insert_release(original, VERSION, DATE, ["Fix the crash", "Second fix"])
    block = inserted_text(original, result)
    lines = split_lines(result)
    start = next(i for i, line in enumerate(lines) if line.rstrip("\r\n") == HEADING)
    # Everything the block brought uses the file's own line ending.
    first_break = re.search(r"\r\n|\r|\n", original)
    newline = first_break.group() if first_break else "\n"
    assert re.sub(re.escape(newline), "", block).count("\n") == 0 or newline == "\n"
    top = result[: len(result) - len(original)]
    if result.endswith(original) and top.startswith("# Changelog" + newline) and HEADING in top:
        # No Unreleased section and no title: the header, Unreleased and the release go on
        # top of the old text, which follows untouched.
        assert "## [Unreleased]" in top
        old = split_lines(original)
        first_h2 = next((i for i, line in enumerate(old) if level(line) == 2), len(old))
        assert not any(level(line) == 1 for line in old[:first_h2])
        assert not any(is_unreleased(line) for line in old)
        return
    # The nearest heading above (level 1 or 2) is the Unreleased one ...
    above = [line for line in lines[:start] if 0 < level(line) <= 2]
    assert above and is_unreleased(above[-1])
    if not any(is_unreleased(line) for line in split_lines(original)):
        between = lines[lines.index(above[-1]) + 1 : start]
        assert all(not line.strip() for line in between)
    # ... and after the block's items comes a heading, the link definitions, or the end.
    end = next(i for i in range(start, len(lines)) if "Second fix" in lines[i]) + 1
    rest = [line for line in lines[end:] if line.strip()]
    assert not rest or 0 < level(rest[0]) <= 2 or re.match(r" {0,3}\[[^\]]+\]:", rest[0])


def test_empty_file_gets_a_keep_a_changelog_skeleton() -> None:
    assert insert_release("", "1.4.3", "2025-10-22", ["Fix the checkout crash (#12)"]) == (
        "# Changelog\n"
        "\n"
        "All notable changes to this project will be documented in this file.\n"
        "\n"
        "The format is based on [Keep a Changelog](https://keepachangelog.com/en/1.1.0/).\n"
        "\n"
        "## [Unreleased]\n"
        "\n"
        "## [1.4.3] - 2025-10-22\n"
        "\n"
        "### Fixed\n"
        "\n"
        "- Fix the checkout crash (#12)\n"
    )


CRLF_LOG = (
    "# Changelog\r\n"
    "\r\n"
    "## [Unreleased]\r\n"
    "\r\n"
    "- pending work   \r\n"
    "\r\n"
    "## [1.4.2] - 2025-01-01\r\n"
    "\r\n"
    "- old fix\r\n"
    "\r\n"
    "[unreleased]: https://x.test/compare/v1.4.2...HEAD\r\n"
    "[1.4.2]: https://x.test/releases/v1.4.2\r\n"
)


def test_crlf_file_with_links_gets_crlf_block_and_link_below_unreleased() -> None:
    result = insert_release(
        CRLF_LOG, "1.4.3", "2025-10-22", ["Fix A"], compare_url="https://x.test/compare/a...b"
    )
    assert result == (
        "# Changelog\r\n"
        "\r\n"
        "## [Unreleased]\r\n"
        "\r\n"
        "- pending work   \r\n"
        "\r\n"
        "## [1.4.3] - 2025-10-22\r\n"
        "\r\n"
        "### Fixed\r\n"
        "\r\n"
        "- Fix A\r\n"
        "\r\n"
        "## [1.4.2] - 2025-01-01\r\n"
        "\r\n"
        "- old fix\r\n"
        "\r\n"
        "[unreleased]: https://x.test/compare/v1.4.2...HEAD\r\n"
        "[1.4.3]: https://x.test/compare/a...b\r\n"
        "[1.4.2]: https://x.test/releases/v1.4.2\r\n"
    )


def test_unreleased_running_into_the_links_gets_the_block_before_them() -> None:
    text = "# Changelog\n\n## [Unreleased]\n- wip\n\n[1.0.0]: https://x.test/1\n"
    result = insert_release(text, "1.0.1", "D", ["Fix"], compare_url="https://x.test/2")
    assert result == (
        "# Changelog\n\n## [Unreleased]\n- wip\n\n"
        "## [1.0.1] - D\n\n### Fixed\n\n- Fix\n\n"
        "[1.0.1]: https://x.test/2\n[1.0.0]: https://x.test/1\n"
    )


def test_link_without_definitions_goes_to_the_end_after_a_blank_line() -> None:
    text = "# Changelog\n\n## [Unreleased]"  # and no final newline
    result = insert_release(text, "1.0.1", "D", ["Fix"], compare_url="https://x.test/c")
    assert result == (
        "# Changelog\n\n## [Unreleased]\n\n## [1.0.1] - D\n\n### Fixed\n\n- Fix\n"
        "\n[1.0.1]: https://x.test/c\n"
    )


def test_without_compare_url_no_link_is_added() -> None:
    result = insert_release(CRLF_LOG, "1.4.3", "2025-10-22", ["Fix A"])
    assert "[1.4.3]:" not in result
    block = "## [1.4.3] - 2025-10-22\r\n\r\n### Fixed\r\n\r\n- Fix A\r\n\r\n"
    assert result.replace(block, "", 1) == CRLF_LOG


def test_title_without_unreleased_gets_one_before_the_first_release() -> None:
    text = "# Changelog\n\nNotes stay here.\n\n## [1.0.0] - 2024-01-01\n- a\n"
    assert insert_release(text, "1.0.1", "D", ["Fix"]) == (
        "# Changelog\n\nNotes stay here.\n\n"
        "## [Unreleased]\n\n## [1.0.1] - D\n\n### Fixed\n\n- Fix\n\n"
        "## [1.0.0] - 2024-01-01\n- a\n"
    )


def test_no_title_gets_the_header_on_top_of_the_old_text() -> None:
    result = insert_release("## [1.0.0] - X\n- a\n", "1.0.1", "D", ["Fix"])
    assert result.startswith("# Changelog\n")
    assert result.endswith(
        "## [Unreleased]\n\n## [1.0.1] - D\n\n### Fixed\n\n- Fix\n\n## [1.0.0] - X\n- a\n"
    )


def test_already_released_version_leaves_the_file_alone() -> None:
    once = insert_release(CRLF_LOG, "1.4.3", "2025-10-22", ["Fix A"], compare_url="u")
    assert insert_release(once, "1.4.3", "2025-10-23", ["Other"], compare_url="u") == once
    plain = "# Changelog\n\n## 1.4.3 - 2025-10-22\n"
    assert insert_release(plain, "1.4.3", "2025-10-22", ["x"]) == plain
    # A longer version sharing the prefix is a different release.
    assert insert_release("## [1.4.30] - X\n", "1.4.3", "D", ["x"]) != "## [1.4.30] - X\n"


def test_headings_inside_code_fences_are_not_sections() -> None:
    text = "# Changelog\n\n## [Unreleased]\n\n```md\n## [1.0.0] fake\n```\n\n## [0.9.0] - X\n"
    result = insert_release(text, "1.0.0", "D", ["Fix"])
    assert result.index("## [1.0.0] - D") > result.index("```\n\n")
    assert result.index("## [1.0.0] - D") < result.index("## [0.9.0]")


def test_multi_line_entries_are_indented_and_empty_entries_dropped() -> None:
    result = insert_release("## [Unreleased]\n", "1.0.1", "D", ["First\nmore detail", "  ", ""])
    assert result == "## [Unreleased]\n\n## [1.0.1] - D\n\n### Fixed\n\n- First\n  more detail\n"
    bare = insert_release("## [Unreleased]\n", "1.0.1", "D", [])
    assert bare == "## [Unreleased]\n\n## [1.0.1] - D\n"
