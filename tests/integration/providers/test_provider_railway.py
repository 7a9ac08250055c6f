"""The railway provider against the loopback GraphQL stand-in, which executes every
document against Railway's published schema."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hotfix_ci.errors import ConfigError
from hotfix_ci.providers.base import ProviderContext, ProviderError, Release, RollbackPoint
from hotfix_ci.providers.railway import create
from tests.standins.railway import RailwayStandin

TOKEN = "rw_" + "k" * 40
OLD_SHA = "1" * 40
RELEASE = Release(tag="hotfix-v1.2.3", version="1.2.3", sha="f" * 40, environment="prod")


@pytest.fixture
def railway() -> Iterator[RailwayStandin]:
    with RailwayStandin(token=TOKEN, project_token="proj-tok", reads_to_finish=2) as standin:
        standin.seed(OLD_SHA)
        yield standin


def make(
    railway: RailwayStandin, env: dict[str, str] | None = None, log: Any = None, **settings: Any
) -> Any:
    base: dict[str, Any] = {
        "project_id": "prj_1",
        "environment_id": "env_1",
        "service_id": "svc_1",
        "poll_interval": 0.01,
        "timeout": 5,
    }
    base.update(settings)
    context = ProviderContext(
        name="railway-prod",
        type="railway",
        settings=base,
        env={"RAILWAY_API_TOKEN": TOKEN, "HOTFIX_CI_RAILWAY_API_URL": railway.url}
        if env is None
        else env,
        workdir=Path("."),
        log=log or (lambda _line: None),
    )
    return create(context)


def test_deploy_then_rollback_round_trip(railway: RailwayStandin):
    provider = make(railway)
    before = provider.current()
    assert before.ref == "dep_1" and before.data["commit"] == OLD_SHA

    result = provider.deploy(RELEASE)
    assert result.ref == "dep_2"
    now = provider.current()
    assert now.ref == "dep_2" and now.data["commit"] == RELEASE.sha

    restored = provider.rollback(RollbackPoint.from_dict(before.as_dict()))
    live = provider.current()
    assert live.ref == restored.ref == "dep_3"  # Railway restores into a new deployment
    assert live.data["commit"] == OLD_SHA
    deploys = [r for r in railway.requests if "serviceInstanceDeployV2" in r["query"]]
    assert deploys[0]["variables"]["commitSha"] == RELEASE.sha


def test_every_document_the_provider_sends_is_valid_against_the_schema(railway: RailwayStandin):
    provider = make(railway)
    before = provider.current()
    provider.deploy(RELEASE)
    provider.rollback(before)
    assert provider.point_for(RELEASE) is not None
    assert railway.rejected == []
    sent = {r["query"].split("(")[0].strip() for r in railway.requests}
    assert sent == {
        "query deployments",
        "query deployment",
        "mutation serviceInstanceDeployV2",
        "mutation deploymentRollback",
    }


def test_the_old_documents_are_refused_as_railway_refuses_them(railway: RailwayStandin):
    """What the provider used to send: a selection on `deploymentRollback: Boolean!` and
    `status: {successfulOnly: true}`; the schema refuses both."""
    import requests

    def send(query: str, variables: dict[str, Any]) -> Any:
        return requests.post(
            railway.url,
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=5,
        )

    rollback = send(
        "mutation r($id: String!) { deploymentRollback(id: $id) { id status } }", {"id": "dep_1"}
    )
    assert rollback.status_code == 400
    assert "must not have a selection" in rollback.json()["errors"][0]["message"]
    where = {"projectId": "prj_1", "environmentId": "env_1", "serviceId": "svc_1"}
    listed = send(
        "query d($input: DeploymentListInput!) "
        "{ deployments(input: $input) { edges { node { id } } } }",
        {"input": {**where, "status": {"successfulOnly": True}}},
    )
    assert listed.status_code == 400
    assert "successfulOnly" in listed.json()["errors"][0]["message"]


def test_rollback_refused_when_railway_says_it_cannot(railway: RailwayStandin):
    provider = make(railway)
    before = provider.current()
    provider.deploy(RELEASE)
    railway.no_rollback.add(before.ref)
    with pytest.raises(ProviderError) as info:
        provider.rollback(before)
    assert "canRollback = false" in info.value.message
    assert "--to" in (info.value.hint or "")
    assert not [r for r in railway.requests if "deploymentRollback" in r["query"]]


def test_rollback_warns_that_autodeploy_can_undo_it(railway: RailwayStandin):
    lines: list[str] = []
    provider = make(railway, log=lines.append)
    before = provider.current()
    provider.deploy(RELEASE)
    provider.rollback(before)
    assert any("next push" in line and "WARNING" in line for line in lines)


@pytest.mark.parametrize("status", ["SLEEPING"])
def test_a_sleeping_deployment_went_live(railway: RailwayStandin, status: str):
    railway.final_status = status
    result = make(railway).deploy(RELEASE)
    assert result.ref == "dep_2" and "sleeping" in result.description


@pytest.mark.parametrize("status", ["REMOVING", "REMOVED", "SKIPPED", "CRASHED"])
def test_a_deployment_that_ends_removed_or_skipped_fails(railway: RailwayStandin, status: str):
    railway.final_status = status
    with pytest.raises(ProviderError) as info:
        make(railway).deploy(RELEASE)
    assert f"ended {status}" in info.value.message


def test_needs_approval_says_so_until_the_timeout(railway: RailwayStandin):
    railway.final_status = "NEEDS_APPROVAL"
    lines: list[str] = []
    with pytest.raises(ProviderError) as info:
        make(railway, log=lines.append, timeout=0.3).deploy(RELEASE)
    assert "still NEEDS_APPROVAL" in info.value.message
    assert "approve" in (info.value.hint or "")
    assert sum("NEEDS_APPROVAL" in line for line in lines) == 1


def test_an_image_service_is_pointed_at_the_release_image(railway: RailwayStandin):
    railway.deployments.clear()
    railway.image = "ghcr.io/acme/api:old"
    railway.seed(image="ghcr.io/acme/api:old")
    provider = make(railway, image="ghcr.io/acme/api:{tag}")
    result = provider.deploy(RELEASE)
    assert railway.live["meta"] == {"image": "ghcr.io/acme/api:hotfix-v1.2.3"}
    assert result.ref == railway.live["id"]
    assert railway.rejected == []
    point = provider.point_for(Release(tag="old", version="0", sha="", environment="prod"))
    assert point is not None and point.ref == "dep_1"


def test_point_for_finds_the_deployment_of_a_commit(railway: RailwayStandin):
    provider = make(railway)
    provider.deploy(RELEASE)
    old = provider.point_for(
        Release(tag="hotfix-v1.2.2", version="1.2.2", sha=OLD_SHA, environment="prod")
    )
    assert old is not None and old.ref == "dep_1" and old.type == "railway-deployment"
    assert old.description.startswith("hotfix-v1.2.2: ")
    unknown = Release(tag="hotfix-v0.0.1", version="0.0.1", sha="9" * 40, environment="prod")
    assert provider.point_for(unknown) is None


def test_project_token_wins_when_both_are_set(railway: RailwayStandin):
    env = {
        "RAILWAY_TOKEN": "proj-tok",
        "RAILWAY_API_TOKEN": "stale",
        "HOTFIX_CI_RAILWAY_API_URL": railway.url,
    }
    assert make(railway, env=env).current().ref == "dep_1"


def test_project_token_uses_its_own_header(railway: RailwayStandin):
    env = {"RAILWAY_TOKEN": "proj-tok", "HOTFIX_CI_RAILWAY_API_URL": railway.url}
    assert make(railway, env=env).current().ref == "dep_1"


def test_no_deployment_yet_means_no_current(railway: RailwayStandin):
    railway.deployments.clear()
    assert make(railway).current() is None


def test_missing_token_names_both_variables(railway: RailwayStandin):
    with pytest.raises(ProviderError) as info:
        make(railway, env={"HOTFIX_CI_RAILWAY_API_URL": railway.url}).current()
    assert "RAILWAY_API_TOKEN" in info.value.message and "RAILWAY_TOKEN" in info.value.message
    assert "secrets." in (info.value.hint or "")
    assert railway.requests == []


def test_wrong_token_is_not_retried_and_never_echoed(railway: RailwayStandin):
    env = {"RAILWAY_API_TOKEN": "wrong-secret", "HOTFIX_CI_RAILWAY_API_URL": railway.url}
    with pytest.raises(ProviderError) as info:
        make(railway, env=env).current()
    assert "Not Authorized" in info.value.message
    assert "wrong-secret" not in str(info.value)
    assert len(railway.requests) == 1


def test_5xx_recovers_after_retries(railway: RailwayStandin):
    railway.fail_next = [502, 503]
    assert make(railway).current().ref == "dep_1"
    assert len(railway.requests) == 3


def test_5xx_that_persists_gives_up(railway: RailwayStandin):
    railway.fail_next = [500] * 10
    with pytest.raises(ProviderError) as info:
        make(railway).current()
    assert "HTTP 500" in info.value.message and "after 4 attempts" in info.value.message
    assert len(railway.requests) == 4


def test_4xx_is_not_retried(railway: RailwayStandin):
    railway.fail_next = [400]
    with pytest.raises(ProviderError) as info:
        make(railway).current()
    assert "HTTP 400" in info.value.message and "forced HTTP 400" in info.value.message
    assert len(railway.requests) == 1


def test_failed_build_is_reported_with_the_deployment(railway: RailwayStandin):
    railway.build_fail = True
    with pytest.raises(ProviderError) as info:
        make(railway).deploy(RELEASE)
    assert "deployment of hotfix-v1.2.3 ended FAILED (deployment dep_2)" in info.value.message
    assert "railway logs" in (info.value.hint or "")
    assert make(railway).current().ref == "dep_1"


def test_slow_build_times_out(railway: RailwayStandin):
    railway.reads_to_finish = 10_000
    with pytest.raises(ProviderError) as info:
        make(railway, timeout=0.2).deploy(RELEASE)
    assert "still BUILDING after 0.2s" in info.value.message


def test_unreachable_api_is_retried_then_reported(railway: RailwayStandin):
    env = {"RAILWAY_API_TOKEN": TOKEN, "HOTFIX_CI_RAILWAY_API_URL": "http://127.0.0.1:9/graphql/v2"}
    with pytest.raises(ProviderError) as info:
        make(railway, env=env).current()
    assert "ConnectionError" in info.value.message


def test_wrong_path_is_a_4xx(railway: RailwayStandin):
    env = {"RAILWAY_API_TOKEN": TOKEN, "HOTFIX_CI_RAILWAY_API_URL": railway.url + "/nope"}
    with pytest.raises(ProviderError) as info:
        make(railway, env=env).current()
    assert "HTTP 404" in info.value.message


def test_garbage_answer(railway: RailwayStandin):
    railway.garbage = True
    with pytest.raises(ProviderError) as info:
        make(railway).current()
    assert "the answer had no `data`" in info.value.message
    assert "api_url" in (info.value.hint or "")


def test_missing_ids_are_config_errors(railway: RailwayStandin):
    with pytest.raises(ConfigError) as info:
        make(railway, service_id="")
    assert "service_id" in info.value.message


def test_a_mutation_whose_answer_timed_out_is_not_sent_again(railway: RailwayStandin):
    provider = make(railway)
    provider.api.request_timeout = 0.3
    railway.stall_next = [1.0]  # the deploy mutation is handled, its answer comes too late
    with pytest.raises(ProviderError):
        provider.deploy(RELEASE)
    mutations = [r for r in railway.requests if "mutation" in str(r.get("query"))]
    assert len(mutations) == 1


def test_a_query_whose_answer_timed_out_is_retried(railway: RailwayStandin):
    railway.seed("c" * 40)
    provider = make(railway)
    provider.api.request_timeout = 0.3
    railway.stall_next = [1.0]
    point = provider.current()
    assert point is not None
    queries = [r for r in railway.requests if str(r.get("query")).lstrip().startswith("query")]
    assert len(queries) == 2
