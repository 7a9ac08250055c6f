"""Options several commands share, spelled and documented once."""

from __future__ import annotations

from pathlib import Path

import click

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
REPO_OPTION = click.option("--repo", default=None, help="OWNER/NAME (default: $GITHUB_REPOSITORY).")
DRY_RUN_OPTION = click.option(
    "--dry-run", is_flag=True, help="Print what would happen; change nothing."
)
ENVIRONMENT_OPTION = click.option(
    "--environment", "-e", required=True, help="Environment under deploy.environments."
)


def path_or_none(value: str | None) -> Path | None:
    return Path(value) if value else None
