"""``hotfix-ci check-pr``: the PR gate."""

from __future__ import annotations

from typing import Any

import click

from hotfix_ci.cli.options import (
    CONFIG_OPTION,
    FORMAT_OPTION,
    REPO_OPTION,
    TOKEN_OPTION,
    run_command,
)


@click.command("check-pr")
@click.option("--pr", type=int, default=None, help="Pull request number (default: from the event).")
@REPO_OPTION
@CONFIG_OPTION
@FORMAT_OPTION
@TOKEN_OPTION
@click.option(
    "--no-report",
    "report",
    is_flag=True,
    flag_value=False,
    default=True,
    help="Do not write the check run, comment or summary.",
)
def check_pr(**options: Any) -> int:
    """Gate a hotfix pull request: title, labels, severity, approvals, minimal diff."""
    from hotfix_ci.commands import check_pr as command

    return run_command(command.run, command.CheckPrArgs, **options)
