"""`hotfix-ci rollback`: the Deployments API as the log, idempotent, gates once after."""

from __future__ import annotations

from typing import Any

from hotfix_ci.testing import Fault
from tests.helpers.deploy import Scene, deployed

OLD, GOOD, NEW, BAD = "hotfix-v1.4.1", "hotfix-v1.4.2", "hotfix-v1.4.3", "hotfix-v1.4.4"


def rollback(scene: Scene, *flags: str) -> Any:
    return scene.cli(["rollback", "-e", "production", *flags])


def test_rolls_back_to_the_last_good_release_and_records_it(scene: Scene) -> None:
    deployed(scene, GOOD, NEW)
    result = rollback(scene)
    assert result.exit_code == 0, result.stderr
    assert scene.live() == GOOD
    assert scene.history()[-1] == (
        GOOD,
        f"rollback of {NEW} to {GOOD} via app",
        ["in_progress", "success"],
    )
    assert scene.payloads()[-1]["rollback_of"] == NEW
    assert "health  PASS" in result.stdout  # the gates ran once after


def test_second_rollback_says_it_is_already_there(scene: Scene) -> None:
    deployed(scene, GOOD, NEW)
    assert rollback(scene).exit_code == 0
    before = len(scene.history())
    again = rollback(scene)
    assert again.exit_code == 0
    assert f"{GOOD} is already live on app: nothing to do" in again.stdout
    assert len(scene.history()) == before
    assert scene.live() == GOOD


def test_after_an_automatic_rollback_there_is_nothing_left_to_do(scene: Scene) -> None:
    deployed(scene, GOOD)
    scene.set(bad=[BAD])
    assert scene.deploy(BAD).exit_code == 5
    result = rollback(scene, "--provider", "app")
    assert result.exit_code == 0
    assert "already live" in result.stdout


def test_to_a_named_tag_uses_the_recorded_point(scene: Scene) -> None:
    deployed(scene, OLD, GOOD, NEW)
    result = rollback(scene, "--to", OLD)
    assert result.exit_code == 0, result.stderr
    assert scene.live() == OLD
    assert scene.history()[-1][0] == OLD


def test_a_failing_rollback_exits_6_with_the_state(scene: Scene) -> None:
    deployed(scene, GOOD, NEW)
    scene.set(fail={"rollback": "quota exceeded"})
    result = rollback(scene)
    assert result.exit_code == 6
    assert "a human must act now" in result.stderr and "quota exceeded" in result.stderr
    assert f"live now:  {NEW}" in result.stderr
    assert scene.history()[-1][2] == ["in_progress", "failure"]


def test_unhealthy_target_exits_6(scene: Scene) -> None:
    deployed(scene, GOOD, NEW)
    scene.set(bad=[GOOD])
    result = rollback(scene)
    assert result.exit_code == 6
    assert "its gates fail too" in result.stderr
    assert scene.history()[-1][2] == ["in_progress", "failure"]


def test_nothing_earlier_in_the_log_is_a_usage_error(scene: Scene) -> None:
    deployed(scene, GOOD)
    result = rollback(scene)
    assert result.exit_code == 2
    assert "--to TAG" in result.stderr
    assert scene.live() == GOOD


def test_dry_run_changes_nothing(scene: Scene) -> None:
    deployed(scene, GOOD, NEW)
    result = rollback(scene, "--dry-run")
    assert result.exit_code == 0
    assert f"would roll app back from {NEW} to" in result.stdout
    assert scene.live() == NEW and len(scene.history()) == 2


def test_unreadable_log_exits_4_without_touching_the_provider(scene: Scene) -> None:
    deployed(scene, GOOD, NEW)
    scene.emu.faults.add(Fault(method="GET", path=r"/deployments$", status=500, times=None))
    result = rollback(scene)
    assert result.exit_code == 4
    assert scene.live() == NEW
