"""vercel CLI stand-in: deploy --prod, inspect --format=json, rollback, promote.

Accepts ([--scope S] anywhere; --timeout as ``--timeout=T`` or ``--timeout T``):
  deploy --prod [--yes]                 stdout: the deployment URL
  inspect URL|ID|DOMAIN --format=json [--wait]
  rollback URL|ID [--timeout T]         pins the production domain to that deployment
  promote URL|ID [--yes] [--timeout T]  moves the domain and unpins it
Needs VERCEL_TOKEN in the environment; refuses ``--token`` / ``-t``; a VERCEL_PROJECT_ID
other than the state's project is refused like an unknown project.
State: {"project": NAME, "domain": DOMAIN, "scope": S, "deployments": {ID: {...}},
"aliases": {DOMAIN: ID}, "pinned": bool, "faults": {"hang", "build_fail", "garbage"},
"calls": [...]}.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

from tests.standins import JsonState, fail


def _pop_value(args: list[str], flag: str) -> str | None:
    for i, arg in enumerate(args):
        if arg == flag and i + 1 < len(args):
            value = args[i + 1]
            del args[i : i + 2]
            return value
        if arg.startswith(flag + "="):
            del args[i]
            return arg.split("=", 1)[1]
    return None


def _pop_bool(args: list[str], *flags: str) -> bool:
    found = [a for a in args if a in flags]
    for a in found:
        args.remove(a)
    return bool(found)


def _resolve(state: dict[str, Any], target: str) -> str | None:
    target = target.removeprefix("https://").rstrip("/")
    if target in state["deployments"]:
        return target
    if target in state.get("aliases", {}):
        return str(state["aliases"][target])
    for dep_id, dep in state["deployments"].items():
        if dep["url"] == target:
            return str(dep_id)
    return None


def main(argv: list[str], env: Mapping[str, str], state_path: str) -> int:
    store = JsonState(state_path)
    state = store.load()
    state.setdefault("calls", []).append(list(argv))
    store.save(state)
    faults: dict[str, Any] = state.get("faults", {})
    if faults.get("hang"):
        time.sleep(float(faults["hang"]))
    if any(a in ("--token", "-t") or a.startswith("--token=") for a in argv):
        return fail("Error: stand-in refuses --token; the CLI reads VERCEL_TOKEN")
    if not env.get("VERCEL_TOKEN"):
        return fail(
            'Error: No existing credentials found. Please run `vercel login` or pass "--token"'
        )
    project = env.get("VERCEL_PROJECT_ID")
    if project is not None and project != state.get("project"):
        return fail(f'Error: Project not found ({{"VERCEL_PROJECT_ID":"{project}"}})')
    args = list(argv)
    scope = _pop_value(args, "--scope")
    if scope is not None and scope != state.get("scope"):
        return fail(f'Error: The specified scope "{scope}" does not exist')
    timeout = _pop_value(args, "--timeout")
    if timeout is not None and not timeout.rstrip("smh").isdigit():
        return fail(f'Error: Invalid timeout "{timeout}"')
    command, rest = (args[0], args[1:]) if args else ("", [])
    state.setdefault("deployments", {})
    if (
        command == "deploy"
        and _pop_bool(rest, "--prod")
        and not [a for a in rest if a not in ("--yes", "-y")]
    ):
        return _deploy(store, state, faults)
    if command == "inspect" and len(rest) >= 2 and "--format=json" in rest:
        rest.remove("--format=json")
        _pop_bool(rest, "--wait")
        if len(rest) != 1:
            return fail("Error: `vercel inspect <url>` expects exactly one argument")
        found = _resolve(state, rest[0])
        if found is None:
            return fail(
                f'Error: Can\'t find the deployment "{rest[0]}" under the context '
                f'"{state.get("scope", "me")}"'
            )
        if faults.get("garbage"):
            print("Vercel CLI 41.0.0\n> Fetched deployment")
            return 0
        print(json.dumps({"id": found, **state["deployments"][found]}))
        return 0
    if command in ("rollback", "promote"):
        _pop_bool(rest, "--yes", "-y")
        if len(rest) != 1:
            return fail(f"Error: `vercel {command}` expects one deployment url or id")
        found = _resolve(state, rest[0])
        if found is None or state["deployments"][found]["readyState"] != "READY":
            return fail(f'Error: Deployment "{rest[0]}" is not eligible for {command}')
        state["aliases"][state["domain"]] = found
        state["pinned"] = command == "rollback"
        store.save({**store.load(), "aliases": state["aliases"], "pinned": state["pinned"]})
        print(
            f"Success! {state['domain']} now points to https://{state['deployments'][found]['url']}"
        )
        return 0
    return fail(f"Error: unknown command or options: {' '.join(argv)}")


def _deploy(store: JsonState, state: dict[str, Any], faults: dict[str, Any]) -> int:
    number = len(state["deployments"]) + 1
    dep_id = f"dpl_{number:04d}"
    url = f"{state['project']}-{number:04d}.vercel.app"
    ok = not faults.get("build_fail")
    state["deployments"][dep_id] = {
        "url": url,
        "name": state["project"],
        "target": "production",
        "readyState": "READY" if ok else "ERROR",
    }
    if ok and not state.get("pinned"):
        state.setdefault("aliases", {})[state["domain"]] = dep_id
    store.save(
        {**store.load(), "deployments": state["deployments"], "aliases": state.get("aliases", {})}
    )
    if not ok:
        return fail(f"Error: {faults['build_fail']}")
    print(f"https://{url}")
    return 0
