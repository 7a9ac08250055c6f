"""``hotfix-ci check-pr``: gate a hotfix pull request on its live state."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from hotfix_ci.commands.context import RunContext, resolve_context
from hotfix_ci.config import load_config
from hotfix_ci.errors import ExitCode, UsageError
from hotfix_ci.events import pull_number_from_event, read_event
from hotfix_ci.policy.pr_gate import evaluate
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


def _pull_number(args: CheckPrArgs, env: Mapping[str, str]) -> int:
    if args.pr is not None:
        if args.pr <= 0:
            raise UsageError(f"--pr {args.pr} is not a pull request number")
        return args.pr
    if not env.get("GITHUB_EVENT_PATH"):
        raise UsageError(
            "no pull request given",
            hint="pass --pr N (inside Actions the number comes from the pull_request event)",
        )
    number = pull_number_from_event(read_event(env))
    if number is None:
        raise UsageError(
            f"the {env.get('GITHUB_EVENT_NAME') or 'current'} event carries no pull request",
            hint="run check-pr on pull_request, pull_request_target or pull_request_review "
            "events, or pass --pr N",
        )
    return number


def publish(ctx: RunContext, client: GitHubClient, report: GateReport) -> None:
    """Check run, sticky comment and job summary; each exactly once per head commit. A PR
    the gate does not apply to (not a hotfix, a skipped author) gets a passing check run and
    no comment, so the check can be required on every PR."""
    pull = report.pull
    gated = report.verdict.hotfix and not report.verdict.note
    # The comment is written before the check run, so a PR without comments has no check
    # run of ours either: a fresh PR skips both lookups, and a run that failed between the
    # two writes is completed, not duplicated, by the next one.
    seen_before = pull.comments > 0 or not gated
    if gated:
        body = comment_body(report, ctx.run_url())
        comment = client.find_comment(pull.number, COMMENT_MARKER) if seen_before else None
        if comment is None:
            client.create_comment(pull.number, body, marker=COMMENT_MARKER)
        elif comment.body.strip() != body.strip():
            client.update_comment(comment.id, body)
    existing = client.find_check_run(pull.head_sha, CHECK_NAME) if seen_before else None
    client.write_check_run(
        existing=existing,
        name=CHECK_NAME,
        head_sha=pull.head_sha,
        details_url=ctx.run_url(),
        **check_run_output(report),
    )
    ctx.io.write_summary(render_markdown(report).replace(COMMENT_MARKER + "\n", ""))


def run(args: CheckPrArgs, env: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    # Every registered secret is redacted from all this command prints.
    out, err = redacting(out), redacting(err)
    ctx = resolve_context(env, repo=args.repo, token=args.token, fmt=args.format, out=out, err=err)
    from hotfix_ci import gitrepo

    if not gitrepo.is_git_repo(args.workdir):
        # No commit to read the policy from: the file on disk is the policy, so check it
        # before any API call. (In a checkout the base commit's copy is read instead.)
        load_config(args.config, workdir=args.workdir)
    number = _pull_number(args, env)

    from hotfix_ci.commands.pr_evidence import gather, policy_config
    from hotfix_ci.github_api import GitHubClient

    client = GitHubClient(ctx.connection(), ctx.repo)
    pull = client.pull(number)
    # The policy comes from the PR's base commit, never from the PR's own tree.
    policy = policy_config(args.config, args.workdir, pull)
    cfg = policy.config
    evidence = gather(client, number, cfg, args.workdir, pull=pull, policy=policy)
    verdict = evaluate(evidence, cfg)
    report = GateReport(verdict=verdict, pull=evidence.pull, api_requests=client.requests_made)
    if args.report:
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
    if ctx.format == "json":
        out.write(render_json(report) + "\n")
    else:
        if ctx.format == "github":
            for f in verdict.findings:
                ctx.io.annotation(f.level, f.message, title=f"hotfix-ci: {f.rule}", path=f.path)
        out.write(render_text(report) + "\n")
    return int(ExitCode.OK if verdict.passed else ExitCode.POLICY_FAILED)
