"""Deployment writes that never abort a rollback: a write that fails after the client's
bounded retries becomes a warning, remembered in :attr:`Recorder.failed`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hotfix_ci.config.model import Environment
from hotfix_ci.errors import GitHubAPIError
from hotfix_ci.reports.deploy import Console, Recorded

if TYPE_CHECKING:
    from hotfix_ci.github_api.client import GitHubClient


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
