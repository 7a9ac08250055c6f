"""``hotfix-ci log``: the deployment log from the Deployments API, newest first.

One request per 100 Deployments listed (all environments, or ``--environment``) and one per
Deployment for its outcome (its newest status, never demoted by a stale late write: see
:func:`~hotfix_ci.github_api.deployments.outcome_status`); listing stops at the first
Deployment older than ``--since``. Only Deployments hotfix-ci recorded (payload
``tool: hotfix-ci``) are shown. Exit codes: 0 printed (also when empty), 2 usage error,
4 GitHub API error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TextIO

from hotfix_ci.commands.context import resolve_context
from hotfix_ci.commands.hotfix_record import check_format, ours
from hotfix_ci.errors import ExitCode
from hotfix_ci.reports import log as render
from hotfix_ci.reports.report import iso
from hotfix_ci.reports.timeline import since_time
from hotfix_ci.text import redacting

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
    from hotfix_ci.github_api.client import GitHubClient
    from hotfix_ci.github_api.deployments import deployment_records, outcome_status

    out, err = redacting(out), redacting(err)
    check_format(args.format, FORMATS)
    since = iso(since_time(args.since, args.now())) or ""
    ctx = resolve_context(env, repo=args.repo, token=args.token, fmt="json", out=out, err=err)
    client = GitHubClient(ctx.connection(), ctx.repo)
    rows = []
    for record in deployment_records(client, args.environment):
        if record.created_at and record.created_at < since:
            break
        if not ours(record):
            continue
        state, _ = outcome_status(client, record.id)
        rows.append(render.row(replace(record, state=state)))
    out.write(render.RENDERER_BY_NAME[args.format](rows) + "\n")
    return int(ExitCode.OK)
