"""The notify section: schema, dataclasses, and the checks that need the whole section."""

from __future__ import annotations

from dataclasses import fields

import pytest

from hotfix_ci.config import config_schema, validate_config_text
from hotfix_ci.config.model import CHANNEL_TYPES, NOTIFY_EVENTS, ChannelConfig, NotifyConfig
from hotfix_ci.errors import InvalidConfigError

# The issue's example, one flow mapping per line as written there.
ISSUE_EXAMPLE = "\n".join(
    [
        "version: 1",
        "notify:",
        "  channels:",
        "    - {name: team, type: slack, url_env: SLACK_WEBHOOK_URL}",
        "    - {name: eng, type: discord, url_env: DISCORD_WEBHOOK_URL}",
        "    - {name: ops, type: teams, url_env: TEAMS_WEBHOOK_URL}",
        "    - {name: hook, type: webhook, url_env: HOTFIX_WEBHOOK_URL,"
        " secret_env: HOTFIX_WEBHOOK_SECRET, required: true}",
        "    - {name: status, type: statuspage, page_env: STATUSPAGE_PAGE_ID,"
        " key_env: STATUSPAGE_API_KEY, component: api}",
        "    - {name: pr, type: github}",
        "  events: {alert: [team, status], deployed: [team, status, pr],"
        " rolled-back: [team, status, pr, hook], failed: [team, hook]}",
        "",
    ]
)


def load(text: str) -> NotifyConfig:
    return validate_config_text(text, ".github/hotfix.yml").notify


def problems(text: str) -> list[str]:
    with pytest.raises(InvalidConfigError) as caught:
        load(text)
    return [
        f"{p.line}: {'.'.join(map(str, p.path))}: {p.message} ({p.hint})"
        for p in caught.value.problems
    ]


def test_the_issue_example_loads() -> None:
    notify = load(ISSUE_EXAMPLE)
    assert [c.name for c in notify.channels] == ["team", "eng", "ops", "hook", "status", "pr"]
    hook = notify.channels[3]
    assert (hook.url_env, hook.secret_env, hook.required) == (
        "HOTFIX_WEBHOOK_URL",
        "HOTFIX_WEBHOOK_SECRET",
        True,
    )
    assert [c.name for c in notify.channels_for("rolled-back")] == ["team", "status", "pr", "hook"]
    assert notify.channels_for("resolved") == ()  # not listed: goes nowhere


def test_without_events_every_channel_gets_every_event() -> None:
    notify = load("version: 1\nnotify:\n  channels: [{name: pr, type: github}]\n")
    assert [c.name for c in notify.channels_for("resolved")] == ["pr"]
    assert load("version: 1\n").channels_for("alert") == ()


def test_unknown_channel_in_events_has_path_line_and_suggestion() -> None:
    text = ISSUE_EXAMPLE.replace("failed: [team, hook]", "failed: [team, hok]")
    assert problems(text) == [
        "10: notify.events.failed.1: no channel is named 'hok' (did you mean 'hook'?)"
    ]


def test_duplicate_channel_names_are_reported() -> None:
    text = "version: 1\nnotify:\n  channels:\n    - {name: a, type: github}\n"
    text += "    - {name: a, type: github}\n"
    assert problems(text) == [
        "5: notify.channels.1.name: channel name 'a' is already the name of channels[0] "
        "(give every channel its own name: `events:` refers to channels by name)"
    ]


def test_keys_of_another_type_are_refused() -> None:
    text = (
        "version: 1\nnotify:\n  channels:\n    - {name: a, type: slack, url_env: U, key_env: K}\n"
    )
    (problem,) = problems(text)
    assert problem.startswith(
        "4: notify.channels.0.key_env: unknown key "
        "(allowed keys here: name, required, type, url_env)"
    )


def test_required_keys_per_type_and_unknown_type() -> None:
    text = "version: 1\nnotify:\n  channels:\n    - {name: s, type: statuspage, page_env: P}\n"
    assert problems(text) == ["4: notify.channels.0.key_env: required key is missing (None)"]
    found = problems("version: 1\nnotify:\n  channels: [{name: s, type: slak, url_env: U}]\n")
    assert "did you mean 'slack'?" in found[0]


def test_unknown_event_is_refused() -> None:
    found = problems("version: 1\nnotify:\n  channels: []\n  events: {deploy: []}\n")
    assert "unknown key" in found[0] and "did you mean 'deployed'?" in found[0]


def test_schema_matches_the_dataclasses() -> None:
    schema = config_schema()
    channel = schema["$defs"]["notify_channel"]
    assert set(channel["properties"]) == {f.name for f in fields(ChannelConfig)}
    assert channel["properties"]["type"]["enum"] == list(CHANNEL_TYPES)
    assert set(schema["properties"]["notify"]["properties"]) == {
        f.name for f in fields(NotifyConfig)
    }
    assert list(schema["properties"]["notify"]["properties"]["events"]["properties"]) == list(
        NOTIFY_EVENTS
    )
    branches = {b["if"]["properties"]["type"]["const"]: b["then"] for b in channel["allOf"]}
    assert set(branches) == set(CHANNEL_TYPES)
    assert all(b["additionalProperties"] is False for b in branches.values())
