"""The scene the deploy and rollback tests share (emulator + sample service + config), and
tests of the sample deploy tool itself."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import requests

from hotfix_ci.commands.demo.sample_app import (
    SampleService,
    command_settings,
    read_state,
    update_state,
)
from hotfix_ci.proc import run as run_process
from tests.integration.gate_helpers import REPO, Result, base_env, run

TAGS = ("hotfix-v1.4.1", "hotfix-v1.4.2", "hotfix-v1.4.3", "hotfix-v1.4.4")
FAST_WATCH = {
    "initial_delay": 0,
    "interval": 0.05,
    "duration": 0.25,
    "failure_limit": 2,
    "timeout": 1,
}


class Scene:
    """A repository with release tags on the emulator, a service on 127.0.0.1 whose live
    version the `command` provider sets, and a config deploying it to `production`."""

    def __init__(self, emu: Any, tmp_path: Path, service: SampleService) -> None:
        self.emu, self.tmp, self.service = emu, tmp_path, service
        self.state = service.state
        emu.create_repo(REPO)
        for index, tag in enumerate(TAGS):
            emu.commit(REPO, branch="main", message=f"fix {index}")
            emu.add_tag(REPO, tag)
        self.environment: dict[str, Any] = {
            "url": "https://shop.example.com",
            "providers": [{"name": "app", "type": "command", "with": command_settings(self.state)}],
            "gates": [
                {
                    "name": "health",
                    "type": "http",
                    "url": service.url,
                    "expect": {"status": 200, "json": {"status": "healthy"}},
                },
            ],
            "watch": dict(FAST_WATCH),
            "rollback": {"on_failure": True},
        }
        self.write_config()

    def write_config(self) -> None:
        config = {"version": 1, "deploy": {"environments": {"production": self.environment}}}
        folder = self.tmp / ".github"
        folder.mkdir(exist_ok=True)
        (folder / "hotfix.yml").write_text(json.dumps(config, indent=2))

    def env(self, **extra: str) -> dict[str, str]:
        return base_env(
            self.emu, self.tmp, GITHUB_RUN_ID="42", GITHUB_SERVER_URL="https://github.com", **extra
        )

    def cli(self, args: list[str], **extra: str) -> Result:
        return run(args, self.env(**extra), self.tmp)

    def deploy(self, tag: str, *flags: str, **extra: str) -> Result:
        return self.cli(["deploy", "-e", "production", "-p", "app", "--ref", tag, *flags], **extra)

    def live(self) -> str | None:
        return read_state(self.state).get("live")

    def set(self, **values: Any) -> None:
        update_state(self.state, **values)

    def history(self) -> list[tuple[str, str, list[str]]]:
        """(ref, description, states oldest first) of every Deployment, oldest first."""
        found = []
        for deployment in reversed(self.emu.deployments(REPO)):
            states = [s["state"] for s in self.emu.deployment_statuses(REPO, deployment["id"])]
            found.append((deployment["ref"], deployment["description"], list(reversed(states))))
        return found

    def payloads(self) -> list[dict[str, Any]]:
        return [d["payload"] for d in reversed(self.emu.deployments(REPO))]


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
