"""``hotfix-ci rollback``: back to the newest earlier release whose Deployment ended
``success`` (the Deployments API is the log), or to ``--to TAG``; idempotent.

The provider's own point for the target (an image, a deployment id) is taken from the
Deployment that recorded it as ``previous``; for a release the log knows only by tag (and
its commit, from the tag), the provider is asked for its point (``point_for``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from hotfix_ci.commands.context import RunContext, resolve_context
from hotfix_ci.config import load_config
from hotfix_ci.config.model import Environment, ProviderSpec, ReleaseConfig
from hotfix_ci.deploy import history
from hotfix_ci.deploy.recorder import Recorder
from hotfix_ci.deploy.rollback import human_needed, perform_rollback
from hotfix_ci.deploy.runtime import build_provider, check_provider_settings, mask_secrets
from hotfix_ci.deploy.signals import stop_on_signals
from hotfix_ci.errors import ExitCode, GitHubAPIError, HotfixError, UsageError
from hotfix_ci.gates import check_environment
from hotfix_ci.github_api.releases import tag_commit
from hotfix_ci.notify import hooks as notify_hooks
from hotfix_ci.notify.hooks import Stage
from hotfix_ci.providers.base import ProviderError, Release
from hotfix_ci.providers.points import point_of_release
from hotfix_ci.release.versioning import version_of_tag
from hotfix_ci.reports.deploy import Console, RunReport, finish, progress_stream
from hotfix_ci.text import redacting

if TYPE_CHECKING:
    from hotfix_ci.github_api import GitHubClient


@dataclass(frozen=True, kw_only=True)
class RollbackArgs:
    environment: str
    provider: str | None = None
    to: str | None = None
    repo: str | None = None
    config: Path | None = None
    format: str | None = None
    token: str | None = None
    dry_run: bool = False
    workdir: Path = Path()


def run(args: RollbackArgs, env: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    # Every registered secret is redacted from all this command prints.
    out, err = redacting(out), redacting(err)
    ctx = resolve_context(env, repo=args.repo, token=args.token, fmt=args.format, out=out, err=err)
    cfg = load_config(args.config, workdir=args.workdir)
    environment = cfg.deploy.environment(args.environment)
    specs = [environment.provider(args.provider)] if args.provider else list(environment.providers)
    if not specs:
        raise UsageError(f"environment {environment.name!r} has no providers to roll back")
    mask_secrets(ctx.io, environment, env)
    check_environment(environment.gates, env)
    from hotfix_ci.github_api import GitHubClient

    client = GitHubClient(ctx.connection(), ctx.repo)
    stream = progress_stream(ctx.format, out, err)
    reports: list[RunReport] = []
    with stop_on_signals():  # a cancel must not cut a rollback off from its records
        for spec in specs:
            report = RunReport(
                command="rollback",
                environment=environment.name,
                provider=spec.name,
                dry_run=args.dry_run,
            )
            reports.append(report)
            try:
                _roll_back(
                    ctx, client, args, environment, spec, Console(stream, report), env, cfg.release
                )
            except (UsageError, GitHubAPIError) as exc:
                report.finish("stopped", exc.exit_code, exc.message, None, exc.hint)
    say = Console(stream, reports[0]).say
    stage = Stage(cfg=cfg, env=env, io=ctx.io, say=say, github=client, workdir=args.workdir)
    notify_hooks.stage_done(reports, stage)
    return finish(reports, ctx.io, ctx.format, out)


def _roll_back(
    ctx: RunContext,
    client: GitHubClient,
    args: RollbackArgs,
    environment: Environment,
    spec: ProviderSpec,
    console: Console,
    env: Mapping[str, str],
    release_config: ReleaseConfig,
) -> None:
    report = console.report
    log = history.DeploymentLog(client, environment.name, spec.name)
    current = history.live(log)
    target_record = (
        history.success_of(log, args.to) if args.to else history.good_before(log, current)
    )
    target = args.to or (target_record.ref if target_record else None)
    if target is None:
        shown = current.ref if current else "nothing"
        raise UsageError(
            f"{spec.name} in {environment.name}: the deployment log has no successful release "
            f"before the live one ({shown}) to roll back to",
            hint="name the release: --to TAG",
        )
    report.release = Release(
        tag=target,
        version=version_of_tag(target, release_config),
        sha=target_record.sha if target_record else (tag_commit(client, target) or ""),
        environment=environment.name,
    )
    report.rollback_of = current.ref if current else None
    if current is not None and current.ref == target:
        console.step("rollback", True, f"{target} is already live on {spec.name}: nothing to do")
        return report.finish(
            "already_there", ExitCode.OK, f"{spec.name} already runs {target}", target
        )
    recorded = history.recorded_point(log, target)
    was = current.ref if current else "nothing recorded"
    if args.dry_run:
        check_provider_settings(spec)
        shown = recorded.description if recorded else f"{spec.name}'s own point of {target}"
        console.say(
            f"dry run: would roll {spec.name} back from {was} to {shown}, "
            "probe the gates once and record a rollback Deployment"
        )
        return report.finish("dry_run", ExitCode.OK, "dry run: nothing was changed", None)
    provider = build_provider(
        spec, env, args.workdir, lambda s: console.say(f"  [{spec.name}] {s}")
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
    recorder = Recorder(client, console, ctx.run_url())
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
        environment=environment,
        payload=body,
        description=f"rollback of {was} to {target} via {spec.name}",
    )
    recorder.status(record, "in_progress", f"rolling back from {was} to {target}")
    result = perform_rollback(provider, point, environment, env, console)
    state = "success" if result.ok else "failure"
    url = environment.url if result.ok else None
    recorder.status(record, state, f"rollback from {was} to {target}: {result.detail}", url)
    if result.ok:
        return report.finish(
            "rolled_back",
            ExitCode.OK,
            f"{spec.name} rolled back to {target}; gates pass",
            result.live,
        )
    message, hint = human_needed(
        environment=environment.name,
        provider=spec.name,
        attempted=f"rollback from {was} to {point.description}",
        result=result,
        failed_release=None,
        manual_tag=target,
    )
    report.finish("rollback_failed", ExitCode.ROLLBACK_FAILED, message, result.live, hint)
