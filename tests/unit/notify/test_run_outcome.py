"""The deploy workflow run's outcome, from the jobs' results and the deployment log."""

from __future__ import annotations

import json
from typing import Any

import pytest

from hotfix_ci.github_api.deployments import DeploymentRecord
from hotfix_ci.notify.hooks import EVENT_OF_STATE, summary_posts
from hotfix_ci.notify.run_outcome import outcome_of, provider_state

TAG, OLD = "hotfix-v1.4.4", "hotfix-v1.4.3"


def record(ident: int, ref: str, state: str | None, **payload: Any) -> DeploymentRecord:
    body = {"tool": "hotfix-ci", "provider": "app", **payload}
    return DeploymentRecord(
        id=ident,
        ref=ref,
        sha="a" * 40,
        environment="production",
        description="",
        payload=body,
        state=state,
    )


@pytest.mark.parametrize(
    ("records", "state"),
    [
        ([record(2, TAG, "success"), record(1, OLD, "success")], "deployed"),
        ([record(3, OLD, "success", rollback_of=TAG), record(2, TAG, "failure")], "rolled_back"),
        ([record(3, OLD, "failure", rollback_of=TAG), record(2, TAG, "failure")], "failed"),
        ([record(2, TAG, "failure"), record(1, OLD, "success")], "failed"),
        ([record(2, TAG, "in_progress")], "failed"),
        ([record(1, OLD, "success")], "failed"),  # the job never recorded the tag
        # a re-run that deployed the tag again after a rollback: the newest record counts
        ([record(4, TAG, "success"), record(3, OLD, "success", rollback_of=TAG)], "deployed"),
    ],
)
def test_provider_state_is_the_newest_record_of_the_tag(
    records: list[DeploymentRecord], state: str
) -> None:
    assert provider_state(records, TAG) == state


def jobs(release: str = "success", released: str = "true", deploy: str = "success") -> Any:
    matrix = {"include": [{"environment": "production", "provider": "app"}]}
    outputs = {"released": released, "tag": TAG, "matrix": json.dumps(matrix)}
    return {
        "release": {"result": release, "outputs": outputs},
        "deploy": {"result": deploy},
    }


def test_outcomes_that_need_no_deployment_log() -> None:
    assert outcome_of(jobs(), None).event == "deployed"
    assert outcome_of(jobs(release="failure"), None).event == "failed"
    assert outcome_of(jobs(released="false"), None).event is None
    unknown = outcome_of(jobs(deploy="failure"), None)
    assert unknown.event == "failed" and "no token" in unknown.detail
    assert outcome_of(jobs(), None).environments == ("production",)


def test_every_end_state_of_a_run_maps_to_an_event_or_none() -> None:
    assert EVENT_OF_STATE["rolled_back"] == "rolled-back"
    assert EVENT_OF_STATE["rollback_failed"] == "failed"
    assert "dry_run" not in EVENT_OF_STATE and "already_there" not in EVENT_OF_STATE
    assert summary_posts({"HOTFIX_NOTIFY_OUTCOME": " Summary "})
    assert not summary_posts({})
