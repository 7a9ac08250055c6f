"""The deploy workflow's last job: the run's outcome in the step summary, exit 1 on failure.

The action runs it for ``command: summary`` with ``jobs: ${{ toJSON(needs) }}`` (passed through
``env:``, never through a shell). It writes one table row per job (its result and the
release it made) and an ``::error::`` naming the failed jobs; the notify step after it in the
workflow posts the same outcome to the team.

Then it posts the run's outcome once (:func:`hotfix_ci.notify.hooks.run_done`), when the job
checked out the config (``notify:``); a required channel that fails also exits 1.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from hotfix_ci.actions_io import ActionsIO
from hotfix_ci.errors import ExitCode

if TYPE_CHECKING:
    from hotfix_ci.github_api import GitHubClient


def parse_jobs(text: str) -> dict[str, dict[str, Any]]:
    """``toJSON(needs)``: job id -> {"result": ..., "outputs": {...}}."""
    data = json.loads(text or "{}")
    if not isinstance(data, dict):
        raise ValueError("input `jobs` must be the JSON of `needs`, an object")
    return {str(k): v if isinstance(v, dict) else {} for k, v in data.items()}


def render(jobs: Mapping[str, Mapping[str, Any]]) -> str:
    outputs = jobs.get("release", {}).get("outputs", {}) or {}
    tag = outputs.get("tag") or ""
    lines = ["## hotfix-ci run", ""]
    lines.append(f"Release: `{tag}`" if tag else "Release: none this run")
    lines += ["", "| job | result |", "| --- | --- |"]
    lines += [f"| {name} | {info.get('result', 'unknown')} |" for name, info in jobs.items()]
    return "\n".join(lines) + "\n"


def failed(jobs: Mapping[str, Mapping[str, Any]]) -> list[str]:
    return [n for n, info in jobs.items() if info.get("result") in ("failure", "cancelled")]


def run(env: Mapping[str, str], out: TextIO) -> int:
    try:
        jobs = parse_jobs(env.get("INPUT_JOBS", ""))
    except ValueError as exc:
        out.write(f"::error title=hotfix-ci summary::{exc}\n")
        return int(ExitCode.USAGE)
    text = render(jobs)
    summary = env.get("GITHUB_STEP_SUMMARY")
    if summary:
        with Path(summary).open("a", encoding="utf-8") as handle:
            handle.write(text)
    out.write(text)
    code = _notify(jobs, env, out)
    bad = failed(jobs)
    if bad:
        out.write(
            f"::error title=hotfix-ci run failed::{', '.join(bad)} did not succeed: open those "
            "jobs' logs above; a failed deploy job says whether it rolled back and what is live\n"
        )
        return int(ExitCode.POLICY_FAILED)
    return int(code)


def _notify(jobs: Mapping[str, Mapping[str, Any]], env: Mapping[str, str], out: TextIO) -> ExitCode:
    """The run's one notification; a problem here is a warning, never a lost summary."""
    from hotfix_ci.config import load_config
    from hotfix_ci.errors import HotfixError
    from hotfix_ci.notify import hooks

    workdir = Path(env.get("GITHUB_WORKSPACE") or ".")
    config = (env.get("INPUT_CONFIG") or "").strip()
    io = ActionsIO(env, out)
    token = (env.get("GITHUB_TOKEN") or "").strip()
    io.mask(token)
    try:
        cfg = load_config(Path(config) if config else None, workdir=workdir)
        if not cfg.notify.channels:
            return ExitCode.OK
        github = _client(io, token) if token else None
        say = lambda line: print(line, file=out)  # noqa: E731
        stage = hooks.Stage(cfg=cfg, env=env, io=io, say=say, github=github, workdir=workdir)
        return hooks.run_done(jobs, stage)
    except HotfixError as exc:
        io.annotation("warning", f"no notification of the run's outcome: {exc.message}")
        return ExitCode.OK


def _client(io: ActionsIO, token: str) -> GitHubClient | None:
    from hotfix_ci.commands.context import env_connection
    from hotfix_ci.github_api import GitHubClient

    repo = io.env.get("GITHUB_REPOSITORY") or ""
    if not repo:
        return None
    return GitHubClient(env_connection(io.env, token), repo)
