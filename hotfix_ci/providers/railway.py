"""Railway provider, over Railway's public GraphQL API.

Deploy builds the release's exact commit (``serviceInstanceDeployV2`` with ``commitSha``)
rather than uploading the runner's directory with ``railway up``; rollback asks Railway to
restore the recorded deployment (``deploymentRollback``), which brings back its image and
variables. Both are followed until the new deployment is SUCCESS or has failed.

API, as documented:
- endpoint https://backboard.railway.com/graphql/v2, account/workspace token as
  ``Authorization: Bearer`` (RAILWAY_API_TOKEN) or project token as ``Project-Access-Token``
  (RAILWAY_TOKEN): https://docs.railway.com/reference/public-api
- ``deployments(input: {projectId, serviceId, environmentId, status: {successfulOnly:
  true}}, first: 1)``, ``deployment(id)``, ``deploymentRollback(id)`` and deployment
  statuses: https://docs.railway.com/guides/manage-deployments
- ``serviceInstanceDeployV2(serviceId, environmentId, commitSha)``:
  https://docs.railway.com/guides/manage-services
"""

from __future__ import annotations

import time
from typing import Any

from hotfix_ci.errors import ConfigError
from hotfix_ci.providers._checks import check_point_type, timeout_schema, timeout_seconds
from hotfix_ci.providers._railway_api import RailwayAPI
from hotfix_ci.providers.base import (
    DeployResult,
    Provider,
    ProviderContext,
    ProviderError,
    Release,
    RollbackPoint,
)

POINT_TYPE = "railway-deployment"
DEFAULT_API_URL = "https://backboard.railway.com/graphql/v2"
API_URL_ENV = "HOTFIX_CI_RAILWAY_API_URL"  # lets tests and the demo use a loopback stand-in
DEFAULT_TIMEOUT = 900
FAILED = frozenset({"FAILED", "CRASHED", "REMOVED", "SKIPPED"})

SETTINGS_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "railway provider settings",
    "description": "Deploy the release commit of one Railway service through the public API.",
    "type": "object",
    "additionalProperties": False,
    "required": ["project_id", "environment_id", "service_id"],
    "properties": {
        "project_id": {"type": "string", "description": "Railway project ID."},
        "environment_id": {"type": "string", "description": "Railway environment ID."},
        "service_id": {"type": "string", "description": "Railway service ID."},
        "api_url": {
            "type": "string",
            "default": DEFAULT_API_URL,
            "description": "GraphQL endpoint of the public API.",
        },
        "timeout": timeout_schema(
            "Time to wait for a deployment to become SUCCESS.", DEFAULT_TIMEOUT
        ),
        "poll_interval": {
            "type": "number",
            "exclusiveMinimum": 0,
            "default": 5,
            "description": "Seconds between two status checks of a deployment.",
        },
    },
}

_CURRENT = """query deployments($input: DeploymentListInput!, $first: Int) {
  deployments(input: $input, first: $first) {
    edges { node { id status createdAt staticUrl meta } }
  }
}"""
_DEPLOYMENT = """query deployment($id: String!) {
  deployment(id: $id) { id status createdAt staticUrl meta }
}"""
_DEPLOY = """mutation serviceInstanceDeployV2($serviceId: String!, $environmentId: String!, \
$commitSha: String) {
  serviceInstanceDeployV2(serviceId: $serviceId, environmentId: $environmentId, \
commitSha: $commitSha)
}"""
_ROLLBACK = """mutation deploymentRollback($id: String!) {
  deploymentRollback(id: $id) { id status }
}"""


def create(context: ProviderContext) -> Provider:
    return RailwayProvider(context)


