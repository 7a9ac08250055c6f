"""Render provider: deploy a commit or an image through the Render REST API.

Calls, as documented in Render's API reference (base ``https://api.render.com/v1``, header
``Authorization: Bearer $RENDER_API_KEY``):

- trigger a deploy: ``POST /services/{serviceId}/deploys`` with ``{"commitId": sha}`` or
  ``{"imageUrl": url}`` — https://api-docs.render.com/reference/create-deploy
- read a deploy: ``GET /services/{serviceId}/deploys/{deployId}`` —
  https://api-docs.render.com/reference/retrieve-deploy
- list deploys, newest first, as ``[{"deploy": {...}, "cursor": "..."}]``:
  ``GET /services/{serviceId}/deploys?limit=N`` — https://api-docs.render.com/reference/list-deploys
- roll back: ``POST /services/{serviceId}/rollback`` with ``{"deployId": id}`` —
  https://api-docs.render.com/reference/rollback-deploy and https://render.com/docs/rollbacks

Held to the Go client generated from Render's OpenAPI description (render-oss/cli
``pkg/client/``; extract in tests/standins/contracts/):
- ``CreateDeployJSONBody``: ``commitId`` or ``imageUrl`` (plus clearCache, deployMode,
  artifactId, unused here). ``ParseCreateDeployResponse`` knows **201** with a ``Deploy``
  and **202** with no body: Render queued the deploy (behind another one, e.g. the
  autodeploy of the same merge). Render's CLI then finds it as the service's newest deploy
  with status ``queued`` (pkg/tui/views/deploycreate.go ``WaitForDeployCreate``) and polls
  it; so does this provider (preferring a queued deploy of the same commit or image).
- ``DeployStatus``: created, queued, build_in_progress, update_in_progress,
  pre_deploy_in_progress, live, deactivated, build_failed, update_failed,
  pre_deploy_failed, canceled. ``live`` and ``deactivated`` are successful
  (pkg/deploy/util.go ``IsSuccessful``: deactivated went live and was superseded, e.g. by
  an autodeploy of a newer push); a deactivated deploy is "done", not failed.
- ``Service.autoDeploy`` (``yes``/``no``): Render's docs say a rollback does not turn
  autodeploy off (https://render.com/docs/rollbacks), so with ``yes`` the rollback says
  the next push to the branch will deploy over it.

A rollback creates a *new* deploy from the recorded deploy's build artifact, so
``current()`` afterwards reports the new deploy id with the recorded commit or image.
``point_for(release)`` is the newest successful deploy of the release's commit (or of its
filled ``image_url``) among the service's last 100 deploys.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from hotfix_ci.providers import base as contract
from hotfix_ci.providers._checks import (
    check_point_type,
    fill_release,
    require_secret,
    timeout_schema,
    timeout_seconds,
)
from hotfix_ci.providers._http import RETRY_ATTEMPTS, RETRY_WAIT, RestApi, RestClient

POINT_TYPE = contract.point_type("render", "deploy")
DEFAULT_API_URL = "https://api.render.com/v1"
API_URL_ENV = "RENDER_API_URL"
TOKEN_ENV = "RENDER_API_KEY"  # noqa: S105 - the variable's name, not a secret
LIVE = "live"
SUCCESSFUL = frozenset({"live", "deactivated"})  # render-oss/cli pkg/deploy/util.go
FAILED = frozenset({"build_failed", "update_failed", "pre_deploy_failed", "canceled"})
AUTODEPLOY_WARNING = (
    "autodeploy is on for this service: Render does not turn it off on a rollback, so the "
    "next push to its branch deploys over this rollback. Merge a revert (or a fix) before "
    "pushing again, or set Auto-Deploy to 'No' in the service's Settings until then."
)

SETTINGS_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "render provider settings",
    "description": "Deploy a Render service through the Render REST API (token: RENDER_API_KEY).",
    "type": "object",
    "additionalProperties": False,
    "required": ["service_id"],
    "properties": {
        "service_id": {
            "type": "string",
            "pattern": "^[a-z]+-[A-Za-z0-9]+$",
            "description": "The Render service id (srv-...), shown in the service's Settings.",
        },
        "image_url": {
            "type": "string",
            "description": "Image to deploy for an image-backed service, e.g. "
            "'ghcr.io/acme/api:{tag}'. Without it the release's commit sha is deployed.",
        },
        "api_url": {
            "type": "string",
            "description": f"Render API base URL (default {DEFAULT_API_URL}; "
            f"env {API_URL_ENV} also overrides it).",
        },
        "poll_interval": {
            "type": "number",
            "exclusiveMinimum": 0,
            "default": 5,
            "description": "Seconds between two reads of a deploy's status.",
        },
        "timeout": timeout_schema("Time to wait for a deploy or rollback to become live.", 900),
    },
}


class RenderProvider:
    """Deploys one Render service; rollback points are Render deploy ids."""

    def __init__(self, context: contract.ProviderContext) -> None:
        settings = context.settings
        self.name = context.name
        self._log = context.log
        self._service = str(settings["service_id"])
        self._image_url = settings.get("image_url")
        self._poll_interval = float(settings.get("poll_interval", 5))
        self._timeout = timeout_seconds(
            settings.get("timeout"), 900, where="render provider with.timeout"
        )
        base = settings.get("api_url") or context.env.get(API_URL_ENV) or DEFAULT_API_URL
        self._api = RestClient(
            RENDER_API,
            str(base),
            {"Authorization": f"Bearer {_token(context.env)}", "Accept": "application/json"},
            attempts=RETRY_ATTEMPTS,
            retry_wait=RETRY_WAIT,  # read now, so a test can shorten it
        )

    def current(self) -> contract.RollbackPoint | None:
        items = self._api.call("GET", f"/services/{self._service}/deploys", params={"limit": 20})
        for deploy in _deploys(items):
            if deploy.get("status") == LIVE:
                return self._point(deploy)
        return None

    def point_for(self, release: contract.Release) -> contract.RollbackPoint | None:
        items = self._api.call("GET", f"/services/{self._service}/deploys", params={"limit": 100})
        wanted = self._source(release)
        for deploy in _deploys(items):
            source = _source_of(deploy)
            same = (
                source.get("image") == wanted["imageUrl"]
                if "imageUrl" in wanted
                else bool(release.sha) and source.get("commit") == release.sha
            )
            if same and deploy.get("status") in SUCCESSFUL:
                return self._point(deploy, release.tag)
        return None

    def deploy(self, release: contract.Release) -> contract.DeployResult:
        body = self._source(release)
        created = self._api.call(
            "POST", f"/services/{self._service}/deploys", json=body, empty_ok=True
        )
        if created is None:  # 202: Render queued it behind a deploy in progress
            deploy_id = self._queued(body)
            self._log(f"render: Render queued the deploy of {release.tag} as {deploy_id}")
        else:
            deploy_id = _id(created)
            self._log(f"render: triggered deploy {deploy_id} of {release.tag}")
        return self._wait_live(deploy_id, f"deploy of {release.tag}")

    def rollback(self, point: contract.RollbackPoint) -> contract.DeployResult:
        check_point_type(point, POINT_TYPE, provider="render", name=self.name)
        created = self._api.call(
            "POST", f"/services/{self._service}/rollback", json={"deployId": point.ref}
        )
        self._log(f"render: rollback to {point.ref} started as deploy {_id(created)}")
        result = self._wait_live(_id(created), f"rollback to {point.ref}")
        service = self._api.call("GET", f"/services/{self._service}")
        if not isinstance(service, Mapping) or service.get("autoDeploy") != "no":
            self._log(f"render: WARNING: {AUTODEPLOY_WARNING}")
        return result

    def _source(self, release: contract.Release) -> dict[str, str]:
        if self._image_url:
            return {"imageUrl": fill_release(str(self._image_url), release)}
        return {"commitId": release.sha}

    def _point(self, deploy: Mapping[str, Any], tag: str | None = None) -> contract.RollbackPoint:
        label = f"{tag}: " if tag else ""
        return contract.RollbackPoint(
            provider=self.name,
            type=POINT_TYPE,
            ref=str(deploy["id"]),
            description=label + _describe(deploy),
            data=_source_of(deploy),
        )

    def _queued(self, body: Mapping[str, str]) -> str:
        """The deploy Render queued after a 202 (render-oss/cli WaitForDeployCreate)."""
        deadline = time.monotonic() + min(self._timeout, 60)
        while True:
            items = self._api.call(
                "GET",
                f"/services/{self._service}/deploys",
                params={"status": "queued", "limit": 20},
            )
            queued = [d for d in _deploys(items) if d.get("status") == "queued"]
            wanted = body.get("imageUrl") or body.get("commitId")
            mine = [d for d in queued if wanted in _source_of(d).values()]
            if mine or queued:
                return _id((mine or queued)[0])
            if time.monotonic() >= deadline:
                raise contract.ProviderError(
                    f"Render answered 202 (queued) to the deploy of service {self._service}, "
                    "but no queued deploy appeared",
                    hint="check the service's Events in the Render Dashboard; the deploy may "
                    "have started already: re-run the job to record what is live",
                )
            time.sleep(self._poll_interval)

    def _wait_live(self, deploy_id: str, what: str) -> contract.DeployResult:
        deadline = time.monotonic() + self._timeout
        path = f"/services/{self._service}/deploys/{deploy_id}"
        last = ""
        while True:
            deploy = self._api.call("GET", path)
            status = str(deploy.get("status", "")) if isinstance(deploy, Mapping) else ""
            if status != last:
                self._log(f"render: deploy {deploy_id} is {status or 'unknown'}")
                last = status
            if status in SUCCESSFUL:
                if status != LIVE:
                    self._log(
                        f"render: deploy {deploy_id} went live and was already superseded "
                        "(deactivated) by a newer deploy of the service"
                    )
                return contract.DeployResult(ref=deploy_id, description=_describe(deploy))
            if status in FAILED:
                raise contract.ProviderError(
                    f"Render {what} (deploy {deploy_id} of service {self._service}) ended {status}",
                    hint="read the deploy's logs in the Render Dashboard (service → Events); "
                    "Render keeps the previous deploy live when a deploy fails",
                )
            if time.monotonic() >= deadline:
                raise contract.ProviderError(
                    f"Render {what} (deploy {deploy_id}) was still {status or 'pending'} "
                    f"after {self._timeout:g}s",
                    hint="check the deploy in the Render Dashboard; raise `timeout:` in the "
                    "provider's settings if builds are slow",
                )
            time.sleep(self._poll_interval)


RENDER_API = RestApi(
    name="Render API",
    title="the Render API",
    vendor="Render",
    status_page="https://status.render.com",
    hints={
        401: f"{TOKEN_ENV} was rejected: create an API key in Render (Account Settings → "
        f"API Keys) and store it as the repository secret {TOKEN_ENV}",
        403: f"the key in {TOKEN_ENV} cannot manage this service: use a key of a workspace "
        "member with access to it",
        404: "check `service_id` (Render Dashboard → service → Settings) and that the key's "
        "workspace owns the service",
    },
    client_error_hint="fix the request the message names, then re-run the job",
)


def _token(env: Mapping[str, str]) -> str:
    _name, token = require_secret(
        env,
        [TOKEN_ENV],
        message=f"{TOKEN_ENV} is not set: the Render provider cannot authenticate",
        hint=f"add the repository secret {TOKEN_ENV} and pass it to the deploy step "
        f"with `env: {TOKEN_ENV}: ${{{{ secrets.{TOKEN_ENV} }}}}`",
        strip=True,
    )
    return token


def _deploys(value: Any) -> list[Mapping[str, Any]]:
    """The deploys of a list answer ``[{"deploy": {...}, "cursor": ...}]``, newest first."""
    if not isinstance(value, list):
        raise contract.ProviderError(
            f"Render API list deploys answered {type(value).__name__}, not a list",
            hint="the API answered something unexpected; re-run the job",
        )
    items = [item.get("deploy") if isinstance(item, Mapping) else None for item in value]
    return [d for d in items if isinstance(d, Mapping) and d.get("id")]


def _id(deploy: Any) -> str:
    if not isinstance(deploy, Mapping) or not deploy.get("id"):
        raise contract.ProviderError(
            "Render API answered a deploy without an id",
            hint="the API answered something unexpected; check the service in the Dashboard",
        )
    return str(deploy["id"])


def _source_of(deploy: Mapping[str, Any]) -> dict[str, str]:
    data: dict[str, str] = {}
    commit, image = deploy.get("commit"), deploy.get("image")
    if isinstance(commit, Mapping) and commit.get("id"):
        data["commit"] = str(commit["id"])
    if isinstance(image, Mapping) and image.get("ref"):
        data["image"] = str(image["ref"])
    return data


def _describe(deploy: Any) -> str:
    source = _source_of(deploy) if isinstance(deploy, Mapping) else {}
    what = source.get("image") or (source["commit"][:12] if "commit" in source else "?")
    return f"Render deploy {_id(deploy)} ({what})"


def create(context: contract.ProviderContext) -> RenderProvider:
    return RenderProvider(context)
