"""The railway provider against the loopback GraphQL stand-in."""

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


def make(railway: RailwayStandin, env: dict[str, str] | None = None, **settings: Any) -> Any:
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
        log=lambda _line: None,
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


def test_rollback_with_a_boolean_answer_follows_the_new_deployment(railway: RailwayStandin):
    railway.rollback_returns_bool = True
    provider = make(railway)
    before = provider.current()
    provider.deploy(RELEASE)
    restored = provider.rollback(before)
    assert restored.ref == "dep_3"
    assert provider.current().data["commit"] == OLD_SHA


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
