"""The demo's sample service and its deploy tool, on their own."""

from __future__ import annotations

from pathlib import Path

import requests

from hotfix_ci.commands.demo.sample_app import (
    SampleService,
    command_settings,
    read_state,
    update_state,
)
from hotfix_ci.proc import run as run_process


def test_sample_tool_round_trips_and_injects_failures(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    settings = command_settings(state)
    run_process([*settings["deploy"][:-1], "hotfix-v1.4.2"])
    assert run_process(settings["current"]).stdout.strip() == "hotfix-v1.4.2"
    update_state(state, fail={"rollback": "registry down"})
    failed = run_process([*settings["rollback"][:-1], "hotfix-v1.4.1"], check=False)
    assert failed.returncode == 1 and "registry down" in failed.stderr
    assert read_state(state)["live"] == "hotfix-v1.4.2"
    assert set(read_state(state)["started"]) == {"deploy", "current", "rollback"}


def test_sample_service_health_follows_the_live_tag(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    update_state(state, live="hotfix-v1.4.3", bad=["hotfix-v1.4.4"])
    with SampleService(state) as service:
        ok = requests.get(service.url, timeout=5)
        assert (ok.status_code, ok.json()["version"]) == (200, "hotfix-v1.4.3")
        update_state(state, live="hotfix-v1.4.4")
        assert requests.get(service.url, timeout=5).status_code == 500
