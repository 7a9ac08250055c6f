"""Triage rules: is this a hotfix, how severe, and hotfix or roll back?

The severity tree of the seeds, asked in order and only as far as needed:

1. service completely down → P0
2. security vulnerability → P0
3. major functionality broken for over half the users → P1
4. revenue impact → P1
5. otherwise (under 5 % of the users, or anything smaller) → P2, not a hotfix

Then, for P0/P1, hotfix or roll back: roll back when the root cause is unknown, over half the
users are affected (down, or major) or several systems fail; hotfix when the cause is known
and isolated.

The walk asks through a callable, so the same tree serves click's prompts and the flags: the
core never imports click. The result is data; :mod:`hotfix_ci.reports.triage` renders it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from hotfix_ci.config.model import HotfixConfig, SeverityConfig
from hotfix_ci.durations import format_duration
from hotfix_ci.text import shell_command


@dataclass(frozen=True)
class Question:
    key: str  # the flag's name without dashes, e.g. "under-5-percent"
    text: str


DOWN = Question("down", "Is the service completely down?")
SECURITY = Question("security", "Is it a security vulnerability?")
MAJOR = Question("major", "Is major functionality broken for over half the users?")
REVENUE = Question("revenue", "Is revenue affected (checkout, billing, sign-up)?")
UNDER_5 = Question("under-5-percent", "Are under 5 % of the users affected?")
CAUSE_KNOWN = Question("cause-known", "Is the root cause known?")
SEVERAL = Question("several-systems", "Are several systems failing?")
QUESTIONS = (DOWN, SECURITY, MAJOR, REVENUE, UNDER_5, CAUSE_KNOWN, SEVERAL)

Ask = Callable[[Question], bool]

# What each `targets:` key means, in the order a response target is read out.
TARGET_WORDS = (
    ("respond", "respond"),
    ("merge", "merge"),
    ("deploy", "deploy"),
    ("total", "the whole hotfix"),
)
NOT_A_HOTFIX = "no hotfix: the next regular release"


def response_target(cfg: HotfixConfig, severity: str) -> str:
    """The severity's targets from ``targets:`` (the seeds' defaults when the config has
    none: P0 respond within 15 min and the whole hotfix within 30 min, P1 deploy within 2 h)."""
    target = cfg.target_for(severity)
    parts = [
        f"{words} within {format_duration(limit, spoken=True)}"
        for key, words in TARGET_WORDS
        if (limit := target.limit(key)) is not None
    ]
    return "; ".join(parts) or f"no target for {severity} in `targets:`"


@dataclass(frozen=True, kw_only=True)
class Decision:
    severity: str
    hotfix_material: bool
    action: str  # "hotfix", "rollback" or "regular-release"
    reasons: tuple[str, ...]
    response_target: str
    approvals: int | None  # None when it is not a hotfix
    review_after_deploy: bool
    next_command: str | None
    answers: Mapping[str, bool] = field(default_factory=dict)


def flags_asker(flags: Mapping[str, bool]) -> Ask:
    """Answer every question from the flags: a flag not given is "no"."""
    return lambda question: bool(flags.get(question.key, False))


def triage(ask: Ask, cfg: HotfixConfig, *, description: str, environment: str) -> Decision:
    answers: dict[str, bool] = {}

    def asked(question: Question) -> bool:
        answers[question.key] = ask(question)
        return answers[question.key]

    severity, reason = _severity(asked)
    if severity == "P2":
        return Decision(
            severity="P2",
            hotfix_material=False,
            action="regular-release",
            reasons=(reason,),
            response_target=NOT_A_HOTFIX,
            approvals=None,
            review_after_deploy=False,
            next_command=None,
            answers=answers,
        )
    reasons = [reason, *_rollback_reasons(asked, answers)]
    rollback = len(reasons) > 1
    if not rollback:
        reasons.append("the root cause is known and isolated: fix forward")
    configured = _configured(cfg, severity)
    severity = configured.name
    target = response_target(cfg, severity)
    if rollback:
        command = shell_command(
            ["gh", "workflow", "run", "hotfix-rollback.yml", "-f", f"environment={environment}"]
        )
    else:
        command = shell_command(["hotfix-ci", "start", description, "--severity", severity])
    return Decision(
        severity=severity,
        hotfix_material=True,
        action="rollback" if rollback else "hotfix",
        reasons=tuple(reasons),
        response_target=target,
        approvals=configured.approvals,
        review_after_deploy=configured.review_after_deploy,
        next_command=command,
        answers=answers,
    )


def _severity(asked: Ask) -> tuple[str, str]:
    if asked(DOWN):
        return "P0", "the service is completely down"
    if asked(SECURITY):
        return "P0", "a security vulnerability"
    if asked(MAJOR):
        return "P1", "major functionality is broken for over half the users"
    if asked(REVENUE):
        return "P1", "revenue is affected"
    if asked(UNDER_5):
        return "P2", "under 5 % of the users are affected: not hotfix material"
    return "P2", "not down, not security, not major, no revenue impact: not hotfix material"


def _rollback_reasons(asked: Ask, answers: Mapping[str, bool]) -> list[str]:
    reasons = []
    if answers.get("down") or answers.get("major"):
        reasons.append("roll back: over half the users are affected")
    if not asked(CAUSE_KNOWN):
        reasons.append("roll back: the root cause is unknown")
    if asked(SEVERAL):
        reasons.append("roll back: several systems are failing")
    return reasons


def _configured(cfg: HotfixConfig, level: str) -> SeverityConfig:
    """The config's severity for the tree's P0 or P1: the one of that name, else the first
    (P0) or second (P1) hotfix severity in the config's order (e.g. SEV1, SEV2)."""
    for sev in cfg.severities:
        if sev.name == level:
            return sev
    hotfixes = [sev for sev in cfg.severities if sev.hotfix]
    if not hotfixes:
        return SeverityConfig(name=level, label=level)
    return hotfixes[min(int(level[1:]), len(hotfixes) - 1)]
