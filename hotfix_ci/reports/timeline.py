"""One hotfix's timeline and its times, from what GitHub holds; pure (no I/O, no clock).

Every time is measured from the moment the pull request was opened:

- ``respond``: the first approval (a review ``APPROVED`` by someone other than the author,
  not a bot), whenever it came, so a P0 reviewed after deploy shows its real response;
- ``merge``: the merge;
- ``deploy``: its release live everywhere it went (the latest of each environment and
  provider's first ``success`` status of a Deployment that is not a rollback);
- ``total``: the last recorded step once the hotfix reached an outcome (live, or rolled
  back): the latest deployment status or rollback, or a review after deploy.

A deploy is *rolled back* when a later rollback record of the same environment and provider
names its tag in ``rollback_of``; its time to restore runs from that Deployment's creation
to the rollback's first ``success``. *Break-glass*: merged with fewer approvals than the
severity needs (or a Deployment payload that says ``break_glass``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from hotfix_ci.config.model import MEASURES, SeverityConfig, TargetConfig
from hotfix_ci.durations import parse_duration
from hotfix_ci.errors import ConfigError, UsageError
from hotfix_ci.github_api.deployments import DeploymentRecord
from hotfix_ci.github_api.hotfixes import HotfixPull, IssueComment
from hotfix_ci.model import LabelEvent, Review

NOTIFY_PREFIX = "<!-- hotfix-ci:notify:"
GATE_MARKER = "<!-- hotfix-ci:pr-gate -->"


def when(text: str | None) -> dt.datetime | None:
    """GitHub's ISO 8601 time (``Z`` or an offset) as an aware UTC datetime; None if none."""
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)).astimezone(
        dt.timezone.utc
    )


@dataclass(frozen=True, kw_only=True)
class HotfixFacts:
    """What GitHub says about one hotfix PR; ``deployments`` are its own (with statuses)."""

    pull: HotfixPull
    severity: SeverityConfig | None
    reviews: tuple[Review, ...] = ()
    label_events: tuple[LabelEvent, ...] = ()
    deployments: tuple[DeploymentRecord, ...] = ()
    releases: Mapping[str, str] = field(default_factory=dict)  # tag -> published at
    comments: tuple[IssueComment, ...] = ()
    sections: Mapping[str, str] = field(default_factory=dict)  # the PR body's, by key


@dataclass(frozen=True, kw_only=True)
class Step:
    at: dt.datetime
    kind: str  # opened labeled unlabeled review merged break-glass tag deploy rollback notify
    text: str
    actor: str = ""


@dataclass(frozen=True, kw_only=True)
class Measure:
    name: str
    seconds: float | None  # None: not reached
    limit: float | None  # None: no target for this severity

    @property
    def met(self) -> bool | None:
        """True within target, False over it or not reached, None when there is none."""
        if self.limit is None:
            return None
        return self.seconds is not None and self.seconds <= self.limit


@dataclass(frozen=True, kw_only=True)
class Timeline:
    number: int
    title: str
    url: str
    author: str
    severity: str | None
    opened: dt.datetime
    steps: tuple[Step, ...]
    measures: tuple[Measure, ...]
    merged: bool
    live: bool
    break_glass: bool
    approvals_before_merge: int
    approvals_required: int
    review_after_deploy: bool  # the severity asks for a review after deploy
    reviewed_after_deploy: bool  # ...and it came after the release went live
    deploys: int  # Deployments of its release (rollbacks not counted)
    rolled_back: int  # of those, how many were rolled back
    restore_seconds: tuple[float, ...]  # one per rollback that succeeded
    tags: tuple[str, ...]
    sections: Mapping[str, str] = field(default_factory=dict, hash=False)

    def measure(self, name: str) -> Measure:
        return next(m for m in self.measures if m.name == name)


