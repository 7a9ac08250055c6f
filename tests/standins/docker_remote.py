"""``docker`` stand-in for the host of the compose-ssh provider.

Accepts only ``docker compose [-f FILE] up -d [--wait [--wait-timeout N]] [--build]
[SERVICE...]`` (the documented syntax, https://docs.docker.com/reference/cli/docker/compose/
up/), run in a directory with
the compose file (default ``compose.yaml``, ``compose.yml``, ``docker-compose.yaml`` or
``docker-compose.yml``) whose ``services`` name every SERVICE. Installed with
``tests.standins.install(bin_dir, "docker", "docker_remote", state_file)``.

``--wait`` behaves as Compose documents it: it waits for the services to be running (and
healthy where they have a healthcheck) and exits 1 when one is not. Fault ``unhealthy``
names services whose container crash-loops: without ``--wait`` compose still starts them
and exits 0, as the real one does; with it, "container app-web-1 is unhealthy", exit 1.
State: {"calls": [{"argv": [...], "cwd": "..."}], "running": {"head": sha, "services":
[...], "build": bool, "cwd": "..."}, "faults": {"up_fail": "stderr line", "hang": secs,
"unhealthy": [service, ...]}}.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from tests.standins import JsonState, apply_once, fail

DEFAULT_FILES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
USAGE = "unknown docker command for this stand-in (only `docker compose [-f FILE] up -d "
"[--wait [--wait-timeout N]] [--build] [SERVICE...]`): "


def _parse(argv: list[str]) -> tuple[str | None, bool, list[str], bool] | None:
    """(compose file, build, services, wait), or None when ``argv`` is not the syntax."""
    args = list(argv)
    if args[:1] != ["compose"]:
        return None
    args.pop(0)
    compose_file = None
    if args[:1] == ["-f"]:
        if len(args) < 2:
            return None
        compose_file = args[1]
        del args[:2]
    if args[:2] != ["up", "-d"]:
        return None
    del args[:2]
    wait = args[:1] == ["--wait"]
    if wait:
        args.pop(0)
        if args[:1] == ["--wait-timeout"]:
            if len(args) < 2 or not args[1].isdigit():
                return None
            del args[:2]
    build = args[:1] == ["--build"]
    if build:
        args.pop(0)
    if any(a.startswith("-") for a in args):
        return None
    return compose_file, build, args, wait


def main(argv: list[str], env: Mapping[str, str], state_path: str) -> int:
    store = JsonState(state_path)
    state = store.load()
    cwd = Path.cwd()
    state.setdefault("calls", []).append({"argv": list(argv), "cwd": str(cwd)})
    store.save(state)
    faults: dict[str, Any] = state.get("faults", {})
    if faults.get("hang"):
        time.sleep(float(faults["hang"]))
    parsed = _parse(argv)
    if parsed is None:
        return fail(USAGE + " ".join(argv), 125)
    compose_file, build, services, wait = parsed
    candidates = [compose_file] if compose_file else list(DEFAULT_FILES)
    found = next((cwd / name for name in candidates if (cwd / name).is_file()), None)
    if found is None:
        return fail("no configuration file provided: not found")
    defined = (yaml.safe_load(found.read_text()) or {}).get("services") or {}
    unknown = [s for s in services if s not in defined]
    if unknown:
        return fail(f"no such service: {unknown[0]}")
    if faults.get("up_fail"):
        return fail(str(faults["up_fail"]))
    once = apply_once(store, "up")
    if once is not None:
        return once
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    started = services or sorted(defined)
    running = {"head": head, "services": started, "build": build, "cwd": str(cwd)}
    store.save({**store.load(), "running": running})
    for service in started:
        print(f" Container app-{service}-1  Started")
    sick = [s for s in started if s in faults.get("unhealthy", [])]
    if wait and sick:
        return fail(f"container app-{sick[0]}-1 is unhealthy")
    for service in started if wait else []:
        print(f" Container app-{service}-1  Healthy")
    return 0
