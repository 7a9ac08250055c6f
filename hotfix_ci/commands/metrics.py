"""``hotfix-ci metrics``: the numbers of every hotfix PR opened since ``--since``.

API cost: one request per 100 hotfix PRs (the issues list, filtered by the hotfix label),
one per PR for its reviews, one per 100 Deployments, and one per Deployment of those
hotfixes for its statuses; about 2 per hotfix. Exit codes: 0 printed, 2 usage or config
error, 4 GitHub API error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from hotfix_ci.commands.context import open_reader
from hotfix_ci.commands.hotfix_record import all_hotfixes, check_format, timeline_of
from hotfix_ci.config import load_config
from hotfix_ci.errors import ExitCode
from hotfix_ci.reports import metrics as render
from hotfix_ci.reports.report import iso
from hotfix_ci.reports.timeline import since_time

FORMATS = tuple(render.RENDERER_BY_NAME)


@dataclass(frozen=True, kw_only=True)
class MetricsArgs:
    since: str = "90d"
    format: str = "text"
    config: Path | None = None
    repo: str | None = None
    token: str | None = None
    workdir: Path = Path()
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.timezone.utc)


def run(args: MetricsArgs, env: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    check_format(args.format, FORMATS)
    since = iso(since_time(args.since, args.now())) or ""
    ctx, client, out, err = open_reader(
        env, out, err, repo=args.repo, token=args.token, local_command="metrics"
    )
    cfg = load_config(args.config, workdir=args.workdir)
    timelines = [timeline_of(facts, cfg) for facts in all_hotfixes(client, cfg, since)]
    metrics = render.compute(timelines, since, requests=client.requests_made)
    out.write(render.RENDERER_BY_NAME[args.format](metrics) + "\n")
    if ctx.io.in_actions:
        ctx.io.write_summary(render.render_markdown(metrics))
    return int(ExitCode.OK)
