"""The demo's deploy stage: a healthy deploy, then a bad one rolled back on its own.

A tiny service on 127.0.0.1 serves /health for whatever release the state file says is
live; the ``command`` provider "deploys" by running the sample tool shipped in the package
(``sys.executable`` and an argument list). The watch runs on sub-second timings.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hotfix_ci.commands import deploy
from hotfix_ci.commands.demo.sample_app import (
    SampleService,
    command_settings,
    read_state,
    update_state,
)
from hotfix_ci.errors import HotfixError, UsageError

if TYPE_CHECKING:
    from hotfix_ci.commands.demo import Demo

DEFAULT_TAG = "hotfix-v1.4.3"
PREVIOUS = "v1.4.2"
WATCH = {"initial_delay": 0, "interval": 0.1, "duration": 0.5, "failure_limit": 2, "timeout": 1}


def next_tag(tag: str) -> str:
    """The release after ``tag``: its last number plus one (``hotfix-v1.4.3`` -> ``1.4.4``)."""
    found = re.search(r"(\d+)(\D*)$", tag)
    if found is None:
        return f"{tag}.1"
    return f"{tag[: found.start(1)]}{int(found.group(1)) + 1}{found.group(2)}"


def _ensure_tags(demo: Demo, repo: str, tags: tuple[str, ...]) -> None:
    try:
        existing = {ref["ref"] for ref in demo.emu.refs(repo)}
    except UsageError:
        demo.emu.create_repo(repo, default_branch="main")
        existing = set()
    for tag in tags:
        if f"refs/tags/{tag}" not in existing:
            demo.emu.commit(repo, branch="main", message=f"release {tag}")
            demo.emu.add_tag(repo, tag)


def _config(folder: Path, state: Path, health_url: str) -> Path:
    environment: dict[str, Any] = {
        "url": health_url.removesuffix("/health"),
        "providers": [{"name": "shop", "type": "command", "with": command_settings(state)}],
        "gates": [
            {
                "name": "health",
                "type": "http",
                "url": health_url,
                "expect": {"status": 200, "json": {"status": "healthy"}},
            },
        ],
        "watch": WATCH,
        "rollback": {"on_failure": True},
    }
    config = {"version": 1, "deploy": {"environments": {"production": environment}}}
    path = folder / "hotfix-deploy.yml"
    path.write_text(json.dumps(config, indent=2), encoding="utf-8")  # JSON is valid YAML
    return path


def _deploy(demo: Demo, tag: str, config: Path) -> int:
    out, err = io.StringIO(), io.StringIO()
    env = {**demo.env, "GITHUB_RUN_ID": "1001", "GITHUB_SERVER_URL": "https://github.com"}
    args = deploy.DeployArgs(
        environment="production",
        provider="shop",
        ref=tag,
        config=config,
        format="text",
        workdir=demo.workdir,
    )
    try:
        code = deploy.run(args, env, out, err)
    except HotfixError as exc:
        code = int(exc.exit_code)
        err.write(f"error: {exc.message}\n" + (f"  what to do: {exc.hint}\n" if exc.hint else ""))
    for line in (out.getvalue() + err.getvalue()).splitlines():
        demo.say(f"   {line}")
    demo.say(f"   (exit code {code})")
    return code


def deploy_stage(demo: Demo) -> int:
    repo = demo.env["GITHUB_REPOSITORY"]
    good = str(getattr(demo, "release_tag", None) or DEFAULT_TAG)
    bad = next_tag(good)
    _ensure_tags(demo, repo, (good, bad))
    folder = demo.workdir / "deploy-demo"
    folder.mkdir(parents=True, exist_ok=True)
    state = folder / "service-state.json"
    update_state(state, live=PREVIOUS, bad=[bad])
    with SampleService(state) as service:
        config = _config(folder, state, service.url)
        demo.step(f"5. the deploy job ships {good} to production (a service on {service.url})")
        first = _deploy(demo, good, config)
        demo.step(f"6. a later hotfix {bad} breaks /health: the gate fails, hotfix-ci rolls back")
        second = _deploy(demo, bad, config)
    live = read_state(state).get("live")
    demo.step(f"7. the Deployment history of {repo} (GitHub's deployment log)")
    for deployment in reversed(demo.emu.deployments(repo)):
        statuses = demo.emu.deployment_statuses(repo, deployment["id"])
        states = " -> ".join(s["state"] for s in reversed(statuses)) or "no status"
        demo.say(
            f"   #{deployment['id']}  {deployment['ref']:<16} {states:<24} "
            f"{deployment['description']}"
        )
    demo.say()
    demo.say(f"   {live} is live again; the failed deploy exited {second}, as it should (5).")
    return 0 if (first, second, live) == (0, 5, good) else 1
