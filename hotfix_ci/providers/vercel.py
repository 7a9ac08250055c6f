"""Vercel provider: production deploys with the ``vercel`` CLI; rollback to the recorded
deployment with ``vercel rollback``.

What is live is the deployment the production domain points to (``production_url``), read
with ``vercel inspect``; the newest production deployment is not necessarily it (after a
rollback Vercel stops moving the domain until a ``vercel promote``).

Commands, as documented and as the CLI's source (vercel/vercel ``packages/cli``) has them:
- ``vercel --version`` prints the version alone on stdout (src/index.ts). ``VERCEL_TOKEN``
  is read from the environment only since **50.12.1** (CHANGELOG.md, #14831: older CLIs
  ignore it and ask for a login), ``inspect --format=json`` exists since **50.0.0**
  (CHANGELOG, #14435) and ``list --format json`` since 50.10.2 (#14609): an older CLI is
  refused up front, with the version it is and the one it needs.
- ``VERCEL_PROJECT_ID`` needs ``VERCEL_ORG_ID`` too: "You specified `VERCEL_PROJECT_ID` but
  you forgot to specify `VERCEL_ORG_ID`. You need to specify both to deploy to a custom
  project.", exit 1 (src/util/projects/link.ts). ``project`` therefore needs ``org`` or
  VERCEL_ORG_ID, checked before any call.
- ``vercel deploy --prod --yes [-m KEY=VALUE]`` prints the deployment URL on stdout when
  not a TTY; ``--prebuilt`` deploys what ``vercel build --prod --yes`` built on the runner
  (src/commands/deploy/command.ts, src/commands/build/command.ts). Each deploy carries
  ``-m hotfixCiTag=<tag> -m hotfixCiSha=<sha>`` so its release can be found again.
- ``vercel inspect <url|id|domain> --format=json`` → ``{id, name, url, target, readyState,
  ...}`` (url without scheme); unknown → ``Can't find the deployment "…" under the context
  "…"`` (src/util/errors-ts.ts).
- ``vercel list --prod -m KEY=VALUE --format json`` → ``{deployments: [{id, url,
  state, target, meta, ...}], ...}`` (src/commands/list/index.ts); Vercel's Git integration
  stores the commit as ``meta.githubCommitSha`` (src/commands/bisect/index.ts).
- ``vercel rollback <url|id> --timeout 300s``, ``vercel promote <url|id> --yes``:
  https://vercel.com/docs/cli/rollback, https://vercel.com/docs/cli/promote.

A production domain that resolves to nothing while the project has READY production
deployments is a wrong ``production_url``, not "nothing deployed yet": ``current()``
refuses it instead of letting production be deployed with no rollback point.
``point_for(release)`` is the newest READY production deployment carrying the release's
tag or commit in its meta.
"""

from __future__ import annotations

import json
import re
from typing import Any

from hotfix_ci.errors import ConfigError
from hotfix_ci.providers import base as contract
from hotfix_ci.providers._checks import (
    check_point_type,
    require_secret,
    timeout_schema,
    timeout_whole_seconds,
)
from hotfix_ci.providers._cli import run_cli

POINT_TYPE = contract.point_type("vercel", "deployment")
DEFAULT_TIMEOUT = 900
MIN_VERSION = (50, 12, 1)  # VERCEL_TOKEN from the environment
MIN_INSPECT_JSON = (50, 0, 0)  # inspect --format=json
TAG_META, SHA_META, GIT_SHA_META = "hotfixCiTag", "hotfixCiSha", "githubCommitSha"

SETTINGS_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "vercel provider settings",
    "description": "Deploy the checked-out release to Vercel production with the vercel CLI "
    "(50.12.1 or later).",
    "type": "object",
    "additionalProperties": False,
    "anyOf": [{"required": ["production_url"]}, {"required": ["project"]}],
    "properties": {
        "project": {
            "type": "string",
            "description": "Vercel project ID (passed as VERCEL_PROJECT_ID, with `org` or "
            "VERCEL_ORG_ID); not needed when the checkout is linked (.vercel/project.json).",
        },
        "org": {
            "type": "string",
            "description": "Team or user ID owning `project` (passed as VERCEL_ORG_ID; "
            "default: the VERCEL_ORG_ID variable).",
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
        "prebuilt": {
            "type": "boolean",
            "default": False,
            "description": "Build on the runner (`vercel build --prod`) and deploy that "
            "output (`vercel deploy --prebuilt`).",
        },
        "timeout": timeout_schema("Time a vercel call may take (build included).", DEFAULT_TIMEOUT),
    },
}


