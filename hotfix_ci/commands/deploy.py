"""``hotfix-ci deploy`` and ``hotfix-ci gate``: args objects and ``execute`` functions
(click stays in :mod:`hotfix_ci.cli.deploy_cmd`)."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from hotfix_ci.actions_io import ActionsIO
from hotfix_ci.commands.context import FORMATS, RunContext, resolve_context
from hotfix_ci.deploy import history
from hotfix_ci.deploy.config import Environment, ProviderSpec, check_provider_settings, substitute
from hotfix_ci.deploy.outcome import finish
from hotfix_ci.deploy.pipeline import DeployPipeline, DeployRequest
from hotfix_ci.reports.deploy import Console, RunReport
from hotfix_ci.deploy.runtime import (
    DeployStopped,
    Recorder,
    build_provider,
    load_environment,
    mask_secrets,
)
from hotfix_ci.deploy.signals import stop_on_signals
from hotfix_ci.errors import ExitCode, GitHubAPIError, UsageError
from hotfix_ci.gates import check_environment, format_duration, watch
from hotfix_ci.providers.base import Release


@dataclass(frozen=True, kw_only=True)
class DeployArgs:
    environment: str
    provider: str
    ref: str
    sha: str | None = None
    version: str | None = None
    repo: str | None = None
    config: Path | None = None
    format: str | None = None
    token: str | None = None
    dry_run: bool = False
    workdir: Path = Path()


def progress_stream(fmt: str, out: TextIO, err: TextIO | None) -> TextIO:
    """JSON keeps stdout for the document; progress then goes to stderr."""
    return (err or sys.stderr) if fmt == "json" else out


def execute_deploy(
    args: DeployArgs, env: Mapping[str, str], out: TextIO, err: TextIO | None = None
) -> int:
    ctx = resolve_context(env, repo=args.repo, token=args.token, fmt=args.format, out=out)
    environment = load_environment(args.config, args.workdir, args.environment)
    spec = environment.provider(args.provider)
    mask_secrets(ctx.io, environment, env)
    check_environment(environment.gates, env)
    if not args.ref.strip():
        raise UsageError("--ref is empty", hint="pass the release tag, e.g. --ref hotfix-v1.4.3")
    release = Release(
        tag=args.ref,
        version=args.version or history.version_from_tag(args.ref),
        sha=args.sha or "",
        environment=environment.name,
    )
    report = RunReport(
        command="deploy",
        environment=environment.name,
        provider=spec.name,
        release=release,
        dry_run=args.dry_run,
    )
    console = Console(progress_stream(ctx.format, out, err), report)
    if args.dry_run:
        check_provider_settings(spec)
        describe_deploy(console, environment, spec, release, ctx.run_url())
        report.finish("dry_run", 0, "dry run: nothing was changed", None)
        return finish([report], ctx.io, ctx.format, out)
    _run_pipeline(ctx, args, environment, spec, release, console, env)
    return finish([report], ctx.io, ctx.format, out)


def _run_pipeline(
    ctx: RunContext,
    args: DeployArgs,
    environment: Environment,
    spec: ProviderSpec,
    release: Release,
    console: Console,
    env: Mapping[str, str],
) -> None:
    from hotfix_ci.github_api import GitHubClient

    report = console.report
    provider = build_provider(
        spec, env, args.workdir, lambda line: console.say(f"  [{spec.name}] {line}")
    )
    client = GitHubClient(ctx.connection(), ctx.repo)
    recorder = Recorder(client, console, ctx.run_url())
    log = history.DeploymentLog(client, environment.name, spec.name)
    attempt = _attempt(env)
    request = DeployRequest(
        environment=environment, spec=spec, release=release, workdir=args.workdir, attempt=attempt
    )
    with stop_on_signals() as stop:
        pipeline = DeployPipeline(request, provider, log, recorder, env, stop, ctx.io)
        try:
            pipeline.run()
        except DeployStopped as exc:
            report.finish("stopped", int(exc.exit_code), exc.message, None, exc.hint)
        except GitHubAPIError as exc:  # only raised before anything was deployed
            message = f"{exc.message}; nothing was deployed"
            report.finish("stopped", int(exc.exit_code), message, None, exc.hint)
    if recorder.failed and report.exit_code == 0:
        report.finish(
            report.state,
            int(ExitCode.GITHUB_API),
            f"{report.message}, but GitHub did not record it: {'; '.join(recorder.failed)}",
            report.live,
            hint="the Deployments API is the rollback log: re-run the job once GitHub answers "
            "so this release is recorded as good",
        )


def _attempt(env: Mapping[str, str]) -> int:
    raw = env.get("GITHUB_RUN_ATTEMPT") or "1"
    if not raw.isdigit():
        raise UsageError(f"GITHUB_RUN_ATTEMPT={raw!r} is not a number")
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
        say(f"would run before-check: {' '.join(substitute(a, values) for a in argv)}")
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


@dataclass(frozen=True, kw_only=True)
class GateArgs:
    environment: str
    config: Path | None = None
    format: str | None = None
    workdir: Path = Path()


def execute_gate(
    args: GateArgs, env: Mapping[str, str], out: TextIO, err: TextIO | None = None
) -> int:
    io = ActionsIO(env, out)
    environment = load_environment(args.config, args.workdir, args.environment)
    mask_secrets(io, environment, env)
    if args.format is not None and args.format not in FORMATS:
        raise UsageError(f"unknown --format {args.format!r}", hint=f"use one of {FORMATS}")
    fmt = args.format or ("github" if io.in_actions else "text")
    check_environment(environment.gates, env)
    report = RunReport(command="gate", environment=environment.name)
    console = Console(progress_stream(fmt, out, err), report)
    gates = environment.gates
    width = max((len(g.name) for g in gates), default=0)
    with stop_on_signals() as stop:
        outcome = watch(
            gates,
            environment.watch,
            env=env,
            stop=stop.event,
            on_probe=lambda p: console.probe("watch", p, width),
        )
    if outcome.passed:
        console.step("gates", True, outcome.reason)
        report.finish("healthy", 0, outcome.reason, None)
    elif stop.stopped:
        report.finish("interrupted", int(ExitCode.INTERRUPTED), stop.reason(), None)
    else:
        console.step("gates", False, outcome.reason)
        report.finish(
            "unhealthy",
            1,
            outcome.reason,
            None,
            hint=f"look at the failing gate's probes above; roll back with `hotfix-ci rollback "
            f"--environment {environment.name}` if the latest release caused it",
        )
    return finish([report], io, fmt, out)
