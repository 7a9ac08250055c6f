"""``hotfix-ci deploy``, ``gate`` and ``rollback``: options -> args object -> core."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from hotfix_ci.cli.main import CONFIG_OPTION, FORMAT_OPTION, TOKEN_OPTION, cli, run_command

ENVIRONMENT_OPTION = click.option(
    "--environment", "-e", required=True, help="Environment under deploy.environments."
)
REPO_OPTION = click.option("--repo", default=None, help="OWNER/NAME (default: $GITHUB_REPOSITORY).")
DRY_RUN_OPTION = click.option(
    "--dry-run", is_flag=True, help="Print what would happen; change nothing."
)


def _config(path: str | None) -> Path | None:
    return Path(path) if path else None


@cli.command("deploy")
@ENVIRONMENT_OPTION
@click.option("--provider", "-p", required=True, help="Provider name in that environment.")
@click.option("--ref", required=True, help="Release tag to deploy, e.g. hotfix-v1.4.3.")
@click.option("--sha", default=None, help="Commit of the tag (default: what GitHub resolves).")
@click.option("--version", "version", default=None, help="Version (default: read from the tag).")
@REPO_OPTION
@CONFIG_OPTION
@DRY_RUN_OPTION
@FORMAT_OPTION
@TOKEN_OPTION
def deploy(
    environment: str,
    provider: str,
    ref: str,
    sha: str | None,
    version: str | None,
    repo: str | None,
    config_path: str | None,
    dry_run: bool,
    fmt: str | None,
    token: str | None,
) -> None:
    """Deploy a release, watch the health gates, roll back on failure.

    Exit 0 healthy, 1 stopped before deploying, 5 failed and rolled back, 6 rollback failed.
    """
    from hotfix_ci.commands.deploy import DeployArgs, execute_deploy

    args = DeployArgs(
        environment=environment,
        provider=provider,
        ref=ref,
        sha=sha,
        version=version,
        repo=repo,
        config=_config(config_path),
        format=fmt,
        token=token,
        dry_run=dry_run,
        workdir=Path.cwd(),
    )
    run_command(lambda: execute_deploy(args, os.environ, sys.stdout, sys.stderr))


@cli.command("gate")
@ENVIRONMENT_OPTION
@CONFIG_OPTION
@FORMAT_OPTION
def gate(environment: str, config_path: str | None, fmt: str | None) -> None:
    """Run only the health gates, on the configured watch schedule (exit 0 healthy, 1 not)."""
    from hotfix_ci.commands.deploy import GateArgs, execute_gate

    args = GateArgs(
        environment=environment, config=_config(config_path), format=fmt, workdir=Path.cwd()
    )
    run_command(lambda: execute_gate(args, os.environ, sys.stdout, sys.stderr))


@cli.command("rollback")
@ENVIRONMENT_OPTION
@click.option("--provider", "-p", default=None, help="Only this provider (default: all).")
@click.option("--to", "to", default=None, help="Release tag to go back to (default: last good).")
@REPO_OPTION
@CONFIG_OPTION
@DRY_RUN_OPTION
@FORMAT_OPTION
@TOKEN_OPTION
def rollback(
    environment: str,
    provider: str | None,
    to: str | None,
    repo: str | None,
    config_path: str | None,
    dry_run: bool,
    fmt: str | None,
    token: str | None,
) -> None:
    """Roll an environment back to its last good release, or to --to TAG (exit 0 or 6)."""
    from hotfix_ci.commands.rollback import RollbackArgs, execute_rollback

    args = RollbackArgs(
        environment=environment,
        provider=provider,
        to=to,
        repo=repo,
        config=_config(config_path),
        format=fmt,
        token=token,
        dry_run=dry_run,
        workdir=Path.cwd(),
    )
    run_command(lambda: execute_rollback(args, os.environ, sys.stdout, sys.stderr))
