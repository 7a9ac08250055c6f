"""Issue 10 items 8 (a killed job's Deployment) and 9 (two runs, one environment).

Before: a Deployment left ``in_progress`` by a killed job stayed so forever; two runs
deploying one environment at once both went ahead and both recorded the same previous
release.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from hotfix_ci.deploy import guard
from tests.helpers.cli import REPO
from tests.helpers.deploy import Scene

GOOD, NEW, NEWER = "hotfix-v1.4.2", "hotfix-v1.4.3", "hotfix-v1.4.4"
RUN_URL = "https://github.com/acme/web/actions/runs/{}"


def spawn(scene: Scene, tag: str, run_id: str, watch_seconds: float) -> subprocess.Popen[str]:
    """``hotfix-ci deploy`` as another job would run it: its own process, its own run id,
    healthy gates watched for ``watch_seconds``."""
    scene.environment["watch"] = {**scene.environment["watch"], "duration": watch_seconds}
    scene.write_config()
    env = {**os.environ, **scene.env(GITHUB_RUN_ID=run_id)}
    argv = [sys.executable, "-m", "hotfix_ci", "deploy", "-e", "production", "-p", "app"]
    with (scene.tmp / f"job-{run_id}.log").open("w") as log:  # the child keeps its copy
        return subprocess.Popen(
            [*argv, "--ref", tag], cwd=scene.tmp, env=env, stdout=log, stderr=log, text=True
        )


def job_log(scene: Scene, run_id: str) -> str:
    return (scene.tmp / f"job-{run_id}.log").read_text()


def wait_for_states(scene: Scene, ref: str, states: list[str], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(h[0] == ref and h[2] == states for h in scene.history()):
            return
        time.sleep(0.05)
    raise AssertionError(f"no Deployment of {ref} reached {states}: {scene.history()}")


def fast_watch(scene: Scene) -> None:
    scene.environment["watch"] = {**scene.environment["watch"], "duration": 0.25}
    scene.write_config()


class FakeClock:
    """The guard's injected clock: sleeping advances it, no real time passes."""

    def __init__(self) -> None:
        self.now = time.time()
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(guard, "CLOCK", fake.clock)
    monkeypatch.setattr(guard, "SLEEP", fake.sleep)
    return fake


def killed_deploy(scene: Scene, run_id: str) -> None:
    """A deploy of NEW whose job is killed (SIGKILL: nothing runs after) mid-watch."""
    job = spawn(scene, NEW, run_id, watch_seconds=30)
    try:
        wait_for_states(scene, NEW, ["in_progress"])
    finally:
        job.send_signal(signal.SIGKILL)
        job.wait(10)
    fast_watch(scene)


@pytest.mark.parametrize("command", ["deploy", "rollback"])
def test_a_killed_attempt_is_closed_by_the_rerun(scene: Scene, command: str) -> None:
    assert scene.deploy(GOOD, GITHUB_RUN_ID="40").exit_code == 0
    killed_deploy(scene, "41")
    if command == "deploy":
        result = scene.deploy(NEW, GITHUB_RUN_ID="41", GITHUB_RUN_ATTEMPT="2")
    else:
        result = scene.cli(
            ["rollback", "-e", "production", "--to", GOOD],
            GITHUB_RUN_ID="41",
            GITHUB_RUN_ATTEMPT="2",
        )
    assert result.exit_code == 0, result.stdout + result.stderr
    killed = scene.history()[1]
    assert killed == (NEW, f"deploy {NEW} via app", ["in_progress", "error", "inactive"])
    closed = scene.emu.deployment_statuses(REPO, scene.emu.deployments(REPO)[-2]["id"])
    assert closed[0]["description"].startswith("closed by run 41")
    assert "closed Deployment" in result.stdout


def test_a_dead_run_is_closed_once_stale(scene: Scene, fake_clock: FakeClock) -> None:
    assert scene.deploy(GOOD, GITHUB_RUN_ID="40").exit_code == 0
    killed_deploy(scene, "41")
    fake_clock.now = time.time() + guard.STALE_AFTER + 1  # an hour later, the next release
    result = scene.deploy(NEWER, GITHUB_RUN_ID="42")
    assert result.exit_code == 0, result.stderr
    assert scene.history()[1][2] == ["in_progress", "error", "inactive"]
    assert fake_clock.slept == []  # a stale one is not waited for


def test_another_live_run_is_waited_for_then_refused(scene: Scene, fake_clock: FakeClock) -> None:
    assert scene.deploy(GOOD, GITHUB_RUN_ID="40").exit_code == 0
    other = spawn(scene, NEW, "41", watch_seconds=60)
    try:
        wait_for_states(scene, NEW, ["in_progress"])
        fast_watch(scene)
        before = len(scene.history())
        result = scene.deploy(NEWER, GITHUB_RUN_ID="42")
        assert result.exit_code == 1, result.stdout + result.stderr
        assert "another run is still deploying production after 300s" in result.stderr
        assert f"run 41 (attempt 1), {RUN_URL.format(41)}" in result.stderr
        assert "waiting up to 300s" in result.stdout
        assert sum(fake_clock.slept) == pytest.approx(guard.BUSY_WAIT)
        assert len(scene.history()) == before and scene.live() == NEW
    finally:
        other.send_signal(signal.SIGTERM)
        other.wait(20)


def test_another_run_that_finishes_is_waited_for(scene: Scene) -> None:
    """The second run starts while the first watches; it waits, then records the first's
    release as its previous one (before: both recorded GOOD)."""
    assert scene.deploy(GOOD, GITHUB_RUN_ID="40").exit_code == 0
    other = spawn(scene, NEW, "41", watch_seconds=2)
    wait_for_states(scene, NEW, ["in_progress"])
    fast_watch(scene)
    result = scene.deploy(NEWER, GITHUB_RUN_ID="42", HOTFIX_CI_BUSY_POLL="0.2")
    assert other.wait(20) == 0, job_log(scene, "41")
    assert result.exit_code == 0, result.stderr
    assert "another run is deploying production" in result.stdout
    assert "production is free now" in result.stdout
    newest = scene.payloads()[-1]
    assert newest["tag"] == NEWER and newest["previous"]["tag"] == NEW
    assert [h[2][-1] for h in scene.history()] == ["success", "success", "success"]