class RailwayProvider:
    def __init__(self, context: ProviderContext) -> None:
        settings = context.settings
        self.name = context.name
        self._ctx = context
        ids = {}
        for key in ("project_id", "environment_id", "service_id"):
            value = settings.get(key)
            if not isinstance(value, str) or not value:
                raise ConfigError(
                    f"railway provider {key!r} is missing",
                    hint=f"copy the {key.split('_')[0]} ID from the Railway dashboard "
                    "(Settings, or Cmd+K 'Copy ... ID') into the provider's `with:` block",
                )
            ids[key] = value
        self.project_id, self.environment_id, self.service_id = ids.values()
        self.timeout = timeout_seconds(
            settings.get("timeout"), DEFAULT_TIMEOUT, where="railway provider with.timeout"
        )
        self.poll_interval = float(settings.get("poll_interval") or 5)
        url = settings.get("api_url") or context.env.get(API_URL_ENV) or DEFAULT_API_URL
        self.api = RailwayAPI(str(url), context.env)

    def current(self) -> RollbackPoint | None:
        node = self._newest(successful_only=True)
        if node is None:
            return None
        commit = str((node.get("meta") or {}).get("commitHash") or "")
        return RollbackPoint(
            provider=self.name,
            type=POINT_TYPE,
            ref=str(node["id"]),
            description=f"Railway deployment {node['id']}"
            + (f" (commit {commit[:12]})" if commit else ""),
            data={"commit": commit, "url": str(node.get("staticUrl") or "")},
        )

    def deploy(self, release: Release) -> DeployResult:
        variables = {
            "serviceId": self.service_id,
            "environmentId": self.environment_id,
            "commitSha": release.sha,
        }
        self._ctx.log(f"railway: deploying commit {release.sha[:12]} ({release.tag})")
        data = self.api.call(f"deploy commit {release.sha[:12]}", _DEPLOY, variables)
        deployment_id = str(data["serviceInstanceDeployV2"])
        return self._wait(deployment_id, f"deployment of {release.tag}")

    def rollback(self, point: RollbackPoint) -> DeployResult:
        check_point_type(point, POINT_TYPE, provider="railway", name=self.name)
        self._ctx.log(f"railway: rolling back to deployment {point.ref}")
        data = self.api.call(f"roll back to deployment {point.ref}", _ROLLBACK, {"id": point.ref})
        answer = data.get("deploymentRollback")
        # The documented answer is the new deployment; older schemas answered a Boolean,
        # and then the newest deployment of the service is the one the rollback created.
        if isinstance(answer, dict):
            new_id = str(answer.get("id"))
        else:
            newest = self._newest(successful_only=False)
            new_id = str(newest["id"]) if newest is not None else ""
        return self._wait(new_id or point.ref, f"rollback to deployment {point.ref}")

    def _newest(self, *, successful_only: bool) -> dict[str, Any] | None:
        """The service's newest deployment (of any status unless ``successful_only``)."""
        where: dict[str, Any] = {
            "projectId": self.project_id,
            "environmentId": self.environment_id,
            "serviceId": self.service_id,
        }
        if successful_only:
            where["status"] = {"successfulOnly": True}
        data = self.api.call("list deployments", _CURRENT, {"input": where, "first": 1})
        edges = (data.get("deployments") or {}).get("edges") or []
        node: dict[str, Any] | None = edges[0]["node"] if edges else None
        return node

    def _wait(self, deployment_id: str, what: str) -> DeployResult:
        deadline = time.monotonic() + self.timeout
        status = "UNKNOWN"
        while True:
            data = self.api.call("read deployment status", _DEPLOYMENT, {"id": deployment_id})
            node = data.get("deployment") or {}
            status = str(node.get("status") or "UNKNOWN")
            if status == "SUCCESS":
                commit = str((node.get("meta") or {}).get("commitHash") or "")
                return DeployResult(
                    ref=deployment_id,
                    description=f"Railway deployment {deployment_id} is live"
                    + (f" (commit {commit[:12]})" if commit else ""),
                    url=str(node.get("staticUrl") or "") or None,
                )
            if status in FAILED:
                raise ProviderError(
                    f"Railway {what} ended {status} (deployment {deployment_id})",
                    hint="read its build and deploy logs in the Railway dashboard or with "
                    f"`railway logs --deployment {deployment_id}`",
                )
            if time.monotonic() >= deadline:
                raise ProviderError(
                    f"Railway {what} is still {status} after {self.timeout:g}s "
                    f"(deployment {deployment_id})",
                    hint="raise `timeout:` in the provider's `with:` block, or check the "
                    "deployment in the Railway dashboard",
                )
            time.sleep(self.poll_interval)
