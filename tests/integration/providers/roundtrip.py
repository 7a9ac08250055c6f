"""One round trip that drives any provider through the real ``hotfix-ci deploy`` and
``hotfix-ci rollback`` commands (the shape of pre-commit's ``testing/language_helpers.py``
``run_language``): each provider's test only says which :class:`Platform` to use.

The world: the GitHub emulator holding four release tags, the provider's contract-held
stand-in, and a loopback health server whose ``/health`` answers 500 while a "bad" release
is what the platform runs. The journey:

1. a good release goes live (the platform ran an older release nobody recorded before);
2. a failing release is rolled back automatically (exit 5);
3. a newer good release goes live, then ``rollback`` returns to the last good one;
4. ``rollback --to`` the release no Deployment recorded (the provider's ``point_for``);
5. a re-run (attempt 2) of an older release is recorded as a rollback;
6. a platform 5xx in the middle of a deploy, then 7. a timeout there, each end rolled back
   (exit 5) with the records saying so and the platform running the release they name.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from hotfix_ci.cli import main

REPO = "acme/web"
OLD, GOOD, BAD, NEW = "hotfix-v1.0.0", "hotfix-v1.0.1", "hotfix-v1.0.2", "hotfix-v1.0.3"
TAGS = (OLD, GOOD, BAD, NEW)
WATCH = {"initial_delay": 0, "interval": 0.05, "duration": 0.25, "failure_limit": 2, "timeout": 1}
STEPS = (
    "good release live",
    "failing release rolled back (exit 5)",
    "rollback to last good",
    "rollback --to unrecorded release",
    "re-run of older release = rollback",
    "platform 5xx mid-deploy",
    "timeout mid-deploy",
)


class Platform:
    """A provider's stand-in as the round trip needs it. Subclasses fill these in."""

    type = ""
    timeout = 3  # the provider's `timeout:`; a hang is longer than this

    def start(self, tmp: Path, shas: Mapping[str, str]) -> None:
        """Start the stand-in; ``shas`` are the release commits (tag -> sha)."""

    def stop(self) -> None:
        pass

    def commits(self, tmp: Path) -> Mapping[str, str] | None:
        """Real commits the emulator must mirror (tag -> sha), or None to let it choose."""
        return None

    def settings(self) -> dict[str, Any]:
        raise NotImplementedError

    def env(self) -> dict[str, str]:
        return {}

    def seed(self, tag: str) -> None:
        """Make ``tag`` live, as deployed before hotfix-ci was adopted (no Deployment)."""
        raise NotImplementedError

    def live_tag(self) -> str | None:
        raise NotImplementedError

    def fail_deploy(self) -> None:
        """The platform answers 5xx to the next deploy (its rollback call still works)."""
        raise NotImplementedError

    def hang_deploy(self) -> None:
        """The next deploy does not finish within the provider's timeout."""
        raise NotImplementedError

    def clear_faults(self) -> None:
        pass


@dataclass
class World:
    emu: Any
    tmp: Path
    platform: Platform
    monkeypatch: pytest.MonkeyPatch
    capsys: pytest.CaptureFixture[str]
    shas: dict[str, str] = field(default_factory=dict)
    bad: set[str] = field(default_factory=set)
    health_url: str = ""

    def cli(self, *args: str, attempt: int = 1) -> tuple[int, str]:
        """``main([...])`` in the checkout with the job's environment; (exit code, output)."""
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(self.tmp / "home"),
            "GITHUB_API_URL": self.emu.url,
            "GITHUB_REPOSITORY": REPO,
            "GITHUB_TOKEN": "ghs_" + "r0und" * 8,
            "GITHUB_RUN_ID": "42",
            "GITHUB_RUN_ATTEMPT": str(attempt),
            "GITHUB_SERVER_URL": "https://github.com",
            "HOTFIX_CI_HTTP_TIMEOUT": "2",
            "HOTFIX_CI_HTTP_BACKOFF": "0.01",
            "HOTFIX_CI_HTTP_MAX_WAIT": "3",
            **self.platform.env(),
        }
        with self.monkeypatch.context() as patch:
            for name in list(os.environ):
                patch.delenv(name)
            for name, value in env.items():
                patch.setenv(name, value)
            patch.chdir(self.tmp)
            self.capsys.readouterr()
            code = main(list(args))
        out = self.capsys.readouterr()
        return code, out.out + out.err

    def deploy(self, tag: str, attempt: int = 1) -> tuple[int, str]:
        return self.cli("deploy", "-e", "production", "-p", "app", "--ref", tag, attempt=attempt)

    def history(self) -> list[tuple[str, str, list[str]]]:
        """(ref, description, states oldest first) of every Deployment, oldest first."""
        found = []
        for deployment in reversed(self.emu.deployments(REPO)):
            states = [s["state"] for s in self.emu.deployment_statuses(REPO, deployment["id"])]
            found.append((deployment["ref"], deployment["description"], list(reversed(states))))
        return found

    def payloads(self) -> list[dict[str, Any]]:
        return [d["payload"] for d in reversed(self.emu.deployments(REPO))]


