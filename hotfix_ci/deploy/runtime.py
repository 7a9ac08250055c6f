"""What deploy, gate and rollback share: the environment's config, secrets masked before the
first line, the provider built from its spec, and Deployment writes that never abort a
rollback (:class:`Recorder`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from hotfix_ci.actions_io import ActionsIO
from hotfix_ci.config import load_config
from hotfix_ci.deploy.config import Environment, ProviderSpec, check_provider_settings, parse_deploy
from hotfix_ci.reports.deploy import Console, Recorded
from hotfix_ci.errors import ConfigError, ExitCode, GitHubAPIError, HotfixError
from hotfix_ci.gates import secret_values
from hotfix_ci.providers.base import Provider, ProviderContext, ProviderError

if TYPE_CHECKING:
    from hotfix_ci.github_api.client import GitHubClient

# The variables each provider's own tooling reads its credentials from.
PROVIDER_SECRETS = (
    "VERCEL_TOKEN",
    "RAILWAY_TOKEN",
    "RAILWAY_API_TOKEN",
    "RENDER_API_KEY",
    "FLY_API_TOKEN",
    "FLY_ACCESS_TOKEN",
    "HEROKU_API_KEY",
    "SSH_PRIVATE_KEY",
)


class DeployStopped(HotfixError):
    """Stopped before anything changed (a before-check or the rollback point failed)."""

    exit_code = ExitCode.POLICY_FAILED


class GatesFailed(HotfixError):
    """Gates failed and nothing was rolled back (``gate`` command, or rollback disabled)."""

    exit_code = ExitCode.POLICY_FAILED


class Interrupted(HotfixError):
    """A signal stopped the run; the records say how far it got."""

    exit_code = ExitCode.INTERRUPTED


def load_environment(config: Path | None, workdir: Path, name: str) -> Environment:
    cfg = load_config(config, workdir=workdir)
    return parse_deploy(cfg.deploy).environment(name)


def mask_secrets(io: ActionsIO, environment: Environment, env: Mapping[str, str]) -> None:
    """Mask gate header secrets and provider tokens (each line of a multi-line key too)."""
    values = [*secret_values(environment.gates, env)]
    values += [env[name] for name in PROVIDER_SECRETS if env.get(name)]
    for value in values:
        for line in {value, *value.splitlines()}:
            if line.strip():
                io.mask(line.strip())


def build_provider(
    spec: ProviderSpec, env: Mapping[str, str], workdir: Path, log: Callable[[str], None]
) -> Provider:
    from hotfix_ci.providers.registry import provider_factory

    check_provider_settings(spec)
    context = ProviderContext(
        name=spec.name,
        type=spec.type,
        settings=spec.settings,
        env=dict(env),
        workdir=workdir,
        log=log,
    )
    factory = provider_factory(spec.type)
    try:
        return factory(context)
    except ProviderError as exc:
        # Raised while reading settings (a missing key file, a bad combination): the
        # config is at fault, not hotfix-ci, so it is a usage error (exit 2), not exit 3.
        raise ConfigError(f"{spec.where or spec.name}: {exc.message}", hint=exc.hint) from exc


class Recorder:
    """Writes Deployments and statuses; a write that fails after the client's bounded
    retries becomes a warning (the provider work must go on), remembered in ``failed``."""

    def __init__(self, client: GitHubClient, console: Console, log_url: str | None) -> None:
        self.client = client
        self.console = console
        self.log_url = log_url
        self.failed: list[str] = []

    def create(
        self,
        kind: str,
        *,
        ref: str,
        environment: Environment,
        payload: dict[str, object],
        description: str,
        strict: bool = False,
    ) -> Recorded | None:
        """``strict``: let the error through (nothing was changed yet, so stop there)."""
        from hotfix_ci.github_api.deployments import create_deployment

        try:
            record = create_deployment(
                self.client,
                ref=ref,
                environment=environment.name,
                payload=payload,
                description=description,
                production=environment.production,
                transient=environment.transient,
            )
        except GitHubAPIError as exc:
            if strict:
                raise
            self._failed(f"the {kind} Deployment of {ref} was not recorded: {exc.message}")
            return None
        entry = Recorded(id=record.id, kind=kind, ref=ref, sha=record.sha)
        self.console.report.deployments.append(entry)
        return entry

    def status(
        self, entry: Recorded | None, state: str, description: str, url: str | None = None
    ) -> bool:
        from hotfix_ci.github_api.deployments import clip, create_status

        if entry is None:
            return False
        try:
            create_status(
                self.client,
                entry.id,
                state,
                description=description,
                log_url=self.log_url,
                environment_url=url,
            )
        except GitHubAPIError as exc:
            self._failed(
                f"Deployment {entry.id} ({entry.ref}) was not marked {state}: {exc.message}"
            )
            return False
        entry.state, entry.description = state, clip(description)
        return True

    def _failed(self, text: str) -> None:
        self.failed.append(text)
        self.console.warn(text)
