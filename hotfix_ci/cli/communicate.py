"""Communication: ``hotfix-ci notify`` and ``hotfix-ci triage``."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import click

from hotfix_ci.cli.options import (
    CONFIG_OPTION,
    FORMAT_OPTION,
    REPO_OPTION,
    TOKEN_OPTION,
    path_or_none,
)

# The event names live in the config model, so --help does not load the channels.
from hotfix_ci.config.model import NOTIFY_EVENTS as EVENTS


@click.command("notify")
@click.option("--event", required=True, type=click.Choice(EVENTS), help="What happened.")
@click.option("--pr", type=int, default=None, help="The hotfix pull request number.")
@click.option("--tag", default=None, help="The release tag, e.g. hotfix-v1.4.3.")
@click.option("--environment", default=None, help="The environment, e.g. production.")
@click.option("--dry-run", is_flag=True, help="Print what each channel would get; send nothing.")
@FORMAT_OPTION
@CONFIG_OPTION
@REPO_OPTION
@TOKEN_OPTION
def notify(
    event: str,
    pr: int | None,
    tag: str | None,
    environment: str | None,
    dry_run: bool,
    fmt: str | None,
    config_path: str | None,
    repo: str | None,
    token: str | None,
) -> int:
    """Send a hotfix event to the channels of notify.events: Slack, Discord, Teams, a signed
    webhook, Statuspage, a PR comment.

    URLs and keys come from the environment variables the config names. Without a token
    it sends from the flags alone; with one it adds the PR title and severity, and the
    github channel comments on the PR (needs `pull-requests: write`). Exit codes: 0 sent
    (a failed optional channel is a warning), 1 a required channel failed, 2 usage or
    config error.
    """
    from hotfix_ci.commands.notify import NotifyArgs, run

    args = NotifyArgs(
        event=event,
        pr=pr,
        tag=tag,
        environment=environment,
        dry_run=dry_run,
        format=fmt,
        config=path_or_none(config_path),
        repo=repo,
        token=token,
        workdir=Path.cwd(),
    )
    return run(args, os.environ, sys.stdout, sys.stderr)


def _flag(question_key: str, text: str) -> Callable[[Callable[..., int]], Callable[..., int]]:
    return click.option(f"--{question_key}", is_flag=True, default=False, help=text)


@click.command("triage")
@_flag("down", "The service is completely down (P0).")
@_flag("security", "A security vulnerability (P0).")
@_flag("major", "Major functionality broken for over half the users (P1).")
@_flag("revenue", "Revenue is affected (P1).")
@_flag("under-5-percent", "Under 5 % of the users are affected (not a hotfix).")
@_flag("cause-known", "The root cause is known (else: roll back).")
@_flag("several-systems", "Several systems are failing (roll back).")
@click.option(
    "--no-prompt",
    is_flag=True,
    help="Take the answers from the flags only (a flag not given is no), even with none given.",
)
@click.option(
    "--description",
    default="short description",
    show_default=True,
    help="What broke, for the `hotfix-ci start` command it prints.",
)
@click.option(
    "--environment",
    default="production",
    show_default=True,
    help="The environment the rollback command names.",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@CONFIG_OPTION
def triage(
    down: bool,
    security: bool,
    major: bool,
    revenue: bool,
    under_5_percent: bool,
    cause_known: bool,
    several_systems: bool,
    no_prompt: bool,
    description: str,
    environment: str,
    fmt: str,
    config_path: str | None,
) -> int:
    """Decide in a minute: the severity (P0 down or security, P1 major or revenue, else not a
    hotfix), hotfix or roll back (roll back when the cause is unknown, over half the users
    are affected or several systems fail), the response target, the approvals it needs, and
    the exact next command.

    With no answer flags it asks each question in turn; with any (or --no-prompt) it takes
    the flags. No GitHub token needed. Exit codes: 0 decided, 2 usage or config error,
    130 interrupted.
    """
    from hotfix_ci.commands.triage import Question, TriageArgs, flags_asker, run

    flags = {
        "down": down,
        "security": security,
        "major": major,
        "revenue": revenue,
        "under-5-percent": under_5_percent,
        "cause-known": cause_known,
        "several-systems": several_systems,
    }

    def prompt(question: Question) -> bool:
        return click.confirm(question.text, default=False, err=True)

    interactive = not no_prompt and not any(flags.values())
    args = TriageArgs(
        ask=prompt if interactive else flags_asker(flags),
        description=description,
        environment=environment,
        format=fmt,
        config=path_or_none(config_path),
        workdir=Path.cwd(),
    )
    return run(args, os.environ, sys.stdout, sys.stderr)
