"""The guard's limits from the environment, and the run a Deployment belongs to."""

from __future__ import annotations

import pytest

from hotfix_ci.deploy import guard
from hotfix_ci.errors import UsageError
from hotfix_ci.github_api.deployments import DeploymentRecord


def test_limits_default_and_override() -> None:
    assert guard.limits_from({}) == guard.Limits()
    limits = guard.limits_from({"HOTFIX_CI_BUSY_WAIT": "5", "HOTFIX_CI_STALE_AFTER": "0"})
    assert (limits.wait, limits.stale_after) == (5.0, 0.0)


@pytest.mark.parametrize("raw", ["nan", "inf", "-1", "soon", "1e309"])
def test_a_bad_limit_is_a_usage_error_naming_the_variable(raw: str) -> None:
    with pytest.raises(UsageError) as caught:
        guard.limits_from({"HOTFIX_CI_BUSY_WAIT": raw})
    assert caught.value.message == f"HOTFIX_CI_BUSY_WAIT={raw!r} is not a number of seconds"


def record(**payload: object) -> DeploymentRecord:
    return DeploymentRecord(
        id=1, ref="v1", sha="", environment="production", description="", payload=payload
    )


def test_run_of_reads_the_payload_and_tolerates_old_records() -> None:
    assert guard.run_of(record(run_id="41", run_attempt=2)) == ("41", 2)
    assert guard.run_of(record(run_id="41", run_attempt="3")) == ("41", 3)
    assert guard.run_of(record()) == ("", 1)  # written before run ids were recorded
