"""Which reviews count as approvals, and why the others do not."""

from __future__ import annotations

from dataclasses import dataclass

from hotfix_ci.config.model import ApprovalsConfig
from hotfix_ci.model import GateEvidence, Review
from hotfix_ci.policy.principals import WRITE_PERMISSIONS, is_listed

# COMMENTED and PENDING reviews do not change a reviewer's verdict on GitHub either.
_VERDICT_STATES = frozenset({"APPROVED", "CHANGES_REQUESTED", "DISMISSED"})


def latest_verdicts(reviews: tuple[Review, ...]) -> dict[str, Review]:
    """The latest verdict per reviewer, in the order GitHub lists reviews (oldest first)."""
    latest: dict[str, Review] = {}
    for review in reviews:
        if review.state.upper() in _VERDICT_STATES and review.reviewer:
            latest[review.reviewer.lower()] = review
    return latest


def candidate_approvers(evidence: GateEvidence, cfg: ApprovalsConfig) -> list[str]:
    """Approvers whose permission must be read (reviewers empty: anyone with write)."""
    out = []
    for review in latest_verdicts(evidence.reviews).values():
        if review.state.upper() != "APPROVED":
            continue
        if cfg.exclude_author and review.reviewer.lower() in _lower(evidence.pushers):
            continue
        if cfg.exclude_author and review.reviewer.lower() == evidence.pull.author.lower():
            continue
        if cfg.stale_after_push and review.commit_id != evidence.pull.head_sha:
            continue
        out.append(review.reviewer)
    return out


def change_requesters(evidence: GateEvidence) -> list[str]:
    """Reviewers whose latest verdict is CHANGES_REQUESTED (their standing must be read)."""
    return [
        r.reviewer
        for r in latest_verdicts(evidence.reviews).values()
        if r.state.upper() == "CHANGES_REQUESTED"
    ]


def _lower(logins: tuple[str, ...]) -> set[str]:
    return {login.lower() for login in logins}


def _standing(evidence: GateEvidence, cfg: ApprovalsConfig, review: Review) -> str | None:
    """None when ``review``'s author is someone whose approval counts; else why not."""
    who = review.reviewer
    if review.bot and who.lower() not in {r.lower() for r in cfg.reviewers}:
        return (
            f"{who} is a bot; a bot's review counts only when its login is listed in "
            "approvals.reviewers"
        )
    if cfg.reviewers:
        member = is_listed(who, cfg.reviewers, evidence.team_members, evidence.unreadable_teams)
        if not member.allowed:
            if member.unknown_teams:
                return "unknown:" + ",".join(member.unknown_teams)
            return f"{who} is not in approvals.reviewers ({', '.join(cfg.reviewers)})"
        return None
    permission = evidence.permissions.get(who, "none")
    if permission not in WRITE_PERMISSIONS:
        return (
            f"{who} has {permission!r} permission on the repository; "
            "only people with write access can approve a hotfix"
        )
    return None


@dataclass(frozen=True)
class ApprovalCount:
    valid: tuple[str, ...]
    rejected: tuple[str, ...]  # one sentence per approval that does not count
    changes_requested: tuple[str, ...]
    unknown_teams: tuple[str, ...]


def count_approvals(evidence: GateEvidence, cfg: ApprovalsConfig) -> ApprovalCount:
    pull = evidence.pull
    valid: list[str] = []
    rejected: list[str] = []
    blocking: list[str] = []
    unknown: set[str] = set()
    for review in latest_verdicts(evidence.reviews).values():
        who = review.reviewer
        state = review.state.upper()
        if state == "CHANGES_REQUESTED":
            # Only someone whose approval would count can block; a team we cannot read
            # blocks too (fail closed).
            why = _standing(evidence, cfg, review)
            if why is None or why.startswith("unknown:"):
                blocking.append(who)
            continue
        if state != "APPROVED":
            continue
        if cfg.exclude_author and who.lower() == pull.author.lower():
            rejected.append(f"{who} approved their own pull request, which does not count")
            continue
        if cfg.exclude_author and who.lower() in _lower(evidence.pushers):
            rejected.append(
                f"{who} pushed commits to this pull request, so their approval does not "
                "count: ask someone who did not push to it"
            )
            continue
        if cfg.stale_after_push and review.commit_id != pull.head_sha:
            old = (review.commit_id or "unknown")[:7]
            rejected.append(
                f"{who}'s approval is for commit {old}, not the head {pull.head_sha[:7]}: "
                f"ask {who} to review again"
            )
            continue
        why = _standing(evidence, cfg, review)
        if why is not None:
            if why.startswith("unknown:"):
                unknown.update(why.removeprefix("unknown:").split(","))
                why = f"{who} is not in approvals.reviewers ({', '.join(cfg.reviewers)})"
            rejected.append(why)
            continue
        valid.append(who)
    return ApprovalCount(tuple(valid), tuple(rejected), tuple(blocking), tuple(sorted(unknown)))