def create(context: contract.ProviderContext) -> contract.Provider:
    return VercelProvider(context)


class VercelProvider:
    def __init__(self, context: contract.ProviderContext) -> None:
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
        if settings.get("org"):
            self._env["VERCEL_ORG_ID"] = str(settings["org"])
        if bool(self._env.get("VERCEL_PROJECT_ID")) != bool(self._env.get("VERCEL_ORG_ID")):
            given, missing = (
                ("VERCEL_PROJECT_ID", "VERCEL_ORG_ID")
                if self._env.get("VERCEL_PROJECT_ID")
                else ("VERCEL_ORG_ID", "VERCEL_PROJECT_ID")
            )
            raise ConfigError(
                f"vercel provider: {given} is set but {missing} is not; the Vercel CLI needs "
                "both to pick a project without a linked .vercel directory",
                hint="set `org:` (the team ID, Vercel → Settings → General → Team ID) next to "
                "`project:`, or pass VERCEL_ORG_ID from a secret in the step's `env:`",
            )
        self.project = str(project) if project else None
        self.domain = domain.removeprefix("https://").rstrip("/")
        self.timeout = timeout_whole_seconds(
            settings.get("timeout"), DEFAULT_TIMEOUT, where="vercel provider with.timeout"
        )
        self.project_dir = context.workdir / str(settings.get("path") or ".")
        self.prebuilt = bool(settings.get("prebuilt"))
        self._scope = ["--scope", str(settings["scope"])] if settings.get("scope") else []
        self._checked_version = False

    def current(self) -> contract.RollbackPoint | None:
        info = self._inspect(self.domain)
        if info is None:
            ready = self._list([])
            if ready:
                raise contract.ProviderError(
                    f"production_url {self.domain} serves no deployment, yet the project has "
                    f"{len(ready)} READY production deployment(s) (newest {ready[0]['url']}); "
                    "without knowing what is live there is no rollback point",
                    hint="set `production_url:` to the domain production is served on "
                    "(Vercel → Project → Domains); nothing was deployed",
                )
            return None
        return self._point(info["id"], info["url"], f"serving {self.domain}")

    def point_for(self, release: contract.Release) -> contract.RollbackPoint | None:
        filters = [(TAG_META, release.tag)]
        if release.sha:
            filters += [(SHA_META, release.sha), (GIT_SHA_META, release.sha)]
        for key, value in filters:
            found = self._list(["-m", f"{key}={value}"])
            if found:
                return self._point(found[0]["id"], found[0]["url"], f"of {release.tag}")
        return None

    def deploy(self, release: contract.Release) -> contract.DeployResult:
        meta = ["-m", f"{TAG_META}={release.tag}"]
        if release.sha:
            meta += ["-m", f"{SHA_META}={release.sha}"]
        if self.prebuilt:
            self._ctx.log(f"vercel build --prod for {release.tag} in {self.project_dir}")
            self._vercel(
                f"build {release.tag}",
                ["build", "--prod", "--yes", *self._scope],
                cwd=self.project_dir,
            )
        self._ctx.log(f"vercel deploy --prod for {release.tag} in {self.project_dir}")
        prebuilt = ["--prebuilt"] if self.prebuilt else []
        out = self._vercel(
            f"deploy {release.tag} to production",
            ["deploy", *prebuilt, "--prod", "--yes", *meta, *self._scope],
            cwd=self.project_dir,
        )
        lines = out.strip().splitlines()
        url = lines[-1].strip() if lines else ""
        if not url.startswith("https://"):
            raise contract.ProviderError(
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

    def rollback(self, point: contract.RollbackPoint) -> contract.DeployResult:
        check_point_type(point, POINT_TYPE, provider="vercel", name=self.name)
        target = point.data.get("url") or point.ref
        self._ctx.log(f"vercel rollback {target}")
        self._vercel(
            f"roll back to {target}",
            ["rollback", target, f"--timeout={self.timeout}s", *self._scope],
        )
        return self._confirm(point.ref, f"rolled back to {target}")

    # -- helpers ------------------------------------------------------------------------
    def _point(self, deployment_id: str, url: str, what: str) -> contract.RollbackPoint:
        return contract.RollbackPoint(
            provider=self.name,
            type=POINT_TYPE,
            ref=deployment_id,
            description=f"Vercel deployment {url} {what}",
            data={"url": url},
        )

    def _confirm(self, deployment_id: str, done: str) -> contract.DeployResult:
        live = self._inspect(self.domain)
        if live is None or live["id"] != deployment_id:
            raise contract.ProviderError(
                f"vercel {done}, but {self.domain} serves "
                f"{live['url'] if live else 'nothing'} instead of {deployment_id}",
                hint=f"check `vercel promote status` and `vercel inspect {self.domain}`",
            )
        return contract.DeployResult(
            ref=live["id"], description=f"{self.domain} serves {live['url']}", url=live["url"]
        )

    def _list(self, filters: list[str]) -> list[dict[str, str]]:
        """READY production deployments (newest first) matching ``filters``."""
        out = self._vercel(
            "list production deployments",
            ["list", "--prod", *filters, "--format", "json", *self._scope],
            cwd=self.project_dir,  # the project: VERCEL_PROJECT_ID, else the linked checkout
        )
        try:
            found = json.loads(out)["deployments"]
            ready = [
                {"id": str(d["id"]), "url": _https(str(d["url"])), "created": d.get("createdAt")}
                for d in found
                if d.get("state") == "READY" and d.get("target") == "production"
            ]
        except (ValueError, KeyError, TypeError) as exc:
            raise contract.ProviderError(
                "`vercel list --format json` did not return a list of deployments",
                hint="update the Vercel CLI (`npm i -g vercel@latest`)",
            ) from exc
        ready.sort(key=lambda d: d.get("created") or 0, reverse=True)
        return ready

    def _inspect(self, target: str) -> dict[str, str] | None:
        try:
            out = self._vercel(
                f"inspect {target}", ["inspect", target, "--format=json", *self._scope]
            )
        except contract.ProviderError as exc:
            # "Can't find the deployment ..." is how the CLI says nothing serves it.
            if "can't find" in exc.message.lower() or "not found" in exc.message.lower():
                return None
            raise
        try:
            doc = json.loads(out)
            return {"id": str(doc["id"]), "url": _https(str(doc["url"]))}
        except (ValueError, KeyError, TypeError) as exc:
            raise contract.ProviderError(
                f"`vercel inspect {target} --format=json` did not return a deployment",
                hint="check that `vercel` on PATH is the real Vercel CLI",
            ) from exc

    def _check_version(self) -> None:
        if self._checked_version:
            return
        out = self._run("report its version", ["--version"], cwd=None)
        found = re.search(
            r"(\d+)\.(\d+)\.(\d+)", out.strip().splitlines()[-1] if out.strip() else ""
        )
        version = tuple(int(x) for x in found.groups()) if found else None
        if version is None or version < MIN_VERSION:
            shown = ".".join(map(str, version)) if version else f"unknown ({out.strip()[:40]!r})"
            why = (
                "`inspect --format=json` needs 50.0.0"
                if version is not None and version < MIN_INSPECT_JSON
                else "it reads VERCEL_TOKEN from the environment only since 50.12.1"
            )
            raise contract.ProviderError(
                f"Vercel CLI {shown} is too old for hotfix-ci: {why}",
                hint="install 50.12.1 or later in the job (`npm i -g vercel@latest`)",
            )
        self._checked_version = True

    def _vercel(self, what: str, args: list[str], *, cwd: Any = None) -> str:
        require_secret(
            self._ctx.env,
            ["VERCEL_TOKEN"],
            message=f"VERCEL_TOKEN is not set, so the Vercel CLI cannot {what}",
            hint="create a token at vercel.com/account/tokens, store it as repository "
            "secret VERCEL_TOKEN and pass it with "
            "`env: VERCEL_TOKEN: ${{ secrets.VERCEL_TOKEN }}`",
        )
        self._check_version()
        return self._run(what, args, cwd=cwd)

    def _run(self, what: str, args: list[str], *, cwd: Any) -> str:
        return run_cli(
            ["vercel", *args],
            env=self._env,
            cwd=cwd or self._ctx.workdir,
            timeout=self.timeout,
            failed=f"vercel could not {what}",
            hint="run the same vercel command by hand (with --debug) to see why",
        )


def _https(url: str) -> str:
    return url if "://" in url else f"https://{url}"
