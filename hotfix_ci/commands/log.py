"""``hotfix-ci log``: the deployment log from the Deployments API, newest first.

One request per 100 Deployments listed (all environments, or ``--environment``) and one per
Deployment for its outcome (its newest status, never demoted by a stale late write: see
:func:`~hotfix_ci.github_api.deployments.outcome_status`); listing stops at the first
Deployment older than ``--since``. Only Deployments hotfix-ci recorded (payload
``tool: hotfix-ci``) are shown. A record whose payload names no PR (a deploy job of a push
run knows none) gets the PR merged as its commit: one request per such commit
(``commits/{sha}/pulls``), cached. Exit codes: 0 printed (also when empty), 2 usage error,
4 GitHub API error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, TextIO

from hotfix_ci.commands.context import open_reader
from hotfix_ci.commands.hotfix_record import check_format
from hotfix_ci.errors import ExitCode
from hotfix_ci.reports import log as render
from hotfix_ci.reports.report import iso
from hotfix_ci.reports.timeline import since_time

if TYPE_CHECKING:
    from hotfix_ci.github_api.client import GitHubClient

FORMATS = tuple(render.RENDERER_BY_NAME)


@dataclass(frozen=True, kw_only=True)
class LogArgs:
    environment: str | None = None
    since: str = "30d"
    format: str = "text"
    repo: str | None = None
    token: str | None = None
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.timezone.utc)


def run(args: LogArgs, env: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    from hotfix_ci.github_api.deployments import (
        deployment_records,
        outcome_status,
        pr_of,
        recorded_by_hotfix_ci,
    )

    check_format(args.format, FORMATS)
    since = iso(since_time(args.since, args.now())) or ""
    _, client, out, err = open_reader(
        env, out, err, repo=args.repo, token=args.token, local_command="log"
    )
    rows = []
    merged_as: dict[str, int | None] = {}
    for record in deployment_records(client, args.environment):
        if record.created_at and record.created_at < since:
            break
        if not recorded_by_hotfix_ci(record):
            continue
        state, _ = outcome_status(client, record.id)
        pr = None
        if pr_of(record) is None and record.sha:
            if record.sha not in merged_as:
                merged_as[record.sha] = _merged_as(client, record.sha)
            pr = merged_as[record.sha]
        rows.append(render.row(replace(record, state=state), pr))
    out.write(render.RENDERER_BY_NAME[args.format](rows) + "\n")
    return int(ExitCode.OK)


def _merged_as(client: GitHubClient, sha: str) -> int | None:
    """The number of the PR merged as exactly ``sha`` (its merge commit), else None."""
    from hotfix_ci.github_api.releases import pulls_for_commit
    from hotfix_ci.release.plan import merged_as

    found = merged_as(pulls_for_commit(client, sha), sha)
    return found.pull.number if found is not None else None
