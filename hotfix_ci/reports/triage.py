"""What ``hotfix-ci triage`` prints: the decision as text for a person, or JSON for a script."""

from __future__ import annotations

import json
from typing import Any

from hotfix_ci.policy.triage import Decision


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
