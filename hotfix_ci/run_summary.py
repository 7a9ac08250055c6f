"""The deploy workflow's last job: the run's outcome in the step summary, exit 1 on failure.

The action runs it for ``command: summary`` with ``jobs: ${{ toJSON(needs) }}`` (passed through
``env:``, never through a shell). It writes one table row per job (its result and the
release it made) and an ``::error::`` naming the failed jobs; the notify step after it in the
workflow posts the same outcome to the team.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TextIO

from hotfix_ci.errors import ExitCode


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
    bad = failed(jobs)
    if bad:
        out.write(
            f"::error title=hotfix-ci run failed::{', '.join(bad)} did not succeed: open those "
            "jobs' logs above; a failed deploy job says whether it rolled back and what is live\n"
        )
        return int(ExitCode.POLICY_FAILED)
    return 0
