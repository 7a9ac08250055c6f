"""Kubernetes provider: one container of one Deployment, driven through ``kubectl``.

The rollback point is the container's image as the Deployment spec holds it; rollback sets
that exact image again and waits for the rollout (never a blind ``kubectl rollout undo``,
which would restore whatever revision happens to be previous).

Commands, as documented:
- ``kubectl get deployment NAME -n NS -o json``
  https://kubernetes.io/docs/reference/kubectl/generated/kubectl_get/
- ``kubectl set image deployment/NAME CONTAINER=IMAGE -n NS``
  https://kubernetes.io/docs/reference/kubectl/generated/kubectl_set/kubectl_set_image
- ``kubectl rollout status deployment/NAME -n NS --timeout=300s``
  https://kubernetes.io/docs/reference/kubectl/generated/kubectl_rollout/kubectl_rollout_status
- ``--context`` / ``--kubeconfig`` and the ``KUBECONFIG`` variable:
  https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/
- In-cluster credentials: with no kubeconfig, client-go (so kubectl) uses the pod's service
  account when ``KUBERNETES_SERVICE_HOST`` and ``KUBERNETES_SERVICE_PORT`` are set and the
  token is mounted at /var/run/secrets/kubernetes.io/serviceaccount/token
  (kubernetes/kubernetes staging/src/k8s.io/client-go/tools/clientcmd/
  merged_client_builder.go, ``ClientConfig()``; rest/config.go ``InClusterConfig``): a
  self-hosted runner inside the cluster needs no kubeconfig.

``point_for(release)`` is the image template filled with that release (the registry keeps
the image the release was built as), so a release no Deployment recorded can be restored.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hotfix_ci.providers import base as contract
from hotfix_ci.providers._checks import fill_release, required_setting
from hotfix_ci.providers._cli import run_cli
from hotfix_ci.providers._image import ImageProvider, image_settings

POINT_TYPE = contract.point_type("kubernetes", "image")
# Where client-go reads the in-cluster token (rest.InClusterConfig); a test may move it.
SERVICE_ACCOUNT_DIR = Path("/var/run/secrets/kubernetes.io/serviceaccount")
DEFAULT_TIMEOUT = 300
# `kubectl rollout status` enforces its own --timeout; the process gets this much longer
# so kubectl's clear message wins over our kill.
ROLLOUT_GRACE = 30

SETTINGS_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "kubernetes provider settings",
    "description": "Set one container's image in a Deployment with kubectl and wait for it.",
    "type": "object",
    "additionalProperties": False,
    "required": ["deployment", "container", "image"],
    "properties": {
        "namespace": {
            "type": "string",
            "default": "default",
            "description": "Namespace of the Deployment.",
        },
        "deployment": {"type": "string", "description": "Name of the Deployment."},
        "container": {"type": "string", "description": "Container whose image is set."},
        "context": {"type": "string", "description": "kubeconfig context (--context)."},
        "kubeconfig": {
            "type": "string",
            "description": "Path of a kubeconfig file (--kubeconfig); by default KUBECONFIG "
            "or ~/.kube/config.",
        },
        **image_settings(
            example="ghcr.io/acme/api:{tag}",
            timeout="Time to wait for a rollout (and for each kubectl call).",
            default_timeout=DEFAULT_TIMEOUT,
        ),
    },
}


class KubernetesProvider(ImageProvider):
    point_type = POINT_TYPE
    default_timeout = DEFAULT_TIMEOUT

    def __init__(self, context: contract.ProviderContext) -> None:
        settings = context.settings
        self.namespace = str(settings.get("namespace") or "default")
        self.deployment = required_setting(settings, "deployment", provider="kubernetes")
        self.container = required_setting(settings, "container", provider="kubernetes")
        super().__init__(context)
        self._kube_flags: list[str] = []
        if settings.get("context"):
            self._kube_flags += ["--context", str(settings["context"])]
        if settings.get("kubeconfig"):
            self._kube_flags += ["--kubeconfig", str(settings["kubeconfig"])]

    # -- Provider -------------------------------------------------------------------------
    def current(self) -> contract.RollbackPoint | None:
        raw = self._kubectl(
            "read the Deployment",
            ["get", "deployment", self.deployment, "-n", self.namespace, "-o", "json"],
        )
        image = self._container_image(raw)
        return contract.RollbackPoint(
            provider=self.name,
            type=POINT_TYPE,
            ref=image,
            description=f"{self.namespace}/{self.deployment} container {self.container}: {image}",
            data={
                "namespace": self.namespace,
                "deployment": self.deployment,
                "container": self.container,
            },
        )

    def deploy(self, release: contract.Release) -> contract.DeployResult:
        return self._roll_to(fill_release(self.image_template, release))

    def rollback(self, point: contract.RollbackPoint) -> contract.DeployResult:
        self.check_point(point)
        return self._roll_to(point.ref)

    def describe_image(self, image: str, release: contract.Release) -> str:
        return (
            f"{release.tag}: {self.namespace}/{self.deployment} container {self.container}: {image}"
        )

    # -- steps ----------------------------------------------------------------------------
    def _roll_to(self, image: str) -> contract.DeployResult:
        target = f"deployment/{self.deployment}"
        self._ctx.log(f"kubectl set image {target} {self.container}={image} -n {self.namespace}")
        self._kubectl(
            "set the image",
            ["set", "image", target, f"{self.container}={image}", "-n", self.namespace],
        )
        self._kubectl(
            "wait for the rollout",
            ["rollout", "status", target, "-n", self.namespace, f"--timeout={self.timeout}s"],
            timeout=self.timeout + ROLLOUT_GRACE,
            hint=f"inspect it with `kubectl rollout status {target} -n {self.namespace}` "
            f"and `kubectl describe {target} -n {self.namespace}`",
        )
        return contract.DeployResult(
            ref=image,
            description=f"{self.namespace}/{self.deployment} container {self.container} "
            f"runs {image}",
        )

    def _container_image(self, raw: str) -> str:
        try:
            spec = json.loads(raw)
            containers = spec["spec"]["template"]["spec"]["containers"]
            images = {c["name"]: c["image"] for c in containers}
        except (ValueError, KeyError, TypeError) as exc:
            raise contract.ProviderError(
                f"`kubectl get deployment {self.deployment}` did not return a Deployment as JSON",
                hint="check that `kubectl` on PATH is the real kubectl and the cluster answers",
            ) from exc
        if self.container not in images:
            raise contract.ProviderError(
                f"Deployment {self.namespace}/{self.deployment} has no container "
                f"{self.container!r} (it has: {', '.join(sorted(images)) or 'none'})",
                hint="fix `container:` in the provider's `with:` block",
            )
        return str(images[self.container])

    def _check_credentials(self) -> None:
        env = self._ctx.env
        if "--kubeconfig" in self._kube_flags or env.get("KUBECONFIG"):
            return
        home = env.get("HOME")
        if home and (Path(home) / ".kube" / "config").is_file():
            return
        in_cluster = env.get("KUBERNETES_SERVICE_HOST") and env.get("KUBERNETES_SERVICE_PORT")
        token = SERVICE_ACCOUNT_DIR / "token"
        if in_cluster and token.is_file():
            return
        if in_cluster:
            raise contract.ProviderError(
                "KUBERNETES_SERVICE_HOST is set (the runner is in a cluster) but no "
                f"service-account token is mounted at {token}",
                hint="run the runner pod with a service account whose token is mounted "
                "(automountServiceAccountToken: true) and that may patch the Deployment, or "
                "give a kubeconfig with `kubeconfig:` / KUBECONFIG",
            )
        raise contract.ProviderError(
            "no cluster credentials: KUBECONFIG is not set, ~/.kube/config does not exist "
            "and the runner is not inside a cluster (KUBERNETES_SERVICE_HOST is unset)",
            hint="store the kubeconfig as a repository secret, write it to a file in the "
            "workflow and export KUBECONFIG (via `env:`), or set `kubeconfig:` in the "
            "provider's `with:` block; a runner pod in the cluster uses its service account",
        )

    def _kubectl(
        self, what: str, args: list[str], *, timeout: float | None = None, hint: str = ""
    ) -> str:
        self._check_credentials()
        return run_cli(
            ["kubectl", *args, *self._kube_flags],
            env=self._ctx.env,
            cwd=self._ctx.workdir,
            timeout=timeout or self.timeout,
            failed=f"kubectl could not {what} for {self.namespace}/{self.deployment}",
            hint=hint
            or "check the namespace, deployment name and kubeconfig context; run the "
            "same kubectl command by hand to see the full error",
        )


create: contract.ProviderFactory = KubernetesProvider
