"""``hotfix-ci deploy``: one provider of one environment, via :mod:`hotfix_ci.deploy.pipeline`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, TextIO

from hotfix_ci.commands.context import RunContext
from hotfix_ci.commands.environment import EnvironmentArgs, open_environment
from hotfix_ci.config.model import Environment, ProviderSpec, ReleaseConfig
from hotfix_ci.deploy import history
from hotfix_ci.deploy.pipeline import DeployPipeline, DeployRequest
from hotfix_ci.deploy.recorder import Recorder
from hotfix_ci.deploy.runtime import build_provider, check_provider_settings, mask_secrets
from hotfix_ci.deploy.signals import stop_on_signals
from hotfix_ci.deploy.target_tag import require_tag
from hotfix_ci.durations import format_duration
from hotfix_ci.errors import DeployStopped, ExitCode, GitHubAPIError, UsageError
from hotfix_ci.events import pull_number_of_run
from hotfix_ci.gates import check_environment
from hotfix_ci.notify import hooks as notify_hooks
from hotfix_ci.notify.hooks import Stage
from hotfix_ci.patterns import fill_placeholders
from hotfix_ci.providers.base import Provider, Release
from hotfix_ci.release.versioning import version_of_tag
from hotfix_ci.reports.deploy import Console, RunReport, finish, progress_stream
from hotfix_ci.text import shell_command

if TYPE_CHECKING:
    from hotfix_ci.github_api import GitHubClient


@dataclass(frozen=True, kw_only=True)
class DeployArgs(EnvironmentArgs):
    provider: str
    ref: str
    sha: str | None = None
    version: str | None = None
    break_glass: str | None = None  # JSON from release's `break-glass` output


def run(args: DeployArgs, env: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    ctx, cfg, environment, out, err = open_environment(args, env, out, err)
    spec = environment.provider(args.provider)
    mask_secrets(ctx.io, environment, env)
    check_environment(environment.gates, env)
    if not args.ref.strip():
        raise UsageError("--ref is empty", hint="pass the release tag, e.g. --ref hotfix-v1.4.3")
    release = Release(
        tag=args.ref,
        version=args.version or version_of_tag(args.ref, cfg.release),
        sha=args.sha or "",
        environment=environment.name,
    )
    request = DeployRequest(
        environment=environment,
        spec=spec,
        release=release,
        release_config=cfg.release,
        workdir=args.workdir,
        attempt=_attempt(env),
        dispatched=env.get("GITHUB_EVENT_NAME") == "workflow_dispatch",
        break_glass=parse_break_glass(args.break_glass),
        pr=pull_number_of_run(env),
    )
    report = RunReport(
        command="deploy",
        environment=environment.name,
        provider=spec.name,
        release=release,
        dry_run=args.dry_run,
    )
    console = Console(progress_stream(ctx.format, out, err), report)
    client = _github(ctx)
    # Every exit-2 check comes before anything is posted or any provider is asked anything:
    # a config still saying `fill-in` or a mistyped --ref must not announce "in progress".
    provider: Provider | None = None
    if args.dry_run:
        check_provider_settings(spec)
    else:
        provider = build_provider(
            spec, env, args.workdir, lambda line: console.say(f"  [{spec.name}] {line}")
        )
    hooks = Stage(cfg=cfg, env=env, io=ctx.io, say=console.say, workdir=args.workdir)
    if _tag_found(client, release, cfg.release, report):
        if provider is None:
            describe_deploy(console, environment, spec, release, ctx.run_url())
            report.finish("dry_run", ExitCode.OK, "dry run: nothing was changed", None)
            return finish([report], ctx.io, ctx.format, out)
        notify_hooks.deploy_started(report, hooks)
        _run_pipeline(ctx, client, request, provider, console, env)
    notify_hooks.stage_done([report], replace(hooks, github=client))
    return finish([report], ctx.io, ctx.format, out)


def _github(ctx: RunContext) -> GitHubClient:
    from hotfix_ci.github_api import GitHubClient

    return GitHubClient(ctx.conn, ctx.repo)


NOTHING_DEPLOYED = "nothing was deployed and no Deployment was created"


def _tag_found(
    client: GitHubClient, release: Release, release_config: ReleaseConfig, report: RunReport
) -> bool:
    """``--ref`` names a tag of the repository, else exit 2 naming the tags that exist. A
    GitHub error while looking ends the report instead (False): exit 4 with the job summary,
    the outputs and the outcome posted, as for any other stop."""
    try:
        require_tag(
            client,
            release.tag,
            release_config,
            option="--ref",
            nothing=NOTHING_DEPLOYED,
            sha=release.sha,
        )
    except GitHubAPIError as exc:
        _stopped(report, exc)
        return False
    return True


def _stopped(report: RunReport, exc: GitHubAPIError) -> None:
    """GitHub failed before anything was deployed: the run ends there (exit 4)."""
    report.finish("stopped", exc.exit_code, f"{exc.message}; nothing was deployed", None, exc.hint)


def _run_pipeline(
    ctx: RunContext,
    client: GitHubClient,
    request: DeployRequest,
    provider: Provider,
    console: Console,
    env: Mapping[str, str],
) -> None:
    report = console.report
    recorder = Recorder(client, console, ctx.run_url(), env)
    log = history.DeploymentLog(client, request.environment.name, request.spec.name)
    with stop_on_signals() as stop:
        pipeline = DeployPipeline(request, provider, log, recorder, env, stop, ctx.io)
        try:
            pipeline.run()
        except DeployStopped as exc:
            report.finish("stopped", exc.exit_code, exc.message, None, exc.hint)
        except GitHubAPIError as exc:  # only raised before anything was deployed
            _stopped(report, exc)
    recorder.demote_if_unrecorded()


def parse_break_glass(text: str | None) -> dict[str, str | None] | None:
    """release's ``break-glass`` output: ``{merged_by, bypassed_by, reason, gate}``, kept
    in each Deployment's payload under ``break_glass``; empty means none."""
    import json

    if not text or not text.strip():
        return None
    hint = "pass release's `break-glass` output unchanged (or nothing)"
    try:
        data = json.loads(text)
    except ValueError:
        raise UsageError("--break-glass is not JSON", hint=hint) from None
    if not isinstance(data, dict) or not isinstance(data.get("reason"), str):
        raise UsageError("--break-glass is not a break-glass record with a reason", hint=hint)
    keys = ("merged_by", "bypassed_by", "reason", "gate")
    return {k: str(data[k])[:500] if data.get(k) is not None else None for k in keys}


