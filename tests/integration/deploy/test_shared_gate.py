"""Issue 10 item 10b: two providers of one environment behind one health gate, deployed as
the workflow does it (one matrix job per provider, in parallel, one run).

Before: the job whose rollback finished first probed the gate once, still saw the other
provider's failing release, and paged a human (exit 6, its rollback Deployment
``failure``), although a second later everything was healthy.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from hotfix_ci.commands.demo.sample_app import command_settings, read_state
from tests.helpers.cli import REPO, base_env, run

GOOD, NEW = "hotfix-v1.4.2", "hotfix-v1.4.3"
SLOW_ROLLBACK = 1.5  # seconds app-b's rollback takes


class SharedHealth:
    """``GET /health`` on 127.0.0.1: 500 while any provider runs a tag listed in ``bad``."""

    def __init__(self, states: list[Path]) -> None:
        self.bad: set[str] = set()
        health = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                live = [str(read_state(p).get("live") or "") for p in states]
                failing = [tag for tag in live if tag in health.bad]
                code = 500 if failing else 200
                body = json.dumps({"status": "failing" if failing else "healthy", "live": live})
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body.encode())

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/health"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> SharedHealth:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def health(tmp_path: Path) -> Iterator[SharedHealth]:
    with SharedHealth([tmp_path / "a.json", tmp_path / "b.json"]) as server:
        yield server


def _config(tmp_path: Path, health: SharedHealth, duration: float) -> None:
    slow_b = command_settings(tmp_path / "b.json")
    slow_b["rollback"] = [
        "sh",
        "-c",
        f'sleep {SLOW_ROLLBACK}; exec "$@"',
        "sh",
        *slow_b["rollback"],
    ]
    environment = {
        "providers": [
            {"name": "app-a", "type": "command", "with": command_settings(tmp_path / "a.json")},
            {"name": "app-b", "type": "command", "with": slow_b},
        ],
        "gates": [{"name": "health", "type": "http", "url": health.url, "expect": {"status": 200}}],
        "watch": {
            "initial_delay": 0,
            "interval": 0.1,
            "duration": duration,
            "failure_limit": 2,
            "timeout": 1,
        },
        "rollback": {"on_failure": True},
    }
    config = {"version": 1, "deploy": {"environments": {"production": environment}}}
    (tmp_path / ".github").mkdir(exist_ok=True)
    (tmp_path / ".github" / "hotfix.yml").write_text(json.dumps(config))


def _matrix(emulator: Any, tmp_path: Path, tag: str) -> dict[str, tuple[int, str]]:
    """Both providers' jobs of one run at once, each its own process through ``main``."""
    env = {**os.environ, **base_env(emulator, tmp_path, GITHUB_RUN_ID="50")}
    jobs = {}
    for name in ("app-a", "app-b"):
        argv = [sys.executable, "-m", "hotfix_ci", "deploy", "-e", "production", "-p", name]
        with (tmp_path / f"{name}.log").open("w") as log:
            jobs[name] = subprocess.Popen(
                [*argv, "--ref", tag], cwd=tmp_path, env=env, stdout=log, stderr=log
            )
    return {
        name: (job.wait(60), (tmp_path / f"{name}.log").read_text()) for name, job in jobs.items()
    }


@pytest.fixture
def released(emulator: Any, tmp_path: Path, health: SharedHealth) -> SharedHealth:
    emulator.create_repo(REPO)
    for tag in (GOOD, NEW):
        emulator.commit(REPO, branch="main", message=tag)
        emulator.add_tag(REPO, tag)
    _config(tmp_path, health, duration=0.3)
    for name in ("app-a", "app-b"):
        argv = ["deploy", "-e", "production", "-p", name, "--ref", GOOD]
        result = run(argv, base_env(emulator, tmp_path, GITHUB_RUN_ID="49"), tmp_path)
        assert result.exit_code == 0, result.stdout + result.stderr
    health.bad.add(NEW)
    _config(tmp_path, health, duration=5)  # the bound of the watch after a rollback
    return health


def _rollback_states(emulator: Any) -> dict[str, list[str]]:
    found = {}
    for deployment in emulator.deployments(REPO):
        if deployment["payload"].get("rollback_of") == NEW:
            statuses = emulator.deployment_statuses(REPO, deployment["id"])
            found[deployment["payload"]["provider"]] = [s["state"] for s in reversed(statuses)]
    return found


def test_the_first_job_back_waits_for_its_sibling_instead_of_paging(
    emulator: Any, tmp_path: Path, released: SharedHealth
) -> None:
    results = _matrix(emulator, tmp_path, NEW)
    for name, (code, output) in results.items():
        assert code == 5, f"{name}:\n{output}"
        assert "ROLLBACK FAILED" not in output
    assert "still roll(s) back: waiting for them" in results["app-a"][1]
    assert _rollback_states(emulator) == {
        "app-a": ["success"],
        "app-b": ["success"],
    }
    for state in ("a.json", "b.json"):
        assert read_state(tmp_path / state)["live"] == GOOD


def test_an_environment_that_stays_unhealthy_still_pages(
    emulator: Any, tmp_path: Path, released: SharedHealth
) -> None:
    released.bad.add(GOOD)  # the cause is not the release: the old one fails too
    results = _matrix(emulator, tmp_path, NEW)
    for name, (code, output) in results.items():
        assert code == 6, f"{name}:\n{output}"
        assert "ROLLBACK FAILED: a human must act now on production" in output
    assert {p: s[-1] for p, s in _rollback_states(emulator).items()} == {
        "app-a": "failure",
        "app-b": "failure",
    }
