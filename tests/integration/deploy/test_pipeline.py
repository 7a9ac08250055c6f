"""`hotfix-ci deploy` end to end: the GitHub emulator, a real service on 127.0.0.1 whose
/health follows the live release, and the `command` provider running the sample tool.

Every fault ends in one of three states: the new release live and healthy, the rollback
point live and recorded (exit 5), or exit 6 naming what is broken.
"""

from __future__ import annotations

import sys

from hotfix_ci.testing import Fault
from tests.helpers.deploy import Scene

GOOD, NEW, BAD = "hotfix-v1.4.2", "hotfix-v1.4.3", "hotfix-v1.4.4"


def deployed(scene: Scene, tag: str) -> None:
    """A release deployed and recorded healthy, as an earlier run left it."""
    result = scene.deploy(tag)
    assert result.exit_code == 0, result.stderr


def test_healthy_release_is_deployed_and_recorded(scene: Scene) -> None:
    deployed(scene, GOOD)
    result = scene.deploy(NEW)
    assert result.exit_code == 0, result.stderr
    assert scene.live() == NEW
    assert scene.history()[-1] == (NEW, f"deploy {NEW} via app", ["in_progress", "success"])
    payload = scene.payloads()[-1]
    assert payload["tag"] == NEW and payload["version"] == "1.4.3"
    assert payload["previous"]["ref"] == GOOD and payload["previous"]["tag"] == GOOD
    deployment = scene.emu.deployments("acme/web")[0]
    statuses = scene.emu.deployment_statuses("acme/web", deployment["id"])
    assert statuses[0]["environment_url"] == "https://shop.example.com"
    assert statuses[0]["log_url"] == "https://github.com/acme/web/actions/runs/42"
    # one line per probe, with the gate's name, verdict and latency
    probe_lines = [line for line in result.stdout.splitlines() if "  health  PASS  200 in " in line]
    assert len(probe_lines) == 6


def test_failing_gate_rolls_back_to_the_point_and_exits_5(scene: Scene) -> None:
    deployed(scene, GOOD)
    scene.set(bad=[BAD])
    result = scene.deploy(BAD)
    assert result.exit_code == 5, result.stdout + result.stderr
    assert scene.live() == GOOD
    assert scene.history()[-2:] == [
        (BAD, f"deploy {BAD} via app", ["in_progress", "failure"]),
        (GOOD, f"automatic rollback of {BAD} to {GOOD} via app", ["success"]),
    ]
    rollback_payload = scene.payloads()[-1]
    assert rollback_payload["rollback_of"] == BAD and rollback_payload["point"]["ref"] == GOOD
    assert "gate health failed 2 probes in a row" in result.stderr
    assert f"rolled back to {GOOD}" in result.stderr
    assert "  health  FAIL  500 in " in result.stdout
    after = [line for line in result.stdout.splitlines() if "health  PASS" in line]
    assert len(after) == 1  # the single post-rollback probe


def test_second_gate_failing_alone_also_rolls_back(scene: Scene) -> None:
    deployed(scene, GOOD)
    smoke = scene.tmp / "smoke.py"
    smoke.write_text(
        "import json, sys\n"
        f"live = json.load(open({str(scene.state)!r}))['live']\n"
        f"print('smoke', live)\nsys.exit(1 if live == {BAD!r} else 0)\n"
    )
    scene.environment["gates"].append(
        {"name": "smoke", "type": "command", "run": [sys.executable, str(smoke)]}
    )
    scene.write_config()
    result = scene.deploy(BAD)
    assert result.exit_code == 5, result.stderr
    assert "gate smoke failed" in result.stderr
    assert scene.live() == GOOD


def test_failing_before_check_stops_before_any_deployment(scene: Scene) -> None:
    deployed(scene, GOOD)
    check = scene.tmp / "validate.py"
    check.write_text(
        "import sys\nprint('env', sys.argv[1], 'lacks DB_URL', file=sys.stderr)\nsys.exit(3)\n"
    )
    scene.environment["before"] = [[sys.executable, str(check), "{environment}"]]
    scene.write_config()
    result = scene.deploy(NEW)
    assert result.exit_code == 1
    assert "env production lacks DB_URL" in result.stderr
    assert "nothing was deployed" in result.stderr
    assert scene.live() == GOOD
    assert len(scene.history()) == 1


def test_unreadable_rollback_point_stops_before_deploying(scene: Scene) -> None:
    deployed(scene, GOOD)
    scene.set(fail={"current": "cluster unreachable"})
    result = scene.deploy(NEW)
    assert result.exit_code == 1
    assert "cluster unreachable" in result.stderr and "nothing was deployed" in result.stderr
    assert len(scene.history()) == 1


