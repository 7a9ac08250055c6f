"""`hotfix-ci gate`, `deploy --dry-run`, `--format json`, and a cancelled deploy."""

from __future__ import annotations

import json
import os
import signal
import threading
import time

from tests.helpers.deploy import Scene

GOOD, NEW, BAD = "hotfix-v1.4.2", "hotfix-v1.4.3", "hotfix-v1.4.4"


def test_gate_passes_on_a_healthy_service_without_github(scene: Scene) -> None:
    scene.set(live=GOOD)
    result = scene.cli(["gate", "-e", "production"], GITHUB_TOKEN="", GITHUB_API_URL="")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("health  PASS") == 6
    assert scene.emu.requests == []


def test_gate_fails_on_an_unhealthy_service(scene: Scene) -> None:
    scene.set(live=BAD, bad=[BAD])
    result = scene.cli(["gate", "-e", "production", "--format", "json"])
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["outcome"]["state"] == "unhealthy"
    assert [p["ok"] for p in document["probes"]] == [False, False]
    assert "gate health failed" in result.stderr


def test_gate_masks_header_secrets_before_the_first_line(scene: Scene) -> None:
    scene.environment["gates"][0]["headers"] = {"Authorization": "Bearer ${HEALTH_TOKEN}"}
    scene.write_config()
    scene.set(live=GOOD)
    secret = "s3cr3t-" + "x" * 20
    result = scene.cli(["gate", "-e", "production"], GITHUB_ACTIONS="true", HEALTH_TOKEN=secret)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == f"::add-mask::{secret}"
    assert secret not in result.stdout.split("\n", 1)[1]


def test_unknown_environment_and_provider_are_named(scene: Scene) -> None:
    wrong_env = scene.cli(["gate", "-e", "prod"])
    assert wrong_env.exit_code == 2 and "did you mean 'production'" in wrong_env.stderr
    wrong_provider = scene.deploy(NEW, "--dry-run").exit_code  # sanity: the right one works
    assert wrong_provider == 0
    bad = scene.cli(["deploy", "-e", "production", "-p", "ap", "--ref", NEW])
    assert bad.exit_code == 2 and "did you mean 'app'" in bad.stderr


def test_dry_run_prints_the_plan_and_changes_nothing(scene: Scene) -> None:
    scene.set(live=GOOD)
    result = scene.deploy(NEW, "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "would create a GitHub Deployment: environment production, ref hotfix-v1.4.3" in (
        result.stdout
    )
    assert "would watch gates health" in result.stdout
    assert scene.live() == GOOD
    assert scene.emu.deployments("acme/web") == []


def test_json_document_and_job_summary_of_a_rolled_back_deploy(scene: Scene) -> None:
    assert scene.deploy(GOOD).exit_code == 0
    scene.set(bad=[BAD])
    summary = scene.tmp / "summary.md"
    outputs = scene.tmp / "outputs.txt"
    result = scene.deploy(
        BAD, "--format", "json", GITHUB_STEP_SUMMARY=str(summary), GITHUB_OUTPUT=str(outputs)
    )
    assert result.exit_code == 5
    document = json.loads(result.stdout)
    assert document["outcome"]["state"] == "rolled_back"
    assert document["outcome"]["live"] == GOOD
    assert [p["phase"] for p in document["probes"]] == ["watch", "watch", "after-rollback"]
    assert [(d["kind"], d["state"]) for d in document["deployments"]] == [
        ("deploy", "failure"),
        ("rollback", "success"),
    ]
    assert document["rollback_point"]["ref"] == GOOD
    assert "health  FAIL" in result.stderr  # progress went to stderr
    text = summary.read_text()
    assert "### Gate probes" in text and "| after-rollback | health | pass |" in text
    assert "rolled back (exit 5)" in text
    assert "rolled-back<<" in outputs.read_text()


def test_cancelled_watch_still_writes_the_final_status(scene: Scene) -> None:
    assert scene.deploy(GOOD).exit_code == 0
    scene.environment["watch"] = {
        "initial_delay": 0,
        "interval": 0.1,
        "duration": 30,
        "failure_limit": 2,
        "timeout": 1,
    }
    scene.write_config()

    def cancel_once_deployed() -> None:
        deadline = time.monotonic() + 20
        while scene.live() != NEW and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.3)
        os.kill(os.getpid(), signal.SIGINT)

    canceller = threading.Thread(target=cancel_once_deployed)
    canceller.start()
    started = time.monotonic()
    result = scene.deploy(NEW)
    canceller.join()
    assert result.exit_code == 130
    assert time.monotonic() - started < 10
    assert scene.history()[-1][2] == ["in_progress", "error"]
    assert "interrupted by SIGINT" in result.stderr


def test_a_provider_that_cannot_be_set_up_is_a_config_error(scene: Scene) -> None:
    scene.environment["providers"] = [
        {
            "name": "app",
            "type": "compose-ssh",
            "with": {
                "host": "127.0.0.1",
                "user": "deploy",
                "directory": "/srv/app",
                "identity_file": str(scene.tmp / "id_ed25519"),
                "known_hosts": str(scene.tmp / "missing_known_hosts"),
            },
        }
    ]
    scene.write_config()
    res = scene.deploy(NEW)
    assert res.exit_code == 2, res.stdout + res.stderr
    assert "deploy.environments.production.providers[0]" in res.stderr
    assert "known_hosts" in res.stderr
    assert scene.emu.deployments("acme/web") == []


def test_sigterm_to_the_process_still_writes_the_final_status(scene: Scene) -> None:
    """A cancelled Actions run sends SIGTERM to the step's process."""
    import subprocess
    import sys

    assert scene.deploy(GOOD).exit_code == 0
    scene.environment["watch"] = {
        "initial_delay": 0,
        "interval": 0.1,
        "duration": 30,
        "failure_limit": 2,
        "timeout": 1,
    }
    scene.write_config()
    env = {**os.environ, **scene.env()}
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hotfix_ci",
            "deploy",
            "-e",
            "production",
            "-p",
            "app",
            "--ref",
            NEW,
        ],
        cwd=scene.tmp,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while scene.live() != NEW and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.3)
    child.send_signal(signal.SIGTERM)
    _, stderr = child.communicate(timeout=15)
    assert child.returncode == 130, stderr
    assert "interrupted by SIGTERM" in stderr
    assert scene.history()[-1][2] == ["in_progress", "error"]
