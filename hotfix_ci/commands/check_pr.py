"""``hotfix-ci check-pr``: gate a hotfix pull request on its live state."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from hotfix_ci.commands.context import RunContext, resolve_context
from hotfix_ci.config import load_config
from hotfix_ci.errors import ExitCode, UsageError
from hotfix_ci.events import (
    MergeGroup,
    merge_group_from_event,
    pull_number_from_event,
    read_event,
    workflow_run_from_event,
)
from hotfix_ci.policy.pr_gate import evaluate
from hotfix_ci.reports import emit
from hotfix_ci.reports.pr_gate import (
    CHECK_NAME,
    COMMENT_MARKER,
    GateReport,
    check_run_output,
    comment_body,
    render_json,
    render_markdown,
    render_text,
)
from hotfix_ci.text import redacting

if TYPE_CHECKING:
    from hotfix_ci.github_api import GitHubClient


@dataclass(frozen=True, kw_only=True)
class CheckPrArgs:
    pr: int | None = None
    repo: str | None = None
    config: Path | None = None
    format: str | None = None
    report: bool = True
    token: str | None = None
    workdir: Path = Path()


@dataclass(frozen=True)
class Target:
    """What the run judges: a pull request (its number, or the commit of a workflow_run to
    find it by) and, for a merge queue entry, the group whose head gets the check run."""

    number: int | None
    group: MergeGroup | None = None
    run_sha: str | None = None


def _target(args: CheckPrArgs, env: Mapping[str, str]) -> Target:
    if args.pr is not None:
        if args.pr <= 0:
            raise UsageError(f"--pr {args.pr} is not a pull request number")
        return Target(args.pr)
    if not env.get("GITHUB_EVENT_PATH"):
        raise UsageError(
            "no pull request given",
            hint="pass --pr N (inside Actions the number comes from the pull_request event)",
        )
    event = read_event(env)
    group = merge_group_from_event(event)
    if group is not None:
        return Target(group.pull, group=group)
    finished = workflow_run_from_event(event)
    if finished is not None:
        number = finished.pulls[0] if len(finished.pulls) == 1 else None
        return Target(number, run_sha=finished.head_sha)
    number = pull_number_from_event(event)
    if number is None:
        raise UsageError(
            f"the {env.get('GITHUB_EVENT_NAME') or 'current'} event carries no pull request",
            hint="run check-pr on pull_request_target, pull_request, pull_request_review, "
            "merge_group or workflow_run events, or pass --pr N",
        )
    return Target(number)


def _number(client: GitHubClient, target: Target) -> int:
    """The pull request of the target; a workflow_run from a fork lists none, so the open
    pull request whose head is the run's commit is looked up."""
    if target.number is not None:
        return target.number
    from hotfix_ci.github_api.releases import pulls_for_commit

    sha = target.run_sha or ""
    found = sorted({c.pull.number for c in pulls_for_commit(client, sha) if c.pull.head_sha == sha})
    if len(found) != 1:
        which = "no open pull request" if not found else f"pull requests {found}"
        raise UsageError(
            f"the workflow_run event's commit {sha[:12]} is the head of {which}",
            hint="re-run the gate on the pull request's own event, or pass --pr N",
        )
    return found[0]


def _write_check_run_and_summary(
    ctx: RunContext, client: GitHubClient, report: GateReport, head_sha: str
) -> None:
    client.write_check_run(
        existing=client.find_check_run(head_sha, CHECK_NAME),
        name=CHECK_NAME,
        head_sha=head_sha,
        details_url=ctx.run_url(),
        **check_run_output(report),
    )
    ctx.io.write_summary(render_markdown(report).replace(COMMENT_MARKER + "\n", ""))


def publish_group(
    ctx: RunContext, client: GitHubClient, report: GateReport, group: MergeGroup
) -> None:
    """A merge queue entry: the check run on the group's head commit, always (the queue
    waits for the required check on every entry, hotfix or not); the PR's comment stays."""
    _write_check_run_and_summary(ctx, client, report, group.head_sha)


def publish(ctx: RunContext, client: GitHubClient, report: GateReport) -> None:
    """Check run, sticky comment and job summary; each exactly once per head commit. A PR
    the gate does not apply to (not a hotfix, a skipped author) gets a passing check run and
    no comment, so the check can be required on every PR."""
    pull = report.pull
    gated = report.verdict.hotfix and not report.verdict.note
    if gated:
        body = comment_body(report, ctx.run_url())
        # A PR without comments has none of ours: a fresh PR skips that lookup.
        comment = client.find_comment(pull.number, COMMENT_MARKER) if pull.comments else None
        if comment is None:
            client.create_comment(pull.number, body, marker=COMMENT_MARKER)
        elif comment.body.strip() != body.strip():
            client.update_comment(comment.id, body)
    # The check run is always looked up (name + head sha): a PR judged non-hotfix (a passing
    # run, no comment) may turn hotfix on the same head commit, and a run that failed
    # between the two writes is completed, not duplicated, by the next one.
    _write_check_run_and_summary(ctx, client, report, pull.head_sha)


def run(args: CheckPrArgs, env: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    # Every registered secret is redacted from all this command prints.
    out, err = redacting(out), redacting(err)
    ctx = resolve_context(env, repo=args.repo, token=args.token, fmt=args.format, out=out, err=err)
    from hotfix_ci import gitrepo

    if not gitrepo.is_git_repo(args.workdir):
        # No commit to read the policy from: the file on disk is the policy, so check it
        # before any API call. (In a checkout the base commit's copy is read instead.)
        load_config(args.config, workdir=args.workdir)
    target = _target(args, env)

    from hotfix_ci.commands.pr_evidence import gather, policy_config
    from hotfix_ci.github_api import GitHubClient

    client = GitHubClient(ctx.conn, ctx.repo)
    number = _number(client, target)
    pull = client.pull(number)
    # The policy comes from the PR's base commit, never from the PR's own tree.
    policy = policy_config(args.config, args.workdir, pull, client)
    cfg = policy.config
    evidence = gather(client, number, cfg, args.workdir, pull=pull, policy=policy)
    verdict = evaluate(evidence, cfg)
    report = GateReport(verdict=verdict, pull=evidence.pull, api_requests=client.requests_made)
    if args.report and target.group is not None:
        publish_group(ctx, client, report, target.group)
        report = GateReport(verdict=verdict, pull=evidence.pull, api_requests=client.requests_made)
    elif args.report:
        publish(ctx, client, report)
        report = GateReport(verdict=verdict, pull=evidence.pull, api_requests=client.requests_made)
    ctx.io.set_outputs(
        {
            "hotfix": str(verdict.hotfix).lower(),
            "passed": str(verdict.passed).lower(),
            "severity": verdict.severity or "",
            "review-after-deploy": str(verdict.review_after_deploy).lower(),
        }
    )

    def annotate(report: GateReport) -> None:
        for f in report.verdict.findings:
            ctx.io.annotation(f.level, f.message, title=f"hotfix-ci: {f.rule}", path=f.path)

    emit(report, ctx.format, out, text=render_text, json=render_json, annotate=annotate)
    return int(ExitCode.OK if verdict.passed else ExitCode.POLICY_FAILED)