@contextmanager
def health_server(world: World) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            live = world.platform.live_tag()
            code = 500 if live is None or live in world.bad else 200
            body = json.dumps({"version": live}).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02})
    thread.daemon = True
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/health"
    finally:
        server.shutdown()
        server.server_close()


def _tags(world: World) -> None:
    world.emu.create_repo(REPO)
    real = world.platform.commits(world.tmp)
    for index, tag in enumerate(TAGS):
        sha = world.emu.commit(
            REPO, branch="main", message=f"fix {index}", sha=real[tag] if real else None
        )
        world.emu.add_tag(REPO, tag)
        world.shas[tag] = sha
    (world.tmp / "home").mkdir(exist_ok=True)


def _config(world: World) -> None:
    provider = {"name": "app", "type": world.platform.type, "with": world.platform.settings()}
    gate = {"name": "health", "type": "http", "url": world.health_url, "expect": {"status": 200}}
    environment = {
        "url": "https://shop.example.com",
        "providers": [provider],
        "gates": [gate],
        "watch": dict(WATCH),
        "rollback": {"on_failure": True},
    }
    config = {"version": 1, "deploy": {"environments": {"production": environment}}}
    (world.tmp / ".github").mkdir(exist_ok=True)
    (world.tmp / ".github" / "hotfix.yml").write_text(json.dumps(config, indent=2))


def run_round_trip(
    platform: Platform,
    emulator: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> list[str]:
    """The whole journey; every step asserts what it promises. Returns the steps passed."""
    world = World(emulator, tmp_path, platform, monkeypatch, capsys)
    passed: list[str] = []
    with health_server(world) as url:
        world.health_url = url
        _tags(world)
        platform.start(tmp_path, world.shas)
        try:
            _config(world)
            _journey(world, passed)
        finally:
            platform.stop()
    table = os.environ.get("HOTFIX_CI_ROUNDTRIP_TABLE")
    if table:
        with Path(table).open("a") as out:
            out.write(json.dumps({"provider": platform.type, "passed": passed}) + "\n")
    return passed


def _journey(w: World, passed: list[str]) -> None:
    p = w.platform
    p.seed(OLD)
    assert p.live_tag() == OLD

    code, out = w.deploy(GOOD)
    assert code == 0, out
    assert p.live_tag() == GOOD and w.history()[-1] == (
        GOOD,
        f"deploy {GOOD} via app",
        ["in_progress", "success"],
    )
    passed.append(STEPS[0])

    w.bad.add(BAD)
    code, out = w.deploy(BAD)
    assert code == 5, out
    assert p.live_tag() == GOOD, out
    assert w.history()[-2:] == [
        (BAD, f"deploy {BAD} via app", ["in_progress", "failure"]),
        (GOOD, f"automatic rollback of {BAD} to {GOOD} via app", ["success"]),
    ]
    passed.append(STEPS[1])

    code, out = w.deploy(NEW)
    assert code == 0 and p.live_tag() == NEW, out
    code, out = w.cli("rollback", "-e", "production")
    assert code == 0, out
    assert p.live_tag() == GOOD
    assert w.history()[-1] == (
        GOOD,
        f"rollback of {NEW} to {GOOD} via app",
        ["in_progress", "success"],
    )
    passed.append(STEPS[2])

    code, out = w.cli("rollback", "-e", "production", "--to", OLD)
    assert code == 0, out
    assert p.live_tag() == OLD, out
    assert w.history()[-1][0] == OLD and w.history()[-1][2] == ["in_progress", "success"]
    point = w.payloads()[-1]["point"]
    assert point["type"].startswith(f"{p.type}-"), point
    passed.append(STEPS[3])

    code, out = w.deploy(GOOD, attempt=2)
    assert code == 0, out
    assert p.live_tag() == GOOD
    assert w.history()[-1][1] == f"rollback of {OLD} to {GOOD} via app"
    assert w.payloads()[-1]["rollback_of"] == OLD
    passed.append(STEPS[4])

    for step, fault in ((STEPS[5], p.fail_deploy), (STEPS[6], p.hang_deploy)):
        fault()
        code, out = w.deploy(NEW)
        p.clear_faults()
        assert code == 5, out
        assert p.live_tag() == GOOD, out
        assert w.history()[-2:] == [
            (NEW, f"deploy {NEW} via app", ["in_progress", "failure"]),
            (GOOD, f"automatic rollback of {NEW} to {GOOD} via app", ["success"]),
        ], out
        passed.append(step)
