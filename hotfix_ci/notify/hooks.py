"""The stages' notifications: release, deploy, rollback and the deploy workflow's final job
each make one call here, which turns the stage's result into one :func:`announce`.

Who posts what (the README's "Who posts what"):

- ``start``: ``alert`` once per hotfix PR, right after it opened the PR (the procedure's
  "HOTFIX ALERT" before work starts); the PR then carries a comment with the alert's marker,
  found again on a re-run, so the alert is never posted twice.
- ``release``: ``in-progress`` once, when it released (the tag exists; deploy jobs follow).
- ``deploy`` / ``rollback`` run by hand (or in a workflow without the summary job): their
  own outcome, ``deployed`` / ``rolled-back`` / ``failed``; ``deploy`` also ``in-progress``.
- Inside the deploy workflow (``HOTFIX_NOTIFY_OUTCOME=summary``): a deploy job posts only a
  failed rollback (exit 6: a human must act before the other jobs' watches end); the final
  ``summary`` job posts the run's outcome once, read from the deployment log.

A failed channel is a warning; a failed ``required: true`` channel turns an otherwise clean
exit 0 into exit 1, after the stage did its work (nothing is undone).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hotfix_ci.actions_io import ActionsIO
from hotfix_ci.config.model import HotfixConfig
from hotfix_ci.errors import ExitCode, HotfixError
from hotfix_ci.notify.context import build_context, impact_of
from hotfix_ci.notify.deliver import ChannelOutcome, announce, describe, required_failed

if TYPE_CHECKING:
    from hotfix_ci.github_api import GitHubClient
    from hotfix_ci.reports.deploy import RunReport
    from hotfix_ci.reports.release import ReleaseReport

OUTCOME_ENV = "HOTFIX_NOTIFY_OUTCOME"
# A run's end state -> the event it is; a state missing here (dry_run, already_there) is none.
EVENT_OF_STATE = {
    "deployed": "deployed",
    "rolled_back": "rolled-back",
    "rollback_failed": "failed",
    "failed": "failed",
    "stopped": "failed",
    "interrupted": "failed",
}
URGENT_STATES = ("rollback_failed",)
Say = Callable[[str], None]


def summary_posts(env: Mapping[str, str]) -> bool:
    """True inside the deploy workflow, whose final job posts the run's outcome."""
    return (env.get(OUTCOME_ENV) or "").strip().lower() == "summary"


@dataclass(frozen=True, kw_only=True)
class Stage:
    """What a stage hands to its hook: the config, the environment, where its log goes."""

    cfg: HotfixConfig
    env: Mapping[str, str]
    io: ActionsIO
    say: Say
    github: GitHubClient | None = None
    workdir: Path = Path()

    def post(self, event: str, **facts: Any) -> list[ChannelOutcome]:
        """One event to its channels, one log line per channel; never raises."""
        if not self.cfg.notify.channels_for(event):
            return []
        facts = {key: value for key, value in facts.items() if value is not None}
        if self.github is not None and facts.get("pr") is None and facts.get("sha"):
            facts.update(_pull_facts(self.github, self.cfg, str(facts["sha"])))
        try:
            ctx = build_context(event, self.env, **facts)
            outcomes = announce(
                event, ctx, self.cfg, self.env, self.io, github=self.github, workdir=self.workdir
            )
        except Exception as exc:  # a notification must never break the stage it reports on
            self.say(f"warning: notify {event}: internal error {type(exc).__name__}: {exc}")
            return []
        for outcome in outcomes:
            self.say(describe(outcome))
        return outcomes


def _pull_facts(github: GitHubClient, cfg: HotfixConfig, sha: str) -> dict[str, Any]:
    """The hotfix PR merged as ``sha``: number, title, URL, severity; {} when unknown."""
    from hotfix_ci.github_api.releases import pulls_for_commit
    from hotfix_ci.policy.classify import severity_of
    from hotfix_ci.release.plan import pick_pull

    try:
        chosen = pick_pull(pulls_for_commit(github, sha), sha, cfg)
    except HotfixError:
        return {}
    if chosen is None:
        return {}
    pull = chosen.pull
    severity = severity_of(pull, cfg)
    rank = cfg.severities.index(severity) if severity is not None else None
    return {
        "pr": pull.number,
        "pr_title": pull.title,
        "pr_url": pull.html_url or None,
        "pr_author": pull.author or None,
        "severity": severity.name if severity is not None else None,
        "impact": impact_of(rank),
    }


def release_done(report: ReleaseReport, stage: Stage) -> ExitCode:
    """``in-progress`` for a release that exists; exit 1 if a required channel failed."""
    if not report.released or report.dry_run:
        return ExitCode.OK
    rank = next((i for i, s in enumerate(stage.cfg.severities) if s.name == report.severity), None)
    outcomes = stage.post(
        "in-progress",
        tag=report.tag,
        version=report.version,
        pr=report.pr_number,
        pr_title=report.pr_title or None,
        pr_url=report.pr_url or None,
        severity=report.severity,
        impact=impact_of(rank),
        environment=", ".join(dict.fromkeys(e["environment"] for e in report.matrix["include"]))
        or None,
    )
    return _exit_for(outcomes, stage.say)


