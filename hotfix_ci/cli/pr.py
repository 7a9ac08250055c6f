"""``hotfix-ci check-pr``: the PR gate."""

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


@click.command("check-pr")
@click.option("--pr", type=int, default=None, help="Pull request number (default: from the event).")
@REPO_OPTION
@CONFIG_OPTION
@FORMAT_OPTION
@TOKEN_OPTION
@click.option("--no-report", is_flag=True, help="Do not write the check run, comment or summary.")
def check_pr(
    pr: int | None,
    repo: str | None,
    config_path: str | None,
    fmt: str | None,
    token: str | None,
    no_report: bool,
) -> int:
    """Gate a hotfix pull request: title, labels, severity, approvals, minimal diff."""
    from hotfix_ci.commands import check_pr as command

    args = command.CheckPrArgs(
        pr=pr,
        repo=repo,
        config=path_or_none(config_path),
        format=fmt,
        report=not no_report,
        token=token,
        workdir=Path.cwd(),
    )
    return command.run(args, os.environ, sys.stdout, sys.stderr)
