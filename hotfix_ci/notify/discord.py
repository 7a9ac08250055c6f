"""Discord: Execute Webhook with one rich embed, and no mention ever pinging anyone.

- ``POST /webhooks/{id}/{token}?wait=true``: ``wait`` makes Discord confirm the message
  was saved (without it "a message that is not saved does not return an error"):
  https://discord.com/developers/docs/resources/webhook#execute-webhook
- Embed limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits):
  title 256, description 4096, up to 25 fields of name 256 / value 1024, footer 2048,
  author 256, and 6000 characters across all of them.
- ``allowed_mentions: {"parse": []}`` turns every mention off; webhooks otherwise parse
  user mentions: https://discord.com/developers/docs/resources/message#allowed-mentions-object
- A 429 carries ``Retry-After`` (and ``retry_after`` in the body):
  https://discord.com/developers/docs/topics/rate-limits
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from hotfix_ci.config.model import ChannelConfig
from hotfix_ci.escape import clip
from hotfix_ci.notify import http
from hotfix_ci.notify.base import Payload, Target
from hotfix_ci.notify.render import Message, Templates

FLAVOUR = "markdown"
NEEDS: tuple[str, ...] = ("url",)
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
MAX_FIELDS = 25
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
TOTAL_LIMIT = 6000
HINTS = {
    400: "Discord refused the embed; report it as a hotfix-ci bug with the dry-run output",
    401: "the webhook token is wrong; copy the webhook URL again into the secret",
    404: "the webhook was deleted; create a new one and update the secret",
    0: "check the Discord webhook URL secret",
}


def embed_length(embed: Payload) -> int:
    """The characters Discord counts towards the 6000 limit."""
    fields = embed.get("fields", [])
    return (
        len(embed.get("title", ""))
        + len(embed.get("description", ""))
        + sum(len(f["name"]) + len(f["value"]) for f in fields)
        + len(embed.get("footer", {}).get("text", ""))
        + len(embed.get("author", {}).get("name", ""))
    )


def build(message: Message, spec: ChannelConfig, templates: Templates) -> Payload:
    ctx = message.context
    body = message.body
    if message.links:
        body += "\n" + " · ".join(f"[{label}]({url})" for label, url in message.links)
    embed: Payload = {
        "title": clip(message.title, TITLE_LIMIT),
        "description": clip(body, DESCRIPTION_LIMIT),
        "color": message.color,
        "fields": [
            {
                "name": clip(label, FIELD_NAME_LIMIT),
                "value": clip(value, FIELD_VALUE_LIMIT),
                "inline": True,
            }
            for label, value in message.facts[:MAX_FIELDS]
        ],
        "footer": {"text": clip(f"hotfix-ci · {ctx.event}", FOOTER_LIMIT)},
        "timestamp": ctx.timestamp,
    }
    if ctx.url:
        embed["url"] = ctx.url
    overflow = embed_length(embed) - TOTAL_LIMIT
    if overflow > 0:  # the description gives way: title and facts are what people scan
        embed["description"] = clip(embed["description"], len(embed["description"]) - overflow)
    return {
        "username": "hotfix-ci",
        "allowed_mentions": {"parse": []},
        "embeds": [embed],
    }


def with_wait(url: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "wait"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("wait", "true")])))


def deliver(payload: Payload, target: Target) -> str:
    what = f"POST to {target.variable('url')}"
    url = with_wait(target.value("url"))
    response = target.transport.request("POST", url, what=what, json=payload)
    http.check(response, what, HINTS)
    return "posted"
