"""`hotfix-ci deploy` does its exit-2 checks (the tag exists, the provider's settings are
filled in, the flags are well formed) before it posts "in progress" or asks the provider
anything, and a dry run does the same checks.

Before: a mistyped ``--ref`` or a config still saying ``fill-in`` posted "in progress" to
the channels and then exited 2 with no final message; a GitHub error while looking the tag
up left no job summary, no ``state``/``exit-code`` outputs and posted no outcome; and
``--dry-run`` never looked at the tag, so it said "ok" for a run that would exit 2.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hotfix_ci.commands.demo.sample_app import SampleService, read_state
from hotfix_ci.notify.receiver import WebhookReceiver
from hotfix_ci.testing import Fault
from tests.helpers.cli import REPO, Result
from tests.helpers.deploy import Scene
from tests.helpers.release import outputs_file, read_outputs

NEW = "hotfix-v1.4.3"
SECRET = "whsec-" + "5" * 24


NOTIFY = {
    "channels": [{"name": "hook", "type": "webhook", "url_env": "HOOK_URL", "secret_env": "HOOK"}],
    "events": {"in-progress": ["hook"], "failed": ["hook"], "deployed": ["hook"]},
}


class AnnouncedScene(Scene):
    """The deploy scene with one signed webhook channel for "in progress" and its outcome."""

    def write_config(self) -> None:
        super().write_config()
        config_file = self.tmp / ".github" / "hotfix.yml"
        config_file.write_text(
            json.dumps({**json.loads(config_file.read_text()), "notify": NOTIFY})
        )


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver(secret=SECRET) as hook:
        yield hook


@pytest.fixture
def announced(emulator: Any, tmp_path: Path, receiver: WebhookReceiver) -> Iterator[Scene]:
    with SampleService(tmp_path / "state.json") as service:
        yield AnnouncedScene(emulator, tmp_path, service)


def deploy(scene: Scene, receiver: WebhookReceiver, ref: str, *flags: str, **env: str) -> Result:
    return scene.deploy(
        ref,
        *flags,
        HOOK_URL=receiver.url,
        HOOK=SECRET,
        HOTFIX_CI_NOTIFY_ATTEMPTS="1",
        **env,
    )


def posted(receiver: WebhookReceiver) -> list[str]:
    return [str(delivery.payload.get("event")) for delivery in receiver.deliveries]


def provider_calls(scene: Scene) -> list[str]:
    return [call[0] for call in read_state(scene.state).get("calls", [])]


def test_a_mistyped_ref_exits_2_before_in_progress_is_posted(
    announced: Scene, receiver: WebhookReceiver
) -> None:
    result = deploy(announced, receiver, "hotfix-v1.4.33")
    assert result.exit_code == 2, result.stdout + result.stderr
    assert "--ref hotfix-v1.4.33: the repository has no such tag" in result.stderr
    assert posted(receiver) == []
    assert provider_calls(announced) == [] and announced.emu.deployments(REPO) == []
    assert deploy(announced, receiver, NEW).exit_code == 0
    assert posted(receiver) == ["in-progress", "deployed"]  # the channel itself works


def test_an_unfilled_provider_exits_2_before_in_progress_is_posted(
    announced: Scene, receiver: WebhookReceiver
) -> None:
    announced.environment["providers"][0]["with"]["deploy"] = ["fill-in"]
    announced.write_config()
    result = deploy(announced, receiver, NEW)
    assert result.exit_code == 2, result.stdout + result.stderr
    assert ".with: deploy[0] still say 'fill-in'" in result.stderr
    assert posted(receiver) == []
    assert announced.emu.deployments(REPO) == []


@pytest.mark.parametrize(
    ("flag", "env"),
    [
        (("--break-glass", "{not json"), {}),
        ((), {"GITHUB_RUN_ATTEMPT": "two"}),
    ],
)
def test_a_malformed_flag_exits_2_before_in_progress_is_posted(
    announced: Scene, receiver: WebhookReceiver, flag: tuple[str, ...], env: dict[str, str]
) -> None:
    result = deploy(announced, receiver, NEW, *flag, **env)
    assert result.exit_code == 2, result.stdout + result.stderr
    assert posted(receiver) == []
    assert provider_calls(announced) == []
    dry = deploy(announced, receiver, NEW, "--dry-run", *flag, **env)
    assert dry.exit_code == 2, dry.stdout + dry.stderr


def test_a_github_error_looking_up_the_tag_ends_in_the_report(
    announced: Scene, receiver: WebhookReceiver
) -> None:
    announced.emu.faults.add(Fault(method="GET", path=r"/git/ref/tags/", status=500, times=None))
    summary, outputs = announced.tmp / "summary.md", outputs_file(announced.tmp)
    result = deploy(
        announced,
        receiver,
        NEW,
        "--format",
        "json",
        HOTFIX_CI_HTTP_RETRIES="0",
        GITHUB_STEP_SUMMARY=str(summary),
        GITHUB_OUTPUT=str(outputs),
    )
    assert result.exit_code == 4, result.stdout + result.stderr
    outcome = json.loads(result.stdout)["outcome"]
    assert outcome["state"] == "stopped" and outcome["exit_code"] == 4
    assert outcome["message"].startswith(f"reading the tag {NEW}: ")
    assert outcome["message"].endswith("; nothing was deployed")
    written = read_outputs(outputs)
    assert (written["state"], written["exit-code"]) == ("stopped", "4")
    assert "stopped (exit 4)" in summary.read_text()
    assert posted(receiver) == ["failed"]  # the outcome, and no "in progress" before it
    assert provider_calls(announced) == [] and announced.emu.deployments(REPO) == []


@pytest.mark.parametrize(
    ("flags", "said"),
    [
        (("--ref", "hotfix-v9.9.9"), "--ref hotfix-v9.9.9: the repository has no such tag"),
        (("--ref", NEW, "--sha", "a" * 40), f"--sha {'a' * 40} is not the commit of {NEW}"),
    ],
)
def test_a_dry_run_checks_the_tag_as_the_deploy_does(
    scene: Scene, flags: tuple[str, ...], said: str
) -> None:
    result = scene.cli(["deploy", "-e", "production", "-p", "app", "--dry-run", *flags])
    assert result.exit_code == 2, result.stdout + result.stderr
    assert said in result.stderr
    assert "would create a GitHub Deployment" not in result.stdout
    assert provider_calls(scene) == [] and scene.emu.deployments(REPO) == []
