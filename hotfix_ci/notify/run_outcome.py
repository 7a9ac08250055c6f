"""The deploy workflow run's outcome, for its final job's one notification.

The jobs' results alone cannot tell a rolled-back deploy (exit 5) from one a human must
fix (exit 6): both are ``failure``. So each provider of the release's matrix is read from
the deployment log (the Deployments API), the record hotfix-ci wrote for the tag.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hotfix_ci.errors import HotfixError

if TYPE_CHECKING:
    from hotfix_ci.github_api import GitHubClient
    from hotfix_ci.github_api.deployments import DeploymentRecord

Jobs = Mapping[str, Mapping[str, Any]]


@dataclass(frozen=True, kw_only=True)
class RunOutcome:
    event: str | None  # None: nothing to announce (nothing was released)
    tag: str | None = None
    environments: tuple[str, ...] = ()
    # The providers the event is about: all of them when deployed, else those that were
    # rolled back (rolled-back) or failed (failed).
    providers: tuple[str, ...] = ()
    detail: str = ""  # one line for the log: per provider, or why there is no event


def provider_state(records: Iterable[DeploymentRecord], tag: str) -> str:
    """deployed, rolled_back or failed: the newest record of ``tag`` (its deploy, or the
    rollback of it) and its newest status; no record at all is failed (the job never ran)."""
    for record in records:
        undone = record.payload.get("rollback_of")
        if undone == tag:
            return "rolled_back" if record.state == "success" else "failed"
        if record.ref == tag and not undone:
            return "deployed" if record.state == "success" else "failed"
    return "failed"


def _matrix(outputs: Mapping[str, Any]) -> list[tuple[str, str]]:
    try:
        include = json.loads(str(outputs.get("matrix") or "{}")).get("include") or []
    except (ValueError, AttributeError):
        return []
    return [
        (str(item.get("environment")), str(item.get("provider")))
        for item in include
        if isinstance(item, dict)
    ]


def outcome_of(jobs: Jobs, github: GitHubClient | None) -> RunOutcome:
    release = jobs.get("release", {})
    outputs = release.get("outputs") or {}
    tag = str(outputs.get("tag") or "") or None
    if release.get("result") != "success":
        return RunOutcome(event="failed", tag=tag, detail="the release job did not succeed")
    if outputs.get("released") != "true" or tag is None:
        return RunOutcome(event=None, detail="nothing was released: no notification")
    pairs = _matrix(outputs)
    environments = tuple(dict.fromkeys(e for e, _ in pairs))
    if not pairs:
        return RunOutcome(event=None, tag=tag, detail="the release has no deploy matrix")
    providers = tuple(dict.fromkeys(p for _, p in pairs))
    if jobs.get("deploy", {}).get("result") == "success":
        detail = "every deploy job succeeded"
        return RunOutcome(
            event="deployed",
            tag=tag,
            environments=environments,
            providers=providers,
            detail=detail,
        )
    if github is None:
        return RunOutcome(
            event="failed",
            tag=tag,
            environments=environments,
            providers=providers,
            detail="a deploy job failed (no token to read the deployment log)",
        )
    from hotfix_ci.github_api.deployments import list_deployments, recorded_by_hotfix_ci

    states: dict[str, str] = {}
    provider_of: dict[str, str] = {}
    for environment, provider in pairs:
        try:
            records = (
                r
                for r in list_deployments(github, environment)
                if recorded_by_hotfix_ci(r, provider)
            )
            state = provider_state(records, tag)
        except HotfixError as exc:
            state = f"failed (the log could not be read: {exc.message})"
        states[f"{environment}/{provider}"] = state
        provider_of[f"{environment}/{provider}"] = provider
    values = [s.split(" ", 1)[0] for s in states.values()]
    event = (
        "failed" if "failed" in values else "rolled-back" if "rolled_back" in values else "deployed"
    )
    detail = ", ".join(f"{key} {state}" for key, state in states.items())
    wanted = {"failed": "failed", "rolled-back": "rolled_back"}.get(event)
    named = tuple(
        dict.fromkeys(
            provider_of[key]
            for key, state in states.items()
            if wanted is None or state.split(" ", 1)[0] == wanted
        )
    )
    return RunOutcome(
        event=event, tag=tag, environments=environments, providers=named, detail=detail
    )
