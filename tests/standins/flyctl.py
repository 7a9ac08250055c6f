"""flyctl stand-in: ``releases --json``, ``deploy --image`` and ``config show``, printing
what flyctl prints (superfly/flyctl).

Accepts:
  releases (--app|-a) APP (--json|-j) [--image]
  deploy (--app|-a) APP (--image|-i) IMAGE [(--config|-c) PATH] [--strategy S]
  config show (--app|-a) APP
Needs FLY_API_TOKEN or FLY_ACCESS_TOKEN in the environment; refuses ``-t/--access-token``
(a token on the command line would land in logs).

What it prints, from flyctl's sources:
- ``releases --json``: fly-go's ``Release`` struct with Go field names as keys (no json
  tags), newest first (internal/command/apps/releases.go ``render.JSON``).
- ``deploy --image IMAGE``: when IMAGE is in the runner's local Docker (state
  ``local_images``), "Searching for image 'IMAGE' locally..." and "Pushing image to fly"
  on stderr, and the release gets ``registry.fly.io/<app>:deployment-<ULID>``
  (internal/build/imgsrc/local_image_resolver.go, docker.go ``NewDeploymentTag``);
  stdout has ``image: <ref>`` and ``image size: ...`` (deploy_build.go) and "Visit your
  newly deployed app at https://<app>.fly.dev/" (deploy.go).
- ``config show``: the app config as JSON (internal/command/config/show.go); ``deploy
  --config F`` takes a .json or .toml file and it becomes the app's config.

State: {"apps": {APP: {"releases": [...], "config": {...}}}, "local_images": [...],
"faults": {"hang": secs, "garbage": true, "deploy_fail": "msg", "noop": true,
"server_error": true, "once": {...} (tests.standins.take_once)}, "pushed": {re-tagged ref:
original}, "calls": [argv, ...]}.
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import tomllib

from tests.standins import JsonState, apply_once, fail

VALUE_FLAGS = {
    "--app": "app",
    "-a": "app",
    "--image": "image",
    "-i": "image",
    "--config": "config",
    "-c": "config",
    "--strategy": "strategy",
}
BOOL_FLAGS = {"--json": "json", "-j": "json"}
STRATEGIES = {"canary", "rolling", "bluegreen", "immediate"}
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RELEASE_KEYS = (
    "ID",
    "Version",
    "Stable",
    "InProgress",
    "Reason",
    "Description",
    "Status",
    "DeploymentStrategy",
    "User",
    "EvaluationID",
    "CreatedAt",
    "ImageRef",
)


def ulid() -> str:
    return "".join(random.choice(CROCKFORD) for _ in range(26))


def release(version: int, image: str, status: str = "complete", **extra: Any) -> dict[str, Any]:
    """A release as fly-go's Release struct renders in JSON."""
    base = {
        "ID": f"rel_{version:04d}",
        "Version": version,
        "Stable": status == "complete",
        "InProgress": False,
        "Reason": "",
        "Description": "Release",
        "Status": status,
        "DeploymentStrategy": "rolling",
        "User": {"ID": "u1", "Email": "ci@example.test", "Name": "CI"},
        "EvaluationID": "",
        "CreatedAt": f"2026-01-01T00:{version % 60:02d}:00Z",
        "ImageRef": image,
    }
    base.update(extra)
    return base


def _parse(args: list[str], allowed: set[str]) -> dict[str, Any]:
    opts: dict[str, Any] = {}
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in VALUE_FLAGS and VALUE_FLAGS[arg] in allowed and i + 1 < len(args):
            opts[VALUE_FLAGS[arg]] = args[i + 1]
            i += 2
        elif arg in BOOL_FLAGS and BOOL_FLAGS[arg] in allowed:
            opts[BOOL_FLAGS[arg]] = True
            i += 1
        elif arg == "--image" and "image_column" in allowed:
            opts["image_column"] = True
            i += 1
        else:
            raise ValueError(f"unknown flag: {arg}")
    return opts


