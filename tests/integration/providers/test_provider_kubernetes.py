"""The kubernetes provider against the kubectl stand-in: real subprocesses, real argv."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hotfix_ci.errors import ConfigError
from hotfix_ci.providers.base import ProviderContext, ProviderError, Release, RollbackPoint
from hotfix_ci.providers.kubernetes import create
from tests.standins import JsonState, install, path_env

OLD = "ghcr.io/acme/api:hotfix-v1.2.2"
RELEASE = Release(tag="hotfix-v1.2.3", version="1.2.3", sha="a" * 40, environment="prod")


@pytest.fixture
def cluster(tmp_path: Path) -> JsonState:
    state = JsonState(tmp_path / "kubectl.json")
    state.save(
        {
            "context": "prod-ctx",
            "deployments": {"shop/api": {"containers": {"api": OLD, "sidecar": "envoy:1"}}},
        }
    )
    install(tmp_path / "bin", "kubectl", "kubectl", state.path)
    (tmp_path / "kubeconfig").write_text("apiVersion: v1\nkind: Config\n")
    return state


def make(tmp_path: Path, env: dict[str, str] | None = None, **settings: Any) -> Any:
    base = {
        "namespace": "shop",
        "deployment": "api",
        "container": "api",
        "image": "ghcr.io/acme/api:{tag}",
        "context": "prod-ctx",
        "timeout": 20,
    }
    base.update(settings)
    if env is None:
        env = path_env(tmp_path / "bin", {"KUBECONFIG": str(tmp_path / "kubeconfig")})
    context = ProviderContext(
        name="k8s-prod",
        type="kubernetes",
        settings={k: v for k, v in base.items() if v is not None},
        env=env,
        workdir=tmp_path,
        log=lambda _line: None,
    )
    return create(context)


def test_deploy_then_rollback_restores_the_recorded_image(tmp_path: Path, cluster: JsonState):
    provider = make(tmp_path)
    before = provider.current()
    assert before is not None and before.ref == OLD

    result = provider.deploy(RELEASE)
    assert result.ref == "ghcr.io/acme/api:hotfix-v1.2.3"
    assert provider.current().ref == "ghcr.io/acme/api:hotfix-v1.2.3"
    # the other container is untouched
    assert cluster.load()["deployments"]["shop/api"]["containers"]["sidecar"] == "envoy:1"

    restored = provider.rollback(RollbackPoint.from_dict(before.as_dict()))
    assert restored.ref == OLD
    assert provider.current().ref == OLD
    calls = cluster.load()["calls"]
    assert not any(call[:2] == ["rollout", "undo"] for call in calls)
    assert [
        "set",
        "image",
        "deployment/api",
        f"api={OLD}",
        "-n",
        "shop",
        "--context",
        "prod-ctx",
    ] in calls
    assert any(call[:3] == ["rollout", "status", "deployment/api"] for call in calls)


def test_kubeconfig_setting_is_passed_as_flag(tmp_path: Path, cluster: JsonState):
    # no KUBECONFIG in the env: the flag alone must carry the credentials
    provider = make(
        tmp_path, env=path_env(tmp_path / "bin"), kubeconfig=str(tmp_path / "kubeconfig")
    )
    assert provider.current().ref == OLD
    assert "--kubeconfig" in cluster.load()["calls"][-1]


def test_missing_credentials_name_kubeconfig(tmp_path: Path, cluster: JsonState):
    provider = make(tmp_path, env=path_env(tmp_path / "bin", {"HOME": str(tmp_path)}))
    with pytest.raises(ProviderError) as info:
        provider.current()
    assert "KUBECONFIG" in info.value.message
    assert "secret" in (info.value.hint or "")
    assert "calls" not in cluster.load()  # kubectl never started


def test_failed_rollout_says_which_step_and_what_kubectl_answered(
    tmp_path: Path, cluster: JsonState
):
    cluster.update(
        faults={"rollout_fail": 'error: deployment "api" exceeded its progress deadline'}
    )
    with pytest.raises(ProviderError) as info:
        make(tmp_path).deploy(RELEASE)
    assert "wait for the rollout" in info.value.message
    assert "exceeded its progress deadline" in info.value.message
    assert "kubectl describe deployment/api -n shop" in (info.value.hint or "")


def test_set_image_failure_reports_last_stderr_line(tmp_path: Path, cluster: JsonState):
    cluster.update(
        faults={
            "fail": {
                "verb": "set",
                "stderr": "warning: x\nError from server (Forbidden): "
                'deployments.apps "api" is forbidden',
            }
        }
    )
    with pytest.raises(ProviderError) as info:
        make(tmp_path).deploy(RELEASE)
    assert "set the image" in info.value.message
    assert "is forbidden" in info.value.message
    assert "warning: x" not in info.value.message


def test_unknown_container_is_named(tmp_path: Path, cluster: JsonState):
    with pytest.raises(ProviderError) as info:
        make(tmp_path, container="web").current()
    assert "'web'" in info.value.message and "api, sidecar" in info.value.message


def test_wrong_context_is_rejected_by_the_standin(tmp_path: Path, cluster: JsonState):
    with pytest.raises(ProviderError) as info:
        make(tmp_path, context="staging-ctx").current()
    assert 'context "staging-ctx" does not exist' in info.value.message


def test_garbage_output_is_a_provider_error(tmp_path: Path, cluster: JsonState):
    cluster.update(faults={"garbage": True})
    with pytest.raises(ProviderError) as info:
        make(tmp_path).current()
    assert "did not return a Deployment as JSON" in info.value.message


def test_hanging_kubectl_times_out(tmp_path: Path, cluster: JsonState):
    cluster.update(faults={"hang": 10})
    with pytest.raises(ProviderError) as info:
        make(tmp_path, timeout=1).current()
    assert "did not finish within 1s" in info.value.message


def test_kubectl_missing_from_path(tmp_path: Path, cluster: JsonState):
    env = {"PATH": str(tmp_path / "empty"), "KUBECONFIG": str(tmp_path / "kubeconfig")}
    provider = make(tmp_path, env=env)
    with pytest.raises(ProviderError) as info:
        provider.current()
    assert "kubectl" in info.value.message and "not found" in info.value.message
    assert "install" in (info.value.hint or "")


def test_point_of_another_provider_is_refused(tmp_path: Path, cluster: JsonState):
    point = RollbackPoint(provider="x", type="vercel-deployment", ref="dpl_1", description="")
    with pytest.raises(ProviderError):
        make(tmp_path).rollback(point)
    assert not any(c[:2] == ["set", "image"] for c in cluster.load().get("calls", []))


def test_missing_setting_is_a_config_error(tmp_path: Path):
    with pytest.raises(ConfigError) as info:
        make(tmp_path, image="")
    assert "image" in info.value.message


def test_in_cluster_credentials_are_used_without_a_kubeconfig(
    tmp_path: Path, cluster: JsonState, monkeypatch: pytest.MonkeyPatch
):
    """A self-hosted runner pod: KUBERNETES_SERVICE_HOST/PORT and a mounted token."""
    from hotfix_ci.providers import kubernetes

    sa = tmp_path / "serviceaccount"
    sa.mkdir()
    (sa / "token").write_text("eyJhbGciOi.fake.token")
    monkeypatch.setattr(kubernetes, "SERVICE_ACCOUNT_DIR", sa)
    cluster.update(serviceaccount_dir=str(sa))
    env = path_env(
        tmp_path / "bin", {"KUBERNETES_SERVICE_HOST": "10.0.0.1", "KUBERNETES_SERVICE_PORT": "443"}
    )
    provider = make(tmp_path, env=env, context=None)
    assert provider.deploy(RELEASE).ref == "ghcr.io/acme/api:hotfix-v1.2.3"
    (sa / "token").unlink()
    with pytest.raises(ProviderError) as info:
        make(tmp_path, env=env, context=None).current()
    assert "no service-account token is mounted" in info.value.message


def test_point_for_is_the_image_template_of_the_release(tmp_path: Path, cluster: JsonState):
    provider = make(tmp_path)
    provider.deploy(RELEASE)
    old = Release(tag="hotfix-v1.2.2", version="1.2.2", sha="b" * 40, environment="prod")
    point = provider.point_for(old)
    assert (point.type, point.ref) == ("kubernetes-image", OLD)
    assert point.data["tag"] == "hotfix-v1.2.2"
    provider.rollback(point)
    assert provider.current().ref == OLD
