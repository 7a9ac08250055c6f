"""Railway provider, over Railway's public GraphQL API.

Deploy builds the release's exact commit (``serviceInstanceDeployV2`` with ``commitSha``)
for a service connected to a GitHub repo, or, with ``image:``, points an image service at
the release's image (``serviceInstanceUpdate`` with ``input.source.image``) and deploys it
(``serviceInstanceDeployV2`` without a commit). Rollback asks Railway to restore the
recorded deployment (``deploymentRollback``: its image and variables) once Railway says it
``canRollback``. Both are followed until the new deployment is SUCCESS (or SLEEPING: a
serverless service that went live and sleeps) or has failed.

Held to Railway's published schema (railwayapp/cli ``src/gql/schema.json``, the
introspection the Railway CLI commits; extract in tests/standins/contracts/):
- ``deployments(input: DeploymentListInput!, first: Int)``; ``DeploymentListInput.status``
  is a ``DeploymentStatusInput`` with only ``in`` / ``notIn`` (``successfulOnly``, shown on
  the docs page docs.railway.com/guides/manage-deployments, does not exist).
- ``deploymentRollback(id: String!): Boolean!`` takes no selection set; the deployment it
  creates is found as the service's newest one that was not there before.
- ``Deployment.canRollback``; ``DeploymentStatus``: BUILDING, CRASHED, DEPLOYING, FAILED,
  INITIALIZING, NEEDS_APPROVAL, QUEUED, REMOVED, REMOVING, SKIPPED, SLEEPING, SUCCESS,
  WAITING.
- ``serviceInstanceDeployV2(serviceId: String!, environmentId: String!, commitSha: String):
  String!`` (the new deployment id); ``serviceInstanceUpdate(serviceId: String!,
  environmentId: String, input: ServiceInstanceUpdateInput!): Boolean!`` with
  ``ServiceSourceInput { image, repo }``.
- Auth (railwayapp/cli src/config.rs, src/client.rs): ``Project-Access-Token`` for
  RAILWAY_TOKEN (preferred when both are set, like the CLI), else ``Authorization: Bearer``
  for RAILWAY_API_TOKEN.

Autodeploy: a service connected to a branch keeps deploying every push to it; a rollback
says so, since the next push to the branch would undo it.
"""

from __future__ import annotations

import time
from typing import Any

from hotfix_ci.errors import ConfigError
from hotfix_ci.providers import base as contract
from hotfix_ci.providers._checks import (
    check_point_type,
    fill_release,
    timeout_schema,
    timeout_seconds,
)
from hotfix_ci.providers._image import image_schema
from hotfix_ci.providers._railway_api import RailwayAPI

POINT_TYPE = contract.point_type("railway", "deployment")
DEFAULT_API_URL = "https://backboard.railway.com/graphql/v2"
API_URL_ENV = "HOTFIX_CI_RAILWAY_API_URL"  # lets tests and the demo use a loopback stand-in
DEFAULT_TIMEOUT = 900
LIVE = frozenset({"SUCCESS", "SLEEPING"})
FAILED = frozenset({"FAILED", "CRASHED", "REMOVED", "REMOVING", "SKIPPED"})
# Deployments that ran, newest first: where a release's deployment is looked for.
RAN = ["SUCCESS", "SLEEPING", "REMOVED"]
AUTODEPLOY_WARNING = (
    "Railway keeps deploying every push to the service's connected branch: the next push "
    "would replace this rollback. Merge a revert (or a fix) before pushing again, or "
    "disconnect the branch trigger in the service's settings until then."
)

