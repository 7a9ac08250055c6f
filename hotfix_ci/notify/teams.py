"""Microsoft Teams: a Workflows webhook POST carrying one Adaptive Card.

Office 365 (Microsoft 365) connectors and their MessageCard payloads are retired; the
replacement is a Teams Workflow started by "When a Teams webhook request is received",
which accepts Adaptive Cards only:
https://devblogs.microsoft.com/microsoft365dev/retirement-of-office-365-connectors-within-microsoft-teams/
https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook
The body is a ``message`` whose ``attachments`` hold the card with ``contentType``
``application/vnd.microsoft.card.adaptive``:
https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using#send-adaptive-cards-using-an-incoming-webhook
TextBlock and FactSet text is a Markdown subset (``escape.teams``); a message is at most
28 KB; Teams throttles to 4 requests a second and answers 429:
https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/cards-format
"""

from __future__ import annotations

import json

from hotfix_ci.config.model import ChannelConfig
from hotfix_ci.escape import clip
from hotfix_ci.notify import http
from hotfix_ci.notify.base import Payload, Target
from hotfix_ci.notify.render import Message, Templates

FLAVOUR = "teams"
NEEDS: tuple[str, ...] = ("url",)
CARD_TYPE = "application/vnd.microsoft.card.adaptive"
CARD_VERSION = "1.4"
MAX_BYTES = 28 * 1024
HINTS = {
    400: "the workflow refused the card; check that its trigger is "
    "'When a Teams webhook request is received' (connector URLs are retired)",
    401: "the workflow URL's signature is wrong; copy the URL again into the secret",
    404: "the workflow was deleted or turned off; re-create it and update the secret",
    0: "check the Teams workflow URL secret",
}


def _card(message: Message, body: str) -> Payload:
    blocks: list[Payload] = [
        {
            "type": "TextBlock",
            "text": message.title,
            "weight": "Bolder",
            "size": "Medium",
            "style": "heading",
            "wrap": True,
        }
    ]
    if body:
        blocks.append({"type": "TextBlock", "text": body, "wrap": True})
    if message.facts:
        facts = [{"title": label, "value": value} for label, value in message.facts]
        blocks.append({"type": "FactSet", "facts": facts})
    card: Payload = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": CARD_VERSION,
        "body": blocks,
        "msteams": {"width": "Full"},
    }
    if message.links:
        card["actions"] = [
            {"type": "Action.OpenUrl", "title": label, "url": url} for label, url in message.links
        ]
    return {
        "type": "message",
        "attachments": [{"contentType": CARD_TYPE, "contentUrl": None, "content": card}],
    }


def size(payload: Payload) -> int:
    return len(json.dumps(payload, ensure_ascii=False).encode("utf-8"))


def build(message: Message, spec: ChannelConfig, templates: Templates) -> Payload:
    body = message.body
    payload = _card(message, body)
    # The body gives way; dropping n characters drops at least n bytes, so this ends.
    while size(payload) > MAX_BYTES and len(body) > 1:
        body = clip(body, max(1, len(body) - (size(payload) - MAX_BYTES)))
        payload = _card(message, body)
    return payload


def deliver(payload: Payload, target: Target) -> str:
    what = f"POST to {target.variable('url')}"
    response = target.transport.request("POST", target.value("url"), what=what, json=payload)
    http.check(response, what, HINTS)
    # Workflows answer 202 Accepted: the card is queued, the flow posts it.
    return "posted" if response.status_code != 202 else "accepted by the workflow"
