"""Communication: ``hotfix-ci notify``."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from hotfix_ci.cli.options import (
    CONFIG_OPTION,
    FORMAT_OPTION,
    REPO_OPTION,
    TOKEN_OPTION,
    path_or_none,
)
from hotfix_ci.notify.context import EVENTS


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
