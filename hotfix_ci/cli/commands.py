"""Subcommands. Each builds an args object and hands it to hotfix_ci.commands."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from hotfix_ci.cli.main import CONFIG_OPTION, FORMAT_OPTION, TOKEN_OPTION, cli, run_command


@cli.command("check-pr")
@click.option("--pr", type=int, default=None, help="Pull request number (default: from the event).")
@click.option("--repo", default=None, help="OWNER/NAME (default: $GITHUB_REPOSITORY).")
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
) -> None:
    """Gate a hotfix pull request: title, labels, severity, approvals, minimal diff."""
    from hotfix_ci.commands.check_pr import CheckPrArgs, execute

    args = CheckPrArgs(
        pr=pr,
        repo=repo,
        config=Path(config_path) if config_path else None,
        format=fmt,
        report=not no_report,
        token=token,
        workdir=Path.cwd(),
    )
    run_command(lambda: execute(args, os.environ, sys.stdout))


@cli.group("config")
def config_group() -> None:
    """Print the config schema or validate a config file."""


@config_group.command("schema")
def config_schema() -> None:
    """Print the JSON schema of .github/hotfix.yml (for editors and CI)."""
    from hotfix_ci.config import schema_text

    def body() -> int:
        click.echo(schema_text())
        return 0

    run_command(body)


@config_group.command("validate")
@click.argument("path", required=False, type=click.Path(dir_okay=True))
def config_validate(path: str | None) -> None:
    """Validate a config file (default: .github/hotfix.yml)."""
    from hotfix_ci.config import load_config

    def body() -> int:
        target = Path(path) if path else Path(".github/hotfix.yml")
        load_config(target)
        click.echo(f"{target}: valid")
        return 0

    run_command(body)


@cli.command("init")
@click.option(
    "--action",
    "action_ref",
    required=True,
    help="The hotfix-ci action pinned by commit: OWNER/REPO@<40-hex sha> # vX.Y.Z.",
)
@click.option(
    "--base",
    multiple=True,
    default=("main",),
    show_default=True,
    help="Branch hotfixes merge into (repeatable).",
)
@click.option("--force", is_flag=True, help="Overwrite existing files.")
@click.option("--dry-run", is_flag=True, help="Print what would be written.")
def init(action_ref: str, base: tuple[str, ...], force: bool, dry_run: bool) -> None:
    """Write .github/hotfix.yml and the PR-gate, deploy and rollback workflows."""
    from hotfix_ci.commands.init import InitArgs, execute

    args = InitArgs(root=Path.cwd(), action=action_ref, base=base, force=force, dry_run=dry_run)
    run_command(lambda: execute(args, sys.stdout))


@cli.command("demo")
@click.option("--keep-going", is_flag=True, hidden=True)
def demo(keep_going: bool) -> None:
    """Run the whole pipeline against the built-in GitHub emulator and a local service."""
    from hotfix_ci.commands.demo import run_demo

    run_command(lambda: run_demo(sys.stdout))