SETTINGS_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "railway provider settings",
    "description": "Deploy one Railway service through the public API: the release commit "
    "of a GitHub-connected service, or the release image of an image service.",
    "type": "object",
    "additionalProperties": False,
    "required": ["project_id", "environment_id", "service_id"],
    "properties": {
        "project_id": {"type": "string", "description": "Railway project ID."},
        "environment_id": {"type": "string", "description": "Railway environment ID."},
        "service_id": {"type": "string", "description": "Railway service ID."},
        "image": image_schema(
            "For a service deployed from an image (not from a GitHub repo): the image to deploy"
        ),
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

_FIELDS = "id status createdAt staticUrl canRollback meta"
_LIST = f"""query deployments($input: DeploymentListInput!, $first: Int) {{
  deployments(input: $input, first: $first) {{
    edges {{ node {{ {_FIELDS} }} }}
  }}
}}"""
_DEPLOYMENT = f"""query deployment($id: String!) {{
  deployment(id: $id) {{ {_FIELDS} }}
}}"""
_DEPLOY = """mutation serviceInstanceDeployV2($serviceId: String!, $environmentId: String!, \
$commitSha: String) {
  serviceInstanceDeployV2(serviceId: $serviceId, environmentId: $environmentId, \
commitSha: $commitSha)
}"""
_SET_IMAGE = """mutation serviceInstanceUpdate($serviceId: String!, $environmentId: String, \
$input: ServiceInstanceUpdateInput!) {
  serviceInstanceUpdate(serviceId: $serviceId, environmentId: $environmentId, input: $input)
}"""
_ROLLBACK = """mutation deploymentRollback($id: String!) {
  deploymentRollback(id: $id)
}"""


def create(context: contract.ProviderContext) -> contract.Provider:
    return RailwayProvider(context)


class RailwayProvider:
    def __init__(self, context: contract.ProviderContext) -> None:
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
        self.image_template = str(settings["image"]) if settings.get("image") else None
        self.timeout = timeout_seconds(
            settings.get("timeout"), DEFAULT_TIMEOUT, where="railway provider with.timeout"
        )
        self.poll_interval = float(settings.get("poll_interval") or 5)
        url = settings.get("api_url") or context.env.get(API_URL_ENV) or DEFAULT_API_URL
        self.api = RailwayAPI(str(url), context.env)

    def current(self) -> contract.RollbackPoint | None:
        found = self._list(["SUCCESS", "SLEEPING"], first=1)
        return self._point(found[0]) if found else None

    def point_for(self, release: contract.Release) -> contract.RollbackPoint | None:
        """The newest deployment of the service that ran ``release`` (by its commit, or by
        the image an image service ran) and that Railway can still roll back to."""
        image = fill_release(self.image_template, release) if self.image_template else None
        for node in self._list(RAN, first=50):
            meta = node.get("meta") or {}
            same = (
                meta.get("image") == image
                if image
                else (bool(release.sha) and meta.get("commitHash") == release.sha)
            )
            if same and node.get("canRollback"):
                return self._point(node, release.tag)
        return None

    def deploy(self, release: contract.Release) -> contract.DeployResult:
        base = {"serviceId": self.service_id, "environmentId": self.environment_id}
        if self.image_template:
            image = fill_release(self.image_template, release)
            self._ctx.log(f"railway: setting the service image to {image} ({release.tag})")
            self.api.call(
                f"set the service image to {image}",
                _SET_IMAGE,
                {**base, "input": {"source": {"image": image}}},
            )
            data = self.api.call(f"deploy image {image}", _DEPLOY, base)
        else:
            self._ctx.log(f"railway: deploying commit {release.sha[:12]} ({release.tag})")
            data = self.api.call(
                f"deploy commit {release.sha[:12]}", _DEPLOY, {**base, "commitSha": release.sha}
            )
        deployment_id = str(data["serviceInstanceDeployV2"])
        return self._wait(deployment_id, f"deployment of {release.tag}")

    def rollback(self, point: contract.RollbackPoint) -> contract.DeployResult:
        check_point_type(point, POINT_TYPE, provider="railway", name=self.name)
        target = self._deployment(point.ref)
        if not target.get("canRollback"):
            raise contract.ProviderError(
                f"Railway cannot roll back to deployment {point.ref} ({target.get('status')}): "
                "it answers canRollback = false (its image is no longer kept)",
                hint="roll back to a newer good release with `hotfix-ci rollback --to TAG`, or "
                f"redeploy its commit: `hotfix-ci deploy --ref TAG` of {point.description}",
            )
        before = {str(n["id"]) for n in self._list(None, first=20)}
        self._ctx.log(f"railway: rolling back to deployment {point.ref}")
        data = self.api.call(f"roll back to deployment {point.ref}", _ROLLBACK, {"id": point.ref})
        if data.get("deploymentRollback") is not True:
            raise contract.ProviderError(
                f"Railway answered {data.get('deploymentRollback')!r} to the rollback to "
                f"deployment {point.ref}",
                hint="check the service's deployments in the Railway dashboard",
            )
        created = [n for n in self._list(None, first=20) if str(n["id"]) not in before]
        if not created:
            raise contract.ProviderError(
                f"Railway accepted the rollback to deployment {point.ref} but no new "
                "deployment of the service appeared",
                hint="check the service's deployments in the Railway dashboard",
            )
        result = self._wait(str(created[0]["id"]), f"rollback to deployment {point.ref}")
        if not self.image_template:
            self._ctx.log(f"railway: WARNING: {AUTODEPLOY_WARNING}")
        return result

    # -- helpers ------------------------------------------------------------------------
    def _point(self, node: dict[str, Any], tag: str | None = None) -> contract.RollbackPoint:
        meta = node.get("meta") or {}
        commit = str(meta.get("commitHash") or "")
        image = str(meta.get("image") or "")
        what = image or (f"commit {commit[:12]}" if commit else "")
        label = f"{tag}: " if tag else ""
        return contract.RollbackPoint(
            provider=self.name,
            type=POINT_TYPE,
            ref=str(node["id"]),
            description=f"{label}Railway deployment {node['id']}" + (f" ({what})" if what else ""),
            data={"commit": commit, "image": image, "url": str(node.get("staticUrl") or "")},
        )

    def _list(self, statuses: list[str] | None, *, first: int) -> list[dict[str, Any]]:
        """The service's deployments, newest first, with one of ``statuses`` (any if None)."""
        where: dict[str, Any] = {
            "projectId": self.project_id,
            "environmentId": self.environment_id,
            "serviceId": self.service_id,
        }
        if statuses:
            where["status"] = {"in": statuses}
        data = self.api.call("list deployments", _LIST, {"input": where, "first": first})
        edges = (data.get("deployments") or {}).get("edges") or []
        return [e["node"] for e in edges if isinstance(e, dict) and isinstance(e.get("node"), dict)]

    def _deployment(self, deployment_id: str) -> dict[str, Any]:
        data = self.api.call("read deployment status", _DEPLOYMENT, {"id": deployment_id})
        node = data.get("deployment")
        return node if isinstance(node, dict) else {}

    def _wait(self, deployment_id: str, what: str) -> contract.DeployResult:
        deadline = time.monotonic() + self.timeout
        told = ""
        while True:
            node = self._deployment(deployment_id)
            status = str(node.get("status") or "UNKNOWN")
            if status in LIVE:
                commit = str((node.get("meta") or {}).get("commitHash") or "")
                return contract.DeployResult(
                    ref=deployment_id,
                    description=f"Railway deployment {deployment_id} is {status.lower()}"
                    + (f" (commit {commit[:12]})" if commit else ""),
                    url=str(node.get("staticUrl") or "") or None,
                )
            if status in FAILED:
                why = {
                    "REMOVING": " (another deployment of the service replaced it)",
                    "REMOVED": " (another deployment of the service replaced it)",
                    "SKIPPED": " (Railway skipped it: a newer deployment was queued)",
                }.get(status, "")
                raise contract.ProviderError(
                    f"Railway {what} ended {status}{why} (deployment {deployment_id})",
                    hint="read its build and deploy logs in the Railway dashboard or with "
                    f"`railway logs --deployment {deployment_id}`",
                )
            if status == "NEEDS_APPROVAL" and told != status:
                self._ctx.log(
                    f"railway: deployment {deployment_id} NEEDS_APPROVAL: approve it in the "
                    "Railway dashboard (hotfix-ci waits until the timeout)"
                )
            told = status
            if time.monotonic() >= deadline:
                approval = status == "NEEDS_APPROVAL"
                raise contract.ProviderError(
                    f"Railway {what} is still {status} after {self.timeout:g}s "
                    f"(deployment {deployment_id})",
                    hint="approve the deployment in the Railway dashboard, then re-run the job"
                    if approval
                    else "raise `timeout:` in the provider's `with:` block, or check the "
                    "deployment in the Railway dashboard",
                )
            time.sleep(self.poll_interval)
