"""``hotfix-ci report --pr N``: the incident report and post-mortem draft of one hotfix,
built from its timeline on GitHub; ``--open-issue`` opens the post-mortem issue once.

The issue carries a hidden marker naming the PR and is looked up by it (among issues with
the post-mortem label, written by this token's own identity) before it is written, so a
re-run or a retry after a 5xx updates the one issue instead of opening a second. Inside
Actions the report with its gantt chart also goes to the job summary, and the output
``gantt`` holds the chart. Exit codes: 0 done, 2 usage or config error
(a PR that does not exist), 4 GitHub API error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from hotfix_ci.commands.context import open_reader
from hotfix_ci.commands.hotfix_record import check_format, one_hotfix, timeline_of
from hotfix_ci.config import load_config
from hotfix_ci.errors import ExitCode, UsageError
from hotfix_ci.escape import clip, one_line
from hotfix_ci.reports import report as render
from hotfix_ci.reports.timeline import Timeline

if TYPE_CHECKING:
    from hotfix_ci.github_api.client import GitHubClient

FORMATS = ("markdown", "json")
LABEL = "post-mortem"


@dataclass(frozen=True, kw_only=True)
class ReportArgs:
    pr: int
    open_issue: bool = False
    dry_run: bool = False
    format: str = "markdown"
    config: Path | None = None
    repo: str | None = None
    token: str | None = None
    workdir: Path = Path()


def run(args: ReportArgs, env: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    check_format(args.format, FORMATS)
    if args.pr <= 0:
        raise UsageError(f"--pr {args.pr} is not a pull request number")
    ctx, client, out, err = open_reader(
        env, out, err, repo=args.repo, token=args.token, local_command="report"
    )
    cfg = load_config(args.config, workdir=args.workdir)
    facts = one_hotfix(client, cfg, args.pr)
    timeline = timeline_of(facts, cfg)
    document = render.RENDERER_BY_NAME[args.format](timeline)
    if args.open_issue:
        err.write(open_postmortem(client, timeline, dry_run=args.dry_run) + "\n")
    out.write(document if document.endswith("\n") else document + "\n")
    if ctx.io.in_actions:
        ctx.io.write_summary(render.render_markdown(timeline))
        ctx.io.set_outputs({"gantt": render.gantt(timeline)})
    return int(ExitCode.OK)


def issue_body(t: Timeline) -> str:
    return f"{render.marker(t.number)}\n{render.render_markdown(t)}"


def issue_title(t: Timeline) -> str:
    return clip(f"Post-mortem: #{t.number} {one_line(t.title)}", 200)


def open_postmortem(client: GitHubClient, t: Timeline, *, dry_run: bool) -> str:
    """Open the post-mortem issue, or update the one a run before opened; what happened."""
    from hotfix_ci.github_api import hotfixes
    from hotfix_ci.github_api.writes import write_once

    me = hotfixes.authenticated_login(client)

    def trusted(author: str) -> bool:
        # Without /user (an installation token) only a bot can be us: no person can author
        # an issue as a bot, so a pasted marker in a person's issue is never taken over.
        return author == me if me else author.endswith("[bot]")

    def lookup() -> hotfixes.IssueRef | None:
        return hotfixes.find_marked_issue(client, LABEL, render.marker(t.number), trusted)

    body = issue_body(t)
    found = lookup()
    if found is not None:
        if found.body.strip() == body.strip():
            return f"post-mortem issue #{found.number} is up to date: {found.html_url}"
        if dry_run:
            return f"dry run: would update post-mortem issue #{found.number}"
        hotfixes.update_issue_body(client, found.number, body)
        return f"updated post-mortem issue #{found.number}: {found.html_url}"
    if dry_run:
        return f"dry run: would open post-mortem issue {issue_title(t)!r} labelled {LABEL!r}"
    created = write_once(
        lambda: hotfixes.create_issue(client, issue_title(t), body, [LABEL]), lookup
    )
    return f"opened post-mortem issue #{created.number}: {created.html_url}"
