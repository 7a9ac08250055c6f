"""``hotfix-ci release`` and ``hotfix-ci version``: options -> args -> core -> exit code."""

from __future__ import annotations

import os
import sys
from datetime import datetime, timezone
from pathlib import Path

import click

from hotfix_ci.cli.main import CONFIG_OPTION, FORMAT_OPTION, TOKEN_OPTION, cli, run_command


@cli.command("release")
@click.option("--sha", default=None, help="The merge commit to release (default: $GITHUB_SHA).")
@click.option("--repo", default=None, help="OWNER/NAME (default: $GITHUB_REPOSITORY).")
@CONFIG_OPTION
@click.option("--dry-run", is_flag=True, help="Print what would be created; create nothing.")
@FORMAT_OPTION
@TOKEN_OPTION
def release(
    sha: str | None,
    repo: str | None,
    config_path: str | None,
    dry_run: bool,
    fmt: str | None,
    token: str | None,
) -> None:
    """Tag a merged hotfix, write its changelog entry and GitHub Release, emit the deploy matrix.

    Needs `contents: write` (tag, changelog, release, branches), `pull-requests: write`
    (back-merge PRs) and `issues: write` (the post-deploy review issue). A merge that is not
    a hotfix releases nothing and exits 0; a re-run creates nothing twice.
    """
    from hotfix_ci.commands.release import ReleaseArgs, execute

    args = ReleaseArgs(
        sha=sha,
        repo=repo,
        config=Path(config_path) if config_path else None,
        dry_run=dry_run,
        format=fmt,
        token=token,
        workdir=Path.cwd(),
    )
    run_command(lambda: execute(args, os.environ, sys.stdout))


@cli.command("version")
@click.argument("kind", type=click.Choice(["current", "next"]))
@CONFIG_OPTION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    help="Output format.",
)
def version(kind: str, config_path: str | None, fmt: str) -> None:
    """Print the current release or the next hotfix version of the local checkout.

    Reads the git tags (or release.version_from's file) without any API call.
    """
    from hotfix_ci.commands.version import Kind, execute_version
    from hotfix_ci.config import load_config
    from hotfix_ci.reports.release import render_version

    def body() -> int:
        workdir = Path.cwd()
        cfg = load_config(Path(config_path) if config_path else None, workdir=workdir)
        chosen: Kind = "current" if kind == "current" else "next"
        report = execute_version(chosen, cfg.release, workdir, datetime.now(timezone.utc))
        click.echo(render_version(report.as_dict(), fmt))
        return 0

    run_command(body)
