"""What the notify tests share: a context with every fact set, and a hostile PR title."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from hotfix_ci.config.model import ChannelConfig
from hotfix_ci.notify import CHANNELS
from hotfix_ci.notify.base import Payload
from hotfix_ci.notify.context import NotifyContext, build_context
from hotfix_ci.notify.render import Templates, compose

HOSTILE_TITLE = "<!channel> @everyone ::error:: {{ 7*7 }} \n"
NOW = datetime(2025, 3, 4, 5, 6, 7, tzinfo=timezone.utc)
ENV = {
    "GITHUB_SERVER_URL": "https://github.com",
    "GITHUB_RUN_ID": "991",
    "GITHUB_RUN_ATTEMPT": "1",
    "GITHUB_SHA": "0123456789abcdef0123456789abcdef01234567",
    "GITHUB_ACTOR": "octocat",
}


def context(event: str = "alert", **facts: Any) -> NotifyContext:
    defaults: dict[str, Any] = {
        "pr": 42,
        "pr_title": "[HOTFIX] Fix login 500s",
        "tag": "hotfix-v1.4.3",
        "version": "1.4.3",
        "environment": "production",
        "severity": "P0",
        "impact": "critical",
    }
    defaults.update(facts)
    return build_context(event, ENV, repository="acme/web", now=NOW, **defaults)


def payload_of(kind: str, ctx: NotifyContext, **spec: Any) -> Payload:
    backend = CHANNELS[kind]
    templates = Templates(None)
    message = compose(ctx, backend.FLAVOUR, templates)
    return backend.build(message, ChannelConfig(name=kind, type=kind, **spec), templates)