def build_timeline(facts: HotfixFacts, target: TargetConfig) -> Timeline:
    pull, sev = facts.pull, facts.severity
    opened = when(pull.created_at) or dt.datetime.fromtimestamp(0, dt.timezone.utc)
    merged_at = when(pull.merged_at)
    steps = [Step(at=opened, kind="opened", text=f"#{pull.number} opened", actor=pull.author)]
    steps += _label_steps(facts.label_events)
    approvals = _approvals(facts.reviews, pull.author)
    steps += [
        Step(at=at, kind="review", text=f"{state.lower().replace('_', ' ')} by {who}", actor=who)
        for who, state, at in _review_steps(facts.reviews)
    ]
    required = sev.approvals if sev is not None else 0
    before_merge = len({who for who, at in approvals if merged_at and at <= merged_at})
    flagged = any(r.payload.get("break_glass") is True for r in facts.deployments)
    break_glass = bool(merged_at) and (before_merge < required or flagged)
    if merged_at is not None:
        steps.append(Step(at=merged_at, kind="merged", text=f"merged ({before_merge} approval(s))"))
        if break_glass:
            steps.append(
                Step(
                    at=merged_at,
                    kind="break-glass",
                    text=f"break-glass: merged with {before_merge} of {required} approval(s)",
                )
            )
    for tag, published in sorted(facts.releases.items()):
        if (at := when(published)) is not None:
            steps.append(Step(at=at, kind="tag", text=f"release {tag} tagged"))
    steps += _deployment_steps(facts.deployments)
    steps += _notification_steps(facts.comments)
    deploys = [r for r in facts.deployments if not r.payload.get("rollback_of")]
    live_at = _live_at(deploys)
    restores, rolled = _restores(facts.deployments)
    first_approval = min((at for _, at in approvals), default=None)
    late_review = (
        sev is not None
        and sev.review_after_deploy
        and first_approval is not None
        and live_at is not None
        and first_approval > live_at
    )
    end = _end(facts.deployments, first_approval if late_review else None, live_at, rolled)
    values = {
        "respond": first_approval,
        "merge": merged_at,
        "deploy": live_at,
        "total": end,
    }
    measures = tuple(
        Measure(name=name, seconds=_since(opened, values[name]), limit=target.limit(name))
        for name in MEASURES
    )
    steps.sort(key=lambda s: s.at)
    return Timeline(
        number=pull.number,
        title=pull.title,
        url=pull.html_url,
        author=pull.author,
        severity=sev.name if sev is not None else None,
        opened=opened,
        steps=tuple(steps),
        measures=measures,
        merged=merged_at is not None,
        live=live_at is not None,
        break_glass=break_glass,
        approvals_before_merge=before_merge,
        approvals_required=required,
        review_after_deploy=bool(sev and sev.review_after_deploy),
        reviewed_after_deploy=late_review,
        deploys=len(deploys),
        rolled_back=rolled,
        restore_seconds=tuple(restores),
        tags=tuple(dict.fromkeys(r.ref for r in deploys)),
        sections=facts.sections,
    )


def _since(start: dt.datetime, moment: dt.datetime | None) -> float | None:
    return None if moment is None else (moment - start).total_seconds()


def _label_steps(events: Sequence[LabelEvent]) -> list[Step]:
    found = []
    for ev in events:
        at = when(ev.created_at)
        if at is not None and ev.event in ("labeled", "unlabeled"):
            kind = "labeled" if ev.event == "labeled" else "unlabeled"
            found.append(Step(at=at, kind=kind, text=f"{kind} {ev.label}", actor=ev.actor or ""))
    return found


def _approvals(reviews: Sequence[Review], author: str) -> list[tuple[str, dt.datetime]]:
    found = []
    for review in reviews:
        at = when(review.submitted_at)
        if review.state == "APPROVED" and at and not review.bot and review.reviewer != author:
            found.append((review.reviewer, at))
    return found


def _review_steps(reviews: Sequence[Review]) -> list[tuple[str, str, dt.datetime]]:
    return [
        (r.reviewer, r.state, at)
        for r in reviews
        if (at := when(r.submitted_at)) is not None and r.state != "PENDING"
    ]


