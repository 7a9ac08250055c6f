"""The timeline's measures and flags, from facts built by hand (no I/O)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hotfix_ci.config.model import SeverityConfig, TargetConfig
from hotfix_ci.errors import UsageError
from hotfix_ci.github_api.deployments import DeploymentRecord, StatusRecord
from hotfix_ci.github_api.hotfixes import HotfixPull, IssueComment
from hotfix_ci.model import LabelEvent, Review
from hotfix_ci.reports.timeline import HotfixFacts, build_timeline, since_time, when

P1 = SeverityConfig(name="P1", label="P1", approvals=1)
P0 = SeverityConfig(name="P0", label="P0", approvals=0, review_after_deploy=True)
NO_TARGET = TargetConfig(severity="P1")


def at(minute: int) -> str:
    return f"2026-03-02T03:{minute:02d}:00Z"


def pull(merged: int | None = 20, author: str = "bob") -> HotfixPull:
    return HotfixPull(
        number=9, title="[HOTFIX] x", body="", author=author, html_url="", labels=("P1",),
        state="closed", created_at=at(0), merged_at=at(merged) if merged is not None else None,
        closed_at=None,
    )  # fmt: skip


def review(who: str, minute: int, state: str = "APPROVED", bot: bool = False) -> Review:
    return Review(reviewer=who, state=state, commit_id="c", submitted_at=at(minute), bot=bot)


def deployment(
    ident: int,
    ref: str,
    statuses: list[tuple[int, str]],
    created: int | None = None,
    **payload: Any,
) -> DeploymentRecord:
    return DeploymentRecord(
        id=ident, ref=ref, sha="s", environment="production", description="",
        payload={"tool": "hotfix-ci", "provider": "web", **payload},
        created_at=at(created if created is not None else statuses[0][0]),
        statuses=tuple(
            StatusRecord(state=s, description="", created_at=at(m)) for m, s in reversed(statuses)
        ),
    )  # fmt: skip


def test_self_approval_and_bot_approval_do_not_respond() -> None:
    facts = HotfixFacts(
        pull=pull(), severity=P1,
        reviews=(review("bob", 2), review("ci[bot]", 3, bot=True), review("eve", 4, "COMMENTED")),
    )  # fmt: skip
    timeline = build_timeline(facts, NO_TARGET)
    assert timeline.measure("respond").seconds is None
    assert timeline.approvals_before_merge == 0
    assert timeline.break_glass is True  # P1 needs one approval


def test_approval_after_merge_counts_for_respond_not_for_merge() -> None:
    facts = HotfixFacts(pull=pull(merged=20), severity=P1, reviews=(review("alice", 25),))
    timeline = build_timeline(facts, TargetConfig(severity="P1", respond=30 * 60.0))
    assert timeline.measure("respond").seconds == 25 * 60
    assert timeline.measure("respond").met is True
    assert (timeline.approvals_before_merge, timeline.break_glass) == (0, True)


def test_payload_flag_marks_break_glass_even_with_approvals() -> None:
    facts = HotfixFacts(
        pull=pull(), severity=P1, reviews=(review("alice", 5),),
        deployments=(deployment(1, "v2", [(25, "success")], break_glass=True),),
    )  # fmt: skip
    assert build_timeline(facts, NO_TARGET).break_glass is True


def test_live_is_the_last_environment_to_go_live_and_inactive_does_not_end_it() -> None:
    staging = deployment(1, "v2", [(22, "in_progress"), (24, "success"), (50, "inactive")])
    staging = DeploymentRecord(**{**staging.__dict__, "environment": "staging"})
    production = deployment(2, "v2", [(26, "in_progress"), (29, "success"), (55, "inactive")])
    facts = HotfixFacts(pull=pull(), severity=P1, deployments=(staging, production))
    timeline = build_timeline(facts, NO_TARGET)
    assert timeline.measure("deploy").seconds == 29 * 60
    assert timeline.measure("total").seconds == 29 * 60
    assert timeline.deploys == 2 and timeline.rolled_back == 0


def test_a_rollback_of_another_environment_does_not_count() -> None:
    deploy = deployment(1, "v2", [(25, "failure")])
    other = DeploymentRecord(
        **{**deployment(2, "v1", [(27, "success")], rollback_of="v2").__dict__, "environment": "eu"}
    )
    timeline = build_timeline(
        HotfixFacts(pull=pull(), severity=P1, deployments=(deploy, other)), NO_TARGET
    )
    assert (timeline.rolled_back, timeline.restore_seconds) == (0, ())


def test_p0_review_after_deploy_pending_and_not_break_glass() -> None:
    facts = HotfixFacts(
        pull=pull(merged=3), severity=P0, deployments=(deployment(1, "v2", [(8, "success")]),)
    )
    timeline = build_timeline(facts, TargetConfig(severity="P0", respond=900.0))
    assert timeline.break_glass is False
    assert timeline.review_after_deploy and not timeline.reviewed_after_deploy
    assert timeline.measure("respond").met is False  # not reached counts as missed


def test_steps_are_in_time_order_with_labels_and_notifications() -> None:
    facts = HotfixFacts(
        pull=pull(merged=None), severity=P1,
        label_events=(LabelEvent(event="unlabeled", label="P2", actor="carol", created_at=at(4)),),
        comments=(
            IssueComment(id=1, author="bot", body="<!-- hotfix-ci:pr-gate -->\nok",
                         created_at=at(1), updated_at=at(1)),
            IssueComment(id=2, author="bot", body="<!-- hotfix-ci:notify:alert:- -->\nx",
                         created_at=at(2), updated_at=at(2)),
            IssueComment(id=3, author="eve", body="looks fine", created_at=at(3), updated_at=at(3)),
        ),
    )  # fmt: skip
    steps = [(s.kind, s.text) for s in build_timeline(facts, NO_TARGET).steps]
    assert steps == [
        ("opened", "#9 opened"),
        ("notify", "PR gate verdict posted"),
        ("notify", "notified: alert"),
        ("unlabeled", "unlabeled P2"),
    ]


def test_when_reads_z_and_offsets_as_utc() -> None:
    assert when("2026-03-02T05:00:00+02:00") == dt.datetime(2026, 3, 2, 3, tzinfo=dt.timezone.utc)
    assert when("2026-03-02T03:00:00Z") == dt.datetime(2026, 3, 2, 3, tzinfo=dt.timezone.utc)
    assert when("") is None and when("yesterday") is None


NOW = dt.datetime(2026, 3, 31, 12, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30d", NOW - dt.timedelta(days=30)),
        ("2w", NOW - dt.timedelta(days=14)),
        ("12h", NOW - dt.timedelta(hours=12)),
        ("2026-03-01", dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc)),
        ("2026-03-01T06:00:00Z", dt.datetime(2026, 3, 1, 6, tzinfo=dt.timezone.utc)),
    ],
)
def test_since(text: str, expected: dt.datetime) -> None:
    assert since_time(text, NOW) == expected


@pytest.mark.parametrize("text", ["soon", "30 days", "2026-13-45", "-3d"])
def test_since_rejects(text: str) -> None:
    with pytest.raises(UsageError, match="--since"):
        since_time(text, NOW)
