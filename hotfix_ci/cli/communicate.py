"""``hotfix-ci notify``: options -> NotifyArgs -> ``commands.notify.run`` -> exit code.

A standalone click command; the CLI group registers it (``cli.add_command(notify)``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from hotfix_ci.notify.context import EVENTS


@click.command("notify")
@click.option("--event", required=True, type=click.Choice(EVENTS), help="What happened.")
@click.option("--pr", type=int, default=None, help="The hotfix pull request number.")
@click.option("--tag", default=None, help="The release tag, e.g. hotfix-v1.4.3.")
@click.option("--environment", default=None, help="The environment, e.g. production.")
@click.option("--dry-run", is_flag=True, help="Print what each channel would get; send nothing.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default=None,
    help="Output format (default: github inside Actions, else text).",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Config file (default: .github/hotfix.yml).",
)
@click.option("--repo", default=None, help="OWNER/NAME (default: $GITHUB_REPOSITORY).")
@click.option("--token", default=None, help="GitHub token (default: $GITHUB_TOKEN). Never printed.")
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
) -> None:
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
        config=Path(config_path) if config_path else None,
        repo=repo,
        token=token,
        workdir=Path.cwd(),
    )
    code = run(args, os.environ, sys.stdout, sys.stderr)
    sys.exit(code)
