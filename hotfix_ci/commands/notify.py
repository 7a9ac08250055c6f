"""``hotfix-ci notify``: send one event of the hotfix to the channels of the config.

Works from flags alone (no GitHub token needed except for the ``github`` channel); with a
token it reads the live PR for its title, URL, author and severity label. Exit codes:
0 every required channel delivered (a failed optional channel is a warning), 1 a
required channel failed, 2 usage or config error, 3 internal error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from hotfix_ci.actions_io import ActionsIO
from hotfix_ci.commands.context import env_connection, output_format, repository, workflow_io
from hotfix_ci.config import load_config
from hotfix_ci.config.model import HotfixConfig
from hotfix_ci.errors import ExitCode, GitHubAPIError, HotfixError, UsageError
from hotfix_ci.escape import Redactor
from hotfix_ci.events import pull_number_of_run
from hotfix_ci.notify.context import EVENTS, NotifyContext, build_context, impact_of
from hotfix_ci.notify.deliver import deliver_all, secret_values
from hotfix_ci.notify.render import OVERRIDE_DIR, Templates
from hotfix_ci.notify.report import NotifyReport, inert, publish_github, render_json, render_text
from hotfix_ci.reports import emit

if TYPE_CHECKING:
    from hotfix_ci.github_api import GitHubClient


@dataclass(frozen=True, kw_only=True)
class NotifyArgs:
    event: str
    pr: int | None = None
    tag: str | None = None
    environment: str | None = None
    provider: str | None = None
    dry_run: bool = False
    format: str | None = None
    config: Path | None = None
    repo: str | None = None
    token: str | None = None
    workdir: Path = Path()


def run(args: NotifyArgs, env: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    """Send, print the outcome in the chosen format, return the exit code."""
    io = workflow_io(env, args.format, out, err)
    token = (args.token or env.get("GITHUB_TOKEN") or "").strip()
    io.mask(token)  # before the first line, so not even an error can echo it
    redact = Redactor([token] if token else [])
    try:
        return _run(args, env, io, out, err, token, redact)
    except HotfixError as exc:
        err.write(inert(redact(f"error: {exc.message}")) + "\n")
        if exc.hint:
            err.write(inert(redact(f"  what to do: {exc.hint}")) + "\n")
        return int(exc.exit_code)


def _run(
    args: NotifyArgs,
    env: Mapping[str, str],
    io: ActionsIO,
    out: TextIO,
    err: TextIO,
    token: str,
    redact: Redactor,
) -> int:
    if args.event not in EVENTS:
        raise UsageError(f"unknown --event {args.event!r}", hint=f"use one of {', '.join(EVENTS)}")
    fmt = output_format(args.format, io)
    cfg = load_config(args.config, workdir=args.workdir)
    for value in secret_values(cfg.notify, env):
        redact.add(value)
    for value in redact.values:
        if value != token:  # masked already, before the first line
            io.mask(value)
    repo = repository(env, args.repo)
    if args.pr is not None and args.pr <= 0:
        raise UsageError(f"--pr {args.pr} is not a pull request number")
    pr = args.pr if args.pr is not None else pull_number_of_run(env)
    ctx = build_context(
        args.event,
        env,
        repository=repo,
        pr=pr,
        tag=args.tag,
        version=_version(cfg, args.tag),
        environment=args.environment,
        provider=args.provider,
    )
    warnings: list[str] = []
    client = _client(repo, token, env) if token else None
    if client is not None and pr is not None:
        ctx = _enrich(ctx, client, cfg, warnings)
    elif pr is not None:
        warnings.append("no GitHub token: the message has no PR title or severity")
    ctx = ctx.redacted(redact)  # the report prints it too
    outcomes = deliver_all(
        ctx,
        cfg.notify,
        env,
        redact=redact,
        templates=Templates(args.workdir / OVERRIDE_DIR),
        github=client,
        dry_run=args.dry_run,
    )
    report = NotifyReport(
        context=ctx, outcomes=outcomes, dry_run=args.dry_run, warnings=[redact(w) for w in warnings]
    )
    emit(
        report,
        fmt,
        out,
        text=render_text,
        json=render_json,
        annotate=lambda report: publish_github(report, io),
    )
    return int(ExitCode.OK if report.ok else ExitCode.POLICY_FAILED)


def _version(cfg: HotfixConfig, tag: str | None) -> str | None:
    if not tag:
        return None
    from hotfix_ci.release.versioning import version_of_tag

    try:
        return version_of_tag(tag, cfg.release)
    except HotfixError:
        return None


def _client(repo: str, token: str, env: Mapping[str, str]) -> GitHubClient:
    from hotfix_ci.github_api import GitHubClient

    return GitHubClient(env_connection(env, token), repo)


def _enrich(
    ctx: NotifyContext, client: GitHubClient, cfg: HotfixConfig, warnings: list[str]
) -> NotifyContext:
    """Title, URL, author and severity from the live PR; a failure is only a warning."""
    from hotfix_ci.policy.classify import severity_of

    assert ctx.pr is not None
    try:
        pull = client.pull(ctx.pr)
    except GitHubAPIError as exc:
        warnings.append(f"the PR could not be read, so the message has no PR title: {exc.message}")
        return ctx
    severity = severity_of(pull, cfg)
    rank = cfg.severities.index(severity) if severity is not None else None
    return replace(
        ctx,
        pr_title=pull.title,
        pr_url=pull.html_url or ctx.pr_url,
        pr_author=pull.author or None,
        severity=severity.name if severity is not None else None,
        impact=impact_of(rank),
    )
