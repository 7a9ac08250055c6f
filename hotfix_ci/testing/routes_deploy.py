"""Deployments and deployment statuses, both listed newest first.

Endpoints as documented at https://docs.github.com/rest/deployments/deployments and
https://docs.github.com/rest/deployments/statuses.
"""

from __future__ import annotations

from typing import Any

from hotfix_ci.testing import objects
from hotfix_ci.testing import routes_base as rest
from hotfix_ci.testing.state import Repo, Store

JSON = dict[str, Any]
DEPLOYMENT = r"{repo}/deployments/(?P<deployment_id>\d+)"
STATES = ("error", "failure", "inactive", "in_progress", "queued", "pending", "success")


def _resource(base: str, store: Store, item: JSON, fields: tuple[str, ...]) -> JSON:
    """What a deployment and a deployment status share: ``fields`` as stored, the creator
    as a user object, and the creation time."""
    return {
        **{key: item[key] for key in fields},
        "creator": objects.user(base, store, item["creator"]),
        "created_at": item["created_at"],
    }


def deployment_json(base: str, store: Store, repo: Repo, deployment: JSON) -> JSON:
    api = f"{base}/repos/{repo.full_name}"
    fields = ("id", "sha", "ref", "task", "environment", "description", "payload")
    return {
        **_resource(base, store, deployment, fields),
        "url": f"{api}/deployments/{deployment['id']}",
        "node_id": objects.node_id("DE_", deployment["id"]),
        "original_environment": deployment["environment"],
        "updated_at": deployment["updated_at"],
        "statuses_url": f"{api}/deployments/{deployment['id']}/statuses",
        "repository_url": api,
        "transient_environment": deployment["transient_environment"],
        "production_environment": deployment["production_environment"],
    }


def status_json(base: str, store: Store, repo: Repo, status: JSON) -> JSON:
    api = f"{base}/repos/{repo.full_name}"
    deployment_url = f"{api}/deployments/{status['deployment_id']}"
    fields = ("id", "state", "description", "environment", "target_url", "log_url")
    return {
        **_resource(base, store, status, fields),
        "url": f"{deployment_url}/statuses/{status['id']}",
        "node_id": objects.node_id("DES_", status["id"]),
        "environment_url": status["environment_url"],
        "updated_at": status["created_at"],  # a status is never changed
        "deployment_url": deployment_url,
        "repository_url": api,
    }


@rest.route("POST", r"{repo}/deployments", "deployments=write")
def create_deployment(store: Store, req: rest.Request) -> rest.Response:
    repo = rest.repo_of(store, req)
    ref = req.text("ref", required=True) or ""
    payload = req.field("payload", {})
    if not isinstance(payload, (dict, str)):
        raise rest.ApiError.invalid("payload", "invalid", resource="Deployment")
    environment = req.text("environment") or "production"
    deployment = new_deployment(
        store,
        repo,
        ref=ref,
        environment=environment,
        payload=payload,
        description=req.text("description"),
        task=req.text("task") or "deploy",
        transient=bool(req.field("transient_environment", False)),
        production=bool(req.field("production_environment", environment == "production")),
    )
    return rest.Response(201, deployment_json(req.base_url, store, repo, deployment))


def new_deployment(
    store: Store,
    repo: Repo,
    *,
    ref: str,
    environment: str,
    payload: JSON | str,
    description: str | None,
    task: str = "deploy",
    transient: bool = False,
    production: bool | None = None,
    creator: str | None = None,
) -> JSON:
    sha = repo.resolve(ref)
    if sha is None:
        raise rest.ApiError(422, f"No ref found for: {ref}")
    now = store.now()
    deployment: JSON = {
        "id": store.next_id(),
        "sha": sha,
        "ref": ref,
        "task": task,
        "environment": environment,
        "description": description,
        "payload": payload,
        "creator": creator or store.login,
        "created_at": now,
        "updated_at": now,
        "transient_environment": transient,
        "production_environment": environment == "production" if production is None else production,
    }
    repo.deployments[deployment["id"]] = deployment
    repo.deployment_statuses[deployment["id"]] = []
    return deployment


@rest.route("GET", r"{repo}/deployments", "deployments=read")
def list_deployments(store: Store, req: rest.Request) -> rest.Response:
    repo = rest.repo_of(store, req)
    wanted = {k: req.query[k] for k in ("environment", "ref", "sha", "task") if k in req.query}
    matching = [
        deployment
        for deployment in sorted(repo.deployments.values(), key=lambda d: d["id"], reverse=True)
        if all(deployment[key] == value for key, value in wanted.items())
    ]
    return rest.paginate(req, matching, lambda d: deployment_json(req.base_url, store, repo, d))


def _deployment_of(store: Store, req: rest.Request) -> tuple[Repo, JSON]:
    repo = rest.repo_of(store, req)
    return repo, rest.found(repo.deployments.get(int(req.params["deployment_id"])))


@rest.route("GET", DEPLOYMENT, "deployments=read")
def get_deployment(store: Store, req: rest.Request) -> rest.Response:
    repo, deployment = _deployment_of(store, req)
    return rest.Response(200, deployment_json(req.base_url, store, repo, deployment))


@rest.route("POST", DEPLOYMENT + "/statuses", "deployments=write")
def create_status(store: Store, req: rest.Request) -> rest.Response:
    repo, deployment = _deployment_of(store, req)
    status = new_status(
        store,
        repo,
        deployment,
        state=req.text("state", required=True) or "",
        description=req.text("description") or "",
        environment=req.text("environment"),
        target_url=req.text("target_url") or req.text("log_url") or "",
        log_url=req.text("log_url") or req.text("target_url") or "",
        environment_url=req.text("environment_url") or "",
    )
    return rest.Response(201, status_json(req.base_url, store, repo, status))


def new_status(
    store: Store,
    repo: Repo,
    deployment: JSON,
    *,
    state: str,
    description: str = "",
    environment: str | None = None,
    target_url: str = "",
    log_url: str = "",
    environment_url: str = "",
) -> JSON:
    if state not in STATES:
        raise rest.ApiError.invalid("state", "invalid", resource="DeploymentStatus")
    status: JSON = {
        "id": store.next_id(),
        "deployment_id": deployment["id"],
        "state": state,
        "description": description,
        "environment": environment or deployment["environment"],
        "target_url": target_url,
        "log_url": log_url,
        "environment_url": environment_url,
        "creator": store.login,
        "created_at": store.now(),
    }
    repo.deployment_statuses[deployment["id"]].append(status)
    deployment["updated_at"] = status["created_at"]
    return status


@rest.route("GET", DEPLOYMENT + "/statuses", "deployments=read")
def list_statuses(store: Store, req: rest.Request) -> rest.Response:
    repo, deployment = _deployment_of(store, req)
    statuses = list(reversed(repo.deployment_statuses[deployment["id"]]))
    return rest.paginate(req, statuses, lambda s: status_json(req.base_url, store, repo, s))
