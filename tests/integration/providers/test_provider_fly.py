"""The fly provider against the flyctl stand-in, which prints what flyctl prints
(re-tagged local images included)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hotfix_ci.providers.base import ProviderContext, ProviderError, Release, RollbackPoint
from hotfix_ci.providers.fly import create
from tests.standins import JsonState, install, path_env
from tests.standins.flyctl import release

TOKEN = "fo1_" + "x" * 40
OLD = "registry.fly.io/shop:hotfix-v1.2.2"
RELEASE = Release(tag="hotfix-v1.2.3", version="1.2.3", sha="b" * 40, environment="prod")


@pytest.fixture
def fly(tmp_path: Path) -> JsonState:
    state = JsonState(tmp_path / "fly.json")
    state.save(
        {
            "apps": {
                "shop": {
                    "releases": [
                        release(1, "registry.fly.io/shop:old"),
                        release(2, OLD),
                        release(3, "registry.fly.io/shop:bad", "failed"),
                    ],
                    "config": {"app": "shop", "env": {"FEATURE": "v2"}},
                },
                "empty": {"releases": []},
            }
        }
    )
    install(tmp_path / "bin", "flyctl", "flyctl", state.path)
    return state


def make(tmp_path: Path, env: dict[str, str] | None = None, **settings: Any) -> Any:
    base: dict[str, Any] = {"app": "shop", "image": "registry.fly.io/shop:{tag}", "timeout": 20}
    base.update(settings)
    context = ProviderContext(
        name="fly-prod",
        type="fly",
        settings=base,
        env=env if env is not None else path_env(tmp_path / "bin", {"FLY_API_TOKEN": TOKEN}),
        workdir=tmp_path,
        log=lambda _line: None,
    )
    return create(context)


def test_current_is_the_newest_complete_release(tmp_path: Path, fly: JsonState):
    point = make(tmp_path).current()
    assert point is not None
    assert point.ref == OLD  # v3 failed, so v2 is what runs
    assert point.data["version"] == "2"


def test_deploy_then_rollback_round_trip(tmp_path: Path, fly: JsonState):
    provider = make(tmp_path, strategy="bluegreen")
    before = provider.current()
    result = provider.deploy(RELEASE)
    assert result.ref == "registry.fly.io/shop:hotfix-v1.2.3"
    assert provider.current().ref == result.ref

    restored = provider.rollback(RollbackPoint.from_dict(before.as_dict()))
    assert restored.ref == OLD
    now = provider.current()
    assert now.ref == OLD and now.data["version"] == "5"  # a new release of the old image
    calls = fly.load()["calls"]
    rollback = [c for c in calls if c[:1] == ["deploy"] and OLD in c]
    assert rollback[0][:5] == ["deploy", "--app", "shop", "--image", OLD]
    assert rollback[0][-2:] == ["--strategy", "bluegreen"]
    assert all(TOKEN not in " ".join(call) for call in calls)


def test_app_without_releases_has_no_current(tmp_path: Path, fly: JsonState):
    assert make(tmp_path, app="empty").current() is None


def test_missing_token_names_the_variable_and_never_runs_flyctl(tmp_path: Path, fly: JsonState):
    with pytest.raises(ProviderError) as info:
        make(tmp_path, env=path_env(tmp_path / "bin")).deploy(RELEASE)
    assert "FLY_API_TOKEN" in info.value.message
    assert "secrets.FLY_API_TOKEN" in (info.value.hint or "")
    assert "calls" not in fly.load()


def test_failed_deploy_reports_flyctl_error(tmp_path: Path, fly: JsonState):
    fly.update(
        faults={"deploy_fail": "smoke checks for 3d8d9 failed: the app appears to be crashing"}
    )
    with pytest.raises(ProviderError) as info:
        make(tmp_path).deploy(RELEASE)
    assert "deploy registry.fly.io/shop:hotfix-v1.2.3" in info.value.message
    assert "appears to be crashing" in info.value.message
    assert "flyctl logs --app shop" in (info.value.hint or "")
    assert make(tmp_path).current().ref == OLD  # the failed release is not "live"


def test_deploy_that_changes_nothing_is_caught(tmp_path: Path, fly: JsonState):
    fly.update(faults={"noop": True})
    with pytest.raises(ProviderError) as info:
        make(tmp_path).deploy(RELEASE)
    assert "no release after v3 runs registry.fly.io/shop:hotfix-v1.2.3" in info.value.message


def test_garbage_releases_output(tmp_path: Path, fly: JsonState):
    fly.update(faults={"garbage": True})
    with pytest.raises(ProviderError) as info:
        make(tmp_path).current()
    assert "did not return a list of releases" in info.value.message


def test_unknown_app(tmp_path: Path, fly: JsonState):
    with pytest.raises(ProviderError) as info:
        make(tmp_path, app="nope").current()
    assert 'Could not find App "nope"' in info.value.message


def test_hanging_flyctl_times_out(tmp_path: Path, fly: JsonState):
    fly.update(faults={"hang": 10})
    with pytest.raises(ProviderError) as info:
        make(tmp_path, timeout=1).current()
    assert "did not finish within 1s" in info.value.message


def test_a_local_image_pushed_re_tagged_is_the_deployment_started(tmp_path: Path, fly: JsonState):
    """On CI flyctl pushes a local image as registry.fly.io/<app>:deployment-<ULID> and
    records that; the deploy is healthy, not "runs something else"."""
    image = "shop:hotfix-v1.2.3"
    fly.update(local_images=[image])
    result = make(tmp_path, image="shop:{tag}").deploy(RELEASE)
    live = fly.load()["apps"]["shop"]["releases"][-1]
    assert live["ImageRef"].startswith("registry.fly.io/shop:deployment-")
    assert result.ref == live["ImageRef"] and "pushed as" in result.description
    assert make(tmp_path).current().ref == live["ImageRef"]


def test_rollback_runs_the_release_with_its_own_config(tmp_path: Path, fly: JsonState):
    today = tmp_path / "fly-today.json"
    today.write_text('{"app": "shop", "env": {"FEATURE": "v3"}}')
    provider = make(tmp_path, config=str(today))
    before = provider.current()
    assert '"FEATURE":"v2"' in before.data["config"]
    provider.deploy(RELEASE)
    assert fly.load()["apps"]["shop"]["config"]["env"] == {"FEATURE": "v3"}
    provider.rollback(RollbackPoint.from_dict(before.as_dict()))
    app = fly.load()["apps"]["shop"]
    assert app["releases"][-1]["ImageRef"] == OLD
    assert app["config"]["env"] == {"FEATURE": "v2"}  # not today's fly.toml


def test_point_for_is_the_image_of_the_release(tmp_path: Path, fly: JsonState):
    old = Release(tag="hotfix-v1.2.2", version="1.2.2", sha="a" * 40, environment="prod")
    point = make(tmp_path).point_for(old)
    assert (point.type, point.ref) == ("fly-image", OLD)
    make(tmp_path).rollback(point)
    assert make(tmp_path).current().ref == OLD
