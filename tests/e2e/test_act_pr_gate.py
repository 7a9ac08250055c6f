"""The rendered PR-gate workflow, run by act in host mode, gates a PR on the emulator."""

from __future__ import annotations

from pathlib import Path

import pytest

from hotfix_ci.testing.contract import webhook_example
from tests.helpers import act
from tests.helpers.act import ACTION, TOKEN, ActRun, assert_hermetic
from tests.helpers.cli import REPO, seed
from tests.helpers.servers import server

__all__ = ["ACTION", "TOKEN", "make_checkout", "pr_event", "run_act"]
pytestmark = [pytest.mark.e2e, pytest.mark.slow, server]


def make_checkout(tmp_path: Path) -> Path:
    return act.make_checkout(tmp_path / "web", ("hotfix-pr-gate.yml",), "version: 1\n")


def run_act(
    repo: Path, tmp_path: Path, emu, event: dict, *, event_name: str = "pull_request_target"
) -> ActRun:
    """The PR-gate workflow on ``event``; nothing may leave loopback, nor the token leak."""
    base = act.scratch(tmp_path.parent)  # pytest's base temp: one scratch per session
    with act.proxy_trap() as trap:
        res = act.run_act(
            repo, base, emu, event_name, event, workflow="hotfix-pr-gate.yml", trap=trap
        )
    assert_hermetic(res, emu, trap)
    return res


def pr_event(emu, number: int) -> dict:
    event = webhook_example("pull_request", "opened", api_url=emu.url)
    event["number"] = number
    event["pull_request"]["number"] = number
    event["repository"]["full_name"] = REPO
    return event


def test_pr_gate_workflow_under_act(emulator, tmp_path: Path) -> None:
    repo = make_checkout(tmp_path)
    n = seed(emulator)  # P1 hotfix without approval: the gate must fail
    res = run_act(repo, tmp_path, emulator, pr_event(emulator, n))
    log = res.stdout + res.stderr
    assert res.returncode != 0, log
    assert "approvals: P1 needs 1 approval(s)" in log, log[-4000:]
    assert TOKEN not in log
    runs = emulator.check_runs(REPO)
    assert len(runs) == 1 and runs[0]["conclusion"] == "failure"

    emulator.add_review(REPO, n, "alice", state="APPROVED")
    res = run_act(repo, tmp_path, emulator, pr_event(emulator, n))
    log = res.stdout + res.stderr
    assert res.returncode == 0, log[-4000:]
    assert "passed" in log
    runs = emulator.check_runs(REPO)
    assert len(runs) == 1 and runs[0]["conclusion"] == "success"
    assert len(emulator.comments(REPO, n)) == 1
