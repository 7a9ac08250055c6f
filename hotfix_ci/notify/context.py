"""What a notification is about: the event and the facts every channel shows.

Built once per notification, from flags and the GitHub Actions variables (passed in as a
Mapping, never read from ``os.environ`` here) and, when a token is at hand, the live PR.
Values are data: templates receive them as variables and channels escape them; nothing
here is ever compiled as a template.
Actions variables: https://docs.github.com/en/actions/reference/variables-reference
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime, timezone
from typing import Any

from hotfix_ci import links
from hotfix_ci.config.model import NOTIFY_EVENTS

EVENTS = NOTIFY_EVENTS

# What each event says about the hotfix, as the webhook's `state` field.
STATE_OF_EVENT = {
    "alert": "investigating",
    "in-progress": "deploying",
    "deployed": "deployed",
    "rolled-back": "rolled_back",
    "failed": "failed",
    "resolved": "resolved",
}
# Embed/card accent per event: red for trouble, amber while working, green when fixed.
COLOR_OF_EVENT = {
    "alert": 0xD93025,
    "in-progress": 0xF9A825,
    "deployed": 0x2E7D32,
    "rolled-back": 0xEF6C00,
    "failed": 0xB71C1C,
    "resolved": 0x2E7D32,
}


@dataclass(frozen=True, kw_only=True)
class NotifyContext:
    """The facts of one notification; every field may be unknown (None) but the event."""

    event: str
    repository: str | None = None
    environment: str | None = None
    # The provider(s) that deployed or rolled back (comma-separated for several).
    provider: str | None = None
    tag: str | None = None
    version: str | None = None
    pr: int | None = None
    pr_title: str | None = None
    pr_url: str | None = None
    pr_author: str | None = None
    severity: str | None = None
    # Statuspage impact for the severity (critical/major/minor/none), from its rank.
    impact: str | None = None
    sha: str | None = None
    actor: str | None = None
    run_url: str | None = None
    timestamp: str = ""
    # Same for every retry of one run attempt, so a receiver can drop duplicates.
    delivery: str = ""

    @property
    def state(self) -> str:
        return STATE_OF_EVENT[self.event]

    @property
    def url(self) -> str | None:
        """Where a reader goes first: the PR when there is one, else the workflow run."""
        return self.pr_url or self.run_url

    def redacted(self, redact: Callable[[str], str]) -> NotifyContext:
        """This context with ``redact`` applied to each text: a PR title pasted from a log
        can hold a token. Done before a channel escapes the text (``ghs\\_…`` in markdown
        would no longer match)."""
        texts: dict[str, Any] = {
            f.name: redact(value)
            for f in fields(self)
            if isinstance(value := getattr(self, f.name), str)
        }
        return replace(self, **texts)

    def variables(self) -> dict[str, Any]:
        """The template variables: every field, plus ``state`` and ``url``."""
        return {**asdict(self), "state": self.state, "url": self.url}


def delivery_id(ctx: NotifyContext, env: Mapping[str, str]) -> str:
    parts = (
        ctx.repository,
        ctx.event,
        ctx.pr,
        ctx.tag,
        ctx.environment,
        ctx.provider,
        env.get("GITHUB_RUN_ID", ""),
        env.get("GITHUB_RUN_ATTEMPT", ""),
    )
    key = "|".join("" if part is None else str(part) for part in parts)
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


# One helper builds every web link, so GitHub Enterprise Server links point at its host.
run_url = links.run_url
pull_url = links.pull_url


def impact_of(rank: int | None) -> str | None:
    """Statuspage impact of the severity at ``rank`` (0 = the most severe in the config)."""
    if rank is None:
        return None
    return ("critical", "major", "minor")[rank] if rank < 3 else "none"


def build_context(
    event: str,
    env: Mapping[str, str],
    *,
    repository: str | None = None,
    now: datetime | None = None,
    **facts: Any,
) -> NotifyContext:
    """A context with the run's facts (run URL, sha, actor, time) taken from ``env``."""
    repo = repository or env.get("GITHUB_REPOSITORY") or None
    moment = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    pr = facts.get("pr")
    facts.setdefault("pr_url", pull_url(env, repo, pr))
    facts.setdefault("sha", env.get("GITHUB_SHA") or None)
    facts.setdefault("actor", env.get("GITHUB_ACTOR") or None)
    ctx = NotifyContext(
        event=event,
        repository=repo,
        run_url=run_url(env, repo),
        timestamp=moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        **facts,
    )
    return replace(ctx, delivery=delivery_id(ctx, env))