def test_failed_deploy_command_is_rolled_back(scene: Scene) -> None:
    deployed(scene, GOOD)
    scene.set(fail={"deploy": "image pull failed"})
    result = scene.deploy(NEW)
    assert result.exit_code == 5, result.stderr
    assert "image pull failed" in result.stderr
    assert scene.live() == GOOD
    assert [h[2] for h in scene.history()[-2:]] == [["in_progress", "failure"], ["success"]]


def test_failed_rollback_exits_6_and_names_what_is_live(scene: Scene) -> None:
    deployed(scene, GOOD)
    scene.set(bad=[BAD], fail={"rollback": "registry unreachable"})
    result = scene.deploy(BAD)
    assert result.exit_code == 6
    assert "a human must act now" in result.stderr
    assert "registry unreachable" in result.stderr
    assert f"live now:  {BAD}" in result.stderr
    assert f"hotfix-ci rollback --environment production --provider app --to {GOOD}" in (
        result.stderr
    )
    assert scene.live() == BAD
    assert scene.history()[-1] == (
        GOOD,
        f"automatic rollback of {BAD} to {GOOD} via app",
        ["failure"],
    )


def test_rollback_point_unhealthy_too_exits_6(scene: Scene) -> None:
    deployed(scene, GOOD)
    scene.set(bad=[GOOD, BAD])
    result = scene.deploy(BAD)
    assert result.exit_code == 6
    assert "its gates fail too" in result.stderr
    assert scene.live() == GOOD


def test_nothing_to_roll_back_to_exits_6(scene: Scene) -> None:
    scene.set(bad=[BAD])
    result = scene.deploy(BAD)
    assert result.exit_code == 6
    assert "no rollback point" in result.stderr
    assert scene.history() == [(BAD, f"deploy {BAD} via app", ["in_progress", "failure"])]


def test_rollback_disabled_leaves_the_release_and_exits_1(scene: Scene) -> None:
    deployed(scene, GOOD)
    scene.environment["rollback"] = {"on_failure": False}
    scene.write_config()
    scene.set(bad=[BAD])
    result = scene.deploy(BAD)
    assert result.exit_code == 1
    assert scene.live() == BAD
    assert "rollback.on_failure is false" in result.stderr


def test_point_falls_back_to_the_deployment_log_without_current(scene: Scene) -> None:
    deployed(scene, GOOD)
    del scene.environment["providers"][0]["with"]["current"]
    scene.write_config()
    scene.set(bad=[BAD])
    result = scene.deploy(BAD)
    assert result.exit_code == 5, result.stderr
    assert f"rollback point: release {GOOD}\n" in result.stdout
    assert scene.live() == GOOD


def test_rerun_of_an_older_release_is_recorded_as_a_rollback(scene: Scene) -> None:
    deployed(scene, GOOD)
    deployed(scene, NEW)
    result = scene.deploy(GOOD, GITHUB_RUN_ATTEMPT="2")
    assert result.exit_code == 0, result.stderr
    assert f"this is a ROLLBACK of {NEW}" in result.stdout
    assert scene.payloads()[-1]["rollback_of"] == NEW
    assert scene.history()[-1][1] == f"rollback of {NEW} to {GOOD} via app"
    # a first attempt deploying the same old tag is just a deploy
    deployed(scene, NEW)
    plain = scene.deploy(GOOD)
    assert plain.exit_code == 0 and "rollback_of" not in scene.payloads()[-1]


def test_status_write_retried_once_still_records_success(scene: Scene) -> None:
    deployed(scene, GOOD)
    scene.emu.faults.add(Fault(method="POST", path=r"/statuses$", status=502, times=1))
    result = scene.deploy(NEW)
    assert result.exit_code == 0, result.stderr
    assert scene.history()[-1][2] == ["in_progress", "success"]


def test_status_writes_failing_for_good_keep_the_release_and_exit_4(scene: Scene) -> None:
    deployed(scene, GOOD)
    scene.emu.faults.add(Fault(method="POST", path=r"/statuses$", status=500, times=None))
    result = scene.deploy(NEW)
    assert result.exit_code == 4
    assert scene.live() == NEW
    assert "GitHub did not record it" in result.stderr
    assert scene.history()[-1][2] == []


def test_status_writes_failing_do_not_stop_the_rollback(scene: Scene) -> None:
    deployed(scene, GOOD)
    scene.set(bad=[BAD])
    scene.emu.faults.add(Fault(method="POST", path=r"/statuses$", status=500, times=None))
    result = scene.deploy(BAD)
    assert result.exit_code == 5
    assert scene.live() == GOOD
    assert "was not marked failure" in result.stdout


def test_deployment_that_cannot_be_created_stops_before_deploying(scene: Scene) -> None:
    deployed(scene, GOOD)
    scene.emu.faults.add(Fault(method="POST", path=r"/deployments$", status=500, times=None))
    result = scene.deploy(NEW)
    assert result.exit_code == 4
    assert "nothing was deployed" in result.stderr
    assert scene.live() == GOOD
