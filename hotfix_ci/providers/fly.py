"""Fly.io provider: deploy a prebuilt image with ``flyctl``; roll back by redeploying the
image of the recorded release.

Commands, as documented:
- ``flyctl deploy --app APP --image IMAGE [--config PATH] [--strategy S]``
  https://fly.io/docs/flyctl/deploy/ and https://fly.io/docs/apps/deploy/
- ``flyctl releases --app APP --json`` (each release's ``Version``, ``Status`` and
  ``ImageRef``: https://fly.io/docs/flyctl/releases/; the JSON keys are those of flyctl's
  release struct, rendered by internal/command/apps/releases.go in superfly/flyctl)
- Token from ``FLY_API_TOKEN`` (``FLY_ACCESS_TOKEN`` is the older name), never ``-t`` on
  the command line: https://fly.io/docs/flyctl/integrating/ and
  https://github.com/superfly/flyctl-actions
"""

from __future__ import annotations

import json
from typing import Any

from hotfix_ci.providers._checks import (
    check_point_type,
    fill_release,
    require_secret,
    required_setting,
    timeout_schema,
    timeout_whole_seconds,
)
from hotfix_ci.providers._cli import run_cli
from hotfix_ci.providers.base import (
    DeployResult,
    Provider,
    ProviderContext,
    ProviderError,
    Release,
    RollbackPoint,
)

POINT_TYPE = "fly-image"
DEFAULT_TIMEOUT = 900
TOKEN_VARS = ("FLY_API_TOKEN", "FLY_ACCESS_TOKEN")
# Machine releases report "complete"; older apps reported "succeeded".
LIVE_STATUSES = frozenset({"complete", "succeeded"})
STRATEGIES = ["canary", "rolling", "bluegreen", "immediate"]

SETTINGS_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "fly provider settings",
    "description": "Deploy a prebuilt image to a Fly.io app with flyctl.",
    "type": "object",
    "additionalProperties": False,
    "required": ["app", "image"],
    "properties": {
        "app": {"type": "string", "description": "Fly app name (--app)."},
        "image": {
            "type": "string",
            "description": "Image to deploy; {tag}, {version}, {sha}, {environment} are "
            "replaced, e.g. registry.fly.io/my-app:{tag}.",
        },
        "config": {"type": "string", "description": "Path of fly.toml (--config)."},
        "strategy": {
            "enum": STRATEGIES,
            "description": "Machine replacement strategy (--strategy).",
        },
        "timeout": timeout_schema(
            "Time a flyctl call may take before it is stopped.", DEFAULT_TIMEOUT
        ),
    },
}


def create(context: ProviderContext) -> Provider:
    return FlyProvider(context)


class FlyProvider:
    def __init__(self, context: ProviderContext) -> None:
        settings = context.settings
        self.name = context.name
        self._ctx = context
        self.app = required_setting(settings, "app", provider="fly")
        self.image_template = required_setting(settings, "image", provider="fly")
        self.timeout = timeout_whole_seconds(
            settings.get("timeout"), DEFAULT_TIMEOUT, where="fly provider with.timeout"
        )
        self._deploy_flags: list[str] = []
        if settings.get("config"):
            self._deploy_flags += ["--config", str(settings["config"])]
        if settings.get("strategy"):
            self._deploy_flags += ["--strategy", str(settings["strategy"])]

    def current(self) -> RollbackPoint | None:
        raw = self._flyctl("list releases", ["releases", "--app", self.app, "--json"])
        release = self._live_release(raw)
        if release is None:
            return None
        image, version = str(release["ImageRef"]), str(release.get("Version", "?"))
        return RollbackPoint(
            provider=self.name,
            type=POINT_TYPE,
            ref=image,
            description=f"Fly app {self.app} release v{version}: {image}",
            data={"app": self.app, "version": version},
        )

    def deploy(self, release: Release) -> DeployResult:
        return self._deploy_image(fill_release(self.image_template, release))

    def rollback(self, point: RollbackPoint) -> DeployResult:
        check_point_type(point, POINT_TYPE, provider="fly", name=self.name)
        return self._deploy_image(point.ref)

    def _deploy_image(self, image: str) -> DeployResult:
        self._ctx.log(f"flyctl deploy --app {self.app} --image {image}")
        self._flyctl(
            f"deploy {image}",
            ["deploy", "--app", self.app, "--image", image, *self._deploy_flags],
            hint=f"read the release log with `flyctl releases --app {self.app}` and "
            f"`flyctl logs --app {self.app}`",
        )
        live = self.current()
        if live is None or live.ref != image:
            raise ProviderError(
                f"flyctl deploy finished but Fly app {self.app} runs "
                f"{live.ref if live else 'no release'} instead of {image}",
                hint=f"check `flyctl releases --app {self.app} --image` for a failed release",
            )
        return DeployResult(ref=image, description=live.description)

    def _live_release(self, raw: str) -> dict[str, Any] | None:
        try:
            releases = json.loads(raw)
            live = [
                r
                for r in releases
                if str(r.get("Status", "")).lower() in LIVE_STATUSES and r.get("ImageRef")
            ]
            live.sort(key=lambda r: int(r.get("Version", 0)), reverse=True)
        except (ValueError, TypeError, AttributeError) as exc:
            raise ProviderError(
                f"`flyctl releases --app {self.app} --json` did not return a list of releases",
                hint="check that `flyctl` on PATH is the real flyctl and up to date",
            ) from exc
        return live[0] if live else None

    def _flyctl(self, what: str, args: list[str], *, hint: str = "") -> str:
        require_secret(
            self._ctx.env,
            TOKEN_VARS,
            message=f"FLY_API_TOKEN is not set, so flyctl cannot {what} for app {self.app}",
            hint="create a deploy token with `fly tokens create deploy`, store it as "
            "repository secret FLY_API_TOKEN and pass it to the job with "
            "`env: FLY_API_TOKEN: ${{ secrets.FLY_API_TOKEN }}`",
        )
        return run_cli(
            ["flyctl", *args],
            env=self._ctx.env,
            cwd=self._ctx.workdir,
            timeout=self.timeout,
            failed=f"flyctl could not {what} for app {self.app}",
            hint=hint or "run the same flyctl command by hand to see the full error",
        )
