"""Issue 10 items 6, 8 (a, b) and 10: the deployment log never sends a rollback to the
wrong release, and every rollback that happened is recorded or says it was not.

Before: a status POST landing late (in_progress after success) made the live release look
unfinished, so ``rollback`` went two releases back; a rollback whose Deployment could not
be written exited 0; ``--to`` a missing tag reached the provider (which made it "live");
a plain ``rollback`` after ``rollback --to OLDER`` rolled *forward* to a newer release.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from hotfix_ci.commands.demo.sample_app import read_state
from hotfix_ci.testing import Fault
from tests.helpers.cli import REPO
from tests.helpers.deploy import Scene, deployed

OLD, GOOD, NEW, BAD = "hotfix-v1.4.1", "hotfix-v1.4.2", "hotfix-v1.4.3", "hotfix-v1.4.4"


def rollback(scene: Scene, *flags: str, **extra: str) -> Any:
    return scene.cli(["rollback", "-e", "production", *flags], **extra)


def provider_calls(scene: Scene) -> list[str]:
    return [call[0] for call in read_state(scene.state).get("calls", [])]


def test_a_late_in_progress_status_does_not_demote_success(scene: Scene) -> None:
    """Item 6: the first in_progress POST of NEW answers after the client gave up and
    lands after NEW's success; the log still reads NEW as live, so rollback goes one back."""
    deployed(scene, OLD, GOOD)
    scene.emu.faults.add(Fault(method="POST", path=r"/statuses$", kind="slow", delay=2.0))
    result = scene.deploy(NEW, HOTFIX_CI_HTTP_TIMEOUT="0.5")
    assert result.exit_code == 0, result.stderr
    newest = scene.emu.deployments(REPO)[0]["id"]
    deadline = time.monotonic() + 10
    while len(scene.emu.deployment_statuses(REPO, newest)) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert scene.history()[-1] == (
        NEW,
        f"deploy {NEW} via app",
        ["in_progress", "success", "in_progress"],
    )
    back = rollback(scene)
    assert back.exit_code == 0, back.stderr
    assert scene.live() == GOOD  # before: OLD, two releases back
    assert scene.history()[-1][:2] == (GOOD, f"rollback of {NEW} to {GOOD} via app")


def test_rollback_refuses_when_the_provider_contradicts_the_log(scene: Scene) -> None:
    """Item 6: someone put GOOD back by hand; the log still says NEW. Nothing is done."""
    deployed(scene, OLD, GOOD, NEW)
    scene.set(live=GOOD)
    before = len(scene.history())
    result = rollback(scene)
    assert result.exit_code == 2
    assert f"the deployment log says {NEW} is live, but app reports {GOOD}" in result.stderr
    assert "--to TAG" in result.stderr
    assert "rollback" not in provider_calls(scene)
    assert scene.live() == GOOD and len(scene.history()) == before


def test_a_rollback_that_cannot_be_recorded_exits_4(scene: Scene) -> None:
    """Item 8: the rollback ran, GitHub refused every Deployment write: exit 4, as deploy."""
    deployed(scene, GOOD, NEW)
    scene.emu.faults.add(Fault(method="POST", path=r"/deployments$", status=502, times=None))
    result = rollback(scene)
    assert result.exit_code == 4, result.stdout + result.stderr
    assert scene.live() == GOOD  # the rollback itself went through
    assert f"the rollback Deployment of {GOOD} was not recorded" in result.stderr
    assert "re-run the job once GitHub answers" in result.stderr


@pytest.mark.parametrize("tag", ["hotfix-v9.9.9", "-rf", "hotfix-v1.4"])
def test_to_a_tag_that_does_not_exist_exits_2_before_the_provider(scene: Scene, tag: str) -> None:
    """Item 8: before, the command provider was asked to make the missing tag live."""
    deployed(scene, GOOD, NEW)
    calls = provider_calls(scene)
    result = rollback(scene, f"--to={tag}")
    assert result.exit_code == 2
    assert provider_calls(scene) == calls and scene.live() == NEW
    if tag.startswith("-"):
        assert f"--to {tag!r} is not a release tag" in result.stderr
    else:
        assert f"--to {tag}: the repository has no such tag" in result.stderr
        assert f"existing tags, newest first: {BAD}, {NEW}, {GOOD}, {OLD}" in result.stderr


@pytest.mark.parametrize("first", [["--to", OLD], []], ids=["after-to", "after-plain"])
def test_a_plain_rollback_after_any_rollback_has_nothing_to_do(
    scene: Scene, first: list[str]
) -> None:
    """Item 10: never walk further back, never forward, under the name rollback."""
    deployed(scene, OLD, GOOD, NEW)
    assert rollback(scene, *first).exit_code == 0
    target = OLD if first else GOOD
    assert scene.live() == target
    count = len(scene.history())
    again = rollback(scene)
    assert again.exit_code == 0, again.stderr
    assert f"{target} is already live on app: nothing to do" in again.stdout
    assert "--to TAG" in again.stdout + again.stderr
    assert scene.live() == target and len(scene.history()) == count