def main(argv: list[str], env: Mapping[str, str], state_path: str) -> int:
    store = JsonState(state_path)
    state = store.load()
    state.setdefault("calls", []).append(list(argv))
    store.save(state)
    faults: dict[str, Any] = state.get("faults", {})
    if faults.get("hang"):
        time.sleep(float(faults["hang"]))
    if any(a in ("-t", "--access-token") or a.startswith("--access-token=") for a in argv):
        return fail("Error: stand-in refuses a token on the command line; use FLY_API_TOKEN")
    if not (env.get("FLY_API_TOKEN") or env.get("FLY_ACCESS_TOKEN")):
        return fail("Error: No access token available. Please login with 'flyctl auth login'")
    if not argv:
        return fail("Error: missing command")
    command, rest = argv[0], argv[1:]
    if command == "config" and rest[:1] == ["show"]:
        command, rest = "config show", rest[1:]
    try:
        if command == "releases":
            opts = _parse(rest, {"app", "json", "image_column"})
        elif command == "deploy":
            opts = _parse(rest, {"app", "image", "config", "strategy"})
        elif command == "config show":
            opts = _parse(rest, {"app"})
        else:
            return fail(f'Error: unknown command "{command}" for "flyctl"')
    except ValueError as exc:
        return fail(f"Error: {exc}")
    app_name = opts.get("app")
    if not app_name:
        return fail("Error: the config for your app is missing an app name")
    app = state.get("apps", {}).get(app_name)
    if app is None:
        return fail(f'Error: Could not find App "{app_name}"')
    if faults.get("server_error") and command == "deploy":
        return fail(
            "Error: failed to update machine 1234: failed to update VM: "
            "502 Bad Gateway: unexpected error"
        )
    if command == "config show":
        print(json.dumps(app.get("config") or {"app": app_name}, indent=2))
        return 0
    if command == "releases":
        if not opts.get("json"):
            return fail("Error: stand-in only renders --json")
        if faults.get("garbage"):
            print("Update available 0.3.1 -> 0.4.0\nVERSION STATUS")
            return 0
        ordered = sorted(app["releases"], key=lambda r: -r["Version"])
        print(json.dumps([{k: r.get(k) for k in RELEASE_KEYS} for r in ordered], indent=2))
        return 0
    if "image" not in opts:
        return fail("Error: stand-in deploys prebuilt images only (--image)")
    if opts.get("strategy") and opts["strategy"] not in STRATEGIES:
        return fail(f"Error: invalid deployment strategy {opts['strategy']}")
    config = app.get("config") or {"app": app_name}
    if opts.get("config"):
        path = Path(opts["config"])
        if not path.is_file():
            return fail(f"Error: failed loading app config from {path}: no such file")
        text = path.read_text()
        config = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
    if faults.get("noop"):
        print("==> Verifying app config\n--> Verified app config")
        return 0
    once = apply_once(store, "deploy")
    if once is not None:
        return once
    state = {**store.load(), "apps": state["apps"]}
    image = opts["image"]
    if image in state.get("local_images", []):
        print(f"Searching for image '{image}' locally...", file=sys.stderr)
        print("image found: img_8rlxp2nzn32np3jq", file=sys.stderr)
        print("==> Pushing image to fly", file=sys.stderr)
        image = f"registry.fly.io/{app_name}:deployment-{ulid()}"
        state.setdefault("pushed", {})[image] = opts["image"]  # not flyctl's: for tests
        print("--> Pushing image done", file=sys.stderr)
    print(f"image: {image}")
    print("image size: 42 MB")
    version = 1 + max((r["Version"] for r in app["releases"]), default=0)
    failed = bool(faults.get("deploy_fail"))
    app["releases"].append(release(version, image, "failed" if failed else "complete"))
    app["releases"][-1]["_config"] = config  # not flyctl's: what the release runs
    if not failed:
        app["config"] = config
    store.save({**store.load(), "apps": state["apps"], "pushed": state.get("pushed", {})})
    if failed:
        return fail(f"Error: {faults['deploy_fail']}")
    print(f"\nVisit your newly deployed app at https://{app_name}.fly.dev/")
    return 0
