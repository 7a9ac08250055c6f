"""Round-trip platforms of the API-driven providers: Railway, Render, Heroku."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tests.integration.providers.roundtrip import Platform
from tests.standins.heroku_api import HerokuAPIStandin
from tests.standins.railway import RailwayStandin
from tests.standins.render_api import RenderAPIStandin


class _ByCommit(Platform):
    shas: Mapping[str, str] = {}

    def tag_of(self, sha: str | None) -> str | None:
        return next((t for t, s in self.shas.items() if s == sha), None)


class RailwayPlatform(_ByCommit):
    type = "railway"

    def start(self, tmp: Path, shas: Mapping[str, str]) -> None:
        self.shas = shas
        self.api = RailwayStandin(token="rw_" + "k" * 40).__enter__()

    def stop(self) -> None:
        self.api.__exit__()
        assert self.api.rejected == [], self.api.rejected

    def settings(self) -> dict[str, Any]:
        ids = {"project_id": "prj_1", "environment_id": "env_1", "service_id": "svc_1"}
        return {**ids, "poll_interval": 0.01, "timeout": self.timeout}

    def env(self) -> dict[str, str]:
        return {"RAILWAY_API_TOKEN": self.api.token, "HOTFIX_CI_RAILWAY_API_URL": self.api.url}

    def seed(self, tag: str) -> None:
        self.api.seed(self.shas[tag])

    def live_tag(self) -> str | None:
        live = self.api.live
        return self.tag_of(live["meta"].get("commitHash")) if live else None

    def fail_deploy(self) -> None:
        self.api.fail_op = ("serviceInstanceDeployV2", 503)

    def hang_deploy(self) -> None:
        self.api.stall_next_deploy = True

    def clear_faults(self) -> None:
        self.api.fail_op = None


class RenderPlatform(_ByCommit):
    type = "render"

    def start(self, tmp: Path, shas: Mapping[str, str]) -> None:
        self.shas = shas
        self.api = RenderAPIStandin(token="rnd_" + "k" * 32, service_id="srv-abc123").start()

    def stop(self) -> None:
        self.api.stop()
        assert self.api.violations == [], self.api.violations

    def settings(self) -> dict[str, Any]:
        return {"service_id": "srv-abc123", "poll_interval": 0.01, "timeout": self.timeout}

    def env(self) -> dict[str, str]:
        return {"RENDER_API_KEY": self.api.token, "RENDER_API_URL": self.api.url}

    def seed(self, tag: str) -> None:
        self.api.seed_live(self.shas[tag])

    def live_tag(self) -> str | None:
        live = self.api.live()
        return self.tag_of(live["commit"]["id"]) if live else None

    def fail_deploy(self) -> None:
        self.api.fail_route = ("POST", "/deploys", 503)

    def hang_deploy(self) -> None:
        self.api.stall_next = True

    def clear_faults(self) -> None:
        self.api.fail_route = None


class HerokuPlatform(_ByCommit):
    type = "heroku"

    def start(self, tmp: Path, shas: Mapping[str, str]) -> None:
        self.shas = shas
        self.api = HerokuAPIStandin(token="hrku-" + "k" * 36, app="acme-web").__enter__()

    def stop(self) -> None:
        self.api.__exit__()
        assert self.api.violations == [], self.api.violations

    def settings(self) -> dict[str, Any]:
        return {
            "app": "acme-web",
            "source_url": "https://codeload.example.test/acme/web/tar.gz/{sha}",
            "poll_interval": 0.01,
            "timeout": self.timeout,
        }

    def env(self) -> dict[str, str]:
        return {"HEROKU_API_KEY": self.api.token, "HEROKU_API_URL": self.api.url}

    def seed(self, tag: str) -> None:
        self.api.seed_build(self.shas[tag])

    def live_tag(self) -> str | None:
        live = self.api.live()
        return self.tag_of(live["_source"].removeprefix("build:")) if live else None

    def fail_deploy(self) -> None:
        self.api.fail_route = ("POST", "/builds", 503)

    def hang_deploy(self) -> None:
        self.api.stall_builds = True

    def clear_faults(self) -> None:
        self.api.fail_route = None
        self.api.stall_builds = False
