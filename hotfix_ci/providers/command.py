"""Command provider: the team's own deploy, rollback and (optional) current commands.

Each is an argument list, run without a shell; placeholders are replaced per argument:
``{tag}``, ``{version}``, ``{sha}``, ``{environment}``, and in ``rollback`` also
``{rollback_ref}`` (the recorded point's ref). ``current``'s last stdout line is what is
live; without ``current``, ``current()`` returns None and the caller asks ``point_for``
for the previous release: its tag as the ref, with its tag, version and sha in the data.
Other brace text (JSON, ``${VAR}``) is left as is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from hotfix_ci.errors import ConfigError
from hotfix_ci.proc import PROVIDER_SECRETS
from hotfix_ci.providers import base as contract
from hotfix_ci.providers._checks import (
    RELEASE_KEYS,
    check_point_type,
    timeout_schema,
    timeout_whole_seconds,
)
from hotfix_ci.providers._cli import run_cli
from hotfix_ci.text import shell_command

POINT_TYPE = contract.point_type("command", "ref")
DEFAULT_TIMEOUT = 900
PLACEHOLDER = re.compile(r"\{(tag|version|sha|environment|rollback_ref)\}")

_ARGV = {
    "type": "array",
    "minItems": 1,
    "items": {"type": "string"},
}
SETTINGS_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "command provider settings",
    "description": "Run your own deploy/rollback commands (argument lists, no shell).",
    "type": "object",
    "additionalProperties": False,
    "required": ["deploy", "rollback"],
    "properties": {
        "deploy": {
            **_ARGV,
            "description": "Deploy command, e.g. [./deploy.sh, '{tag}']; {tag}, {version}, "
            "{sha}, {environment} are replaced.",
        },
        "rollback": {
            **_ARGV,
            "description": "Rollback command; {rollback_ref} is the recorded ref.",
        },
        "current": {
            **_ARGV,
            "description": "Prints what is live as its last stdout line (optional).",
        },
        "env": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "Extra environment variables for the commands.",
        },
        "timeout": timeout_schema(
            "Time each command may run before it is stopped.", DEFAULT_TIMEOUT
        ),
    },
}


def create(context: contract.ProviderContext) -> contract.Provider:
    return CommandProvider(context)


def _argv(settings: Mapping[str, Any], key: str, *, required: bool) -> list[str] | None:
    value = settings.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, list) or not value or not all(isinstance(a, str) for a in value):
        raise ConfigError(
            f"command provider {key!r} must be a non-empty list of strings",
            hint=f"write it as a YAML list, e.g. `{key}: [./scripts/{key}.sh, '{{tag}}']` "
            "(no shell: pipes and && do not work; call a script instead)",
        )
    return list(value)


def substitute(argv: list[str], values: Mapping[str, str], command: str) -> list[str]:
    def replace(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in values:
            raise contract.ProviderError(
                f"the {command} command uses {{{key}}}, which has no value here",
                hint="{rollback_ref} only exists in `rollback`; the release placeholders "
                "only where a release or recorded point provides them",
            )
        return values[key]

    return [PLACEHOLDER.sub(replace, arg) for arg in argv]


class CommandProvider:
    def __init__(self, context: contract.ProviderContext) -> None:
        settings = context.settings
        self.name = context.name
        self._ctx = context
        self.deploy_argv = _argv(settings, "deploy", required=True) or []
        self.rollback_argv = _argv(settings, "rollback", required=True) or []
        self.current_argv = _argv(settings, "current", required=False)
        extra = settings.get("env") or {}
        if not isinstance(extra, Mapping):
            raise ConfigError("command provider 'env' must be a mapping of strings")
        self.env = {**context.env, **{str(k): str(v) for k, v in extra.items()}}
        # A variable named in `env:` is passed on purpose, even one hotfix-ci keeps secret.
        self.keep = frozenset(PROVIDER_SECRETS) | {str(k) for k in extra}
        self.timeout = timeout_whole_seconds(
            settings.get("timeout"), DEFAULT_TIMEOUT, where="command provider with.timeout"
        )

    def current(self) -> contract.RollbackPoint | None:
        if self.current_argv is None:
            return None
        out = self._run("current", substitute(self.current_argv, {}, "current"))
        lines = [line.strip() for line in out.splitlines() if line.strip()]
        if not lines:
            return None
        return contract.RollbackPoint(
            provider=self.name, type=POINT_TYPE, ref=lines[-1], description=lines[-1]
        )

    def point_for(self, release: contract.Release) -> contract.RollbackPoint:
        """The release's tag as ``{rollback_ref}``; {tag}, {version}, {sha} from the data."""
        return contract.RollbackPoint(
            provider=self.name,
            type=POINT_TYPE,
            ref=release.tag,
            description=f"release {release.tag}",
            data=contract.release_data(release),
        )

    def deploy(self, release: contract.Release) -> contract.DeployResult:
        values = {key: getattr(release, key) for key in RELEASE_KEYS}
        self._run("deploy", substitute(self.deploy_argv, values, "deploy"))
        live = self.current()
        ref = live.ref if live else release.tag
        return contract.DeployResult(ref=ref, description=f"deploy command ran for {release.tag}")

    def rollback(self, point: contract.RollbackPoint) -> contract.DeployResult:
        check_point_type(point, POINT_TYPE, provider="command", name=self.name)
        values = {key: point.data[key] for key in RELEASE_KEYS if key in point.data}
        values["rollback_ref"] = point.ref
        self._run("rollback", substitute(self.rollback_argv, values, "rollback"))
        live = self.current()
        if live is not None and live.ref != point.ref:
            raise contract.ProviderError(
                f"the rollback command succeeded but `current` reports {live.ref!r}, "
                f"not {point.ref!r}",
                hint="check what the rollback command does with its {rollback_ref} argument",
            )
        return contract.DeployResult(
            ref=point.ref, description=f"rollback command ran for {point.ref}"
        )

    def _run(self, which: str, argv: list[str]) -> str:
        self._ctx.log(f"{which}: {shell_command(argv)}")
        return run_cli(
            argv,
            env=self.env,
            cwd=self._ctx.workdir,
            timeout=self.timeout,
            failed=f"the {which} command `{argv[0]}` failed",
            hint=f"run `{shell_command(argv)}` by hand in the checkout to see the full output",
            keep=self.keep,
        )
