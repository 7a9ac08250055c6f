"""flyctl stand-in: ``releases`` and ``deploy --image`` as documented.

Accepts:
  releases (--app|-a) APP (--json|-j) [--image]
  deploy (--app|-a) APP (--image|-i) IMAGE [(--config|-c) PATH] [--strategy S]
Needs FLY_API_TOKEN or FLY_ACCESS_TOKEN in the environment; refuses ``-t/--access-token``
(a token on the command line would land in logs).
State: {"apps": {APP: {"releases": [{"Version", "Status", "ImageRef", ...}]}},
"faults": {"hang": secs, "garbage": true, "deploy_fail": "msg", "noop": true},
"calls": [argv, ...]}.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

from tests.standins import JsonState, fail

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
    try:
        if command == "releases":
            opts = _parse(rest, {"app", "json", "image_column"})
        elif command == "deploy":
            opts = _parse(rest, {"app", "image", "config", "strategy"})
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
    if command == "releases":
        if not opts.get("json"):
            return fail("Error: stand-in only renders --json")
        if faults.get("garbage"):
            print("Update available 0.3.1 -> 0.4.0\nVERSION STATUS")
            return 0
        print(json.dumps(sorted(app["releases"], key=lambda r: -r["Version"]), indent=2))
        return 0
    if "image" not in opts:
        return fail("Error: stand-in deploys prebuilt images only (--image)")
    if opts.get("strategy") and opts["strategy"] not in STRATEGIES:
        return fail(f"Error: invalid deployment strategy {opts['strategy']}")
    if faults.get("noop"):
        print("==> Verifying app config\n--> Verified app config")
        return 0
    version = 1 + max((r["Version"] for r in app["releases"]), default=0)
    failed = bool(faults.get("deploy_fail"))
    app["releases"].append(
        {
            "ID": f"rel_{version}",
            "Version": version,
            "Status": "failed" if failed else "complete",
            "Description": "Release",
            "ImageRef": opts["image"],
        }
    )
    store.save({**store.load(), "apps": state["apps"]})
    if failed:
        return fail(f"Error: {faults['deploy_fail']}")
    print(f"Visit your newly deployed app at https://{app_name}.fly.dev/")
    return 0
