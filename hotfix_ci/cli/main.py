"""The click group and the top-level handler that maps errors to exit codes."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

import click

from hotfix_ci import __version__
from hotfix_ci.errors import ExitCode, HotfixError

FORMAT_OPTION = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default=None,
    help="Output format (default: github inside Actions, else text).",
)
TOKEN_OPTION = click.option(
    "--token",
    default=None,
    help="GitHub token (default: $GITHUB_TOKEN). Never printed.",
)
CONFIG_OPTION = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Config file (default: .github/hotfix.yml).",
)


def run_command(func: Callable[[], int]) -> None:
    """Run a command body and exit with its code; HotfixError becomes its message."""
    try:
        code = func()
    except HotfixError as exc:
        click.echo(f"error: {exc.message}", err=True)
        if exc.hint:
            click.echo(f"  what to do: {exc.hint}", err=True)
        if os.environ.get("GITHUB_ACTIONS") == "true":
            click.echo(f"::error title=hotfix-ci::{exc.message}", err=True)
        sys.exit(int(exc.exit_code))
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(int(ExitCode.INTERRUPTED))
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="hotfix-ci")
def cli() -> None:
    """Enforce your hotfix procedure: gate hotfix PRs, release, deploy, watch, roll back.

    Exit codes: 0 ok, 1 policy or gate failure, 2 usage or config error, 3 internal error,
    4 GitHub API error, 5 deploy failed and was rolled back, 6 rollback failed (page a human).
    """


def main(argv: list[str] | None = None) -> Any:
    from hotfix_ci.cli import commands, deploy_cmd, release_cmd  # noqa: F401  (registers them)

    try:
        return cli.main(args=argv, prog_name="hotfix-ci", standalone_mode=True)
    except Exception as exc:
        click.echo(f"internal error: {type(exc).__name__}: {exc}", err=True)
        click.echo(
            "  what to do: this is a bug in hotfix-ci; re-run with the same input and report it "
            "with this message",
            err=True,
        )
        sys.exit(int(ExitCode.INTERNAL))
