"""Slack: an incoming webhook POST with Block Kit blocks and a ``text`` fallback.

- Incoming webhooks take ``{"text": ..., "blocks": [...]}``; with blocks, ``text`` is the
  notification fallback: https://api.slack.com/messaging/webhooks
- Blocks and their limits (https://api.slack.com/reference/block-kit/blocks): header
  ``plain_text`` up to 150 characters; section ``text`` up to 3000, ``fields`` up to 10
  of 2000; context up to 10 elements; at most 50 blocks a message.
- mrkdwn text escapes ``&``, ``<``, ``>`` (``escape.slack``); links are ``<url|label>``:
  https://api.slack.com/reference/surfaces/formatting
- Errors come back as 400/403/404/410 with a short text such as ``invalid_payload`` or
  ``no_service``; a 429 carries ``Retry-After``: https://api.slack.com/messaging/webhooks#handling_errors
"""

from __future__ import annotations

from hotfix_ci.config.model import ChannelConfig
from hotfix_ci.escape import clip, slack
from hotfix_ci.notify import http
from hotfix_ci.notify.base import Payload, Target
from hotfix_ci.notify.render import Message, Templates

FLAVOUR = "slack"
NEEDS: tuple[str, ...] = ("url",)
HEADER_LIMIT = 150
SECTION_LIMIT = 3000
FIELD_LIMIT = 2000
MAX_FIELDS = 10
TEXT_LIMIT = 3000  # our own cap on the fallback; Slack truncates long messages anyway
HINTS = {
    400: "Slack refused the message (invalid_payload); report it as a hotfix-ci bug",
    403: "the webhook's app lost access to the channel; create a new webhook and update the secret",
    404: "the webhook URL is wrong or was revoked; create a new one and update the secret",
    410: "the channel was archived; point the webhook at another channel",
    0: "check the Slack webhook URL secret",
}


def build(message: Message, spec: ChannelConfig, templates: Templates) -> Payload:
    blocks: list[Payload] = [
        {
            "type": "header",
            "text": {
                "type": "plain_text",
                "text": clip(message.plain_title, HEADER_LIMIT),
                "emoji": True,
            },
        }
    ]
    if message.body:
        blocks.append(
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": clip(message.body, SECTION_LIMIT)},
            }
        )
    if message.facts:
        fields = [
            {"type": "mrkdwn", "text": clip(f"*{label}*\n{value}", FIELD_LIMIT)}
            for label, value in message.facts[:MAX_FIELDS]
        ]
        blocks.append({"type": "section", "fields": fields})
    if message.links:
        links = " · ".join(f"<{slack(url)}|{slack(label)}>" for label, url in message.links)
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": links}]})
    return {"text": clip(message.title, TEXT_LIMIT), "blocks": blocks}


def deliver(payload: Payload, target: Target) -> str:
    what = f"POST to {target.variable('url')}"
    response = target.transport.request("POST", target.value("url"), what=what, json=payload)
    http.check(response, what, HINTS)
    return "posted"
