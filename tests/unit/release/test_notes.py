"""Hotfix PR template sections, and the release notes / changelog entries rendered from them."""

from __future__ import annotations

from dataclasses import replace

import pytest

from hotfix_ci.release.notes import (
    Commit,
    ReleaseNotesContext,
    parse_sections,
    render_changelog_entries,
    render_release_notes,
)

# The hotfix PR template as a user leaves it: CRLF (GitHub stores bodies so), comments
# still in, one section not filled in, mixed heading styles.
PR_BODY = (
    "<!-- Fill in every section. Delete nothing. -->\r\n"
    "## Severity:\r\n"
    "P1\r\n"
    "\r\n"
    "## Affected users\r\n"
    "<!-- Who is affected, how many? -->\r\n"
    "\r\n"
    "### IMPACT ###\r\n"
    "Checkout fails for **EU** users.\r\n"
    "\r\n"
    "## Root cause\r\n"
    "A null `cart.id` after the\r\n"
    "<!-- multi-line\r\n"
    "## Fix\r\n"
    "comment -->\r\n"
    "migration.\r\n"
    "\r\n"
    "## Fix\r\n"
    "Guard the lookup.\r\n"
    "```sh\r\n"
    "## not a heading inside a fence\r\n"
    "```\r\n"
    "### Details\r\n"
    "Deeper headings stay inside the section.\r\n"
    "\r\n"
    "## Testing\r\n"
    "\r\n"
    "## Rollback plan\r\n"
    "Revert the PR.\r\n"
    "## Unrelated section\r\n"
    "not collected\r\n"
)


def test_parse_sections_reads_the_filled_in_template() -> None:
    assert parse_sections(PR_BODY) == {
        "severity": "P1",
        "impact": "Checkout fails for **EU** users.",
        "root_cause": "A null `cart.id` after the\nmigration.",
        "fix": (
            "Guard the lookup.\n```sh\n## not a heading inside a fence\n```\n"
            "### Details\nDeeper headings stay inside the section."
        ),
        "rollback_plan": "Revert the PR.",
    }


@pytest.mark.parametrize(
    "heading",
    [
        "## Root cause",
        "### root CAUSE:",
        "## Root cause ##",
        "##  Root   cause  :",
        "## **Root cause**",
    ],
)
def test_heading_styles_are_tolerated(heading: str) -> None:
    assert parse_sections(f"{heading}\nthe reason\n") == {"root_cause": "the reason"}


def test_inline_value_after_the_colon_counts() -> None:
    assert parse_sections("## Severity: P0\n## Fix: restart\nand clear cache\n") == {
        "severity": "P0",
        "fix": "restart\nand clear cache",
    }


def test_a_section_holding_only_a_comment_is_missing() -> None:
    body = "## Testing\n<!-- describe the test -->\n\n## Fix\n<!-- unterminated comment"
    assert parse_sections(body) == {}


def test_text_beside_a_comment_is_kept() -> None:
    body = "## Impact\n<!-- a --> EU users\n<!-- b -->\nall of them\n"
    assert parse_sections(body) == {"impact": "EU users\nall of them"}


def test_level_one_and_four_headings_do_not_open_sections() -> None:
    assert parse_sections("# Fix\nx\n#### Fix\ny\n") == {}


CTX = ReleaseNotesContext(
    version="1.4.3",
    tag="hotfix-v1.4.3",
    previous_tag="hotfix-v1.4.2",
    severity="P1",
    pr_number=12,
    pr_title="[HOTFIX] Guard null cart id",
    pr_url="https://github.com/o/r/pull/12",
    author="alice",
    merged_by="bob",
    commits=(
        Commit(sha="0123456789abcdef", message="Guard null cart id\n\nLong body"),
        Commit(sha="fedcba9876543210", message="Add regression test"),
    ),
    sections=parse_sections(PR_BODY),
    compare_url="https://github.com/o/r/compare/hotfix-v1.4.2...hotfix-v1.4.3",
)


def test_release_notes_render_every_filled_section_and_the_commits() -> None:
    assert render_release_notes(CTX) == (
        "**Severity:** P1\n"
        "\n"
        "**Pull request:** [#12](https://github.com/o/r/pull/12) Guard null cart id\n"
        "\n"
        "**Author:** @alice · **Merged by:** @bob\n"
        "\n"
        "## Impact\n"
        "\n"
        "Checkout fails for **EU** users.\n"
        "\n"
        "## Root cause\n"
        "\n"
        "A null `cart.id` after the\n"
        "migration.\n"
        "\n"
        "## Fix\n"
        "\n"
        "Guard the lookup.\n"
        "```sh\n"
        "## not a heading inside a fence\n"
        "```\n"
        "### Details\n"
        "Deeper headings stay inside the section.\n"
        "\n"
        "## Rollback plan\n"
        "\n"
        "Revert the PR.\n"
        "\n"
        "## Commits\n"
        "\n"
        "- `0123456` Guard null cart id\n"
        "- `fedcba9` Add regression test\n"
        "\n"
        "**Full changelog:** [hotfix-v1.4.2...hotfix-v1.4.3]"
        "(https://github.com/o/r/compare/hotfix-v1.4.2...hotfix-v1.4.3)\n"
    )


def test_missing_sections_never_become_empty_headings() -> None:
    notes = render_release_notes(CTX)
    assert "Affected users" not in notes
    assert "Testing" not in notes
    assert "## Severity" not in notes  # shown once, on top
    bare = render_release_notes(replace(CTX, sections={"fix": "  ", "impact": "x"}))
    assert "## Fix" not in bare and "## Impact\n\nx\n" in bare


def test_release_notes_without_pr_url_compare_url_or_merger() -> None:
    ctx = replace(CTX, pr_url="", compare_url=None, merged_by=None, severity=None, sections={})
    notes = render_release_notes(ctx)
    assert "**Pull request:** #12 Guard null cart id\n" in notes
    assert "**Author:** @alice\n" in notes
    assert "**Full changelog:** `hotfix-v1.4.2...hotfix-v1.4.3`\n" in notes
    assert "Severity" not in notes


def test_severity_falls_back_to_the_pr_section() -> None:
    notes = render_release_notes(replace(CTX, severity=None))
    assert notes.startswith("**Severity:** P1\n")


def test_markdown_is_not_html_escaped() -> None:
    notes = render_release_notes(replace(CTX, pr_title="[HOTFIX] Handle a < b & c"))
    assert "Handle a < b & c" in notes


def test_notes_for_an_empty_context_still_say_something() -> None:
    assert render_release_notes(ReleaseNotesContext(version="1.0.1", tag="v1.0.1")) == (
        "Hotfix 1.0.1.\n"
    )


def test_changelog_entry_is_the_pr_title_with_its_link() -> None:
    assert render_changelog_entries(CTX) == [
        "Guard null cart id ([#12](https://github.com/o/r/pull/12))"
    ]
    assert render_changelog_entries(replace(CTX, pr_url="")) == ["Guard null cart id (#12)"]


def test_changelog_entries_fall_back_to_commits_then_version() -> None:
    no_pr = replace(CTX, pr_title="", pr_number=None)
    assert render_changelog_entries(no_pr) == [
        "Guard null cart id (`0123456`)",
        "Add regression test (`fedcba9`)",
    ]
    assert render_changelog_entries(replace(no_pr, commits=())) == ["Hotfix 1.4.3"]
