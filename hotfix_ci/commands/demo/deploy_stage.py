"""The demo's deploy stage: a healthy deploy, then a bad one rolled back on its own.

A tiny service on 127.0.0.1 serves /health for whatever release the state file says is
live; the ``command`` provider "deploys" by running the sample tool shipped in the package
(``sys.executable`` and an argument list). The watch runs on sub-second timings.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Production:
    """The demo's production: the sample service, its state file and the one config file the
    release stage (for the deploy matrix) and the deploy stage both read."""

    service: SampleService
    state: Path
    config: Path


def production(demo: Demo, stack: contextlib.ExitStack[bool | None] | None = None) -> Production:
    """The demo's production, started on first use and kept open by ``stack`` (default: the
    demo's own resources, closed when the demo ends)."""
    existing = getattr(demo, "production", None)
    if isinstance(existing, Production):
        return existing
    folder = demo.workdir / "deploy-demo"
    folder.mkdir(parents=True, exist_ok=True)
    state = folder / "service-state.json"
    update_state(state, live=PREVIOUS)
    service = (stack or demo.resources).enter_context(SampleService(state))
    made = Production(service=service, state=state, config=_config(folder, state, service.url))
    demo.production = made  # type: ignore[attr-defined]  # shared by the later stages
    return made


def shorten(line: str, settings: dict[str, Any]) -> str:
    """A provider log line with the sample tool's long command prefix (interpreter, script,
    state file) written as ``sample_app``: the full line is shown once, at the first deploy."""
    prefix = " ".join(settings["current"][:2])
    return line.replace(f"{prefix} ", "sample_app ").replace(f" {settings['current'][3]}", "")


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


def _deploy(demo: Demo, tag: str, config: Path, settings: dict[str, Any]) -> int:
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
        demo.say(f"   {shorten(line, settings)}")
    demo.say(f"   (exit code {code})")
    return code


def deploy_stage(demo: Demo) -> int:
    repo = demo.env["GITHUB_REPOSITORY"]
    good = str(getattr(demo, "release_tag", None) or DEFAULT_TAG)
    bad = next_tag(good)
    _ensure_tags(demo, repo, (good, bad))
    with contextlib.ExitStack() as stack:
        prod = production(demo, stack)
        state, service = prod.state, prod.service
        update_state(state, live=PREVIOUS, bad=[bad])
        settings = command_settings(state)
        demo.at(2)
        demo.step(f"5. the deploy job ships {good} to production (a service on {service.url})")
        demo.say(f"   the command provider runs: {' '.join(settings['deploy'])}")
        demo.say("   (shown below as `sample_app deploy|rollback|current [TAG]`)")
        first = _deploy(demo, good, prod.config, settings)
        demo.at(25)
        demo.step(f"6. a later hotfix {bad} breaks /health: the gate fails, hotfix-ci rolls back")
        second = _deploy(demo, bad, prod.config, settings)
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