ATTEMPT_HINT = "the runner sets it (1, 2, ...): unset it outside Actions, or set a whole number"


def _attempt(env: Mapping[str, str]) -> int:
    raw = env.get("GITHUB_RUN_ATTEMPT") or "1"
    if not raw.isdigit():
        raise UsageError(f"GITHUB_RUN_ATTEMPT={raw!r} is not a number", hint=ATTEMPT_HINT)
    return int(raw)


def describe_deploy(
    console: Console,
    environment: Environment,
    spec: ProviderSpec,
    release: Release,
    log_url: str | None,
) -> None:
    values = {
        "tag": release.tag,
        "version": release.version,
        "sha": release.sha or "{sha}",
        "environment": environment.name,
    }
    say = console.say
    say("dry run: nothing is changed.")
    for argv in environment.before:
        say(f"would run before-check: {shell_command(fill_placeholders(a, values) for a in argv)}")
    say(
        f"would ask {spec.name} ({spec.type}) what is live, as the rollback point "
        "(else the newest successful Deployment of the log)"
    )
    say(
        f"would create a GitHub Deployment: environment {environment.name}, ref {release.tag}, "
        f"payload provider={spec.name} tag={release.tag} previous=<rollback point>"
    )
    say(f"would mark it in_progress (log: {log_url or 'no run URL outside Actions'})")
    say(
        f"would deploy {release.tag} (version {release.version}) with {spec.type} provider "
        f"{spec.name}"
    )
    w = environment.watch
    gates = ", ".join(g.name for g in environment.gates) or "none"
    say(
        f"would watch gates {gates}: after {format_duration(w.initial_delay)}, every "
        f"{format_duration(w.interval)} for {format_duration(w.duration)}, failing at "
        f"{w.failure_limit} failed probes in a row"
    )
    say(f"on success: mark it success (environment URL {environment.url or 'none'})")
    if environment.rollback_on_failure:
        say(
            "on failure: mark it failure, roll back to the rollback point, probe the gates "
            "once, record a rollback Deployment, exit 5 (exit 6 if the rollback fails)"
        )
    else:
        say("on failure: mark it failure and exit 1 (rollback.on_failure is false)")
