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

Deploy statuses (Deploy schema): created, queued, build_in_progress, update_in_progress,
pre_deploy_in_progress, live, deactivated, build_failed, update_failed, pre_deploy_failed,
canceled. A rollback creates a *new* deploy from the recorded deploy's build artifact, so
``current()`` afterwards reports the new deploy id with the recorded commit or image.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from hotfix_ci.providers._checks import (
    fill_release,
    require_secret,
    timeout_schema,
    timeout_seconds,
)
from hotfix_ci.providers._http import RETRY_ATTEMPTS, RETRY_WAIT, RestApi, RestClient
from hotfix_ci.providers.base import (
    DeployResult,
    ProviderContext,
    ProviderError,
    Release,
    RollbackPoint,
)

DEFAULT_API_URL = "https://api.render.com/v1"
API_URL_ENV = "RENDER_API_URL"
TOKEN_ENV = "RENDER_API_KEY"  # noqa: S105 - the variable's name, not a secret
LIVE = "live"
FAILED = frozenset(
    {"build_failed", "update_failed", "pre_deploy_failed", "canceled", "deactivated"}
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

    def __init__(self, context: ProviderContext) -> None:
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

    def current(self) -> RollbackPoint | None:
        items = self._api.call("GET", f"/services/{self._service}/deploys", params={"limit": 20})
        for item in _as_list(items, "list deploys"):
            deploy = item.get("deploy") if isinstance(item, Mapping) else None
            if isinstance(deploy, Mapping) and deploy.get("status") == LIVE:
                return RollbackPoint(
                    provider=self.name,
                    type="render",
                    ref=str(deploy["id"]),
                    description=_describe(deploy),
                    data=_source_of(deploy),
                )
        return None

    def deploy(self, release: Release) -> DeployResult:
        body = (
            {"imageUrl": fill_release(str(self._image_url), release)}
            if self._image_url
            else {"commitId": release.sha}
        )
        created = self._api.call("POST", f"/services/{self._service}/deploys", json=body)
        self._log(f"render: triggered deploy {_id(created)} of {release.tag}")
        return self._wait_live(_id(created), f"deploy of {release.tag}")

    def rollback(self, point: RollbackPoint) -> DeployResult:
        if point.type != "render":
            raise ProviderError(
                f"cannot roll back Render service {self._service} to a {point.type!r} point",
                hint="pass a rollback point recorded by a render provider",
            )
        created = self._api.call(
            "POST", f"/services/{self._service}/rollback", json={"deployId": point.ref}
        )
        self._log(f"render: rollback to {point.ref} started as deploy {_id(created)}")
        return self._wait_live(_id(created), f"rollback to {point.ref}")

    def _wait_live(self, deploy_id: str, what: str) -> DeployResult:
        deadline = time.monotonic() + self._timeout
        path = f"/services/{self._service}/deploys/{deploy_id}"
        last = ""
        while True:
            deploy = self._api.call("GET", path)
            status = str(deploy.get("status", "")) if isinstance(deploy, Mapping) else ""
            if status != last:
                self._log(f"render: deploy {deploy_id} is {status or 'unknown'}")
                last = status
            if status == LIVE:
                return DeployResult(ref=deploy_id, description=_describe(deploy))
            if status in FAILED:
                raise ProviderError(
                    f"Render {what} (deploy {deploy_id} of service {self._service}) ended {status}",
                    hint="read the deploy's logs in the Render Dashboard (service → Events); "
                    "Render keeps the previous deploy live when a deploy fails",
                )
            if time.monotonic() >= deadline:
                raise ProviderError(
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


def _as_list(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise ProviderError(
            f"Render API {what} answered {type(value).__name__}, not a list",
            hint="the API answered something unexpected; re-run the job",
        )
    return value


def _id(deploy: Any) -> str:
    if not isinstance(deploy, Mapping) or not deploy.get("id"):
        raise ProviderError(
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


def create(context: ProviderContext) -> RenderProvider:
    return RenderProvider(context)
