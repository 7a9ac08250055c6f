"""The vercel provider against the vercel CLI stand-in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hotfix_ci.errors import ConfigError
from hotfix_ci.providers.base import ProviderContext, ProviderError, Release, RollbackPoint
from hotfix_ci.providers.vercel import create
from tests.standins import JsonState, install, path_env

TOKEN = "vc_" + "t" * 40
DOMAIN = "shop.example.com"
RELEASE = Release(tag="hotfix-v1.2.3", version="1.2.3", sha="c" * 40, environment="prod")


@pytest.fixture
def vercel(tmp_path: Path) -> JsonState:
    state = JsonState(tmp_path / "vercel.json")
    state.save(
        {
            "project": "shop",
            "domain": DOMAIN,
            "scope": "acme",
            "deployments": {
                "dpl_0001": {
                    "url": "shop-0001.vercel.app",
                    "name": "shop",
                    "target": "production",
                    "readyState": "READY",
                },
            },
            "aliases": {DOMAIN: "dpl_0001"},
        }
    )
    install(tmp_path / "bin", "vercel", "vercel", state.path)
    return state


def make(tmp_path: Path, env: dict[str, str] | None = None, **settings: Any) -> Any:
    base: dict[str, Any] = {"production_url": f"https://{DOMAIN}", "scope": "acme", "timeout": 20}
    base.update(settings)
    context = ProviderContext(
        name="vercel-prod",
        type="vercel",
        settings=base,
        env=env if env is not None else path_env(tmp_path / "bin", {"VERCEL_TOKEN": TOKEN}),
        workdir=tmp_path,
        log=lambda _line: None,
    )
    return create(context)


def test_round_trip_deploy_rollback_deploy(tmp_path: Path, vercel: JsonState):
    provider = make(tmp_path)
    before = provider.current()
    assert before is not None and before.ref == "dpl_0001"

    result = provider.deploy(RELEASE)
    assert result.ref == "dpl_0002"
    assert result.url == "https://shop-0002.vercel.app"
    assert provider.current().ref == "dpl_0002"

    restored = provider.rollback(RollbackPoint.from_dict(before.as_dict()))
    assert restored.ref == "dpl_0001"
    assert provider.current().ref == "dpl_0001"
    assert ["rollback", "https://shop-0001.vercel.app", "--timeout=20s", "--scope", "acme"] in (
        vercel.load()["calls"]
    )

    # the domain is pinned after a rollback: the next hotfix must promote itself
    again = provider.deploy(RELEASE)
    assert again.ref == "dpl_0003"
    assert provider.current().ref == "dpl_0003"
    calls = vercel.load()["calls"]
    assert any(c[:2] == ["promote", "https://shop-0003.vercel.app"] for c in calls)
    assert all(TOKEN not in " ".join(c) for c in calls)


def test_deploy_without_a_rollback_does_not_promote(tmp_path: Path, vercel: JsonState):
    make(tmp_path).deploy(RELEASE)
    assert not any(c[0] == "promote" for c in vercel.load()["calls"])


def test_domain_with_no_deployment_has_no_current(tmp_path: Path, vercel: JsonState):
    vercel.update(aliases={})
    assert make(tmp_path).current() is None


def test_missing_token(tmp_path: Path, vercel: JsonState):
    with pytest.raises(ProviderError) as info:
        make(tmp_path, env=path_env(tmp_path / "bin")).current()
    assert "VERCEL_TOKEN" in info.value.message
    assert "secrets.VERCEL_TOKEN" in (info.value.hint or "")
    assert "calls" not in vercel.load()


def test_failed_build_reports_the_cli_error(tmp_path: Path, vercel: JsonState):
    vercel.update(faults={"build_fail": 'Command "npm run build" exited with 1'})
    with pytest.raises(ProviderError) as info:
        make(tmp_path).deploy(RELEASE)
    assert "deploy hotfix-v1.2.3 to production" in info.value.message
    assert 'Command "npm run build" exited with 1' in info.value.message
    assert make(tmp_path).current().ref == "dpl_0001"


def test_wrong_scope_is_reported(tmp_path: Path, vercel: JsonState):
    with pytest.raises(ProviderError) as info:
        make(tmp_path, scope="other-team").current()
    assert 'scope "other-team" does not exist' in info.value.message


def test_garbage_inspect_output(tmp_path: Path, vercel: JsonState):
    vercel.update(faults={"garbage": True})
    with pytest.raises(ProviderError) as info:
        make(tmp_path).current()
    assert "did not return a deployment" in info.value.message
    assert "vercel@latest" in (info.value.hint or "")


def test_hanging_cli_times_out(tmp_path: Path, vercel: JsonState):
    vercel.update(faults={"hang": 10})
    with pytest.raises(ProviderError) as info:
        make(tmp_path, timeout=1).current()
    assert "did not finish within 1s" in info.value.message


def test_rollback_to_an_unknown_deployment_fails_clearly(tmp_path: Path, vercel: JsonState):
    point = RollbackPoint(
        provider="vercel-prod",
        type="vercel-deployment",
        ref="dpl_9999",
        description="gone",
        data={"url": "https://shop-9999.vercel.app"},
    )
    with pytest.raises(ProviderError) as info:
        make(tmp_path).rollback(point)
    assert "roll back to https://shop-9999.vercel.app" in info.value.message
    assert "not eligible" in info.value.message


def test_project_setting_without_production_url(tmp_path: Path, vercel: JsonState):
    state = vercel.load()
    state["domain"] = "shop.vercel.app"
    state["aliases"] = {"shop.vercel.app": "dpl_0001"}
    vercel.save(state)
    provider = make(tmp_path, production_url=None, project="shop")
    point = provider.current()
    assert point is not None and point.ref == "dpl_0001"
    provider.deploy(RELEASE)
    after = provider.current()
    assert after is not None and after.ref != "dpl_0001"


def test_unknown_project_is_reported(tmp_path: Path, vercel: JsonState):
    provider = make(tmp_path, project="nope")
    with pytest.raises(ProviderError, match="Project not found"):
        provider.deploy(RELEASE)


def test_neither_project_nor_production_url(tmp_path: Path, vercel: JsonState):
    with pytest.raises(ConfigError, match="needs `project` or `production_url`"):
        make(tmp_path, production_url=None)