def _deployment_steps(records: Sequence[DeploymentRecord]) -> list[Step]:
    found = []
    for record in records:
        where = f"{record.environment}/{record.payload.get('provider') or '?'}"
        undone = record.payload.get("rollback_of")
        kind = "rollback" if undone else "deploy"
        what = f"rollback of {undone} to {record.ref}" if undone else f"deploy {record.ref}"
        statuses = list(reversed(record.statuses))  # listed newest first
        created = when(record.created_at)
        first = when(statuses[0].created_at) if statuses else None
        if created is not None and (first is None or first > created):
            found.append(Step(at=created, kind=kind, text=f"{where}: {what} started"))
        for status in statuses:
            if (at := when(status.created_at)) is not None:
                text = f"{where}: {what} {status.state}"
                if status.description and status.description != what:
                    text += f" ({status.description})"
                found.append(Step(at=at, kind=kind, text=text, actor=status.creator))
    return found


def _notification_steps(comments: Sequence[IssueComment]) -> list[Step]:
    found = []
    for comment in comments:
        first = comment.body.lstrip().splitlines()[0] if comment.body.strip() else ""
        at = when(comment.created_at)
        if at is None:
            continue
        if first.startswith(NOTIFY_PREFIX):
            event, _, environment = first[len(NOTIFY_PREFIX) :].rstrip(" ->").partition(":")
            where = f" ({environment})" if environment and environment != "-" else ""
            found.append(Step(at=at, kind="notify", text=f"notified: {event}{where}"))
        elif first.startswith(GATE_MARKER):
            found.append(Step(at=at, kind="notify", text="PR gate verdict posted"))
    return found


def first_success(record: DeploymentRecord) -> dt.datetime | None:
    times = [when(s.created_at) for s in record.statuses if s.state == "success"]
    return min((t for t in times if t is not None), default=None)


def _live_at(deploys: Sequence[DeploymentRecord]) -> dt.datetime | None:
    by_target: dict[tuple[str, str], dt.datetime] = {}
    for record in deploys:
        at = first_success(record)
        key = (record.environment, str(record.payload.get("provider") or ""))
        if at is not None and (key not in by_target or at < by_target[key]):
            by_target[key] = at
    return max(by_target.values(), default=None)


def _restores(records: Sequence[DeploymentRecord]) -> tuple[list[float], int]:
    """Restore seconds of each successful rollback, and how many deploys were rolled back."""
    restores: list[float] = []
    rolled = 0
    for deploy in records:
        if deploy.payload.get("rollback_of"):
            continue
        provider = deploy.payload.get("provider")
        undo = [
            r
            for r in records
            if r.id > deploy.id
            and r.payload.get("rollback_of") == deploy.ref
            and r.environment == deploy.environment
            and r.payload.get("provider") == provider
        ]
        if not undo:
            continue
        rolled += 1
        started = when(deploy.created_at)
        restored = min((t for r in undo if (t := first_success(r)) is not None), default=None)
        if started is not None and restored is not None:
            restores.append((restored - started).total_seconds())
    return restores, rolled


def _end(
    records: Sequence[DeploymentRecord],
    late_review: dt.datetime | None,
    live_at: dt.datetime | None,
    rolled: int,
) -> dt.datetime | None:
    if live_at is None and not rolled:
        return None
    # "inactive" comes later, when another release replaces this one: not a step of this hotfix
    times = [when(s.created_at) for r in records for s in r.statuses if s.state != "inactive"]
    times.append(late_review)
    return max((t for t in times if t is not None), default=None)


_DAYS = re.compile(r"^\s*(\d+)\s*([dw])\s*$")


def since_time(text: str, now: dt.datetime) -> dt.datetime:
    """``--since``: days or weeks back (``30d``, ``2w``), a config duration (``12h``), or
    an ISO date or time (``2026-03-01``); raises UsageError naming the flag otherwise."""
    found = _DAYS.match(text)
    if found:
        days = int(found.group(1)) * (7 if found.group(2) == "w" else 1)
        return now - dt.timedelta(days=days)
    moment = when(text.strip()) if re.match(r"^\s*\d{4}-\d\d-\d\d", text) else None
    if moment is not None:
        return moment
    try:
        return now - dt.timedelta(seconds=parse_duration(text, "--since"))
    except ConfigError as exc:
        raise UsageError(
            f"--since {text!r} is not a time span or a date",
            hint="write days or weeks (30d, 2w), hours (12h), or a date (2026-03-01)",
        ) from exc
