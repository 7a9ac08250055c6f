"""The scene the deploy and rollback tests share: emulator + sample service + config."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hotfix_ci.commands.demo.sample_app import (
    SampleService,
    command_settings,
    read_state,
    update_state,
)
from tests.helpers.cli import REPO, Result, base_env, run

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
        values = {"GITHUB_RUN_ID": "42", "GITHUB_SERVER_URL": "https://github.com", **extra}
        return base_env(self.emu, self.tmp, **values)

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


def deployed(scene: Scene, *tags: str) -> None:
    for tag in tags:
        result = scene.deploy(tag)
        assert result.exit_code == 0, result.stderr
