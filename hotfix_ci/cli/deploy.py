"""``hotfix-ci deploy``, ``gate`` and ``rollback``."""

from __future__ import annotations

from typing import Any

import click

from hotfix_ci.cli.options import (
    CONFIG_OPTION,
    DRY_RUN_OPTION,
    ENVIRONMENT_OPTION,
    FORMAT_OPTION,
    REPO_OPTION,
    TOKEN_OPTION,
    run_command,
)


@click.command("deploy")
@ENVIRONMENT_OPTION
@click.option("--provider", "-p", required=True, help="Provider name in that environment.")
@click.option("--ref", required=True, help="Release tag to deploy, e.g. hotfix-v1.4.3.")
@click.option("--sha", default=None, help="Commit of the tag (default: what GitHub resolves).")
@click.option("--version", "version", default=None, help="Version (default: read from the tag).")
@click.option(
    "--break-glass",
    "break_glass",
    default=None,
    help="The release's break-glass record (release's `break-glass` output, JSON): kept in "
    "the Deployment payload under break_glass.",
)
@REPO_OPTION
@CONFIG_OPTION
@DRY_RUN_OPTION
@FORMAT_OPTION
@TOKEN_OPTION
def deploy(**options: Any) -> int:
    """Deploy a release, watch the health gates, roll back on failure.

    Exit 0 healthy, 1 stopped before deploying, 5 failed and rolled back, 6 rollback failed.
    """
    from hotfix_ci.commands import deploy as command

    return run_command(command.run, command.DeployArgs, **options)


@click.command("gate")
@ENVIRONMENT_OPTION
@CONFIG_OPTION
@FORMAT_OPTION
def gate(**options: Any) -> int:
    """Run only the health gates, on the configured watch schedule (exit 0 healthy, 1 not)."""
    from hotfix_ci.commands import gate as command

    return run_command(command.run, command.GateArgs, **options)


@click.command("rollback")
@ENVIRONMENT_OPTION
@click.option("--provider", "-p", default=None, help="Only this provider (default: all).")
@click.option("--to", "to", default=None, help="Release tag to go back to (default: last good).")
@REPO_OPTION
@CONFIG_OPTION
@DRY_RUN_OPTION
@FORMAT_OPTION
@TOKEN_OPTION
def rollback(**options: Any) -> int:
    """Roll an environment back to its last good release, or to --to TAG (exit 0 or 6)."""
    from hotfix_ci.commands import rollback as command

    return run_command(command.run, command.RollbackArgs, **options)
