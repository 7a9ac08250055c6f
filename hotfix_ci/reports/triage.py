"""What ``hotfix-ci triage`` prints: the decision as text for a person, or JSON for a script."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, kw_only=True)
class Decision:
    """The outcome of the tree: data the renderers below print."""

    severity: str
    hotfix_material: bool
    action: str  # "hotfix", "rollback" or "regular-release"
    reasons: tuple[str, ...]
    response_target: str
    approvals: int | None  # None when it is not a hotfix
    review_after_deploy: bool
    next_command: str | None
    answers: Mapping[str, bool] = field(default_factory=dict)


def as_json(decision: Decision) -> dict[str, Any]:
    return {
        "severity": decision.severity,
        "hotfix": decision.hotfix_material,
        "action": decision.action,
        "reasons": list(decision.reasons),
        "response_target": decision.response_target,
        "approvals": decision.approvals,
        "review_after_deploy": decision.review_after_deploy,
        "next_command": decision.next_command,
        "answers": dict(decision.answers),
    }


def render_json(decision: Decision) -> str:
    return json.dumps(as_json(decision), indent=2)


def render_text(decision: Decision) -> str:
    action = {
        "hotfix": "hotfix (fix forward)",
        "rollback": "roll back first, then fix",
        "regular-release": "not a hotfix: fix it in the next regular release",
    }[decision.action]
    lines = [f"severity: {decision.severity}", f"decision: {action}"]
    lines += [f"  - {reason}" for reason in decision.reasons]
    lines.append(f"target: {decision.response_target}")
    if decision.approvals is not None:
        approvals = f"approvals: {decision.approvals} before merge"
        if decision.review_after_deploy:
            approvals += ", a review after deploy"
        lines.append(approvals)
    if decision.next_command:
        lines.append(f"next: {decision.next_command}")
    else:
        lines.append("next: open a regular pull request; no hotfix branch, no hotfix label")
    return "\n".join(lines)


RENDERER_BY_NAME: dict[str, Callable[[Decision], str]] = {
    "text": render_text,
    "json": render_json,
}
