"""Heroku provider: build-and-release or container release through the Platform API.

Calls, as documented (base ``https://api.heroku.com``, ``Accept: application/vnd.heroku+json;
version=3``, ``Authorization: Bearer $HEROKU_API_KEY``):

- releases, newest first: ``GET /apps/{app}/releases`` with ``Range: version ..; max=10,
  order=desc`` (200 or 206) — https://devcenter.heroku.com/articles/platform-api-reference#ranges
  and https://devcenter.heroku.com/changelog-items/321; the live one has ``"current": true``
  (a newer release may have failed its release phase, so ``max=1`` is not enough).
- build from a source tarball: ``POST /apps/{app}/builds`` with ``{"source_blob": {"url",
  "version"}}``, then ``GET /apps/{app}/builds/{id}`` until ``succeeded``/``failed`` —
  https://devcenter.heroku.com/articles/build-and-release-using-the-api
- container release: ``PATCH /apps/{app}/formation`` with ``{"updates": [{"type",
  "docker_image"}]}`` and ``Accept: application/vnd.heroku+json; version=3.docker-releases``
  — https://devcenter.heroku.com/articles/container-registry-and-runtime#api
- rollback: ``POST /apps/{app}/releases`` with ``{"release": id}``, then
  ``GET /apps/{app}/releases/{id}`` until ``succeeded`` — https://devcenter.heroku.com/articles/
  platform-api-reference#release-rollback and https://devcenter.heroku.com/articles/releases

Held to the Platform API's JSON hyper-schema (heroku/platform-api ``schema.json``; the
links release Info/List/Rollback, build Create/Info/List, formation Batch Update are
extracted in tests/standins/contracts/) and to the Heroku CLI's container release
(heroku/cli ``src/commands/container/release.ts``):
- ``docker_image`` in a formation update is the image **ID**. The CLI reads it from the
  registry: ``GET https://registry.heroku.com/v2/<app>/<process>/manifests/<tag>`` with
  ``Accept: application/vnd.docker.distribution.manifest.v2+json`` and ``Authorization:
  Basic base64(":" + key)``; schemaVersion 2 → ``config.digest`` (1 → the id in
  ``history[0].v1Compatibility``). ``image_tag`` does the same for the release's tag, so a
  container release follows the release being deployed.
- The CLI compares the newest release id (``Range: version ..; max=1, order=desc``) before
  and after the PATCH; an unchanged id means Heroku created no release, which is reported
  instead of passing the old release off as the new one.
- (The ``3.docker-releases`` variant, with ``docker_image`` in an update, is not in the
  published schema, whose update item allows only type/quantity/dyno_size.)

``point_for(release)``: the release made by the newest succeeded build of the release's
commit (``source_blob.version`` is the sha). A container release records no link to its
image tag, so there it answers None.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Mapping
from dataclasses import replace
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

POINT_TYPE = contract.point_type("heroku", "release")
DEFAULT_API_URL = "https://api.heroku.com"
API_URL_ENV = "HEROKU_API_URL"
TOKEN_ENV = "HEROKU_API_KEY"  # noqa: S105 - the variable's name, not a secret
LIST_RANGE = "version ..; max=10, order=desc"
ACCEPT = "application/vnd.heroku+json; version=3"
DOCKER_RELEASES = "application/vnd.heroku+json; version=3.docker-releases"
DEFAULT_REGISTRY_URL = "https://registry.heroku.com"
REGISTRY_URL_ENV = "HEROKU_REGISTRY_URL"
MANIFEST_V2 = "application/vnd.docker.distribution.manifest.v2+json"

SETTINGS_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "heroku provider settings",
    "description": "Deploy a Heroku app through the Platform API (token: HEROKU_API_KEY). "
    "Give `source_url` to build from a tarball, or `image_tag` (or a fixed `docker_image`) "
    "to release images pushed to registry.heroku.com.",
    "type": "object",
    "additionalProperties": False,
    "required": ["app"],
    "oneOf": [
        {"required": ["source_url"]},
        {"required": ["image_tag"]},
        {"required": ["docker_image"]},
    ],
    "properties": {
        "app": {"type": "string", "description": "The Heroku app name or id."},
        "source_url": {
            "type": "string",
            "description": "URL of a gzipped tarball of the source that Heroku can download, "
            "e.g. a pre-signed URL of the release's archive; built with the sha as version.",
        },
        "image_tag": {
            "type": "string",
            "description": "Tag of the images pushed as registry.heroku.com/<app>/<process>:"
            "<tag>, e.g. '{tag}'; its image id is read from the registry per release.",
        },
        "docker_image": {
            "type": "string",
            "description": "A fixed image id (sha256:...) for every release; prefer "
            "`image_tag`, which follows the release.",
        },
        "registry_url": {
            "type": "string",
            "description": f"Container registry (default {DEFAULT_REGISTRY_URL}; env "
            f"{REGISTRY_URL_ENV} also overrides it).",
        },
        "process_types": {
            "type": "array",
            "items": {"type": "string"},
            "minItems": 1,
            "default": ["web"],
            "description": "Process types to release (container release only).",
        },
        "api_url": {
            "type": "string",
            "description": f"Platform API base URL (default {DEFAULT_API_URL}; "
            f"env {API_URL_ENV} also overrides it).",
        },
        "poll_interval": {
            "type": "number",
            "exclusiveMinimum": 0,
            "default": 5,
            "description": "Seconds between two reads of a build's or release's status.",
        },
        "timeout": timeout_schema("Time to wait for a build and its release to succeed.", 900),
    },
}


class HerokuProvider:
    """Deploys one Heroku app; rollback points are Heroku release ids."""

    def __init__(self, context: contract.ProviderContext) -> None:
        settings = context.settings
        self.name = context.name
        self._log = context.log
        self._app = str(settings["app"])
        self._source_url = settings.get("source_url")
        self._image = settings.get("docker_image")
        self._image_tag = settings.get("image_tag")
        self._process_types = [str(t) for t in settings.get("process_types", ["web"])]
        self._poll_interval = float(settings.get("poll_interval", 5))
        self._timeout = timeout_seconds(
            settings.get("timeout"), 900, where="heroku provider with.timeout"
        )
        if sum(bool(x) for x in (self._source_url, self._image, self._image_tag)) != 1:
            raise contract.ProviderError(
                f"Heroku app {self._app}: set exactly one of `source_url`, `image_tag` and "
                "`docker_image`",
                hint="`source_url` builds a source tarball; `image_tag` releases the images "
                "pushed with that tag",
            )
        base = settings.get("api_url") or context.env.get(API_URL_ENV) or DEFAULT_API_URL
        token = _token(context.env)
        self._api = RestClient(
            HEROKU_API,
            str(base),
            {"Authorization": f"Bearer {token}", "Accept": ACCEPT},
            attempts=RETRY_ATTEMPTS,
            retry_wait=RETRY_WAIT,  # read now, so a test can shorten it
        )
        registry = (
            settings.get("registry_url")
            or context.env.get(REGISTRY_URL_ENV)
            or DEFAULT_REGISTRY_URL
        )
        basic = base64.b64encode(f":{token}".encode()).decode()
        self._registry = RestClient(
            REGISTRY_API,
            str(registry),
            {"Authorization": f"Basic {basic}", "Accept": MANIFEST_V2},
            attempts=RETRY_ATTEMPTS,
            retry_wait=RETRY_WAIT,
        )

    def current(self) -> contract.RollbackPoint | None:
        releases = self._releases()
        live = next((r for r in releases if r.get("current") is True), None)
        if live is None:
            live = next((r for r in releases if r.get("status") == "succeeded"), None)
        if live is None:
            return None
        return self._point(live)

    def point_for(self, release: contract.Release) -> contract.RollbackPoint | None:
        if not self._source_url or not release.sha:
            return None  # a container release keeps no link to its image tag
        builds = self._api.call("GET", f"/apps/{self._app}/builds")
        if not isinstance(builds, list):
            raise contract.ProviderError(f"Heroku build list for {self._app} is not a list")
        for build in reversed(builds):  # oldest first by default
            blob = build.get("source_blob") if isinstance(build, Mapping) else None
            made = build.get("release") if isinstance(build, Mapping) else None
            if (
                isinstance(blob, Mapping)
                and blob.get("version") == release.sha
                and build.get("status") == "succeeded"
                and isinstance(made, Mapping)
                and made.get("id")
            ):
                found = self._api.call("GET", f"/apps/{self._app}/releases/{made['id']}")
                if isinstance(found, Mapping) and found.get("status") == "succeeded":
                    return self._point(found, release.tag)
        return None

    def deploy(self, release: contract.Release) -> contract.DeployResult:
        if self._image or self._image_tag:
            return self._container_release(release)
        blob = {"url": fill_release(str(self._source_url), release), "version": release.sha}
        build = self._api.call("POST", f"/apps/{self._app}/builds", json={"source_blob": blob})
        build_id = _field(build, "id")
        self._log(f"heroku: build {build_id} of {release.tag} started")
        deadline = time.monotonic() + self._timeout
        while (status := _field(build, "status")) == "pending":
            self._check_deadline(deadline, f"build {build_id}", status)
            time.sleep(self._poll_interval)
            build = self._api.call("GET", f"/apps/{self._app}/builds/{build_id}")
        if status != "succeeded":
            raise contract.ProviderError(
                f"Heroku build {build_id} of {release.tag} for app {self._app} ended {status}",
                hint=f"read the build output: `heroku builds:output {build_id} -a {self._app}`; "
                "the previous release stays live",
            )
        release_ref = build.get("release") if isinstance(build, Mapping) else None
        if not isinstance(release_ref, Mapping) or not release_ref.get("id"):
            raise contract.ProviderError(f"Heroku build {build_id} succeeded without a release")
        return self._wait_release(str(release_ref["id"]), f"release of {release.tag}", deadline)

    def rollback(self, point: contract.RollbackPoint) -> contract.DeployResult:
        check_point_type(point, POINT_TYPE, provider="heroku", name=self.name)
        created = self._api.call("POST", f"/apps/{self._app}/releases", json={"release": point.ref})
        self._log(f"heroku: rollback to {point.description} created {_describe(created)}")
        return self._wait_release(_field(created, "id"), f"rollback to {point.description}")

    def _point(self, live: Mapping[str, Any], tag: str | None = None) -> contract.RollbackPoint:
        return contract.RollbackPoint(
            provider=self.name,
            type=POINT_TYPE,
            ref=str(live["id"]),
            description=(f"{tag}: " if tag else "") + _describe(live),
            data={"app": self._app, "version": str(live.get("version", ""))},
        )

    def _container_release(self, release: contract.Release) -> contract.DeployResult:
        updates = [
            {"type": t, "docker_image": self._image_id(t, release)} for t in self._process_types
        ]
        before = self._releases()
        self._api.call(
            "PATCH", f"/apps/{self._app}/formation", json={"updates": updates},
            headers={"Accept": DOCKER_RELEASES},
        )  # fmt: skip
        after = self._releases()
        if not after or (before and before[0]["id"] == after[0]["id"]):
            was = _describe(before[0]) if before else "none"
            raise contract.ProviderError(
                f"Heroku created no new release of app {self._app} for {release.tag}: the "
                f"newest release is still {was}",
                hint="check that the images were pushed with the release's tag "
                "(`docker push registry.heroku.com/<app>/<process>:<tag>`) and differ from "
                "what runs; see the app's Activity tab",
            )
        return self._wait_release(str(after[0]["id"]), f"container release of {release.tag}")

    def _image_id(self, process: str, release: contract.Release) -> str:
        if self._image:
            return fill_release(str(self._image), release)
        tag = fill_release(str(self._image_tag), release)
        try:
            manifest = self._registry.call("GET", f"/v2/{self._app}/{process}/manifests/{tag}")
        except contract.ProviderError as exc:
            raise contract.ProviderError(
                f"the image registry.heroku.com/{self._app}/{process}:{tag} of {release.tag} "
                f"could not be read: {exc.message}",
                hint=f"push it first (`docker push registry.heroku.com/{self._app}/{process}:"
                f"{tag}`), with the same {TOKEN_ENV} as this job",
            ) from None
        image_id = _manifest_image_id(manifest)
        if not image_id:
            raise contract.ProviderError(
                f"the registry's manifest of {self._app}/{process}:{tag} has no image id "
                "(config.digest)",
                hint="push the image again with a current Docker (manifest schema 2)",
            )
        self._log(f"heroku: {process} image of {release.tag} ({tag}) is {image_id[:19]}")
        return image_id

    def _releases(self) -> list[Mapping[str, Any]]:
        answer = self._api.call("GET", f"/apps/{self._app}/releases", headers={"Range": LIST_RANGE})
        if not isinstance(answer, list):
            raise contract.ProviderError(f"Heroku release list for {self._app} is not a list")
        return [r for r in answer if isinstance(r, Mapping) and r.get("id")]

    def _wait_release(
        self, release_id: str, what: str, deadline: float = 0.0
    ) -> contract.DeployResult:
        deadline = deadline or time.monotonic() + self._timeout
        while True:
            found = self._api.call("GET", f"/apps/{self._app}/releases/{release_id}")
            status = _field(found, "status")
            if status == "succeeded":
                return contract.DeployResult(ref=release_id, description=_describe(found))
            if status != "pending":
                raise contract.ProviderError(
                    f"Heroku {what} ({_describe(found)}) on app {self._app} ended {status}",
                    hint=f"see `heroku releases:output {found.get('version')} -a {self._app}`"
                    "; a failed release phase leaves the previous release live",
                )
            self._check_deadline(deadline, what, status)
            time.sleep(self._poll_interval)

    def _check_deadline(self, deadline: float, what: str, status: str) -> None:
        if time.monotonic() >= deadline:
            raise contract.ProviderError(
                f"Heroku {what} on app {self._app} was still {status} after {self._timeout:g}s",
                hint="check the app's Activity tab in the Heroku Dashboard; raise `timeout:`",
            )


HEROKU_API = RestApi(
    name="Heroku API",
    title="the Heroku Platform API",
    vendor="Heroku",
    status_page="https://status.heroku.com",
    hints={
        401: f"{TOKEN_ENV} was rejected: create a token with `heroku authorizations:create` "
        f"and store it as the repository secret {TOKEN_ENV}",
        403: f"the token in {TOKEN_ENV} cannot deploy this app: use one of a collaborator "
        "with the deploy permission",
        404: "check `app` (the name shown by `heroku apps`) and that the token can see it",
    },
    client_error_hint="fix what the message names, then re-run the job",
)


# Same vendor and status page as the Platform API; its own name and hints.
REGISTRY_API = replace(
    HEROKU_API,
    name="Heroku registry",
    title="the Heroku container registry",
    hints={401: f"the registry rejected {TOKEN_ENV}; log in with the same key that pushed"},
    client_error_hint="check that the image was pushed with the release's tag",
)


def _manifest_image_id(manifest: Any) -> str:
    """The image id of a registry manifest, as heroku/cli container/release.ts reads it."""
    if not isinstance(manifest, Mapping):
        return ""
    if manifest.get("schemaVersion") == 2:
        config = manifest.get("config")
        return str(config.get("digest") or "") if isinstance(config, Mapping) else ""
    history = manifest.get("history")
    if manifest.get("schemaVersion") == 1 and isinstance(history, list) and history:
        try:
            return str(json.loads(history[0]["v1Compatibility"]).get("id") or "")
        except (ValueError, KeyError, TypeError, AttributeError):
            return ""
    return ""


def _token(env: Mapping[str, str]) -> str:
    _name, token = require_secret(
        env,
        [TOKEN_ENV],
        message=f"{TOKEN_ENV} is not set: the Heroku provider cannot authenticate",
        hint=f"add the repository secret {TOKEN_ENV} (`heroku authorizations:create`) and "
        f"pass it to the deploy step with `env: {TOKEN_ENV}: ${{{{ secrets.{TOKEN_ENV} }}}}`",
        strip=True,
    )
    return token


def _field(obj: Any, key: str) -> str:
    if not isinstance(obj, Mapping) or not obj.get(key):
        raise contract.ProviderError(
            f"Heroku API answered an object without {key!r}",
            hint="the API answered something unexpected; check the app in the Dashboard",
        )
    return str(obj[key])


def _describe(release: Any) -> str:
    if not isinstance(release, Mapping):
        return "release ?"
    return f"v{release.get('version', '?')}: {release.get('description') or release.get('id')}"


def create(context: contract.ProviderContext) -> HerokuProvider:
    return HerokuProvider(context)
