"""``hotfix-ci rollback``: back to the newest earlier release whose Deployment ended
``success`` (the Deployments API is the log), or to ``--to TAG``; idempotent.

The provider's own point for the target (an image, a deployment id) is taken from the
Deployment that recorded it as ``previous``; for a release the log knows only by tag (and
its commit, from the tag), the provider is asked for its point (``point_for``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

from hotfix_ci.commands.context import RunContext
from hotfix_ci.commands.environment import EnvironmentArgs, open_environment
from hotfix_ci.config.model import Environment, ProviderSpec, ReleaseConfig
from hotfix_ci.deploy import history
from hotfix_ci.deploy.guard import EnvironmentGuard, limits_from, rolling_back
from hotfix_ci.deploy.recorder import Recorder
from hotfix_ci.deploy.rollback import human_needed, perform_rollback, rollback_command
from hotfix_ci.deploy.runtime import build_provider, check_provider_settings, mask_secrets
from hotfix_ci.deploy.signals import stop_on_signals
from hotfix_ci.deploy.target_tag import require_tag
from hotfix_ci.errors import DeployStopped, ExitCode, GitHubAPIError, HotfixError, UsageError
from hotfix_ci.gates import check_environment
from hotfix_ci.github_api.releases import tag_commit
from hotfix_ci.notify import hooks as notify_hooks
from hotfix_ci.notify.hooks import Stage
from hotfix_ci.providers.base import ProviderError, Release, RollbackPoint
from hotfix_ci.providers.points import point_of_release
from hotfix_ci.release.versioning import version_of_tag
from hotfix_ci.reports.deploy import Console, RunReport, finish, progress_stream

if TYPE_CHECKING:
    from hotfix_ci.github_api import GitHubClient


@dataclass(frozen=True, kw_only=True)
class RollbackArgs(EnvironmentArgs):
    provider: str | None = None
    to: str | None = None


def run(args: RollbackArgs, env: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    ctx, cfg, environment, out, err = open_environment(args, env, out, err)
    specs = environment.providers_named(args.provider)
    mask_secrets(ctx.io, environment, env)
    check_environment(environment.gates, env)
    from hotfix_ci.github_api import GitHubClient

    client = GitHubClient(ctx.conn, ctx.repo)
    if args.to is not None:  # exit 2 before any provider is asked anything
        require_tag(client, args.to, cfg.release, option="--to", nothing="nothing was rolled back")
    stream = progress_stream(ctx.format, out, err)
    rollback = _Rollback(ctx, client, args, environment, env, cfg.release)
    reports: list[RunReport] = []
    with stop_on_signals():  # a cancel must not cut a rollback off from its records
        for index, spec in enumerate(specs):
            report = RunReport(
                command="rollback",
                environment=environment.name,
                provider=spec.name,
                dry_run=args.dry_run,
            )
            reports.append(report)
            # One command rolling back several providers judges the shared gates once,
            # after the last: before that, the others still run the release rolled back.
            later = specs[-1].name if index < len(specs) - 1 else None
            try:
                rollback.roll_back(spec, Console(stream, report), deferred_to=later)
            except (UsageError, GitHubAPIError, DeployStopped) as exc:
                report.finish("stopped", exc.exit_code, exc.message, None, exc.hint)
    say = Console(stream, reports[0]).say
    stage = Stage(cfg=cfg, env=env, io=ctx.io, say=say, github=client, workdir=args.workdir)
    notify_hooks.stage_done(reports, stage)
    return finish(reports, ctx.io, ctx.format, out)


@dataclass(frozen=True)
class _Rollback:
    """What the rollback of each provider of one command shares."""

    ctx: RunContext
    client: GitHubClient
    args: RollbackArgs
    environment: Environment
    env: Mapping[str, str]
    release_config: ReleaseConfig

    def roll_back(
        self, spec: ProviderSpec, console: Console, *, deferred_to: str | None = None
    ) -> None:
        report = console.report
        recorder = Recorder(self.client, console, self.ctx.run_url(), self.env)
        if not self.args.dry_run:
            EnvironmentGuard(recorder, self.environment.name, limits_from(self.env)).check()
        log = history.DeploymentLog(self.client, self.environment.name, spec.name)
        current = history.live(log)
        undone = current.payload.get("rollback_of") if current is not None else None
        if current is not None and undone and not self.args.to:
            # Rolling back twice never walks further back, nor forward: the live release is
            # itself a rollback target (plain or --to), so a plain rollback has nothing to do.
            report.release = self.release(current.ref, current.sha)
            console.step(
                "rollback",
                True,
                f"{current.ref} is already live on {spec.name}: nothing to do (it is the "
                f"rollback target, rolled back from {undone})",
            )
            return report.finish(
                "already_there",
                ExitCode.OK,
                f"{spec.name} already runs {current.ref}, the rollback target of {undone}; to "
                "go further back, name the release: "
                f"`{rollback_command(self.environment.name, spec.name)} --to TAG`",
                current.ref,
            )
        target_record = (
            history.success_of(log, self.args.to)
            if self.args.to
            else history.good_before(log, current)
        )
        target = self.args.to or (target_record.ref if target_record else None)
        if target is None:
            shown = current.ref if current else "nothing"
            raise UsageError(
                f"{spec.name} in {self.environment.name}: the deployment log has no "
                f"successful release before the live one ({shown}) to roll back to",
                hint="name the release: --to TAG",
            )
        sha = target_record.sha if target_record else ""
        report.release = self.release(target, sha)
        report.rollback_of = current.ref if current else None
        if current is not None and current.ref == target:
            console.step(
                "rollback", True, f"{target} is already live on {spec.name}: nothing to do"
            )
            return report.finish(
                "already_there", ExitCode.OK, f"{spec.name} already runs {target}", target
            )
        recorded = history.recorded_point(log, target)
        was = current.ref if current else "nothing recorded"
        if self.args.dry_run:
            check_provider_settings(spec)
            shown = recorded.description if recorded else f"{spec.name}'s own point of {target}"
            console.say(
                f"dry run: would roll {spec.name} back from {was} to {shown}, "
                "watch the gates and record a rollback Deployment"
            )
            return report.finish("dry_run", ExitCode.OK, "dry run: nothing was changed", None)
        provider = build_provider(
            spec, self.env, self.args.workdir, lambda s: console.say(f"  [{spec.name}] {s}")
        )
        try:
            point = recorded or point_of_release(provider, report.release)
        except ProviderError as exc:  # nothing was changed: name another release
            raise UsageError(exc.message, hint=exc.hint) from exc
        report.rollback_point = point
        try:
            now = provider.current()
        except HotfixError as exc:
            console.warn(f"could not read what {spec.name} runs now: {exc.message}")
            now = None
        if now is not None and current is not None and not self.args.to:
            cross_check(log, now, current.ref, spec.name, self.environment.name)
        body = history.payload(
            provider=spec.name,
            provider_type=spec.type,
            release=report.release,
            previous=now,
            previous_tag=report.rollback_of,
            rollback_of=report.rollback_of,
            point=point,
            run_url=recorder.log_url,
        )
        record = recorder.create(
            "rollback",
            ref=target,
            environment=self.environment,
            payload=body,
            description=f"rollback of {was} to {target} via {spec.name}",
        )
        recorder.status(record, "in_progress", f"rolling back from {was} to {target}")
        siblings = rolling_back(recorder, self.environment, spec.name, was)
        result = perform_rollback(
            provider,
            point,
            self.environment,
            self.env,
            console,
            siblings=siblings,
            deferred_to=deferred_to,
        )
        state = "success" if result.ok else "failure"
        url = self.environment.url if result.ok else None
        recorder.status(record, state, f"rollback from {was} to {target}: {result.detail}", url)
        if result.ok:
            report.finish(
                "rolled_back",
                ExitCode.OK,
                f"{spec.name} rolled back to {target}; "
                + (f"gates are judged after {deferred_to}" if deferred_to else "gates pass"),
                result.live,
            )
            return recorder.demote_if_unrecorded()
        message, hint = human_needed(
            environment=self.environment.name,
            provider=spec.name,
            attempted=f"rollback from {was} to {point.description}",
            result=result,
            failed_release=None,
            manual_tag=target,
        )
        report.finish("rollback_failed", ExitCode.ROLLBACK_FAILED, message, result.live, hint)

    def release(self, tag: str, sha: str) -> Release:
        return Release(
            tag=tag,
            version=version_of_tag(tag, self.release_config),
            sha=sha or (tag_commit(self.client, tag) or ""),
            environment=self.environment.name,
        )


def cross_check(
    log: history.DeploymentLog, now: RollbackPoint, live: str, provider: str, environment: str
) -> None:
    """The log says ``live`` runs; the provider's ``current()`` must not say otherwise, or a
    rollback computed from the log would go to the wrong release (e.g. two back)."""
    runs = history.tag_of_point(log, now)
    if runs is None or runs == live:
        return
    raise UsageError(
        f"{provider} in {environment}: the deployment log says {live} is live, but "
        f"{provider} reports {now.description}, which the log knows as {runs}; "
        "rolling back from a release that is not running could go to the wrong one, so "
        "nothing was changed",
        hint=f"check what {provider} really runs, then name the release to go to: "
        f"`{rollback_command(environment, provider)} --to TAG`",
    )
