"""The vercel provider against the vercel CLI stand-in, which prints what the Vercel CLI
prints (version banner, the VERCEL_ORG_ID error, list/inspect JSON)."""

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
            "org": "team_acme",
            "domain": DOMAIN,
            "scope": "acme",
            "deployments": {
                "dpl_0001": {
                    "url": "shop-0001.vercel.app",
                    "name": "shop",
                    "target": "production",
                    "readyState": "READY",
                    "createdAt": 1_700_000_000_000,
                    "meta": {"githubCommitSha": "a" * 40},
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


def test_a_project_never_deployed_to_production_has_no_current(tmp_path: Path, vercel: JsonState):
    vercel.update(aliases={}, deployments={})
    assert make(tmp_path).current() is None


def test_a_domain_that_resolves_to_nothing_is_not_a_missing_point(
    tmp_path: Path, vercel: JsonState
):
    """The project has production deployments: deploying now would leave production with
    no rollback point, so it is refused."""
    vercel.update(aliases={})
    with pytest.raises(ProviderError) as info:
        make(tmp_path).current()
    assert "serves no deployment" in info.value.message and "shop-0001" in info.value.message
    assert "production_url" in (info.value.hint or "")


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
    assert "real Vercel CLI" in (info.value.hint or "")


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
    provider = make(tmp_path, production_url=None, project="shop", org="team_acme")
    point = provider.current()
    assert point is not None and point.ref == "dpl_0001"
    provider.deploy(RELEASE)
    after = provider.current()
    assert after is not None and after.ref != "dpl_0001"


def test_unknown_project_is_reported(tmp_path: Path, vercel: JsonState):
    provider = make(tmp_path, project="nope", org="team_acme")
    with pytest.raises(ProviderError, match="Project not found"):
        provider.deploy(RELEASE)


def test_neither_project_nor_production_url(tmp_path: Path, vercel: JsonState):
    with pytest.raises(ConfigError, match="needs `project` or `production_url`"):
        make(tmp_path, production_url=None)


def test_project_without_an_org_is_refused_before_the_cli_refuses_it(
    tmp_path: Path, vercel: JsonState
):
    with pytest.raises(ConfigError) as info:
        make(tmp_path, project="shop")
    assert "VERCEL_ORG_ID is not" in info.value.message and "org:" in (info.value.hint or "")
    # the CLI itself would have answered this, exit 1:
    from tests.standins.vercel import main

    code = main(
        ["inspect", DOMAIN, "--format=json"],
        {"VERCEL_TOKEN": TOKEN, "VERCEL_PROJECT_ID": "shop"},
        str(vercel.path),
    )
    assert code == 1


def test_org_from_the_environment_goes_with_the_project(tmp_path: Path, vercel: JsonState):
    env = path_env(tmp_path / "bin", {"VERCEL_TOKEN": TOKEN, "VERCEL_ORG_ID": "team_acme"})
    assert make(tmp_path, env=env, project="shop").current().ref == "dpl_0001"


@pytest.mark.parametrize(("version", "needs"), [("50.12.0", "50.12.1"), ("49.2.0", "50.0.0")])
def test_a_cli_too_old_is_refused_with_the_version_it_needs(
    tmp_path: Path, vercel: JsonState, version: str, needs: str
):
    vercel.update(version=version)
    with pytest.raises(ProviderError) as info:
        make(tmp_path).current()
    assert f"Vercel CLI {version} is too old" in info.value.message and needs in info.value.message
    assert [c for c in vercel.load()["calls"] if c != ["--version"]] == []


def test_prebuilt_builds_on_the_runner_then_deploys_the_output(tmp_path: Path, vercel: JsonState):
    make(tmp_path, prebuilt=True).deploy(RELEASE)
    calls = vercel.load()["calls"]
    assert ["build", "--prod", "--yes", "--scope", "acme"] in calls
    deploy = next(c for c in calls if c[0] == "deploy")
    assert deploy[:4] == ["deploy", "--prebuilt", "--prod", "--yes"]
    assert vercel.load()["deployments"]["dpl_0002"]["prebuilt"] is True


def test_point_for_finds_the_production_deployment_of_a_release(tmp_path: Path, vercel: JsonState):
    provider = make(tmp_path)
    provider.deploy(RELEASE)
    by_tag = provider.point_for(RELEASE)
    assert by_tag is not None and (by_tag.type, by_tag.ref) == ("vercel-deployment", "dpl_0002")
    # a deployment made before hotfix-ci, by Vercel's Git integration: found by its commit
    old = Release(tag="hotfix-v1.2.2", version="1.2.2", sha="a" * 40, environment="prod")
    assert provider.point_for(old).ref == "dpl_0001"
    assert provider.point_for(Release(tag="x", version="x", sha="", environment="p")) is None
