"""Did the merged pull request pass the PR gate? If not, was the bypass a recorded break-glass?

``release`` tags only what passed the gate: the check run "hotfix-ci / PR gate" on the PR's
head commit concluded ``success``. A PR merged without that (an admin merge past branch
protection, a bypass of the ruleset) is released only as a *break-glass*, the way mature
merge tools record an emergency override: the ``break-glass`` label on the pull request (who
applied it is who bypassed the gate, from the issue's label events) and a reason written in
the PR body, under a ``## Break-glass`` heading or on a ``Break-glass: <reason>`` line. The
release then says so in its notes, the job summary and the outputs, and the deploy records it
in each Deployment's payload under ``break_glass``. Without either, nothing is tagged.

API: https://docs.github.com/rest/checks/runs#list-check-runs-for-a-git-reference
(``check_name``, ``filter=latest``) and https://docs.github.com/rest/issues/events.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hotfix_ci.errors import GateNotPassed

if TYPE_CHECKING:
    from hotfix_ci.github_api import GitHubClient
    from hotfix_ci.model import PullRequest

# reports.pr_gate.CHECK_NAME (release may not import reports: tests/unit/test_imports.py)
CHECK_NAME = "hotfix-ci / PR gate"
BREAK_GLASS_LABEL = "break-glass"
MAX_REASON = 500
_HEADING = re.compile(
    r"^ {0,3}#{2,3}[ \t]+break[- ]?glass(?:[ \t]+reason)?[ \t]*:?[ \t]*(.*)$", re.I
)
_ANY_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]")
_LINE = re.compile(r"^[ \t]*\**break[- ]?glass(?:[ \t]+reason)?\**[ \t]*:\**[ \t]*(.+)$", re.I)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)


@dataclass(frozen=True)
class BreakGlass:
    """A release of a pull request that did not pass the gate, and who answers for it."""

    merged_by: str | None
    bypassed_by: str | None  # who applied the break-glass label
    reason: str
    gate: str  # the gate check run's conclusion, or "missing"

    def as_dict(self) -> dict[str, Any]:
        """The ``break_glass`` object of the outputs, the JSON and the Deployment payload."""
        return {
            "merged_by": self.merged_by,
            "bypassed_by": self.bypassed_by,
            "reason": self.reason,
            "gate": self.gate,
        }


def break_glass_reason(body: str) -> str | None:
    """The reason from a ``## Break-glass`` section or a ``Break-glass: ...`` line."""
    lines = _COMMENT.sub("", body or "").splitlines()
    for i, line in enumerate(lines):
        heading = _HEADING.match(line)
        if heading is not None:
            taken = [heading.group(1)]
            for following in lines[i + 1 :]:
                if _ANY_HEADING.match(following):
                    break
                taken.append(following)
            text = " ".join(" ".join(taken).split())
            if text:
                return text[:MAX_REASON]
            continue
        found = _LINE.match(line)
        if found is not None and found.group(1).strip():
            return " ".join(found.group(1).split())[:MAX_REASON]
    return None


def gate_conclusion(client: GitHubClient, head_sha: str) -> str | None:
    """The conclusion of the newest "hotfix-ci / PR gate" check run on ``head_sha``
    (``None`` while it runs or when there is none)."""
    url = f"/repos/{client.repo_name}/commits/{head_sha}/check-runs"
    with client.call(f"reading the {CHECK_NAME!r} check run of {head_sha[:12]}", "checks: read"):
        _, data = client.gh.requester.requestJsonAndCheck(
            "GET", url, parameters={"check_name": CHECK_NAME, "filter": "latest", "per_page": 1}
        )
    runs = [r for r in data.get("check_runs") or [] if r.get("name") == CHECK_NAME]
    if not runs:
        return None
    return str(runs[0].get("conclusion") or runs[0].get("status") or "") or None


def check_gate(
    client: GitHubClient, pull: PullRequest, merged_by: str | None, *, skipped: bool
) -> BreakGlass | None:
    """None when the gate passed (or does not apply to the PR's author); a BreakGlass when a
    recorded break-glass releases it; :class:`GateNotPassed` otherwise."""
    if skipped:
        return None
    conclusion = gate_conclusion(client, pull.head_sha)
    if conclusion == "success":
        return None
    gate = conclusion or "missing"
    said = (
        f"its {CHECK_NAME!r} check on {pull.head_sha[:12]} concluded {conclusion}"
        if conclusion
        else f"it has no {CHECK_NAME!r} check run on its head {pull.head_sha[:12]}"
    )
    who = f" by {merged_by}" if merged_by else ""
    labelled = BREAK_GLASS_LABEL in {label.lower() for label in pull.labels}
    reason = break_glass_reason(pull.body)
    if not labelled or reason is None:
        missing = []
        if not labelled:
            missing.append(f"the {BREAK_GLASS_LABEL!r} label")
        if reason is None:
            missing.append("a reason (a '## Break-glass' section or 'Break-glass: <why>' line)")
        raise GateNotPassed(
            f"#{pull.number} was merged{who} without passing the PR gate ({said}): "
            "nothing was released or tagged",
            hint=f"if this was an emergency bypass, record it as a break-glass: add "
            f"{' and '.join(missing)} to pull request #{pull.number}, then re-run this job. "
            "Otherwise revert the merge and let the PR pass the gate",
        )
    applied = [
        e
        for e in client.label_events(pull.number)
        if e.event == "labeled" and e.label.lower() == BREAK_GLASS_LABEL
    ]
    bypassed_by = applied[-1].actor if applied else None
    return BreakGlass(merged_by=merged_by, bypassed_by=bypassed_by, reason=reason, gate=gate)
