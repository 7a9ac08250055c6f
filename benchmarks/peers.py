"""Run the peer actions' committed bundles with node, the way the Actions runner does.

The bundles are in ../shared/peers/<name>/ (see its README.md): `node dist/index.js` with
each input as INPUT_<NAME> (upper case, spaces as `_`, dashes kept) from the action.yml
defaults (`${{ github.token }}` and `${{ github.api_url }}` filled in) and the hotfix
settings below, a pull_request event file, GITHUB_REPOSITORY and GITHUB_API_URL.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

PEERS_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "peers"

# name -> (what it checks, inputs, extra environment), from ../shared/peers/README.md
PEERS: dict[str, tuple[str, dict[str, str], dict[str, str]]] = {
    "action-semantic-pull-request": (
        "title",
        {
            "types": "HOTFIX",
            "headerPattern": r"^\[(\w+)\] (.+)$",
            "headerPatternCorrespondence": "type, subject",
        },
        {},
    ),
    "github-action-required-labels": (
        "labels",
        {"mode": "exactly", "count": "1", "labels": "hotfix"},
        {},
    ),
    "size-label-action": ("size (first 30 files)", {}, {"IGNORED": ""}),
}


@dataclass(frozen=True)
class PeerRun:
    name: str
    checks: str
    seconds: float
    requests: int
    exit_code: int
    output: str


def missing() -> str | None:
    """Why the peer rows cannot run here, or None."""
    if shutil.which("node") is None:
        return "node is not on PATH"
    absent = [name for name in PEERS if not (PEERS_DIR / name / "dist" / "index.js").is_file()]
    if absent:
        return f"{PEERS_DIR} lacks {', '.join(absent)}"
    return None


def _input_env(name: str, api_url: str, token: str) -> dict[str, str]:
    action = yaml.safe_load((PEERS_DIR / name / "action.yml").read_text(encoding="utf-8"))
    expressions = {"${{ github.token }}": token, "${{ github.api_url }}": api_url}
    env = {}
    values = {
        key: str(spec.get("default", ""))
        for key, spec in (action.get("inputs") or {}).items()
        if spec and "default" in spec
    }
    values.update(PEERS[name][1])
    for key, value in values.items():
        text = value
        for expression, filled in expressions.items():
            text = text.replace(expression.replace(" ", ""), filled).replace(expression, filled)
        env[f"INPUT_{key.replace(' ', '_').upper()}"] = text
    return env


def event_for(emu: Any, repo: str, number: int, token: str) -> dict[str, Any]:
    """A pull_request `opened` payload built from the emulator's own pull and repository."""
    import requests

    headers = {"Authorization": f"token {token}"}
    pull = requests.get(f"{emu.url}/repos/{repo}/pulls/{number}", headers=headers, timeout=10)
    pull.raise_for_status()
    data = pull.json()
    return {
        "action": "opened",
        "number": number,
        "pull_request": data,
        "repository": data["base"]["repo"],
        "sender": data["user"],
    }


def run_peer(name: str, emu: Any, repo: str, event: dict[str, Any], token: str) -> PeerRun:
    with tempfile.TemporaryDirectory(prefix="peer-") as scratch:
        event_path = Path(scratch) / "event.json"
        event_path.write_text(json.dumps(event), encoding="utf-8")
        output = Path(scratch) / "output"
        output.touch()
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": scratch,
            "GITHUB_ACTIONS": "true",
            "GITHUB_EVENT_NAME": "pull_request",
            "GITHUB_EVENT_PATH": str(event_path),
            "GITHUB_REPOSITORY": repo,
            "GITHUB_API_URL": emu.url,
            "GITHUB_SERVER_URL": emu.url,
            "GITHUB_GRAPHQL_URL": f"{emu.url}/graphql",
            "GITHUB_TOKEN": token,
            "GITHUB_OUTPUT": str(output),
            "GITHUB_STEP_SUMMARY": str(Path(scratch) / "summary"),
            "RUNNER_TEMP": scratch,
            **_input_env(name, emu.url, token),
            **PEERS[name][2],
        }
        before = len(emu.requests)
        started = time.perf_counter()
        done = subprocess.run(
            ["node", str(PEERS_DIR / name / "dist" / "index.js")],
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        seconds = time.perf_counter() - started
    return PeerRun(
        name=name,
        checks=PEERS[name][0],
        seconds=seconds,
        requests=len(emu.requests) - before,
        exit_code=done.returncode,
        output=(done.stdout + done.stderr).strip(),
    )
