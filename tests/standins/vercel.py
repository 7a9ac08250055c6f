"""vercel CLI stand-in, printing what the Vercel CLI prints (vercel/vercel packages/cli).

Accepts ([--scope S] anywhere; --timeout as ``--timeout=T`` or ``--timeout T``):
  --version                              stdout: the version alone (src/index.ts)
  build --prod [--yes]                   writes .vercel/output in the directory
  deploy [--prebuilt] --prod [--yes] [-m K=V]...   stdout: the deployment URL
  inspect URL|ID|DOMAIN --format=json [--wait]
  list --prod [-m K=V]... --format json  {deployments: [{id, url, state, target, meta, ...}]}
  rollback URL|ID [--timeout T]          pins the production domain to that deployment
  promote URL|ID [--yes] [--timeout T]   moves the domain and unpins it
Every command first prints the banner "Vercel CLI <version>" on stderr. Needs
VERCEL_TOKEN in the environment; a CLI older than 50.12.1 (state ``version``) ignores it,
as the real one did before #14831, and answers as with no credentials; refuses ``--token``.
``VERCEL_PROJECT_ID`` without ``VERCEL_ORG_ID`` (or the reverse) answers the CLI's own
error from src/util/projects/link.ts, exit 1; a VERCEL_PROJECT_ID other than the state's
project is "Project not found". Errors are "Error: <message>" (src/util/output/
create-output.ts); an unknown deployment is ``Can't find the deployment "X" under the
context "Y"`` (src/util/errors-ts.ts).
State: {"version", "project", "org", "domain", "scope", "deployments": {ID: {...}},
"aliases": {DOMAIN: ID}, "pinned": bool, "faults": {"hang", "build_fail", "garbage",
"server_error", "once"}, "calls": [...]}.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tests.standins import JsonState, apply_once, fail

DEFAULT_VERSION = "50.12.1"


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


def _pop_all(args: list[str], *flags: str) -> list[str]:
    found = []
    while True:
        value = next((v for f in flags if (v := _pop_value(args, f)) is not None), None)
        if value is None:
            return found
        found.append(value)


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


def _version(state: Mapping[str, Any]) -> tuple[int, ...]:
    return tuple(int(x) for x in str(state.get("version", DEFAULT_VERSION)).split("."))


def main(argv: list[str], env: Mapping[str, str], state_path: str) -> int:
    store = JsonState(state_path)
    state = store.load()
    state.setdefault("calls", []).append(list(argv))
    store.save(state)
    version = str(state.get("version", DEFAULT_VERSION))
    if argv == ["--version"]:
        print(f"Vercel CLI {version}", file=sys.stderr)
        print(version)
        return 0
    print(f"Vercel CLI {version}", file=sys.stderr)
    faults: dict[str, Any] = state.get("faults", {})
    if faults.get("hang"):
        time.sleep(float(faults["hang"]))
    if any(a in ("--token", "-t") or a.startswith("--token=") for a in argv):
        return fail("Error: stand-in refuses --token; the CLI reads VERCEL_TOKEN")
    if not env.get("VERCEL_TOKEN") or _version(state) < (50, 12, 1):
        return fail(
            'Error: No existing credentials found. Please run `vercel login` or pass "--token"'
        )
    project, org = env.get("VERCEL_PROJECT_ID"), env.get("VERCEL_ORG_ID")
    if bool(project) != bool(org):
        given, missing = (
            ("VERCEL_ORG_ID", "VERCEL_PROJECT_ID")
            if org
            else ("VERCEL_PROJECT_ID", "VERCEL_ORG_ID")
        )
        return fail(
            f"Error: You specified `{given}` but you forgot to specify `{missing}`. You need "
            "to specify both to deploy to a custom project.\n"
        )
    if project is not None and (project != state.get("project") or org != state.get("org", org)):
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
    if faults.get("server_error") and command in ("deploy", "build"):
        return fail("Error: Response Error (500): An unexpected internal error occurred")
    meta = dict(m.split("=", 1) for m in _pop_all(rest, "-m", "--meta") if "=" in m)
    if (
        command == "build"
        and _pop_bool(rest, "--prod")
        and not [r for r in rest if r not in ("--yes", "-y")]
    ):
        output = Path.cwd() / ".vercel" / "output"
        output.mkdir(parents=True, exist_ok=True)
        (output / "config.json").write_text('{"version": 3}')
        print("Build Completed in .vercel/output [1s]", file=sys.stderr)
        return 0
    if command == "deploy" and (once := apply_once(store, "deploy")) is not None:
        return once
    if command == "deploy" and _pop_bool(rest, "--prod"):
        prebuilt = _pop_bool(rest, "--prebuilt")
        if [a for a in rest if a not in ("--yes", "-y")]:
            return fail(f"Error: unknown command or options: {' '.join(argv)}")
        if prebuilt and not (Path.cwd() / ".vercel" / "output" / "config.json").is_file():
            return fail(
                'Error: The "--prebuilt" option was used, but no prebuilt output found in '
                '".vercel/output". Run `vercel build` to generate a local build.'
            )
        return _deploy(store, state, faults, meta, prebuilt)
    if command == "list" and _pop_bool(rest, "--prod"):
        fmt = _pop_value(rest, "--format")
        if fmt != "json" or rest:
            return fail(f"Error: unknown command or options: {' '.join(argv)}")
        return _list(state, meta)
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
        dep = state["deployments"][found]
        print(json.dumps({"id": found, **{k: v for k, v in dep.items() if k != "meta"}}))
        return 0
    if command in ("rollback", "promote"):
        _pop_bool(rest, "--yes", "-y")
        if len(rest) != 1:
            return fail(f"Error: `vercel {command}` expects one deployment url or id")
        found = _resolve(state, rest[0])
        if found is None or state["deployments"][found]["readyState"] != "READY":
            return fail(f'Error: Deployment "{rest[0]}" is not eligible for {command}')
        state.setdefault("aliases", {})[state["domain"]] = found
        state["pinned"] = command == "rollback"
        store.save({**store.load(), "aliases": state["aliases"], "pinned": state["pinned"]})
        print(
            f"Success! {state['domain']} now points to https://{state['deployments'][found]['url']}"
        )
        return 0
    return fail(f"Error: unknown command or options: {' '.join(argv)}")


def _list(state: dict[str, Any], meta: Mapping[str, str]) -> int:
    found = [
        {
            "id": dep_id,
            "url": dep["url"],
            "name": dep["name"],
            "state": dep["readyState"],
            "target": dep["target"],
            "createdAt": dep.get("createdAt", 0),
            "meta": dep.get("meta", {}),
        }
        for dep_id, dep in state["deployments"].items()
        if dep["target"] == "production"
        and all(dep.get("meta", {}).get(k) == v for k, v in meta.items())
    ]
    found.sort(key=lambda d: d["createdAt"], reverse=True)
    doc = {"contextName": state.get("scope", "me"), "deployments": found, "pagination": {}}
    print(json.dumps(doc, indent=2))
    return 0


def _deploy(
    store: JsonState,
    state: dict[str, Any],
    faults: dict[str, Any],
    meta: Mapping[str, str],
    prebuilt: bool,
) -> int:
    number = len(state["deployments"]) + 1
    dep_id = f"dpl_{number:04d}"
    url = f"{state['project']}-{number:04d}.vercel.app"
    ok = not faults.get("build_fail")
    state["deployments"][dep_id] = {
        "url": url,
        "name": state["project"],
        "target": "production",
        "readyState": "READY" if ok else "ERROR",
        "createdAt": 1_700_000_000_000 + number,
        "meta": dict(meta),
        "prebuilt": prebuilt,  # not Vercel's: for assertions
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
