"""One run at a time per environment, and no Deployment left ``in_progress`` forever.

Before ``deploy`` or ``rollback`` changes anything, it reads the environment's Deployments
(every provider's) whose outcome is not written yet (``in_progress``, ``queued``,
``pending``) and sorts each one:

- the same run and attempt: a sibling matrix job of this run (another provider), not a
  conflict;
- the same run, an earlier attempt: that attempt's job is dead (GitHub re-runs a run only
  once it has completed), so its Deployment is closed: ``error`` (saying which run closed it
  and why) and then ``inactive``, as GitHub's own semantics have it for a deployment that is
  no longer live;
- another run, last written more than ``HOTFIX_CI_STALE_AFTER`` seconds ago (default one
  hour): a job killed without a word (a lost runner, SIGKILL); closed the same way;
- another run otherwise: that run is deploying this environment right now. This run waits
  for it, polling every ``HOTFIX_CI_BUSY_POLL`` seconds up to ``HOTFIX_CI_BUSY_WAIT``
  (default 300), and then refuses (exit 1), naming the run and its URL.

A job that is cancelled writes ``error`` itself (signals.py); only a killed one leaves
``in_progress`` behind. The clock and sleep are injectable (tests).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from hotfix_ci.errors import DeployStopped, UsageError
from hotfix_ci.github_api.deployments import TOOL, DeploymentRecord, list_deployments

if TYPE_CHECKING:
    from hotfix_ci.config.model import Environment
    from hotfix_ci.deploy.recorder import Recorder, RunId

STALE_AFTER = 3600.0
BUSY_WAIT = 300.0
BUSY_POLL = 10.0
PENDING = frozenset({"in_progress", "queued", "pending"})
# The clock and sleep every guard uses unless given its own (tests replace them).
CLOCK: Callable[[], float] = time.time
SLEEP: Callable[[float], None] = time.sleep


@dataclass(frozen=True, kw_only=True)
class Limits:
    stale_after: float = STALE_AFTER
    wait: float = BUSY_WAIT
    poll: float = BUSY_POLL


def limits_from(env: Mapping[str, str]) -> Limits:
    def seconds(name: str, default: float) -> float:
        raw = env.get(name, "").strip()
        if not raw:
            return default
        try:
            value = float(raw)
        except ValueError:
            value = -1.0
        if not 0 <= value < 10**7:  # also rejects nan and inf
            raise UsageError(
                f"{name}={raw!r} is not a number of seconds",
                hint=f"set {name} to a number of seconds such as {default:g}, or unset it",
            )
        return value

    return Limits(
        stale_after=seconds("HOTFIX_CI_STALE_AFTER", STALE_AFTER),
        wait=seconds("HOTFIX_CI_BUSY_WAIT", BUSY_WAIT),
        poll=max(0.01, seconds("HOTFIX_CI_BUSY_POLL", BUSY_POLL)),
    )


def run_of(record: DeploymentRecord) -> tuple[str, int]:
    raw = record.payload.get("run_attempt")
    attempt = raw if isinstance(raw, int) else int(str(raw)) if str(raw).isdigit() else 1
    return str(record.payload.get("run_id") or ""), attempt


def unfinished(records: list[DeploymentRecord]) -> list[DeploymentRecord]:
    return [r for r in records if r.payload.get("tool") == TOOL and r.state in PENDING]


def _age(record: DeploymentRecord, now: float) -> float:
    try:
        created = datetime.strptime(record.created_at, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return 0.0
    return now - created.replace(tzinfo=timezone.utc).timestamp()


def _who(record: DeploymentRecord) -> str:
    run_id, attempt = run_of(record)
    url = record.payload.get("run_url")
    run = f"run {run_id} (attempt {attempt})" if run_id else "a run outside GitHub Actions"
    what = "rollback" if record.payload.get("rollback_of") else "deploy"
    provider = record.payload.get("provider") or "?"
    return f"Deployment {record.id} ({what} of {record.ref} via {provider}) of {run}" + (
        f", {url}" if url else ""
    )


class EnvironmentGuard:
    """See the module docstring; ``check()`` returns once the environment is this run's."""

    def __init__(
        self,
        recorder: Recorder,
        environment: str,
        limits: Limits,
        *,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.recorder = recorder
        self.environment = environment
        self.me: RunId = recorder.run
        self.limits = limits
        self.clock = clock or CLOCK
        self.sleep = sleep or SLEEP

    def _others(self) -> tuple[list[DeploymentRecord], list[DeploymentRecord]]:
        """(dead ones to close, live ones of another run)."""
        records = list(list_deployments(self.recorder.client, self.environment))
        dead, busy = [], []
        now = self.clock()
        for record in unfinished(records):
            run_id, attempt = run_of(record)
            if run_id and run_id == self.me.run_id:
                if attempt < self.me.attempt:
                    dead.append(record)
                continue  # a sibling job of this very run
            if _age(record, now) > self.limits.stale_after:
                dead.append(record)
            else:
                busy.append(record)
        return dead, busy

    def check(self) -> None:
        console = self.recorder.console
        deadline = self.clock() + self.limits.wait
        waited = False
        while True:
            dead, busy = self._others()
            for record in dead:
                self.close(record)
            if not busy:
                if waited:
                    console.step("environment", True, f"{self.environment} is free now")
                return
            if self.clock() >= deadline:
                break
            if not waited:
                console.step(
                    "environment",
                    None,
                    f"another run is deploying {self.environment}: {_who(busy[0])}; waiting "
                    f"up to {self.limits.wait:g}s for it to finish",
                )
                waited = True
            self.sleep(max(0.0, min(self.limits.poll, deadline - self.clock())))
        shown = "; ".join(_who(r) for r in busy)
        raise DeployStopped(
            f"another run is still deploying {self.environment} after {self.limits.wait:g}s: "
            f"{shown}; nothing was changed, so two runs do not both record the same previous "
            "release",
            hint="let that run finish and re-run this job; if that run is dead (killed, its "
            "runner lost), re-run this job with HOTFIX_CI_STALE_AFTER=0 to close its "
            "Deployment as error",
        )

    def close(self, record: DeploymentRecord) -> None:
        mine = f"run {self.me.run_id}" if self.me.run_id else "a run outside GitHub Actions"
        reason = (
            f"closed by {mine}: the job that wrote this was stopped before it finished "
            "(no outcome written)"
        )
        from hotfix_ci.reports.deploy import Recorded

        entry = Recorded(id=record.id, kind="closed", ref=record.ref, sha=record.sha)
        if self.recorder.status(entry, "error", reason):
            self.recorder.status(entry, "inactive", reason)
            self.recorder.console.step("environment", None, f"closed {_who(record)} as error")


def rolling_back(
    recorder: Recorder, environment: Environment, provider: str, release: str
) -> Callable[[], list[str]]:
    """The sibling providers (the environment's others) whose Deployment of ``release``, or
    whose rollback from it, has no outcome yet: they are still deploying or rolling back."""
    names = {p.name for p in environment.providers} - {provider}
    if not names:
        return lambda: []
    newest = 4 * (len(names) + 1)  # theirs are among the newest records of the environment

    def busy() -> list[str]:
        found: list[str] = []
        for record in list_deployments(recorder.client, environment.name, limit=newest):
            other = str(record.payload.get("provider") or "")
            if other not in names or other in found or record not in unfinished([record]):
                continue
            if release in (record.ref, record.payload.get("rollback_of")):
                found.append(other)
        return found

    return busy
