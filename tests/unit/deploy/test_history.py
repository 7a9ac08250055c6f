"""The deployment log's rules: live release, rollback target, re-run detection, points."""

from __future__ import annotations

from typing import Any

from hotfix_ci.config.model import ProviderSpec, ReleaseConfig
from hotfix_ci.deploy import history
from hotfix_ci.github_api.deployments import DeploymentRecord, clip, recorded_by_hotfix_ci
from hotfix_ci.providers.base import Release, RollbackPoint


def rec(id: int, ref: str, state: str | None, **payload: Any) -> DeploymentRecord:
    body = {"tool": "hotfix-ci", "provider": "app", **payload}
    return DeploymentRecord(
        id=id,
        ref=ref,
        sha=f"sha{id}",
        environment="production",
        description="",
        payload=body,
        state=state,
    )


SPEC = ProviderSpec(name="app", type="command")

# newest first, as the API lists them
LOG = [
    rec(5, "v1.4.4", "failure"),
    rec(4, "v1.4.3", "success"),
    rec(3, "v1.4.3", "failure"),
    rec(2, "v1.4.2", "success"),
    rec(1, "v1.4.1", "success"),
]


def test_live_is_the_newest_success() -> None:
    assert history.live(LOG) == LOG[1]
    assert history.live([rec(1, "v1", "in_progress")]) is None


def test_rollback_target_is_the_newest_older_success_with_another_ref() -> None:
    assert history.good_before(LOG, LOG[1]) == LOG[3]
    assert history.good_before(LOG[3:], LOG[3]) == LOG[4]
    assert history.good_before(LOG[4:], LOG[4]) is None


def test_after_a_rollback_the_target_stays_the_same() -> None:
    rolled = rec(6, "v1.4.2", "success", rollback_of="v1.4.3")
    assert history.good_before([rolled, *LOG], rolled) == LOG[3]  # already there


def test_deployed_before_tells_a_rerun_of_an_older_release() -> None:
    assert history.deployed_before(LOG, "v1.4.2", LOG[1]) is True
    assert history.deployed_before(LOG, "v1.4.4", LOG[1]) is False  # never healthy
    assert history.deployed_before(LOG, "v1.5.0", LOG[1]) is False


def test_recorded_point_comes_from_a_later_payload() -> None:
    image = {
        "provider": "app",
        "type": "kubernetes-image",
        "ref": "ghcr.io/a/w@sha256:1",
        "description": "image",
        "data": {},
        "tag": "v1.4.2",
    }
    log = [rec(4, "v1.4.3", "success", previous=image), *LOG[3:]]
    point = history.recorded_point(log, "v1.4.2")
    assert point is not None and point.ref == "ghcr.io/a/w@sha256:1"
    assert history.recorded_point(log, "v1.4.1") is None


def test_point_from_a_record_carries_the_release_placeholders() -> None:
    point = history.point_from_record(LOG[3], SPEC, ReleaseConfig())
    assert point.ref == "v1.4.2"
    assert dict(point.data) == {
        "tag": "v1.4.2",
        "version": "1.4.2",
        "sha": "sha2",
        "environment": "production",
    }
    assert (point.provider, point.type) == ("app", "command")


def test_a_record_without_a_version_takes_its_tag_version_under_the_release_scheme() -> None:
    """A suffix tag's {version} keeps its suffix: the un-hotfixed 0.14.0 would be wrong."""
    bare = DeploymentRecord(
        id=7, ref="hotfix-v0.14.0q1", sha="s7", environment="production", description=""
    )
    suffix = ReleaseConfig(scheme="suffix", token="q")
    assert history.release_of(bare, suffix) == Release(
        tag="hotfix-v0.14.0q1", version="0.14.0q1", sha="s7", environment="production"
    )
    assert history.point_from_record(bare, SPEC, suffix).data["version"] == "0.14.0q1"
    recorded = DeploymentRecord(
        id=8,
        ref="v2",
        sha="s8",
        environment="production",
        description="",
        payload={"version": "2.0.1"},
    )
    assert history.release_of(recorded, suffix).version == "2.0.1"


def test_only_our_provider_records_count() -> None:
    other = DeploymentRecord(
        id=9,
        ref="main",
        sha="x",
        environment="production",
        description="",
        payload={"provider": "app"},
        state="success",
    )
    assert recorded_by_hotfix_ci(LOG[0], "app") and not recorded_by_hotfix_ci(LOG[0], "web")
    assert not recorded_by_hotfix_ci(other, "app")  # written by another tool
    # With no provider named: any Deployment hotfix-ci recorded, and only those.
    assert recorded_by_hotfix_ci(LOG[0]) and not recorded_by_hotfix_ci(other)


def test_payload_shape() -> None:
    release = Release(tag="v1.4.3", version="1.4.3", sha="abc", environment="production")
    point = RollbackPoint(provider="app", type="command", ref="v1.4.2", description="v1.4.2")
    body = history.payload(
        provider="app",
        provider_type="command",
        release=release,
        previous=point,
        previous_tag="v1.4.2",
        rollback_of="v1.4.4",
    )
    assert body["tool"] == "hotfix-ci" and body["tag"] == "v1.4.3"
    assert body["previous"]["ref"] == "v1.4.2" and body["previous"]["tag"] == "v1.4.2"
    assert body["rollback_of"] == "v1.4.4" and "point" not in body


def test_status_descriptions_fit_githubs_limit() -> None:
    assert clip("x" * 200) == "x" * 139 + "…"
    assert clip("short") == "short"
