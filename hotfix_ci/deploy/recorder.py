"""Deployment writes that never abort a rollback: a write that fails after the client's
bounded retries becomes a warning, remembered in :attr:`Recorder.failed`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hotfix_ci.config.model import Environment
from hotfix_ci.errors import ExitCode, GitHubAPIError
from hotfix_ci.reports.deploy import Console, Recorded

if TYPE_CHECKING:
    from hotfix_ci.github_api.client import GitHubClient


@dataclass(frozen=True, kw_only=True)
class RunId:
    """This job's run, from ``GITHUB_RUN_ID`` / ``GITHUB_RUN_ATTEMPT`` (empty outside Actions)."""

    run_id: str
    attempt: int


class Recorder:
    """Writes Deployments and statuses; a write that fails after the client's bounded
    retries becomes a warning (the provider work must go on), remembered in ``failed``."""

    def __init__(
        self,
        client: GitHubClient,
        console: Console,
        log_url: str | None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.client = client
        self.console = console
        self.log_url = log_url
        self.failed: list[str] = []
        env = env or {}
        # Every record names its run, so the next run can tell a sibling job from another
        # run (guard.py) and an earlier attempt's leftover from a live job.
        attempt = env.get("GITHUB_RUN_ATTEMPT") or "1"
        self.run = RunId(
            run_id=env.get("GITHUB_RUN_ID") or "",
            attempt=int(attempt) if attempt.isdigit() else 1,
        )

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
                payload={**payload, "run_id": self.run.run_id, "run_attempt": self.run.attempt},
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

    def demote_if_unrecorded(self) -> None:
        """A clean exit 0 whose Deployment writes failed becomes exit 4 (deploy and rollback
        alike): the Deployments API is the rollback log, and it does not show this."""
        report = self.console.report
        if not self.failed or report.exit_code != ExitCode.OK:
            return
        report.finish(
            report.state,
            ExitCode.GITHUB_API,
            f"{report.message}, but GitHub did not record it: {'; '.join(self.failed)}",
            report.live,
            hint="the Deployments API is the rollback log: re-run the job once GitHub answers "
            "so what runs now is recorded",
        )
