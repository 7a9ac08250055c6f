"""The render provider against a loopback stand-in of the Render REST API, held to the Go
client generated from Render's OpenAPI description."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from hotfix_ci.providers import render
from hotfix_ci.providers.base import ProviderContext, ProviderError, Release, RollbackPoint
from tests.standins.render_api import RenderAPIStandin

TOKEN = "rnd_" + "k" * 32
SERVICE = "srv-abc123"
OLD, NEW = "a" * 40, "b" * 40


@pytest.fixture(autouse=True)
def _fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render, "RETRY_WAIT", 0.001)


@pytest.fixture
def api() -> Iterator[RenderAPIStandin]:
    with RenderAPIStandin(token=TOKEN, service_id=SERVICE) as standin:
        yield standin
        assert standin.violations == []


def make(
    tmp_path: Path, settings: dict[str, Any], env: dict[str, str] | None = None, log: Any = None
) -> render.RenderProvider:
    context = ProviderContext(
        name="prod-render",
        type="render",
        settings={"poll_interval": 0.001, **settings},
        env={"RENDER_API_KEY": TOKEN} if env is None else env,
        workdir=tmp_path,
        log=log or (lambda _line: None),
    )
    return render.create(context)


def release(sha: str = NEW) -> Release:
    return Release(tag="hotfix-v1.2.4", version="1.2.4", sha=sha, environment="production")


def test_deploy_current_rollback_round_trip(tmp_path: Path, api: RenderAPIStandin) -> None:
    first = api.seed_live(OLD)
    provider = make(tmp_path, {"service_id": SERVICE, "api_url": api.url})

    point = provider.current()
    assert point is not None
    assert (point.ref, point.type, point.data["commit"]) == (first["id"], "render-deploy", OLD)

    result = provider.deploy(release())
    assert api.live() is not None and api.live()["id"] == result.ref  # type: ignore[index]
    assert ("POST", f"/v1/services/{SERVICE}/deploys", {"commitId": NEW}) in api.requests
    after = provider.current()
    assert after is not None and after.data["commit"] == NEW and after.ref == result.ref

    restored = provider.rollback(RollbackPoint.from_dict(point.as_dict()))
    assert ("POST", f"/v1/services/{SERVICE}/rollback", {"deployId": first["id"]}) in api.requests
    now = provider.current()
    assert now is not None and now.ref == restored.ref and now.data["commit"] == OLD


def test_image_backed_service_deploys_the_image_url(tmp_path: Path, api: RenderAPIStandin) -> None:
    image = "ghcr.io/acme/api:hotfix-v1.2.4"
    provider = make(tmp_path, {"service_id": SERVICE, "api_url": api.url, "image_url": image})
    provider.deploy(release())
    assert ("POST", f"/v1/services/{SERVICE}/deploys", {"imageUrl": image}) in api.requests
    point = provider.current()
    assert point is not None and point.data["image"] == image
    assert image in point.description


def test_nothing_live_means_no_rollback_point(tmp_path: Path, api: RenderAPIStandin) -> None:
    assert make(tmp_path, {"service_id": SERVICE, "api_url": api.url}).current() is None


def test_failed_build_raises_and_keeps_the_old_deploy_live(
    tmp_path: Path, api: RenderAPIStandin
) -> None:
    first = api.seed_live(OLD)
    api.failing_commits.add(NEW)
    provider = make(tmp_path, {"service_id": SERVICE, "api_url": api.url})
    with pytest.raises(ProviderError, match="ended build_failed") as info:
        provider.deploy(release())
    assert "Render Dashboard" in str(info.value.hint)
    point = provider.current()
    assert point is not None and point.ref == first["id"]


def test_deploy_that_is_not_live_in_time_raises(tmp_path: Path, api: RenderAPIStandin) -> None:
    provider = make(tmp_path, {"service_id": SERVICE, "api_url": api.url, "timeout": 1e-6})
    with pytest.raises(ProviderError, match=r"still build_in_progress after 1e-06s"):
        provider.deploy(release())


def test_missing_api_key_names_the_variable(tmp_path: Path, api: RenderAPIStandin) -> None:
    with pytest.raises(ProviderError, match="RENDER_API_KEY is not set") as info:
        make(tmp_path, {"service_id": SERVICE, "api_url": api.url}, env={})
    assert "secrets.RENDER_API_KEY" in str(info.value.hint)
    assert api.requests == []


def test_rejected_key_is_not_retried_and_not_echoed(tmp_path: Path, api: RenderAPIStandin) -> None:
    wrong = "rnd_wrong_secret_value"
    provider = make(
        tmp_path, {"service_id": SERVICE, "api_url": api.url}, {"RENDER_API_KEY": wrong}
    )
    with pytest.raises(ProviderError, match="answered 401: unauthorized") as info:
        provider.current()
    assert len(api.requests) == 1
    assert wrong not in str(info.value) and "API Keys" in str(info.value.hint)


def test_server_errors_are_retried_until_they_recover(
    tmp_path: Path, api: RenderAPIStandin
) -> None:
    api.seed_live(OLD)
    api.fail_next(503, times=2)
    point = make(tmp_path, {"service_id": SERVICE, "api_url": api.url}).current()
    assert point is not None and point.data["commit"] == OLD
    assert len(api.requests) == 3


def test_server_errors_that_persist_give_up_after_bounded_attempts(
    tmp_path: Path, api: RenderAPIStandin
) -> None:
    api.fail_next(502, times=10)
    with pytest.raises(ProviderError, match="answered 502: injected fault"):
        make(tmp_path, {"service_id": SERVICE, "api_url": api.url}).current()
    assert len(api.requests) == render.RETRY_ATTEMPTS


def test_unknown_service_is_a_4xx_with_a_hint(tmp_path: Path, api: RenderAPIStandin) -> None:
    with pytest.raises(ProviderError, match="answered 404: service not found") as info:
        make(tmp_path, {"service_id": "srv-nope", "api_url": api.url}).current()
    assert "service_id" in str(info.value.hint)


def test_garbage_answer_is_reported(tmp_path: Path, api: RenderAPIStandin) -> None:
    api.fail_next(200, body="<html>maintenance</html>")
    with pytest.raises(ProviderError, match="not JSON"):
        make(tmp_path, {"service_id": SERVICE, "api_url": api.url}).current()


def test_unreachable_api_is_reported_after_retries(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    provider = make(tmp_path, {"service_id": SERVICE, "api_url": f"http://127.0.0.1:{port}/v1"})
    with pytest.raises(ProviderError, match="failed after 4 attempts: ConnectionError"):
        provider.current()


def test_api_url_can_come_from_the_environment(tmp_path: Path, api: RenderAPIStandin) -> None:
    api.seed_live(OLD)
    env = {"RENDER_API_KEY": TOKEN, "RENDER_API_URL": api.url}
    assert make(tmp_path, {"service_id": SERVICE}, env).current() is not None


def test_rollback_refuses_a_point_of_another_provider(
    tmp_path: Path, api: RenderAPIStandin
) -> None:
    point = RollbackPoint(provider="x", type="heroku", ref="r1", description="v1")
    with pytest.raises(ProviderError, match="'heroku' point"):
        make(tmp_path, {"service_id": SERVICE, "api_url": api.url}).rollback(point)
    assert api.requests == []


def test_settings_schema_describes_every_key() -> None:
    schema = render.SETTINGS_SCHEMA
    Draft202012Validator.check_schema(schema)
    assert schema["additionalProperties"] is False
    assert all(prop.get("description") for prop in schema["properties"].values())
    assert Draft202012Validator(schema).is_valid(
        {"service_id": "srv-abc123", "image_url": "ghcr.io/a/b:{tag}"}
    )
    assert not Draft202012Validator(schema).is_valid({"service_id": "srv-abc123", "serviceId": "x"})


def test_release_placeholders_are_replaced_in_the_image_url(
    tmp_path: Path, api: RenderAPIStandin
) -> None:
    settings = {"service_id": SERVICE, "api_url": api.url, "image_url": "ghcr.io/acme/api:{tag}"}
    rel = release()
    make(tmp_path, settings).deploy(rel)
    body = {"imageUrl": f"ghcr.io/acme/api:{rel.tag}"}
    assert ("POST", f"/v1/services/{SERVICE}/deploys", body) in api.requests


def test_a_queued_deploy_202_without_a_body_is_found_and_followed(
    tmp_path: Path, api: RenderAPIStandin
) -> None:
    api.seed_live(OLD)
    api.queue_next = True
    result = make(tmp_path, {"service_id": SERVICE, "api_url": api.url}).deploy(release())
    assert api.live()["id"] == result.ref and api.live()["commit"]["id"] == NEW  # type: ignore[index]
    listed = [r for r in api.requests if "status=queued" in r[1]]
    assert listed, "the queued deploy is looked up as Render's CLI does"
    assert not [r for r in api.requests if r[1].endswith("/rollback")]


def test_a_deploy_superseded_while_followed_counts_as_successful(
    tmp_path: Path, api: RenderAPIStandin
) -> None:
    api.seed_live(OLD)
    lines: list[str] = []
    provider = make(tmp_path, {"service_id": SERVICE, "api_url": api.url}, log=lines.append)
    real = api._retrieve

    def superseded(deploy_id: str) -> Any:
        status, deploy = real(deploy_id)
        if deploy.get("status") == "live":  # an autodeploy of a newer push replaced it
            newer = api._new_deploy({"commitId": "c" * 40}, trigger="new_commit")
            api.go_live(newer)
            deploy = {**deploy, "status": api._find(deploy_id)["status"]}  # type: ignore[index]
        return status, deploy

    api._retrieve = superseded  # type: ignore[method-assign]
    result = provider.deploy(release())
    deactivated = next(d for d in api.deploys if d["id"] == result.ref)
    assert deactivated["status"] == "deactivated"
    assert any("superseded" in line for line in lines)


def test_rollback_warns_when_autodeploy_is_on(tmp_path: Path, api: RenderAPIStandin) -> None:
    first = api.seed_live(OLD)
    point = RollbackPoint(provider="p", type="render-deploy", ref=first["id"], description="old")
    for auto, warned in (("yes", True), ("no", False)):
        api.auto_deploy = auto
        lines: list[str] = []
        make(tmp_path, {"service_id": SERVICE, "api_url": api.url}, log=lines.append).rollback(
            point
        )
        assert any("autodeploy is on" in line for line in lines) is warned


def test_point_for_finds_the_successful_deploy_of_a_commit(
    tmp_path: Path, api: RenderAPIStandin
) -> None:
    first = api.seed_live(OLD)
    provider = make(tmp_path, {"service_id": SERVICE, "api_url": api.url})
    provider.deploy(release())
    old = provider.point_for(release(OLD))
    assert old is not None and (old.ref, old.type) == (first["id"], "render-deploy")
    assert provider.point_for(release("9" * 40)) is None


def test_the_stand_in_answers_only_what_the_generated_client_parses() -> None:
    from tests.standins.contracts import load

    contract = load("render-api.json")
    assert contract["responses"]["CreateDeploy"][:2] == [201, 202]
    assert {"live", "deactivated", "queued"} <= set(contract["deploy_status"])
    assert {"commitId", "imageUrl"} <= set(contract["create_deploy_body"])
