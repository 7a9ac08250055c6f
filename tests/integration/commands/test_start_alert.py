"""`hotfix-ci start` posts the HOTFIX ALERT once, after it opened the PR; a re-run finds the
alert's record comment on the PR and posts nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hotfix_ci.notify.receiver import WebhookReceiver
from tests.helpers.cli import REPO, Result, base_env, run
from tests.helpers.git import commit, git
from tests.integration.commands.test_start import CONFIG, remote  # noqa: F401 - the fixture
from tests.integration.notify.helpers import FAST

SECRET = "whsec-" + "5" * 24
MARKER = "<!-- hotfix-ci:notify:alert:- -->"


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver(secret=SECRET) as hook:
        yield hook


@pytest.fixture
def alerting(git_repo: Path, remote: Path) -> Path:  # noqa: F811 - the fixture above
    """The checkout's config gains a signed webhook channel that gets the alert."""
    channel = {"name": "hook", "type": "webhook", "url_env": "HOOK_URL", "secret_env": "HOOK_KEY"}
    config = {**CONFIG, "notify": {"channels": [channel], "events": {"alert": ["hook"]}}}
    commit(git_repo, {".github/hotfix.yml": json.dumps(config)}, "notify")
    return git_repo


def start(repo: Path, emu: Any, **env: str) -> Result:
    retry = {k: v for k, v in FAST.items() if k.startswith("HOTFIX_CI_NOTIFY_")}
    environment = {**base_env(emu, repo), **retry, **env}
    return run(["start", "Login returns 500", "--repo", REPO], environment, repo)


def alerts(emu: Any) -> list[str]:
    return [c["body"] for c in emu.comments(REPO, 1) if c["body"].startswith(MARKER)]


def test_start_posts_the_alert_once_and_a_rerun_does_not_repost(
    alerting: Path, emulator: Any, receiver: WebhookReceiver
) -> None:
    env = {"HOOK_URL": receiver.url, "HOOK_KEY": SECRET}
    first = start(alerting, emulator, **env)
    assert first.exit_code == 0, first.stdout + first.stderr
    (delivery,) = receiver.deliveries
    assert delivery.verified
    assert (delivery.payload["event"], delivery.payload["pr"]) == ("alert", 1)
    assert delivery.payload["severity"] == "P1" and delivery.payload["state"] == "investigating"
    assert delivery.payload["message"]["title"] == "HOTFIX ALERT (P1): acme/web"
    assert "[HOTFIX] Login returns 500" in delivery.payload["message"]["text"]
    assert "notify hook (webhook): delivered, signed" in first.stdout
    (record,) = alerts(emulator)
    assert "### HOTFIX ALERT sent" in record and "notify hook (webhook): delivered" in record
    # the re-run (from main again) resumes the branch and the PR, and finds the alert's record
    git(alerting, "switch", "--quiet", "main")
    again = start(alerting, emulator, **env)
    assert again.exit_code == 0, again.stdout + again.stderr
    assert "resuming:" in again.stdout
    assert "notify: the alert for #1 was posted before" in again.stdout
    assert len(receiver.deliveries) == 1 and len(alerts(emulator)) == 1
    assert SECRET not in again.stdout + first.stdout


def test_an_alert_no_channel_received_is_posted_by_the_rerun(
    alerting: Path, emulator: Any, receiver: WebhookReceiver
) -> None:
    unset = start(alerting, emulator)  # HOOK_URL not set: the channel fails, a warning
    assert unset.exit_code == 0, unset.stdout + unset.stderr
    assert "notify hook (webhook): failed (warning): $HOOK_URL is not set" in unset.stdout
    assert alerts(emulator) == [] and receiver.deliveries == []
    git(alerting, "switch", "--quiet", "main")
    again = start(alerting, emulator, HOOK_URL=receiver.url, HOOK_KEY=SECRET)
    assert again.exit_code == 0, again.stdout + again.stderr
    assert [d.payload["event"] for d in receiver.deliveries] == ["alert"]
    assert len(alerts(emulator)) == 1


def test_dry_run_names_the_alert_channels_and_posts_nothing(
    alerting: Path, emulator: Any, receiver: WebhookReceiver
) -> None:
    result = run(
        ["start", "Login returns 500", "--repo", REPO, "--dry-run"],
        {**base_env(emulator, alerting), "HOOK_URL": receiver.url},
        alerting,
    )
    assert result.exit_code == 0, result.stderr
    assert "would post the HOTFIX ALERT once to: hook" in result.stdout
    assert receiver.deliveries == []
