"""``hotfix-ci release``: tag the merged hotfix, write its changelog entry and GitHub Release,
and hand the deploy matrix to the next job.

Everything is read from the API at the merge commit (the release job may not have a full
clone). Writes happen in :mod:`hotfix_ci.release.steps`' order, each skipped when already done, so a
re-run after a failure completes the release and never creates anything twice.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypedDict

from hotfix_ci import links
from hotfix_ci.commands.context import RunContext, resolve_context
from hotfix_ci.config import load_config
from hotfix_ci.config.model import HotfixConfig
from hotfix_ci.errors import ConfigError, GitHubAPIError, HotfixError, UsageError
from hotfix_ci.notify import hooks as notify_hooks
from hotfix_ci.notify.hooks import Stage
from hotfix_ci.policy.classify import is_hotfix, severity_of
from hotfix_ci.release.gate_verdict import check_gate
from hotfix_ci.release.notes import (
    Commit,
    ReleaseNotesContext,
    parse_sections,
    render_changelog_entries,
    render_release_notes,
)
from hotfix_ci.release.plan import (
    deploy_matrix,
    parse_version_text,
    pick_pull,
    version_file_name,
)
from hotfix_ci.reports import emit
from hotfix_ci.reports.release import (
    ReleaseReport,
    StepResult,
    break_glass_line,
    outputs,
    render_json,
    render_markdown,
    render_text,
)
from hotfix_ci.text import inert, redacting

if TYPE_CHECKING:
    from hotfix_ci.github_api import GitHubClient

_SHA = re.compile(r"[0-9a-fA-F]{7,40}")
WROTE = ("created", "updated", "deleted")


@dataclass(frozen=True, kw_only=True)
class ReleaseArgs:
    sha: str | None = None
    tag: str | None = None  # deploy this existing release (workflow_dispatch): write nothing
    repo: str | None = None
    config: Path | None = None
    dry_run: bool = False
    format: str | None = None
    token: str | None = None
    workdir: Path = Path()
    now: datetime | None = None  # tests and the date scheme; default: the current UTC time


def _sha(args: ReleaseArgs, env: Mapping[str, str]) -> str:
    sha = args.sha or env.get("GITHUB_SHA") or ""
    if not sha:
        raise UsageError(
            "no commit to release",
            hint="pass --sha SHA (inside Actions GITHUB_SHA is the merge commit of the push)",
        )
    if not _SHA.fullmatch(sha):
        raise UsageError(f"{sha!r} is not a commit sha", hint="pass the full 40-character sha")
    return sha.lower()


def _current_version(client: GitHubClient, cfg: HotfixConfig, sha: str) -> str | None:
    from hotfix_ci.github_api import releases as api

    name = version_file_name(cfg.release)
    if name is None:
        return None
    found = api.get_file(client, name, sha)
    if found is None:
        raise ConfigError(
            f"release.version_from names {name}, but commit {sha[:12]} has no such file",
            hint="fix the path (relative to the repository root) or use version_from: tags",
        )
    return parse_version_text(name, found.text)


def _partial(exc: HotfixError, steps: list[StepResult]) -> None:
    """Add to the failure's hint what was already done and that a re-run finishes the job.
    The error itself is kept (its class, exit code and fields): a ConfigError stays one."""
    done = [f"{s.step} {s.state} ({s.detail})" for s in steps if s.state in WROTE]
    if not done:
        return
    already = f"already done: {'; '.join(done)}"
    if isinstance(exc, GitHubAPIError):
        rerun = f"{already}. Re-run the job: it completes the release and creates nothing twice."
        exc.hint = " ".join(filter(None, [rerun, exc.hint]))
    else:  # bad config: its fix first, then the re-run
        rerun = f"{already}; a re-run creates nothing twice"
        exc.hint = f"{exc.hint} ({rerun})" if exc.hint else rerun


class Released(TypedDict):
    """What the release notes and the report both say of a release: one copy of the facts."""

    version: str
    tag: str
    previous_tag: str | None
    severity: str | None
    pr_number: int
    pr_title: str
    pr_url: str
    break_glass: dict[str, Any] | None


def release(
    client: GitHubClient, cfg: HotfixConfig, sha: str, *, dry_run: bool, now: datetime, server: str
) -> ReleaseReport:
    """Decide, then write what is missing; the report says what each step found or did."""
    from hotfix_ci.github_api import releases as api
    from hotfix_ci.release import steps as steps_

    chosen = pick_pull(api.pulls_for_commit(client, sha), sha, cfg)
    if chosen is None:
        reason = (
            f"no merged pull request for commit {sha[:12]} (a direct push?): nothing to release"
        )
        return ReleaseReport(released=False, reason=reason, dry_run=dry_run)
    pull = chosen.pull
    if not is_hotfix(pull, cfg):
        reason = (
            f"#{pull.number} {pull.title!r} is not a hotfix pull request (branch "
            f"{pull.head_ref}, no hotfix title or label): nothing to release"
        )
        return ReleaseReport(released=False, reason=reason, pr_number=pull.number, dry_run=dry_run)
    merger = api.merged_by(client, pull.number)
    skipped = pull.author.lower() in {a.lower() for a in cfg.pull_request.skip_authors}
    # Before any write: a PR that never passed the gate is released only as a break-glass.
    break_glass = check_gate(client, pull, merger, skipped=skipped)
    sev = severity_of(pull, cfg)
    job = steps_.ReleaseJob(
        client=client,
        cfg=cfg,
        pull=pull,
        head_repo=chosen.head_repo,
        sha=sha,
        severity=sev.name if sev else None,
        dry_run=dry_run,
    )
    review_after = bool(sev and sev.hotfix and sev.review_after_deploy)
    current = _current_version(client, cfg, sha)
    commits = tuple(Commit(sha=c, message=m) for c, m in api.pull_commits(client, pull.number))
    tags = api.list_tags(client)
    done: list[StepResult] = []
    try:
        planned, step = steps_.ensure_tag(job, tags, current, now)
        done.append(step)
        compare = None
        if planned.previous_tag:
            compare = links.compare_url(server, client.repo_name, planned.previous_tag, planned.tag)
        facts = Released(
            version=planned.version,
            tag=planned.tag,
            previous_tag=planned.previous_tag,
            severity=job.severity,
            pr_number=pull.number,
            pr_title=pull.title,
            pr_url=pull.html_url,
            break_glass=None if break_glass is None else break_glass.as_dict(),
        )
        notes_ctx = ReleaseNotesContext(
            **facts,
            author=pull.author or None,
            merged_by=merger,
            commits=commits,
            sections=parse_sections(pull.body),
            compare_url=compare,
        )
        notes = render_release_notes(notes_ctx)
        entries = render_changelog_entries(notes_ctx)
        date = now.astimezone(timezone.utc).strftime("%Y-%m-%d")
        done.append(steps_.write_changelog(job, planned, entries, date, compare))
        done.append(steps_.write_release(job, planned, notes))
        if review_after:
            done.append(steps_.open_review_issue(job, planned))
        done.extend(steps_.open_back_merges(job, planned))
        done.append(steps_.delete_head_branch(job))
    except (GitHubAPIError, UsageError) as exc:
        _partial(exc, done)
        raise
    wrote = any(s.state in WROTE or s.state.startswith("would") for s in done)
    verb = "released" if wrote else "already released (nothing new to create):"
    if break_glass is not None:
        verb = f"BREAK-GLASS: {verb}"
    block = [f"## [{planned.version}] - {date}", "", "### Fixed", ""] + [f"- {e}" for e in entries]
    return ReleaseReport(
        released=True,
        # The title is data: one line (CR/LF folded), never a workflow command.
        reason=f"{verb} {planned.tag} from #{pull.number} {inert(pull.title)}",
        **facts,
        previous_version=planned.previous_version,
        review_after_deploy=review_after,
        matrix=deploy_matrix(cfg.deploy),
        steps=tuple(done),
        notes=notes,
        changelog_block="\n".join(block) if cfg.release.changelog else "",
        dry_run=dry_run,
    )


def existing_release(client: GitHubClient, cfg: HotfixConfig, tag: str) -> ReleaseReport:
    """``--tag``: an existing release to deploy again (a dispatched deploy; older than what
    is live, the deploy records a rollback). Nothing is tagged or written. The tag is checked
    by the rule deploy and rollback use, so the dispatched run says one thing of a typo."""
    from hotfix_ci.deploy.target_tag import require_tag
    from hotfix_ci.release.versioning import version_of_tag

    commit = require_tag(client, tag, cfg.release, option="--tag", nothing="nothing to deploy")
    return ReleaseReport(
        released=True,
        reason=f"deploying the existing release {tag} (commit {commit[:12]}): "
        "nothing was tagged or written",
        version=version_of_tag(tag, cfg.release),
        tag=tag,
        matrix=deploy_matrix(cfg.deploy),
    )


def publish(ctx: RunContext, report: ReleaseReport, out: TextIO) -> None:
    ctx.io.set_outputs(outputs(report))
    ctx.io.write_summary(render_markdown(report))

    def annotate(report: ReleaseReport) -> None:
        if report.released and not report.dry_run:
            ctx.io.annotation("notice", report.reason, title="hotfix-ci release")
        if report.break_glass:
            ctx.io.annotation("warning", break_glass_line(report.break_glass), title="break-glass")
        for step in report.steps:
            if step.state == "missing":  # left undone, and the release went on: say so
                ctx.io.annotation("warning", f"{step.step} {step.detail}", title=step.step)

    emit(report, ctx.format, out, text=render_text, json=render_json, annotate=annotate)


def run(args: ReleaseArgs, env: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    # Every registered secret is redacted from all this command prints.
    out, err = redacting(out), redacting(err)
    ctx = resolve_context(env, repo=args.repo, token=args.token, fmt=args.format, out=out, err=err)
    cfg = load_config(args.config, workdir=args.workdir)
    sha = _sha(args, env) if args.tag is None else ""

    from hotfix_ci.github_api import GitHubClient

    client = GitHubClient(ctx.conn, ctx.repo)
    now = args.now or datetime.now(timezone.utc)
    server = links.server_url(env)
    if args.tag is not None:
        report = existing_release(client, cfg, args.tag)
    else:
        report = release(client, cfg, sha, dry_run=args.dry_run, now=now, server=server)
    publish(ctx, report, out)
    # The in-progress notification; its log lines stay off a JSON stdout.
    log = err if ctx.format == "json" else out
    say = lambda line: print(line, file=log)  # noqa: E731
    stage = Stage(cfg=cfg, env=env, io=ctx.io, say=say, github=client, workdir=args.workdir)
    return int(notify_hooks.release_done(report, stage))
