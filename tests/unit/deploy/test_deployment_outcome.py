"""The one "an outcome is never demoted" rule, which the log (outcome_status) and the
history of reports and metrics (with_history) both read a Deployment's statuses by."""

from __future__ import annotations

import pytest

from hotfix_ci.github_api.deployments import settled


@pytest.mark.parametrize(
    ("newest_first", "start"),
    [
        (["success", "in_progress"], 0),
        (["in_progress", "success", "in_progress"], 1),  # a stale write that landed late
        (["queued", "in_progress", "failure", "success"], 2),  # the newest outcome wins
        (["in_progress", "queued"], 0),  # no outcome yet: the newest status
        (["pending", "inactive"], 1),
        ([], 0),
    ],
)
def test_a_history_starts_at_its_newest_outcome(newest_first: list[str], start: int) -> None:
    assert settled(newest_first) == start
