"""``hotfix-ci release`` and ``hotfix-ci version``."""

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
def release(**options: Any) -> int:
    """Tag a merged hotfix, write its changelog entry and GitHub Release, emit the deploy matrix.

    Needs `contents: write` (tag, changelog, release, branches), `pull-requests: write`
    (back-merge PRs) and `issues: write` (the post-deploy review issue). A merge that is not
    a hotfix releases nothing and exits 0; a re-run creates nothing twice.
    """
    from hotfix_ci.commands import release as command

    return run_command(command.run, command.ReleaseArgs, **options)


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
def version(**options: Any) -> int:
    """Print the current release or the next hotfix version of the local checkout.

    Reads the git tags (or release.version_from's file) without any API call.
    """
    from hotfix_ci.commands import version as command

    return run_command(command.run, command.VersionArgs, **options)
