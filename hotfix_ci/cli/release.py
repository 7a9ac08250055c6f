"""``hotfix-ci release`` and ``hotfix-ci version``."""

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


@click.command("release")
@click.option("--sha", default=None, help="The merge commit to release (default: $GITHUB_SHA).")
@click.option(
    "--tag",
    default=None,
    help="Deploy this existing release instead (workflow_dispatch): check the tag exists, "
    "emit its deploy matrix, write nothing.",
)
@REPO_OPTION
@CONFIG_OPTION
@click.option("--dry-run", is_flag=True, help="Print what would be created; create nothing.")
@FORMAT_OPTION
@TOKEN_OPTION
def release(
    sha: str | None,
    tag: str | None,
    repo: str | None,
    config_path: str | None,
    dry_run: bool,
    fmt: str | None,
    token: str | None,
) -> int:
    """Tag a merged hotfix, write its changelog entry and GitHub Release, emit the deploy matrix.

    Needs `contents: write` (tag, changelog, release, branches), `pull-requests: write`
    (back-merge PRs) and `issues: write` (the post-deploy review issue). A merge that is not
    a hotfix releases nothing and exits 0; a re-run creates nothing twice.
    """
    from hotfix_ci.commands import release as command

    args = command.ReleaseArgs(
        sha=sha,
        tag=tag,
        repo=repo,
        config=path_or_none(config_path),
        dry_run=dry_run,
        format=fmt,
        token=token,
        workdir=Path.cwd(),
    )
    return command.run(args, os.environ, sys.stdout, sys.stderr)


@click.command("version")
@click.argument("kind", type=click.Choice(["current", "next"]))
@CONFIG_OPTION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    help="Output format.",
)
def version(kind: str, config_path: str | None, fmt: str) -> int:
    """Print the current release or the next hotfix version of the local checkout.

    Reads the git tags (or release.version_from's file) without any API call.
    """
    from hotfix_ci.commands import version as command

    args = command.VersionArgs(
        kind="current" if kind == "current" else "next",
        config=path_or_none(config_path),
        format=fmt,
        workdir=Path.cwd(),
    )
    return command.run(args, os.environ, sys.stdout, sys.stderr)