def deploy_started(report: RunReport, stage: Stage) -> None:
    """``in-progress`` for a deploy run by hand (in the workflow the release posted it)."""
    if report.dry_run or summary_posts(stage.env) or report.release is None:
        return
    outcomes = stage.post(
        "in-progress",
        environment=report.environment,
        tag=report.release.tag,
        version=report.release.version,
    )
    _mark_required(report, outcomes)


def stage_done(reports: list[RunReport], stage: Stage) -> None:
    """The outcome of a deploy or rollback, once for the command (its worst report); a
    required channel that failed turns its exit 0 into 1 (the report says why)."""
    from hotfix_ci.reports.deploy import worst

    top = worst(reports)
    event = EVENT_OF_STATE.get(top.state)
    if top.dry_run or event is None:
        return
    if top.command == "deploy" and summary_posts(stage.env) and top.state not in URGENT_STATES:
        stage.say(f"notify: the run's summary job posts the outcome ({event}) once for all jobs")
        return
    release = top.release
    tag = top.rollback_of if top.command == "rollback" and top.rollback_of else None
    providers = dict.fromkeys(r.provider for r in reports if r.state == top.state and r.provider)
    outcomes = stage.post(
        event,
        environment=top.environment,
        provider=", ".join(providers) or None,
        tag=tag or (release.tag if release else None),
        version=None if tag or release is None else release.version,
        # A rollback's release is its target: its commit would name the wrong PR.
        sha=None if tag or release is None else release.sha or None,
    )
    _mark_required(top, outcomes)


def _mark_required(report: RunReport, outcomes: list[ChannelOutcome]) -> None:
    failed = [o.channel for o in outcomes if o.failed and o.required]
    for outcome in outcomes:
        if outcome.failed:
            report.warnings.append(describe(outcome))
    if not failed or report.exit_code != ExitCode.OK:
        return
    report.finish(
        report.state,
        ExitCode.POLICY_FAILED,
        f"{report.message}; but the required notify channel(s) {', '.join(failed)} "
        "did not receive it (nothing was undone)",
        report.live,
        hint="fix the channel (see the warnings above), then send it by hand: "
        "`hotfix-ci notify --event EVENT --tag TAG --environment ENV`",
    )


def _exit_for(outcomes: list[ChannelOutcome], say: Say) -> ExitCode:
    if required_failed(outcomes):
        say("error: a required notify channel failed: exit 1 (the stage's work is kept)")
        return ExitCode.POLICY_FAILED
    return ExitCode.OK


def run_done(jobs: Mapping[str, Mapping[str, Any]], stage: Stage) -> ExitCode:
    """The deploy workflow's final job: the run's outcome, once."""
    from hotfix_ci.notify.run_outcome import outcome_of

    outcome = outcome_of(jobs, stage.github)
    stage.say(f"notify: run outcome {outcome.event or 'none'}: {outcome.detail}")
    if outcome.event is None:
        return ExitCode.OK
    outcomes = stage.post(
        outcome.event,
        tag=outcome.tag,
        environment=", ".join(outcome.environments) or None,
        provider=", ".join(outcome.providers) or None,
        sha=stage.env.get("GITHUB_SHA") or None,
    )
    return _exit_for(outcomes, stage.say)


def hotfix_opened(number: int, stage: Stage, **facts: Any) -> ExitCode:
    """``alert`` for the hotfix PR ``number``, once: skipped when the PR already carries our
    comment with the alert marker (the ``github`` channel's own, or the record written here
    after a delivery); exit 1 when a required channel failed (the PR stays open)."""
    from hotfix_ci.notify.github_comment import comment_marker

    github = stage.github
    if github is None or not stage.cfg.notify.channels_for("alert"):
        return ExitCode.OK
    marker = comment_marker("alert", None)
    try:
        if github.find_comment(number, marker) is not None:
            stage.say(f"notify: the alert for #{number} was posted before (see its comment)")
            return ExitCode.OK
    except HotfixError as exc:  # a duplicate alert beats a lost one
        stage.say(f"warning: notify alert: no record of an earlier alert ({exc.message})")
    outcomes = stage.post("alert", pr=number, **facts)
    if any(o.status == "sent" for o in outcomes):
        record = "\n".join(
            [
                marker,
                "### HOTFIX ALERT sent",
                "",
                *(f"- {describe(o)}" for o in outcomes),
                "",
                "_hotfix-ci start posts the alert once; this comment is its record._",
            ]
        )
        try:
            if github.find_comment(number, marker) is None:  # the github channel's, if any
                github.create_comment(number, record, marker=marker)
        except HotfixError as exc:
            stage.say(f"warning: the alert's record comment was not written: {exc.message}")
    return _exit_for(outcomes, stage.say)
