"""The deploy pipeline of one provider in one environment.

environment guard (guard.py: another run's unfinished Deployment is waited for, a dead
job's is closed) -> before-checks -> rollback point -> Deployment (``in_progress``, log URL)
-> provider deploy -> gate watch -> ``success`` with the environment URL. On a failed
deploy or gate: roll back at once, watch the gates on the rollback until they pass or fail
(rollback.settle, waiting for sibling providers still rolling back), then write the
records (``failure`` on the deploy, a rollback Deployment) and exit 5; a failed rollback
exits 6.

Decisions:
- A failing before-check stops before a Deployment is created (exit 1): nothing was
  deployed, so the log must not show an attempt.
- The rollback runs before its records are written: time to restore the service must not
  depend on GitHub's latency (the watch decides; the rollback command starts within ms).
- A Deployment write that still fails after bounded retries never stops a rollback; it is
  reported, and turns an otherwise clean exit 0 into exit 4 (the log is the rollback source).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from hotfix_ci import proc
from hotfix_ci.actions_io import ActionsIO
from hotfix_ci.config.model import Environment, ProviderSpec, ReleaseConfig
from hotfix_ci.deploy import history
from hotfix_ci.deploy.guard import EnvironmentGuard, limits_from, rolling_back
from hotfix_ci.deploy.recorder import Recorder
from hotfix_ci.deploy.rollback import human_needed, perform_rollback, rollback_command
from hotfix_ci.deploy.signals import StopFlag
from hotfix_ci.errors import DeployStopped, ExitCode, HotfixError, ProcessError
from hotfix_ci.gates import WatchOutcome, format_probe, watch
from hotfix_ci.patterns import fill_placeholders
from hotfix_ci.providers.base import Provider, Release, RollbackPoint
from hotfix_ci.providers.points import find_point
from hotfix_ci.release.versioning import version_of_tag
from hotfix_ci.reports.deploy import Console, Recorded
from hotfix_ci.text import shell_command

BEFORE_TIMEOUT = 600.0


@dataclass(frozen=True, kw_only=True)
class DeployRequest:
    environment: Environment
    spec: ProviderSpec
    release: Release  # an empty sha is taken from the Deployment GitHub creates
    release_config: ReleaseConfig
    workdir: Path
    attempt: int = 1
    # A dispatched deploy of a named tag (workflow_dispatch): older than live is a rollback,
    # as on a re-run.
    dispatched: bool = False
    # release's break-glass record (who merged, who bypassed, why): Deployment payload key
    break_glass: dict[str, str | None] | None = None
    pr: int | None = None  # the hotfix PR of the run, recorded in the Deployment payload


class DeployPipeline:
    def __init__(
        self,
        request: DeployRequest,
        provider: Provider,
        log: history.DeploymentLog,
        recorder: Recorder,
        env: Mapping[str, str],
        stop: StopFlag,
        io: ActionsIO,
    ) -> None:
        self.req = request
        self.env_cfg = request.environment
        self.release = request.release
        self.provider = provider
        self.log = log
        self.recorder = recorder
        self.console: Console = recorder.console
        self.report = self.console.report
        self.env = env
        self.stop = stop
        self.io = io

    def run(self) -> None:
        EnvironmentGuard(self.recorder, self.env_cfg.name, limits_from(self.env)).check()
        self.before_checks()
        point, previous_tag = self.rollback_point()
        rollback_of = self.rerun_rollback_of()
        record = self.record_deploy(point, previous_tag, rollback_of)
        tag = self.release.tag
        if self.stop.stopped:
            return self.interrupted(
                record,
                "before deploying",
                f"the Deployment of {tag} was recorded and marked error",
                f"{tag} was not deployed; what ran before still runs",
                previous_tag,
                again=f"re-run the job to deploy {tag}",
            )
        try:
            deployed = self.provider.deploy(self.release)
        except Exception as exc:
            text = exc.message if isinstance(exc, HotfixError) else f"{type(exc).__name__}: {exc}"
            reason = f"the deploy of {tag} failed: {text}"
            return self.failed(record, reason, point, previous_tag, step="deploy")
        self.console.step("deploy", True, f"{self.provider.name}: {deployed.description}")
        if self.stop.stopped:
            return self.interrupted(
                record,
                "after deploying",
                f"{tag} was deployed; its Deployment is marked error",
                f"its gates were not watched, so {tag} is live, unverified",
                tag,
            )
        outcome = self.watch_gates()
        if outcome.passed:
            url = self.env_cfg.url or deployed.url
            self.console.step("gates", True, outcome.reason)
            self.recorder.status(record, "success", f"{tag} is live and healthy", url)
            what = f"rolled back to {tag} (was {rollback_of})" if rollback_of else f"{tag} deployed"
            return self.report.finish("deployed", ExitCode.OK, f"{what}; gates passed", tag)
        if self.stop.stopped:
            return self.interrupted(
                record,
                "during the watch",
                f"{tag} was deployed; its Deployment is marked error",
                f"its gates were not watched to the end, so {tag} is live, unverified",
                tag,
            )
        self.failed(record, outcome.reason, point, previous_tag, step="gates")

    # -- steps ---------------------------------------------------------------------------
    def before_checks(self) -> None:
        values = {
            "tag": self.release.tag,
            "version": self.release.version,
            "sha": self.release.sha,
            "environment": self.env_cfg.name,
        }
        for argv in self.env_cfg.before:
            command = [fill_placeholders(arg, values) for arg in argv]
            shown = shell_command(command)
            try:
                done = proc.run(command, cwd=self.req.workdir, env=self.env, timeout=BEFORE_TIMEOUT)
            except ProcessError as exc:
                outcome = before_check_outcome(exc, command)
                self.console.step("before-check", False, f"{shown}: {outcome}")
                raise DeployStopped(
                    f"before-check `{shown}` {outcome}; nothing was deployed and "
                    "no Deployment was recorded",
                    hint=exc.hint
                    or f"run `{shown}` by hand to see its full output, fix what "
                    "it reports, then re-run the job",
                ) from exc
            last = (done.stdout.strip().splitlines() or ["ok"])[-1]
            self.console.step("before-check", True, f"{shown}: {last}")

    def rollback_point(self) -> tuple[RollbackPoint | None, str | None]:
        spec = self.req.spec
        live = history.live(self.log)
        try:
            point = self.provider.current()
            if point is None and live is not None:  # the provider's own point of that release
                point = find_point(self.provider, history.release_of(live, self.req.release_config))
        except Exception as exc:
            text = exc.message if isinstance(exc, HotfixError) else f"{type(exc).__name__}: {exc}"
            self.console.step("rollback point", False, text)
            raise DeployStopped(
                f"could not read what {spec.name} runs now ({text}); without a rollback point "
                "a failed deploy could not be undone, so nothing was deployed",
                hint=getattr(exc, "hint", None) or "fix the provider's access and re-run the job",
            ) from exc
        previous_tag = live.ref if live else None
        if point is not None and live is not None and not point.data:
            # Give the command provider's rollback its {tag}/{version}/{sha} as well.
            data = history.point_from_record(live, spec, self.req.release_config).data
            point = replace(point, data=data)
        self.report.rollback_point = point
        shown = point.description if point else "none: nothing live and no earlier Deployment"
        self.console.step("rollback point", point is not None or None, shown)
        return point, previous_tag

    def rerun_rollback_of(self) -> str | None:
        """On a re-run, deploying a release older than the live one is a rollback."""
        if self.req.attempt <= 1 and not self.req.dispatched:
            return None
        current = history.live(self.log)
        if current is None or current.ref == self.release.tag:
            return None
        if not history.deployed_before(self.log, self.release.tag, current):
            return None
        self.report.rollback_of = current.ref
        self.console.step(
            "re-run",
            None,
            f"{'the dispatched deploy' if self.req.attempt <= 1 else f'attempt {self.req.attempt}'}"
            f" deploys {self.release.tag}, older than "
            f"the live {current.ref}: this is a ROLLBACK of {current.ref}",
        )
        return current.ref

    def record_deploy(
        self, point: RollbackPoint | None, previous_tag: str | None, rollback_of: str | None
    ) -> Recorded | None:
        tag = self.release.tag
        description = f"rollback of {rollback_of} to {tag}" if rollback_of else f"deploy {tag}"
        record = self._record(
            "deploy",
            self.release,
            description,
            previous=point,
            previous_tag=previous_tag,
            rollback_of=rollback_of,
            break_glass=self.req.break_glass,
            strict=True,
        )
        if record is not None and not self.release.sha:
            self.release = replace(self.release, sha=record.sha)
            self.report.release = self.release
        self.recorder.status(record, "in_progress", f"{description}: deploying")
        self.console.step("deployment", True, f"GitHub Deployment {record.id if record else '?'}")
        return record

    def _record(
        self,
        kind: str,
        release: Release,
        description: str,
        *,
        previous: RollbackPoint | None,
        previous_tag: str | None,
        rollback_of: str | None,
        point: RollbackPoint | None = None,
        break_glass: Mapping[str, Any] | None = None,
        strict: bool = False,
    ) -> Recorded | None:
        """The GitHub Deployment of ``release`` on this provider (a deploy, or the automatic
        rollback), its payload from :func:`history.payload`, its ref the release tag."""
        spec = self.req.spec
        body = history.payload(
            provider=spec.name,
            provider_type=spec.type,
            release=release,
            previous=previous,
            previous_tag=previous_tag,
            rollback_of=rollback_of,
            point=point,
            run_url=self.recorder.log_url,
            pr=self.req.pr,
            break_glass=break_glass,
        )
        return self.recorder.create(
            kind,
            ref=release.tag,
            environment=self.env_cfg,
            payload=body,
            description=f"{description} via {spec.name}",
            strict=strict,
        )

    def watch_gates(self) -> WatchOutcome:
        gates, spec = self.env_cfg.gates, self.env_cfg.watch
        width = max((len(g.name) for g in gates), default=0)
        self.console.step("gates", None, f"watching {len(gates)} gate(s) for {spec.duration:g}s")
        outcome = watch(
            gates,
            spec,
            env=self.env,
            stop=self.stop.event,
            on_probe=lambda p: self.console.probe("watch", p, width),
        )
        if self.io.in_actions:  # a per-gate recap in collapsed groups
            for gate in gates:
                mine = [p for phase, p in self.report.probes if p.gate == gate.name]
                failed = sum(1 for p in mine if not p.ok and not p.ignored)
                with self.io.group(f"gate {gate.name}: {len(mine)} probes, {failed} failed"):
                    for probe in mine:
                        self.console.say(f"  {format_probe(probe, name_width=width)}")
        return outcome

    # -- endings -------------------------------------------------------------------------
    def interrupted(
        self,
        record: Recorded | None,
        where: str,
        done: str,
        not_done: str,
        live: str | None,
        *,
        again: str = "re-run the job to deploy and watch again",
    ) -> None:
        reason = self.stop.ending(where, done=done, not_done=not_done)
        self.console.step("interrupted", False, reason)
        self.recorder.status(record, "error", f"{self.stop.reason()} {where}")
        manual = rollback_command(self.env_cfg.name, self.req.spec.name)
        self.report.finish(
            "interrupted",
            ExitCode.INTERRUPTED,
            reason,
            live,
            hint=f"{again}, or roll back: `{manual}`",
        )

    def failed(
        self,
        record: Recorded | None,
        reason: str,
        point: RollbackPoint | None,
        previous_tag: str | None,
        *,
        step: str,
    ) -> None:
        """The deploy step or a gate failed: roll back at once, then mark the failed
        Deployment, record the rollback as its own Deployment, and end with exit 5, or exit 6
        with what a human must do (also when there is no rollback point at all)."""
        tag, name = self.release.tag, self.req.spec.name
        self.console.step(step, False, reason)
        manual = rollback_command(self.env_cfg.name, name)
        if not self.env_cfg.rollback_on_failure:
            self.recorder.status(record, "failure", f"{tag} failed; rollback disabled")
            return self.report.finish(
                "failed",
                ExitCode.POLICY_FAILED,
                f"{reason}; rollback.on_failure is false, so {tag} stays live",
                tag,
                hint=f"roll back by hand if users are affected: `{manual}`",
            )
        if point is None:
            self.recorder.status(record, "failure", f"{tag} failed; nothing to roll back to")
            return self.report.finish(
                "rollback_failed",
                ExitCode.ROLLBACK_FAILED,
                f"ROLLBACK FAILED: a human must act now on {self.env_cfg.name} / {name}.\n"
                f"  failing release: {tag} ({reason})\n  attempted: nothing; no rollback point "
                "(the provider reported nothing live and the log holds no earlier release)",
                tag,
                hint=f"deploy a known good tag by hand: `{manual} --to TAG` (TAG: a release "
                "tag that worked, e.g. from `hotfix-ci log`)",
            )
        siblings = rolling_back(self.recorder, self.env_cfg, name, tag)
        result = perform_rollback(
            self.provider, point, self.env_cfg, self.env, self.console, siblings=siblings
        )
        after = f"rolled back to {point.ref}" if result.ok else "ROLLBACK FAILED"
        self.recorder.status(record, "failure", f"{reason} -> {after}")
        if previous_tag is None:
            self.console.warn("the rollback has no Deployment record: its release tag is unknown")
            rollback_record = None
        else:
            back = Release(
                tag=previous_tag,
                version=version_of_tag(previous_tag, self.req.release_config),
                sha="",
                environment=self.env_cfg.name,
            )
            rollback_record = self._record(
                "rollback",
                back,
                f"automatic rollback of {tag} to {previous_tag}",
                previous=None,
                previous_tag=tag,
                rollback_of=tag,
                point=point,
            )
        state = "success" if result.ok else "failure"
        url = self.env_cfg.url if result.ok else None
        self.recorder.status(rollback_record, state, f"rollback of {tag}: {result.detail}", url)
        if result.ok:
            return self.report.finish(
                "rolled_back",
                ExitCode.ROLLED_BACK,
                f"{tag} failed ({reason}); rolled back to {point.description}, and its gates pass",
                result.live,
                hint=f"{point.ref} serves users; fix {tag} in a new hotfix PR",
            )
        message, hint = human_needed(
            environment=self.env_cfg.name,
            provider=name,
            attempted=f"rollback to {point.description} (ref {point.ref})",
            result=result,
            failed_release=f"{tag} ({reason})",
            manual_tag=previous_tag,
        )
        self.report.finish(
            "rollback_failed", ExitCode.ROLLBACK_FAILED, message, result.live, hint=hint
        )


def before_check_outcome(exc: ProcessError, argv: list[str]) -> str:
    """What happened to a before-check, without naming its command again (the message does)."""
    if exc.returncode is not None:
        detail = (exc.stderr or exc.stdout).strip().splitlines()
        return f"failed: exit {exc.returncode}: {detail[-1] if detail else 'no output'}"
    text = exc.message.removeprefix(f"`{argv[0]}` ") if argv else exc.message
    return f"failed: {text}"
