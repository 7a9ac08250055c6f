"""Vercel provider: production deploys with the ``vercel`` CLI; rollback to the recorded
deployment with ``vercel rollback``.

What is live is the deployment the production domain points to (``production_url``), read
with ``vercel inspect``; the newest production deployment is not necessarily it (after a
rollback Vercel stops moving the domain until a ``vercel promote``).

Commands, as documented:
- ``vercel deploy --prod --yes`` (stdout is the deployment URL):
  https://vercel.com/docs/cli/deploy and https://vercel.com/docs/cli/deploying-from-cli
- ``vercel inspect <url|id> --format=json``: https://vercel.com/docs/cli/inspect
- ``vercel rollback <url|id> --timeout 300s``: https://vercel.com/docs/cli/rollback
- ``vercel promote <url|id> --yes --timeout 300s``: https://vercel.com/docs/cli/promote
- ``--scope``: https://vercel.com/docs/cli/global-options
- ``project`` is passed as ``VERCEL_PROJECT_ID`` (a project name or ID), which the CLI reads
  instead of a ``.vercel`` link: https://vercel.com/docs/cli/link; its production domain
  defaults to ``<project>.vercel.app``, the domain Vercel assigns to a project's production
- The CLI reads ``VERCEL_TOKEN`` from the environment, so the token never goes into argv
  (``--token`` would put it in the process list and logs):
  https://github.com/vercel-labs/agent-skills (skill vercel-cli-with-tokens)
"""

from __future__ import annotations

import json
from typing import Any

from hotfix_ci.errors import ConfigError
from hotfix_ci.providers._checks import (
    check_point_type,
    require_secret,
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

POINT_TYPE = "vercel-deployment"
DEFAULT_TIMEOUT = 900

SETTINGS_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "vercel provider settings",
    "description": "Deploy the checked-out release to Vercel production with the vercel CLI.",
    "type": "object",
    "additionalProperties": False,
    "anyOf": [{"required": ["production_url"]}, {"required": ["project"]}],
    "properties": {
        "project": {
            "type": "string",
            "description": "Vercel project name or ID (passed as VERCEL_PROJECT_ID); "
            "not needed when the checkout is linked (.vercel/project.json).",
        },
        "production_url": {
            "type": "string",
            "description": "Production domain (e.g. shop.example.com); the deployment it "
            "points to is what is live. Default: <project>.vercel.app.",
        },
        "scope": {"type": "string", "description": "Team slug (--scope)."},
        "path": {
            "type": "string",
            "default": ".",
            "description": "Project directory, relative to the checkout.",
        },
        "timeout": timeout_schema("Time a vercel call may take (build included).", DEFAULT_TIMEOUT),
    },
}


def create(context: ProviderContext) -> Provider:
    return VercelProvider(context)


class VercelProvider:
    def __init__(self, context: ProviderContext) -> None:
        settings = context.settings
        self.name = context.name
        self._ctx = context
        project = settings.get("project")
        domain = settings.get("production_url") or (f"{project}.vercel.app" if project else None)
        if not isinstance(domain, str) or not domain:
            raise ConfigError(
                "vercel provider needs `project` or `production_url`",
                hint="set `project:` (the Vercel project) or `production_url:` (its production "
                "domain) under `with:`",
            )
        self._env = dict(context.env)
        if project:
            self._env["VERCEL_PROJECT_ID"] = str(project)
        self.domain = domain.removeprefix("https://").rstrip("/")
        self.timeout = timeout_whole_seconds(
            settings.get("timeout"), DEFAULT_TIMEOUT, where="vercel provider with.timeout"
        )
        self.project_dir = context.workdir / str(settings.get("path") or ".")
        self._scope = ["--scope", str(settings["scope"])] if settings.get("scope") else []

    def current(self) -> RollbackPoint | None:
        info = self._inspect(self.domain)
        if info is None:
            return None
        return RollbackPoint(
            provider=self.name,
            type=POINT_TYPE,
            ref=info["id"],
            description=f"Vercel deployment {info['url']} serving {self.domain}",
            data={"url": info["url"]},
        )

    def deploy(self, release: Release) -> DeployResult:
        self._ctx.log(f"vercel deploy --prod for {release.tag} in {self.project_dir}")
        out = self._vercel(
            f"deploy {release.tag} to production",
            ["deploy", "--prod", "--yes", *self._scope],
            cwd=self.project_dir,
        )
        lines = out.strip().splitlines()
        url = lines[-1].strip() if lines else ""
        if not url.startswith("https://"):
            raise ProviderError(
                f"vercel deploy printed {url or 'nothing'!r} instead of a deployment URL",
                hint="check that `vercel` on PATH is the real Vercel CLI",
            )
        new = self._inspect(url)
        live = self._inspect(self.domain)
        if new is not None and (live is None or live["id"] != new["id"]):
            # After a rollback the domain stays pinned until a promote.
            self._vercel(
                f"promote {url}",
                ["promote", url, "--yes", f"--timeout={self.timeout}s", *self._scope],
            )
        return self._confirm(new["id"] if new else url, f"deployed {release.tag}")

    def rollback(self, point: RollbackPoint) -> DeployResult:
        check_point_type(point, POINT_TYPE, provider="vercel", name=self.name)
        target = point.data.get("url") or point.ref
        self._ctx.log(f"vercel rollback {target}")
        self._vercel(
            f"roll back to {target}",
            ["rollback", target, f"--timeout={self.timeout}s", *self._scope],
        )
        return self._confirm(point.ref, f"rolled back to {target}")

    def _confirm(self, deployment_id: str, done: str) -> DeployResult:
        live = self._inspect(self.domain)
        if live is None or live["id"] != deployment_id:
            raise ProviderError(
                f"vercel {done}, but {self.domain} serves "
                f"{live['url'] if live else 'nothing'} instead of {deployment_id}",
                hint=f"check `vercel promote status` and `vercel inspect {self.domain}`",
            )
        return DeployResult(
            ref=live["id"], description=f"{self.domain} serves {live['url']}", url=live["url"]
        )

    def _inspect(self, target: str) -> dict[str, str] | None:
        try:
            out = self._vercel(
                f"inspect {target}", ["inspect", target, "--format=json", *self._scope]
            )
        except ProviderError as exc:
            # "Can't find the deployment ..." is how the CLI says nothing serves it.
            if "can't find" in exc.message.lower() or "not found" in exc.message.lower():
                return None
            raise
        try:
            doc = json.loads(out)
            url = str(doc["url"])
            return {"id": str(doc["id"]), "url": url if "://" in url else f"https://{url}"}
        except (ValueError, KeyError, TypeError) as exc:
            raise ProviderError(
                f"`vercel inspect {target} --format=json` did not return a deployment",
                hint="update the Vercel CLI (`npm i -g vercel@latest`): --format=json is recent",
            ) from exc

    def _vercel(self, what: str, args: list[str], *, cwd: Any = None) -> str:
        require_secret(
            self._ctx.env,
            ["VERCEL_TOKEN"],
            message=f"VERCEL_TOKEN is not set, so the Vercel CLI cannot {what}",
            hint="create a token at vercel.com/account/tokens, store it as repository "
            "secret VERCEL_TOKEN and pass it with "
            "`env: VERCEL_TOKEN: ${{ secrets.VERCEL_TOKEN }}`",
        )
        return run_cli(
            ["vercel", *args],
            env=self._env,
            cwd=cwd or self._ctx.workdir,
            timeout=self.timeout,
            failed=f"vercel could not {what}",
            hint="run the same vercel command by hand (with --debug) to see why",
        )
