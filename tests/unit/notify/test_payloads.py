"""Each channel's payload against the structure and limits its service documents."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from hotfix_ci.notify import discord, slack, statuspage, teams, webhook
from hotfix_ci.notify.github_comment import comment_marker
from tests.unit.notify.helpers import HOSTILE_TITLE, context, payload_of

LONG = "x" * 9000


def test_slack_is_block_kit_with_a_plain_text_header_and_fallback_text() -> None:
    body = payload_of("slack", context("deployed"))
    assert body["text"].startswith("Hotfix deployed to production")
    types = [block["type"] for block in body["blocks"]]
    assert types == ["header", "section", "section", "context"]
    header, text, facts, links = body["blocks"]
    assert header["text"]["type"] == "plain_text"
    assert text["text"]["type"] == "mrkdwn"
    assert "is live and passed its health gates" in text["text"]["text"]
    assert {"type": "mrkdwn", "text": "*Release*\nhotfix-v1.4.3"} in facts["fields"]
    assert links["elements"][0]["text"] == (
        "<https://github.com/acme/web/pull/42|Pull request #42> · "
        "<https://github.com/acme/web/actions/runs/991|Workflow run>"
    )


def test_slack_limits_hold_for_huge_values() -> None:
    body = payload_of("slack", context(pr_title=LONG, environment=LONG, severity=LONG))
    header, text, facts = body["blocks"][:3]
    assert len(header["text"]["text"]) <= slack.HEADER_LIMIT
    assert len(text["text"]["text"]) <= slack.SECTION_LIMIT
    assert len(facts["fields"]) <= slack.MAX_FIELDS
    assert all(len(field["text"]) <= slack.FIELD_LIMIT for field in facts["fields"])
    assert len(body["blocks"]) <= 50


def test_slack_escapes_control_characters_in_data_only() -> None:
    body = payload_of("slack", context(pr_title="a & <b> <!here>"))
    section = body["blocks"][1]["text"]["text"]
    assert "a &amp; &lt;b&gt; &lt;!here&gt;" in section
    assert "<!here>" not in json.dumps(body["blocks"][1:])


def test_discord_embed_within_every_documented_limit() -> None:
    body = payload_of("discord", context(pr_title=LONG, environment=LONG, tag=LONG))
    assert body["allowed_mentions"] == {"parse": []}
    (embed,) = body["embeds"]
    assert len(embed["title"]) <= discord.TITLE_LIMIT
    assert len(embed["description"]) <= discord.DESCRIPTION_LIMIT
    assert len(embed["fields"]) <= discord.MAX_FIELDS
    for field in embed["fields"]:
        assert len(field["name"]) <= discord.FIELD_NAME_LIMIT
        assert len(field["value"]) <= discord.FIELD_VALUE_LIMIT
    assert len(embed["footer"]["text"]) <= discord.FOOTER_LIMIT
    assert discord.embed_length(embed) <= discord.TOTAL_LIMIT


def test_discord_embed_shape() -> None:
    (embed,) = payload_of("discord", context("rolled-back"))["embeds"]
    assert embed["title"].startswith("Hotfix rolled back on production")
    assert embed["url"] == "https://github.com/acme/web/pull/42"
    assert embed["timestamp"] == "2025-03-04T05:06:07Z"
    assert isinstance(embed["color"], int)
    assert {"name": "Severity", "value": "P0", "inline": True} in embed["fields"]


def test_discord_wait_is_added_to_the_webhook_url_keeping_its_query() -> None:
    url = "https://discord.com/api/webhooks/1/tok?thread_id=9&wait=false"
    assert discord.with_wait(url) == "https://discord.com/api/webhooks/1/tok?thread_id=9&wait=true"


def test_teams_is_an_adaptive_card_message() -> None:
    body = payload_of("teams", context("failed"))
    assert body["type"] == "message"
    (attachment,) = body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert attachment["contentUrl"] is None
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard"
    assert card["$schema"] == "http://adaptivecards.io/schemas/adaptive-card.json"
    assert [b["type"] for b in card["body"]] == ["TextBlock", "TextBlock", "FactSet"]
    assert card["body"][0]["text"].startswith("Hotfix failed on production")
    assert {"title": "Release", "value": "hotfix\\-v1.4.3"} in card["body"][2]["facts"]
    assert card["actions"][0] == {
        "type": "Action.OpenUrl",
        "title": "Pull request #42",
        "url": "https://github.com/acme/web/pull/42",
    }


def test_teams_card_stays_under_28_kb() -> None:
    body = payload_of("teams", context(pr_title="é" * 40000))
    assert teams.size(body) <= teams.MAX_BYTES


def test_webhook_body_has_the_documented_fields() -> None:
    body = payload_of("webhook", context("deployed"))
    assert {
        "event",
        "repository",
        "environment",
        "tag",
        "version",
        "pr",
        "severity",
        "state",
        "url",
        "timestamp",
    } <= set(body)
    assert (body["event"], body["state"], body["pr"], body["version"]) == (
        "deployed",
        "deployed",
        42,
        "1.4.3",
    )
    assert body["url"] == "https://github.com/acme/web/pull/42"
    assert len(body["delivery"]) == 32


def test_webhook_signature_is_hmac_sha256_of_the_exact_body() -> None:
    body = webhook.encode(payload_of("webhook", context()))
    expected = "sha256=" + hmac.new(b"k3y", body, hashlib.sha256).hexdigest()
    assert webhook.signature(body, "k3y") == expected
    assert webhook.verify_signature(body, "k3y", expected)
    assert not webhook.verify_signature(body + b" ", "k3y", expected)
    assert not webhook.verify_signature(body, "other", expected)
    assert not webhook.verify_signature(body, "k3y", None)


@pytest.mark.parametrize(
    ("event", "status", "component"),
    [
        ("alert", "investigating", "major_outage"),
        ("in-progress", "identified", None),
        ("deployed", "monitoring", "operational"),
        ("rolled-back", "identified", None),
        ("failed", "identified", None),
        ("resolved", "resolved", "operational"),
    ],
)
def test_statuspage_incident_per_event(event: str, status: str, component: str | None) -> None:
    incident = payload_of("statuspage", context(event), component="api")["incident"]
    assert incident["status"] == status
    assert incident["metadata"] == {"hotfix_ci": {"marker": "acme/web#42", "event": event}}
    assert incident["name"] == "[HOTFIX] Fix login 500s"
    assert incident["deliver_notifications"] is True
    if component:
        assert incident["components"] == {"api": component}
        assert incident["component_ids"] == ["api"]
    else:
        assert "components" not in incident
    assert ("impact_override" in incident) == (event == "alert")


def test_statuspage_alert_texts_come_from_the_status_templates() -> None:
    incident = payload_of("statuspage", context(severity="P1", impact="major"))["incident"]
    assert incident["impact_override"] == "major"
    assert incident["body"].splitlines() == [
        "production is affected; we are working on a fix.",
        "Severity: P1 (major impact).",
        "Updated 2025-03-04T05:06:07Z.",
    ]
    assert statuspage.component_status(context(impact="major")) == "partial_outage"
    assert statuspage.component_status(context(impact="minor")) == "degraded_performance"


def test_github_comment_starts_with_its_marker() -> None:
    body = payload_of("github", context("deployed"))
    assert body["pr"] == 42
    lines = body["body"].splitlines()
    assert lines[0] == comment_marker("deployed", "production")
    assert lines[1].startswith("### Hotfix deployed to production")
    assert "[Workflow run](https://github.com/acme/web/actions/runs/991)" in body["body"]


KINDS = ["slack", "discord", "teams", "webhook", "statuspage", "github"]


@pytest.mark.parametrize("kind", KINDS)
def test_hostile_pr_title_is_inert_text_in_every_channel(kind: str) -> None:
    body = payload_of(kind, context(pr_title=HOSTILE_TITLE), component="api")
    text = json.dumps(body, ensure_ascii=False)
    assert "{{ 7*7 }}" in text.replace("\\", "").replace("\u200b", "")  # printed, not run
    assert "49" not in text
    if kind == "slack":
        assert "&lt;!channel&gt;" in body["blocks"][1]["text"]["text"]
        assert "<!channel>" not in json.dumps([body["text"], body["blocks"][1:]])
    if kind in ("discord", "teams", "github"):
        assert "@everyone" not in text  # a zero-width space sits after every "@"
        assert "\\<!channel\\>" in text.replace("\\\\", "\\")
    if kind == "teams":
        assert "{{" not in text.replace("\\", "")  # no {{DATE()}} expansion either
    if kind in ("webhook", "statuspage"):
        assert HOSTILE_TITLE.strip() in text.replace("\\n", "\n")  # JSON data, as written


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "webhook"])
def test_a_title_cannot_start_a_line_of_its_own(kind: str) -> None:
    # A workflow command needs "::" at the start of a line; titles and facts are one line.
    body = payload_of(kind, context(pr_title="fix\n::error file=a::pwned"), component="api")
    assert "pwned" in json.dumps(body)
    for value in _strings(body):
        assert not any(line.lstrip().startswith("::") for line in value.splitlines())


def _strings(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for value in node.values() for s in _strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in _strings(value)]
    return []


PROVIDER = "railway"
# Where each channel shows the provider: the place a reader looks first.
PROVIDER_SPOTS = {
    "slack": lambda b: [b["text"], b["blocks"][0]["text"]["text"], json.dumps(b["blocks"][2])],
    "discord": lambda b: [b["embeds"][0]["title"], json.dumps(b["embeds"][0]["fields"])],
    "teams": lambda b: [
        b["attachments"][0]["content"]["body"][0]["text"],
        json.dumps(b["attachments"][0]["content"]["body"][-1]["facts"]),
    ],
    "webhook": lambda b: [b["provider"], b["message"]["title"]],
    "statuspage": lambda b: [b["incident"]["body"]],
    "github": lambda b: [b["body"].splitlines()[1], b["body"]],
}


@pytest.mark.parametrize("event", ["deployed", "rolled-back", "failed"])
@pytest.mark.parametrize("kind", sorted(PROVIDER_SPOTS))
def test_every_channel_names_the_provider_and_environment(kind: str, event: str) -> None:
    body = payload_of(kind, context(event, provider=PROVIDER), component="api")
    for spot in PROVIDER_SPOTS[kind](body):
        assert PROVIDER in spot, (kind, event, spot)
    if kind != "statuspage":  # a public page names no internal environment
        assert "production" in PROVIDER_SPOTS[kind](body)[-1]
    without = payload_of(kind, context(event), component="api")
    assert PROVIDER not in json.dumps(without)
    assert '"Provider"' not in json.dumps(without) and "*Provider*" not in json.dumps(without)
