"""`hotfix-ci release` posts `in-progress` once it released; a required channel that fails
turns its exit 0 into 1 with the release complete."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hotfix_ci.notify.receiver import WebhookReceiver
from tests.helpers.release import outputs_file, read_outputs, release, scene, write_config

SECRET = "whsec-" + "5" * 24


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver(secret=SECRET) as hook:
        yield hook


def config(tmp_path: Path, *, required: bool) -> None:
    flag = ", required: true" if required else ""
    write_config(
        tmp_path,
        "notify:\n  channels:\n"
        f"    - {{name: hook, type: webhook, url_env: HOOK_URL, secret_env: HOOK_SECRET{flag}}}\n"
        "  events: {in-progress: [hook], deployed: [hook]}\n",
    )


def test_release_posts_in_progress_with_the_pr_and_severity(
    emulator: Any, tmp_path: Path, receiver: WebhookReceiver
) -> None:
    sha = scene(emulator)
    config(tmp_path, required=False)
    result = release(emulator, tmp_path, sha, HOOK_URL=receiver.url, HOOK_SECRET=SECRET)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["tag"] == "hotfix-v1.4.3"  # stdout is the JSON alone
    (delivery,) = receiver.deliveries
    assert delivery.verified
    body = delivery.payload
    assert (body["event"], body["tag"], body["pr"], body["severity"]) == (
        "in-progress",
        "hotfix-v1.4.3",
        1,
        "P1",
    )
    assert body["pr_title"] == "[HOTFIX] Fix login 500s"
    assert "notify hook (webhook):" in result.stderr


def test_a_dry_run_release_posts_nothing(
    emulator: Any, tmp_path: Path, receiver: WebhookReceiver
) -> None:
    sha = scene(emulator)
    config(tmp_path, required=True)
    result = release(
        emulator, tmp_path, sha, "--dry-run", HOOK_URL=receiver.url, HOOK_SECRET=SECRET
    )
    assert result.exit_code == 0, result.stderr
    assert receiver.deliveries == []


def test_a_failed_required_channel_exits_1_with_the_release_done(
    emulator: Any, tmp_path: Path, receiver: WebhookReceiver
) -> None:
    sha = scene(emulator)
    config(tmp_path, required=True)
    outputs = outputs_file(tmp_path)
    result = release(
        emulator,
        tmp_path,
        sha,
        HOOK_URL=receiver.url,
        HOOK_SECRET="wrong-" + "1" * 24,
        GITHUB_OUTPUT=str(outputs),
    )
    assert result.exit_code == 1
    assert "a required notify channel failed" in result.stderr
    assert read_outputs(outputs)["tag"] == "hotfix-v1.4.3"  # the release is complete
    assert any(r["ref"] == "refs/tags/hotfix-v1.4.3" for r in emulator.refs("acme/web"))
    assert [d.verified for d in receiver.deliveries] == [False]
