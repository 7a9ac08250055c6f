"""The triage tree: every branch, the questions each asks, and what it tells people to run."""

from __future__ import annotations

import shlex

import pytest

from hotfix_ci.config.model import HotfixConfig, SeverityConfig
from hotfix_ci.policy.triage import Ask, Question, flags_asker, triage

CFG = HotfixConfig()

# (flags answered yes, severity, action, questions asked in order)
BRANCHES = [
    ({"down", "cause-known"}, "P0", "rollback", ["down", "cause-known", "several-systems"]),
    ({"down"}, "P0", "rollback", ["down", "cause-known", "several-systems"]),
    (
        {"security", "cause-known"},
        "P0",
        "hotfix",
        ["down", "security", "cause-known", "several-systems"],
    ),
    ({"security"}, "P0", "rollback", ["down", "security", "cause-known", "several-systems"]),
    (
        {"security", "cause-known", "several-systems"},
        "P0",
        "rollback",
        ["down", "security", "cause-known", "several-systems"],
    ),
    (
        {"major", "cause-known"},
        "P1",
        "rollback",
        ["down", "security", "major", "cause-known", "several-systems"],
    ),
    (
        {"revenue", "cause-known"},
        "P1",
        "hotfix",
        ["down", "security", "major", "revenue", "cause-known", "several-systems"],
    ),
    (
        {"revenue"},
        "P1",
        "rollback",
        ["down", "security", "major", "revenue", "cause-known", "several-systems"],
    ),
    (
        {"under-5-percent", "cause-known"},
        "P2",
        "regular-release",
        ["down", "security", "major", "revenue", "under-5-percent"],
    ),
    (set(), "P2", "regular-release", ["down", "security", "major", "revenue", "under-5-percent"]),
]


def recording(yes: set[str], log: list[str]) -> Ask:
    def ask(question: Question) -> bool:
        log.append(question.key)
        return question.key in yes

    return ask


@pytest.mark.parametrize(("yes", "severity", "action", "asked"), BRANCHES)
def test_every_branch(yes: set[str], severity: str, action: str, asked: list[str]) -> None:
    log: list[str] = []
    decision = triage(recording(yes, log), CFG, description="x", environment="production")
    assert (decision.severity, decision.action, log) == (severity, action, asked)
    assert decision.answers == {key: key in yes for key in asked}
    assert decision.hotfix_material is (severity != "P2")


def test_rollback_reasons_name_each_cause() -> None:
    decision = triage(
        flags_asker({"down": True, "several-systems": True}),
        CFG,
        description="x",
        environment="production",
    )
    assert decision.reasons == (
        "the service is completely down",
        "roll back: over half the users are affected",
        "roll back: the root cause is unknown",
        "roll back: several systems are failing",
    )
    assert decision.next_command == "gh workflow run hotfix-rollback.yml -f environment=production"


def test_hotfix_p0_needs_no_approval_before_merge_but_a_review_after() -> None:
    decision = triage(
        flags_asker({"security": True, "cause-known": True}),
        CFG,
        description="Fix token leak",
        environment="production",
    )
    assert (decision.approvals, decision.review_after_deploy) == (0, True)
    assert decision.response_target.startswith("respond within 15 min")
    assert decision.next_command == "hotfix-ci start 'Fix token leak' --severity P0"


def test_p1_target_and_approvals() -> None:
    decision = triage(
        flags_asker({"revenue": True, "cause-known": True}),
        CFG,
        description="Fix checkout",
        environment="production",
    )
    assert (decision.approvals, decision.review_after_deploy) == (1, False)
    assert decision.response_target == "deploy within 2 h"


def test_not_a_hotfix_has_no_command_and_no_approvals() -> None:
    decision = triage(flags_asker({}), CFG, description="x", environment="production")
    assert (decision.next_command, decision.approvals) == (None, None)


def test_hostile_description_and_environment_stay_one_shell_word() -> None:
    hostile = "login 500'; rm -rf / #$(id)`id`"
    fixed = triage(
        flags_asker({"revenue": True, "cause-known": True}),
        CFG,
        description=hostile,
        environment="x",
    )
    assert fixed.next_command is not None
    assert shlex.split(fixed.next_command) == ["hotfix-ci", "start", hostile, "--severity", "P1"]
    env = "prod; curl evil"
    rolled = triage(flags_asker({"down": True}), CFG, description="x", environment=env)
    assert rolled.next_command is not None
    assert shlex.split(rolled.next_command)[-1] == f"environment={env}"


def test_custom_severities_map_by_order() -> None:
    cfg = HotfixConfig(
        severities=(
            SeverityConfig(name="SEV1", label="sev/1", approvals=0, review_after_deploy=True),
            SeverityConfig(name="SEV2", label="sev/2", approvals=2),
            SeverityConfig(name="SEV3", label="sev/3", hotfix=False),
        )
    )
    p0 = triage(
        flags_asker({"security": True, "cause-known": True}), cfg, description="a", environment="p"
    )
    p1 = triage(
        flags_asker({"revenue": True, "cause-known": True}), cfg, description="a", environment="p"
    )
    assert (p0.severity, p0.approvals, p0.review_after_deploy) == ("SEV1", 0, True)
    assert (p1.severity, p1.approvals, p1.next_command) == (
        "SEV2",
        2,
        "hotfix-ci start a --severity SEV2",
    )


def test_custom_severity_names_read_their_own_targets() -> None:
    from hotfix_ci.config.model import TargetConfig

    cfg = HotfixConfig(
        severities=(
            SeverityConfig(name="SEV1", label="sev1", approvals=0),
            SeverityConfig(name="SEV2", label="sev2", approvals=1),
            SeverityConfig(name="SEV3", label="sev3", hotfix=False),
        ),
        targets=(TargetConfig(severity="SEV1", respond=600.0, total=45.0 * 60),),
    )
    decision = triage(flags_asker({"down": True}), cfg, description="x", environment="production")
    assert decision.severity == "SEV1"
    assert decision.response_target == "respond within 10 min; the whole hotfix within 45 min"
