"""A generic webhook: one JSON POST, signed the way GitHub signs its own webhooks.

The body is serialised once and those exact bytes are both signed and sent:
``X-Hotfix-Signature-256: sha256=<hex HMAC-SHA256 of the body, keyed with the secret>``,
the scheme of GitHub's ``X-Hub-Signature-256``
(https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries).
A receiver compares in constant time (``hmac.compare_digest``), as
:func:`verify_signature` does. ``X-Hotfix-Delivery`` (also ``delivery`` in the body) is
the same for every retry of one run attempt, so a receiver can drop duplicates.

Body fields (stable, documented in the README): ``event``, ``repository``,
``environment``, ``provider``, ``tag``, ``version``, ``pr``, ``pr_title``, ``pr_url``, ``severity``,
``state``, ``url``, ``run_url``, ``sha``, ``actor``, ``timestamp``, ``delivery``, and
``message`` (``title`` and ``text``, as the templates render them, unescaped).
"""

from __future__ import annotations

import hashlib
import hmac
import json

from hotfix_ci.config.model import ChannelConfig
from hotfix_ci.notify import http
from hotfix_ci.notify.base import Payload, Target
from hotfix_ci.notify.render import Message, Templates

FLAVOUR = "plain"
NEEDS: tuple[str, ...] = ("url",)  # "secret" too when secret_env is set: see deliver.values_for
SIGNATURE_HEADER = "X-Hotfix-Signature-256"
EVENT_HEADER = "X-Hotfix-Event"
DELIVERY_HEADER = "X-Hotfix-Delivery"
HINTS = {
    401: "the receiver rejected the signature: check that both sides hold the same secret",
    403: "the receiver rejected the signature: check that both sides hold the same secret",
    404: "the webhook URL is wrong; check its secret",
    0: "the receiver refused the delivery; check its logs",
}


# The body's context fields, in this order (stable, documented in the README); each is the
# NotifyContext attribute of that name.
BODY_FIELDS = (
    "event", "repository", "environment", "provider", "tag", "version", "pr", "pr_title", "pr_url",
    "severity", "state", "url", "run_url", "sha", "actor", "timestamp", "delivery",
)  # fmt: skip


def build(message: Message, spec: ChannelConfig, templates: Templates) -> Payload:
    body: Payload = {key: getattr(message.context, key) for key in BODY_FIELDS}
    body["message"] = {"title": message.title, "text": message.body}
    return body


def encode(payload: Payload) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def signature(body: bytes, secret: str) -> str:
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify_signature(body: bytes, secret: str, header: str | None) -> bool:
    """True when ``header`` is the signature of exactly ``body`` under ``secret``."""
    return header is not None and hmac.compare_digest(signature(body, secret), header)


def deliver(payload: Payload, target: Target) -> str:
    body = encode(payload)
    headers = {
        "Content-Type": "application/json",
        EVENT_HEADER: str(payload["event"]),
        DELIVERY_HEADER: str(payload["delivery"]),
    }
    secret = target.values.get("secret")
    if secret:
        headers[SIGNATURE_HEADER] = signature(body, secret)
    what = f"POST to {target.variable('url')}"
    response = target.transport.request(
        "POST", target.value("url"), what=what, data=body, headers=headers
    )
    http.check(response, what, HINTS)
    return "delivered, signed" if secret else "delivered, unsigned (no secret_env)"
