"""break_glass_reason: where a break-glass reason may be written in a PR body."""

from __future__ import annotations

import pytest

from hotfix_ci.release import gate_verdict
from hotfix_ci.release.gate_verdict import MAX_REASON, break_glass_reason
from hotfix_ci.reports import pr_gate


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("## Break-glass\nDB on fire.\nPaged twice.\n\n## Fix\nx", "DB on fire. Paged twice."),
        ("### Break glass reason: outage", "outage"),
        ("Intro\n**Break-glass:** CTO said go\n", "CTO said go"),
        ("break-glass reason: lower case works", "lower case works"),
        ("## Break-glass\n<!-- why -->\n\n## Fix\nx", None),  # only the template's comment
        ("## Fix\nno reason here", None),
        ("", None),
    ],
)
def test_reason_is_read_from_a_section_or_a_line(body: str, reason: str | None) -> None:
    assert break_glass_reason(body) == reason


def test_reason_is_clipped() -> None:
    found = break_glass_reason("Break-glass: " + "x" * 2000)
    assert found is not None and len(found) == MAX_REASON


def test_release_reads_the_check_run_the_gate_writes() -> None:
    assert gate_verdict.CHECK_NAME == pr_gate.CHECK_NAME
