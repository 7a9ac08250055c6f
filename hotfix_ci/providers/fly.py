"""Fly.io provider: deploy a prebuilt image with ``flyctl``; roll back by redeploying the
image of the recorded release with that release's own app config.

Commands, as documented and as flyctl's source implements them (superfly/flyctl):
- ``flyctl deploy --app APP --image IMAGE [--config PATH] [--strategy S]``
  (https://fly.io/docs/flyctl/deploy/). When IMAGE is in the runner's local Docker, flyctl
  re-tags and pushes it as ``registry.fly.io/<app>:deployment-<ULID>`` and that becomes the
  release's image (internal/build/imgsrc/local_image_resolver.go, ``NewDeploymentTag`` in
  docker.go); it prints the image it deployed as ``image: <ref>``
  (internal/command/deploy/deploy_build.go). So a deploy is checked by the release it
  created (a new ``Version``, ``Status`` complete) whose ``ImageRef`` is that printed ref,
  never by the name passed in.
- ``flyctl releases --app APP --json``: fly-go's ``Release`` struct with its Go field names
  as keys (``Version``, ``Status``, ``ImageRef``, ...; internal/command/apps/releases.go
  renders ``render.JSON(out, releases)``).
- ``flyctl config show --app APP``: the deployed app's configuration as JSON, "retrieved
  from the Fly service" (internal/command/config/show.go); ``--config`` accepts a ``.json``
  file (internal/appconfig/serde.go). The rollback point carries it, so a rollback runs the
  old image with the old config, not with today's fly.toml.
- Token from ``FLY_API_TOKEN`` (``FLY_ACCESS_TOKEN`` is the older name), never ``-t`` on
  the command line: https://fly.io/docs/flyctl/integrating/

``point_for(release)`` is the image template filled with the release (no recorded config:
the settings' ``config`` is used, and the rollback says so).
"""

from __future__ import annotations

import json
from typing import Any

from hotfix_ci.providers import base as contract
from hotfix_ci.providers._checks import fill_release, require_secret, required_setting
from hotfix_ci.providers._cli import run_cli
from hotfix_ci.providers._image import ImageProvider, image_settings
from hotfix_ci.providers._ssh_keys import private_file

POINT_TYPE = contract.point_type("fly", "image")
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
        "config": {"type": "string", "description": "Path of fly.toml (--config)."},
        "strategy": {
            "enum": STRATEGIES,
            "description": "Machine replacement strategy (--strategy).",
        },
        **image_settings(
            example="registry.fly.io/my-app:{tag} or ghcr.io/acme/api:{tag}",
            timeout="Time a flyctl call may take before it is stopped.",
            default_timeout=DEFAULT_TIMEOUT,
        ),
    },
}


class FlyProvider(ImageProvider):
    point_type = POINT_TYPE
    default_timeout = DEFAULT_TIMEOUT

    def __init__(self, context: contract.ProviderContext) -> None:
        settings = context.settings
        self.app = required_setting(settings, "app", provider="fly")
        super().__init__(context)
        self._config = str(settings["config"]) if settings.get("config") else None
        self._strategy = (
            ["--strategy", str(settings["strategy"])] if settings.get("strategy") else []
        )

    def describe_image(self, image: str, release: contract.Release) -> str:
        return f"Fly app {self.app} image of {release.tag}: {image}"

    def current(self) -> contract.RollbackPoint | None:
        release = _newest_live(self._releases())
        if release is None:
            return None
        image, version = str(release["ImageRef"]), str(release.get("Version", "?"))
        config = self._flyctl("read the app config", ["config", "show", "--app", self.app])
        try:
            compact = json.dumps(json.loads(config), separators=(",", ":"), sort_keys=True)
        except ValueError as exc:
            raise contract.ProviderError(
                f"`flyctl config show --app {self.app}` did not print the app config as JSON",
                hint="check that `flyctl` on PATH is the real flyctl and up to date",
            ) from exc
        return contract.RollbackPoint(
            provider=self.name,
            type=POINT_TYPE,
            ref=image,
            description=f"Fly app {self.app} release v{version}: {image}",
            data={"app": self.app, "version": version, "config": compact},
        )

    def deploy(self, release: contract.Release) -> contract.DeployResult:
        return self._deploy_image(fill_release(self.image_template, release), self._config)

    def rollback(self, point: contract.RollbackPoint) -> contract.DeployResult:
        self.check_point(point)
        config = self._config
        if point.data.get("config"):
            folder = self._ctx.workdir / ".hotfix-ci-fly" / self.name
            path = private_file(folder / "rollback-fly.json", point.data["config"])
            config = str(path)
        else:
            self._ctx.log(
                f"fly: no app config was recorded with {point.ref}; deploying it with "
                f"{self._config or 'the checkout fly.toml'}"
            )
        return self._deploy_image(point.ref, config)

    def _deploy_image(self, image: str, config: str | None) -> contract.DeployResult:
        before = max((int(r.get("Version", 0)) for r in self._releases()), default=0)
        flags = [*(["--config", config] if config else []), *self._strategy]
        self._ctx.log(f"flyctl deploy --app {self.app} --image {image} {' '.join(flags)}".strip())
        out = self._flyctl(
            f"deploy {image}",
            ["deploy", "--app", self.app, "--image", image, *flags],
            hint=f"read the release log with `flyctl releases --app {self.app} --image` and "
            f"`flyctl logs --app {self.app}`",
        )
        # flyctl prints the image the release runs: a local image is pushed re-tagged.
        pushed = [
            line.split(":", 1)[1].strip() for line in out.splitlines() if line.startswith("image: ")
        ]
        expected = pushed[-1] if pushed else image
        releases = self._releases()
        new = [r for r in releases if int(r.get("Version", 0)) > before]
        new.sort(key=lambda r: int(r.get("Version", 0)), reverse=True)
        mine = next((r for r in new if str(r.get("ImageRef")) == expected), None)
        if mine is None or str(mine.get("Status", "")).lower() not in LIVE_STATUSES:
            found = (
                f"release v{mine['Version']} is {mine.get('Status')}"
                if mine
                else f"no release after v{before} runs {expected}"
            )
            raise contract.ProviderError(
                f"flyctl deploy of {image} finished but Fly app {self.app}: {found}",
                hint=f"check `flyctl releases --app {self.app} --image` for a failed release",
            )
        version = mine["Version"]
        shown = expected if expected == image else f"{image} (pushed as {expected})"
        return contract.DeployResult(
            ref=expected, description=f"Fly app {self.app} release v{version}: {shown}"
        )

    def _releases(self) -> list[dict[str, Any]]:
        raw = self._flyctl("list releases", ["releases", "--app", self.app, "--json"])
        try:
            releases = json.loads(raw)
            if not isinstance(releases, list) or not all(isinstance(r, dict) for r in releases):
                raise TypeError("not a list of objects")
        except (ValueError, TypeError) as exc:
            raise contract.ProviderError(
                f"`flyctl releases --app {self.app} --json` did not return a list of releases",
                hint="check that `flyctl` on PATH is the real flyctl and up to date",
            ) from exc
        return releases

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


create: contract.ProviderFactory = FlyProvider


def _newest_live(releases: list[dict[str, Any]]) -> dict[str, Any] | None:
    live = [
        r
        for r in releases
        if str(r.get("Status", "")).lower() in LIVE_STATUSES and r.get("ImageRef")
    ]
    live.sort(key=lambda r: int(r.get("Version", 0)), reverse=True)
    return live[0] if live else None
