"""Adopting hotfix-ci: ``config schema|validate``, ``init``, ``doctor`` and ``demo``."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from hotfix_ci.cli.options import REPO_OPTION, TOKEN_OPTION, run_command


@click.group("config")
def config_group() -> None:
    """Print the config schema or validate a config file."""


@config_group.command("schema")
def config_schema() -> int:
    """Print the JSON schema of .github/hotfix.yml (for editors and CI)."""
    from hotfix_ci.commands import config as command

    return command.run_schema(command.SchemaArgs(), os.environ, sys.stdout, sys.stderr)


@config_group.command("validate")
@click.argument("path", required=False, type=click.Path(dir_okay=True))
def config_validate(path: str | None) -> int:
    """Validate a config file (default: .github/hotfix.yml)."""
    from hotfix_ci.commands import config as command

    args = command.ValidateArgs(path=Path(path) if path else None, workdir=Path.cwd())
    return command.run_validate(args, os.environ, sys.stdout, sys.stderr)


@config_group.command("matrix")
@click.option("--environment", "-e", required=True, help="Environment under deploy.environments.")
@click.option("--provider", "-p", default=None, help="Only this provider (default: all).")
@click.option("--config", "config_path", default=None, type=click.Path(dir_okay=False))
def config_matrix(environment: str, provider: str | None, config_path: str | None) -> int:
    """Print one environment's deploy matrix, {"include": [{environment, provider}]}
    (inside Actions also the output `matrix`): the rollback workflow's one job per provider."""
    from hotfix_ci.commands import config as command

    args = command.MatrixArgs(
        environment=environment,
        provider=provider or None,
        config=Path(config_path) if config_path else None,
        workdir=Path.cwd(),
    )
    return command.run_matrix(args, os.environ, sys.stdout, sys.stderr)


@click.command("init")
@click.option(
    "--action",
    default=None,
    help="The hotfix-ci action pinned by commit: OWNER/REPO@<40-hex sha> # vX.Y.Z "
    "(default: the repository and commit this installation was built from).",
)
@click.option(
    "--base",
    multiple=True,
    help="Branch hotfixes merge into (repeatable; default: the config's pull_request.base "
    "when .github/hotfix.yml exists, else main).",
)
@click.option(
    "--provider",
    "providers",
    multiple=True,
    metavar="TYPE",
    help="Add a provider of this type to deploy.environments.production, the settings it "
    "needs written as fill-in (deploy refuses to run until they are replaced), the others "
    "commented out, and its secrets in the deploy job's env (repeatable).",
)
@click.option("--force", is_flag=True, help="Overwrite existing files, naming each one.")
@click.option("--dry-run", is_flag=True, help="Print the content that would be written.")
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; render from .github/hotfix.yml and exit 1 with a diff when a "
    "rendered file differs from the one on disk.",
)
def init(**options: Any) -> int:
    """Write .github/hotfix.yml, the four workflows and the hotfix PR template.

    With .github/hotfix.yml present and no --base/--provider, the workflows are rendered
    from it (its bases, its providers' secrets) and it is kept. Exit codes: 0 written (or
    --check: no drift), 1 --check found drift, 2 usage or config error.
    """
    from hotfix_ci.commands import init as command

    return run_command(command.run, command.InitArgs, root=Path.cwd(), **options)


@click.command("demo")
def demo() -> int:
    """Run the whole pipeline against the built-in GitHub emulator and a local service."""
    from hotfix_ci.commands import demo as command

    return command.run(command.DemoArgs(), os.environ, sys.stdout, sys.stderr)


@click.command("doctor")
@REPO_OPTION
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Check this local config file (default: .github/hotfix.yml on the default branch).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default=None,
    help="Output format (default: github inside Actions, else text; github = text plus an "
    "annotation per finding).",
)
@TOKEN_OPTION
def doctor(**options: Any) -> int:
    """Check the repository's setup: required gate, environments, secrets, workflows.

    Reads through the API; exits 1 when anything is missing, each finding with its fix.
    """
    from hotfix_ci.commands import doctor as command

    return run_command(command.run, command.DoctorArgs, **options)
