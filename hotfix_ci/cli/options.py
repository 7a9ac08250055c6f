"""Options several commands share, spelled and documented once."""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TextIO, TypeVar

import click

ArgsT = TypeVar("ArgsT")
Run = Callable[[ArgsT, Mapping[str, str], TextIO, TextIO], int]

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


def run_command(run: Run[ArgsT], args_type: type[ArgsT], **options: Any) -> int:
    """Build the command's ``Args`` from click's options and run it on this process's streams.

    Options are named after the ``Args`` fields, except the shared ``--config`` (``config_path``,
    a string here, a ``Path`` there) and ``--format`` (``fmt``, not to shadow the builtin);
    ``workdir`` is the current directory for every command that has one.
    """
    if "config_path" in options:
        options["config"] = path_or_none(options.pop("config_path"))
    if "fmt" in options:
        options["format"] = options.pop("fmt")
    field_names = {field.name for field in dataclasses.fields(args_type)}  # type: ignore[arg-type]
    if "workdir" in field_names:
        options.setdefault("workdir", Path.cwd())
    return run(args_type(**options), os.environ, sys.stdout, sys.stderr)
