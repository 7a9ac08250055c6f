"""The heroku provider against a loopback stand-in of the Heroku Platform API."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from hotfix_ci.providers import heroku
from hotfix_ci.providers.base import ProviderContext, ProviderError, Release, RollbackPoint
from tests.standins.heroku_api import HerokuAPIStandin

TOKEN = "HRKU-" + "t" * 36
APP = "acme-api"
SHA = "c" * 40
TARBALL = "https://codeload.example.test/acme/api/tar.gz/" + SHA
IMAGE = "sha256:" + "d" * 64


@pytest.fixture(autouse=True)
def _fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(heroku, "RETRY_WAIT", 0.001)


@pytest.fixture
def api() -> Iterator[HerokuAPIStandin]:
    with HerokuAPIStandin(token=TOKEN, app=APP) as standin:
        yield standin
        assert standin.violations == []


def make(
    tmp_path: Path, api: HerokuAPIStandin, env: dict[str, str] | None = None, **settings: Any
) -> heroku.HerokuProvider:
    base = {"app": APP, "api_url": api.url, "registry_url": api.url, "poll_interval": 0.001}
    context = ProviderContext(
        name="prod-heroku",
        type="heroku",
        settings={**base, **settings},
        env={"HEROKU_API_KEY": TOKEN} if env is None else env,
        workdir=tmp_path,
        log=lambda _line: None,
    )
    return heroku.create(context)


def release() -> Release:
    return Release(tag="hotfix-v2.0.1", version="2.0.1", sha=SHA, environment="production")


def test_build_deploy_current_rollback_round_trip(tmp_path: Path, api: HerokuAPIStandin) -> None:
    first = api.seed_release("Deploy 1111111", "build:old")
    provider = make(tmp_path, api, source_url=TARBALL)

    point = provider.current()
    assert point is not None
    assert (point.type, point.ref, point.data["version"]) == ("heroku-release", first["id"], "1")

    result = provider.deploy(release())
    blob = {"url": TARBALL, "version": SHA}
    assert ("POST", f"/apps/{APP}/builds", {"source_blob": blob}) in api.requests
    live = api.live()
    assert live is not None and live["id"] == result.ref and live["_source"] == f"build:{SHA}"
    after = provider.current()
    assert after is not None and after.ref == result.ref

    restored = provider.rollback(RollbackPoint.from_dict(point.as_dict()))
    assert ("POST", f"/apps/{APP}/releases", {"release": first["id"]}) in api.requests
    live = api.live()
    assert live is not None and live["id"] == restored.ref and live["_source"] == "build:old"
    now = provider.current()
    assert now is not None and now.ref == restored.ref and "Rollback to v1" in now.description


def test_container_release_updates_the_formation(tmp_path: Path, api: HerokuAPIStandin) -> None:
    provider = make(tmp_path, api, docker_image=IMAGE, process_types=["web", "worker"])
    result = provider.deploy(release())
    updates = [{"type": "web", "docker_image": IMAGE}, {"type": "worker", "docker_image": IMAGE}]
    assert ("PATCH", f"/apps/{APP}/formation", {"updates": updates}) in api.requests
    assert api.formation == {"web": IMAGE, "worker": IMAGE}
    point = provider.current()
    assert point is not None and point.ref == result.ref


def test_current_skips_a_newer_release_that_failed(tmp_path: Path, api: HerokuAPIStandin) -> None:
    good = api.seed_release("Deploy good", "build:good")
    api.failing_releases = True
    provider = make(tmp_path, api, source_url=TARBALL)
    with pytest.raises(ProviderError, match="ended failed") as info:
        provider.deploy(release())
    assert "releases:output" in str(info.value.hint)
    point = provider.current()
    assert point is not None and point.ref == good["id"]


def test_failed_build_raises_with_the_build_id(tmp_path: Path, api: HerokuAPIStandin) -> None:
    api.failing_versions.add(SHA)
    provider = make(tmp_path, api, source_url=TARBALL)
    with pytest.raises(
        ProviderError, match=r"build [0-9a-f-]{36} of hotfix-v2.0.1 .* ended failed"
    ) as e:
        provider.deploy(release())
    assert "builds:output" in str(e.value.hint)
    assert api.releases == []


def test_build_that_stays_pending_times_out(tmp_path: Path, api: HerokuAPIStandin) -> None:
    provider = make(tmp_path, api, source_url=TARBALL, timeout=1e-6)
    with pytest.raises(ProviderError, match="was still pending after 1e-06s"):
        provider.deploy(release())


def test_no_release_yet_means_no_rollback_point(tmp_path: Path, api: HerokuAPIStandin) -> None:
    assert make(tmp_path, api, source_url=TARBALL).current() is None


def test_missing_api_key_names_the_variable(tmp_path: Path, api: HerokuAPIStandin) -> None:
    with pytest.raises(ProviderError, match="HEROKU_API_KEY is not set") as info:
        make(tmp_path, api, env={}, source_url=TARBALL)
    assert "secrets.HEROKU_API_KEY" in str(info.value.hint)


def test_source_and_image_are_exclusive(tmp_path: Path, api: HerokuAPIStandin) -> None:
    with pytest.raises(ProviderError, match="exactly one of `source_url`, `image_tag` and"):
        make(tmp_path, api, source_url=TARBALL, docker_image=IMAGE)


def test_rejected_token_is_not_retried_nor_echoed(tmp_path: Path, api: HerokuAPIStandin) -> None:
    wrong = "HRKU-wrong-secret-value"
    provider = make(tmp_path, api, env={"HEROKU_API_KEY": wrong}, source_url=TARBALL)
    with pytest.raises(ProviderError, match="answered 401: Invalid credentials") as info:
        provider.current()
    assert len(api.requests) == 1 and wrong not in str(info.value)


def test_server_errors_recover_after_retries(tmp_path: Path, api: HerokuAPIStandin) -> None:
    api.seed_release("Deploy 1", "build:old")
    api.fail_next(503, times=2)
    assert make(tmp_path, api, source_url=TARBALL).current() is not None
    assert len(api.requests) == 3


def test_server_errors_that_persist_are_bounded(tmp_path: Path, api: HerokuAPIStandin) -> None:
    api.fail_next(500, times=10)
    with pytest.raises(ProviderError, match="answered 500: injected fault"):
        make(tmp_path, api, source_url=TARBALL).deploy(release())
    assert len(api.requests) == heroku.RETRY_ATTEMPTS


def test_unknown_app_is_a_4xx_with_a_hint(tmp_path: Path, api: HerokuAPIStandin) -> None:
    with pytest.raises(ProviderError, match="answered 404: Couldn't find that app") as info:
        make(tmp_path, api, app="other", source_url=TARBALL).current()
    assert "heroku apps" in str(info.value.hint)


def test_garbage_answer_is_reported(tmp_path: Path, api: HerokuAPIStandin) -> None:
    api.fail_next(206, body="not json at all")
    with pytest.raises(ProviderError, match="206 with a body that is not JSON"):
        make(tmp_path, api, source_url=TARBALL).current()


def test_unreachable_api_is_reported(tmp_path: Path, api: HerokuAPIStandin) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    provider = make(tmp_path, api, source_url=TARBALL, api_url=f"http://127.0.0.1:{port}")
    with pytest.raises(ProviderError, match="failed after 4 attempts: ConnectionError"):
        provider.current()


def test_releases_are_listed_newest_first_with_a_bounded_range(
    tmp_path: Path, api: HerokuAPIStandin
) -> None:
    for n in range(12):
        api.seed_release(f"Deploy {n}", f"build:{n}")
    point = make(tmp_path, api, source_url=TARBALL).current()
    assert point is not None and point.data["version"] == "12"
    assert api.ranges == ["version ..; max=10, order=desc"]


def test_settings_schema_describes_every_key() -> None:
    schema = heroku.SETTINGS_SCHEMA
    Draft202012Validator.check_schema(schema)
    assert schema["additionalProperties"] is False
    assert all(prop.get("description") for prop in schema["properties"].values())
    assert Draft202012Validator(schema).is_valid(
        {"app": "acme-api", "source_url": "https://x.test/a.tgz"}
    )
    assert not Draft202012Validator(schema).is_valid(
        {"app": "acme-api", "source_url": "u", "docker_image": "sha256:1"}
    )


def test_release_placeholders_are_replaced_in_the_source_url(
    tmp_path: Path, api: HerokuAPIStandin
) -> None:
    api.seed_release("Deploy 1111111", "build:old")
    template = "https://codeload.example.test/acme/api/tar.gz/{tag}?sha={sha}"
    make(tmp_path, api, source_url=template).deploy(release())
    blob = {
        "url": f"https://codeload.example.test/acme/api/tar.gz/hotfix-v2.0.1?sha={SHA}",
        "version": SHA,
    }
    assert ("POST", f"/apps/{APP}/builds", {"source_blob": blob}) in api.requests


def test_container_release_reads_the_image_id_of_the_release_tag(
    tmp_path: Path, api: HerokuAPIStandin
) -> None:
    api.seed_release("Deployed web (old)", "image:old")
    web, worker = api.push_image("web", "hotfix-v2.0.1"), api.push_image("worker", "hotfix-v2.0.1")
    provider = make(tmp_path, api, image_tag="{tag}", process_types=["web", "worker"])
    result = provider.deploy(release())
    assert api.formation == {"web": web, "worker": worker}
    manifests = [r[1] for r in api.requests if "/manifests/" in r[1]]
    assert manifests == [
        f"/v2/{APP}/web/manifests/hotfix-v2.0.1",
        f"/v2/{APP}/worker/manifests/hotfix-v2.0.1",
    ]
    assert api.live()["id"] == result.ref  # type: ignore[index]


def test_an_image_never_pushed_with_the_tag_is_named(tmp_path: Path, api: HerokuAPIStandin) -> None:
    with pytest.raises(ProviderError) as info:
        make(tmp_path, api, image_tag="{tag}").deploy(release())
    assert f"registry.heroku.com/{APP}/web:hotfix-v2.0.1" in info.value.message
    assert "docker push" in str(info.value.hint)
    assert not [r for r in api.requests if r[0] == "PATCH"]


def test_a_formation_update_that_created_no_release_is_not_success(
    tmp_path: Path, api: HerokuAPIStandin
) -> None:
    old = api.seed_release("Deployed web (old)", "image:old")
    api.push_image("web", "hotfix-v2.0.1")
    api.no_new_release = True
    with pytest.raises(ProviderError) as info:
        make(tmp_path, api, image_tag="{tag}").deploy(release())
    assert "created no new release" in info.value.message and "v1" in info.value.message
    assert api.live()["id"] == old["id"]  # type: ignore[index]


def test_point_for_finds_the_release_built_from_a_commit(
    tmp_path: Path, api: HerokuAPIStandin
) -> None:
    old_sha = "1" * 40
    built = api.seed_build(old_sha)
    provider = make(tmp_path, api, source_url=TARBALL)
    provider.deploy(release())
    old = Release(tag="hotfix-v2.0.0", version="2.0.0", sha=old_sha, environment="production")
    point = provider.point_for(old)
    assert point is not None and point.ref == built["release"]["id"]
    assert point.type == "heroku-release" and point.description.startswith("hotfix-v2.0.0: ")
    assert provider.point_for(Release(tag="x", version="x", sha="9" * 40, environment="p")) is None
    assert make(tmp_path, api, image_tag="{tag}").point_for(old) is None


def test_every_request_is_checked_against_the_hyper_schema(api: HerokuAPIStandin) -> None:
    import requests

    headers = {"Authorization": f"Bearer {TOKEN}", "Accept": heroku.ACCEPT}
    bad = requests.post(
        f"{api.url}/apps/{APP}/releases", json={"release": 12}, headers=headers, timeout=5
    )
    assert bad.status_code == 422 and "invalid params" in bad.json()["message"]
    unknown = requests.get(
        f"{api.url}/apps/{APP}/dynos-that-do-not-exist", headers=headers, timeout=5
    )
    assert unknown.status_code == 404
    assert api.violations == [f"no link of the schema is GET /apps/{APP}/dynos-that-do-not-exist"]
    api.violations.clear()
